//! Why a signature failed, where a common mistake explains it: the keys those mistakes would
//! have produced, found when the scheme is built, and tried only after a mismatch.

use http::request::Parts;

use super::{HmacScheme, KeyEncoding, builder::decode_whsec};
use crate::{
    Rejection, Secret,
    scheme_kit::{few::Tag, gate::Gate},
};

const HINT_WHITESPACE: &str = "the signature matches the secret without its leading or trailing \
     whitespace: the configured secret has stray whitespace (a newline from a file?)";
const HINT_DECODE_WHSEC: &str = "the signature matches the base64-decoded `whsec_` secret: this \
     provider follows Standard Webhooks, use KeyEncoding::StandardWebhooks";
const HINT_RAW_WHSEC: &str = "the signature matches the `whsec_` secret used as plain text (as \
     Stripe uses it): use KeyEncoding::Utf8 for this provider";
const HINT_PROXY: &str = "the request came through a proxy (Via/Forwarded headers): check that \
     it forwards the body byte for byte, with no re-encoding, decompression or charset change";

/// A key a common mistake would have given, and the hint that names the mistake.
#[derive(Debug, Clone)]
pub(super) struct NearMiss {
    key: Secret,
    hint: &'static str,
}

/// The keys that common mistakes with `secret` would have produced instead of the right one.
pub(super) fn near_misses(secret: &Secret, encoding: KeyEncoding) -> Vec<NearMiss> {
    let bytes = secret.expose_secret();
    let trimmed = bytes.trim_ascii();
    let mut misses = Vec::new();
    match encoding {
        KeyEncoding::Utf8 => {
            if trimmed.len() != bytes.len() && !trimmed.is_empty() {
                misses.push(NearMiss {
                    key: Secret::new(trimmed),
                    hint: HINT_WHITESPACE,
                });
            }
            if let Some(decoded) = decode_whsec(trimmed) {
                misses.push(NearMiss {
                    key: decoded,
                    hint: HINT_DECODE_WHSEC,
                });
            }
        }
        KeyEncoding::StandardWebhooks => misses.push(NearMiss {
            key: secret.clone(),
            hint: HINT_RAW_WHSEC,
        }),
    }
    misses
}

/// The largest signed content the near-miss keys are tried on. Configuration mistakes show on
/// the first deliveries, which are small; a forger's large bodies must not cost a MAC per
/// near miss.
pub(super) const MAX_HINTED_BYTES: usize = 64 * 1024;

/// How many mismatches a second, per scheme, have the near-miss keys tried on them: enough to
/// name a mistake in the log, too few for a flood of forgeries to double its cost.
pub(super) const HINTED_PER_SECOND: u32 = 20;

/// The gate a scheme's near-miss trials go through.
pub(super) fn hint_gate() -> Gate {
    Gate::new(1, HINTED_PER_SECOND)
}

impl HmacScheme {
    /// A mismatch, with a hint when a common mistake explains it.
    pub(super) fn mismatch(&self, head: &Parts, message: &[&[u8]], tags: &[Tag]) -> Rejection {
        let rejection = Rejection::signature_mismatch();
        let size: usize = message.iter().map(|part| part.len()).sum();
        if !self.near_misses.is_empty()
            && size <= MAX_HINTED_BYTES
            && let Some(_pass) = self.hint_gate.try_enter()
            && let Some(miss) = self.near_misses.iter().find(|miss| {
                self.algorithm
                    .matches_any(miss.key.expose_secret(), message, tags)
            })
        {
            return rejection.with_hint(miss.hint);
        }
        if head.headers.contains_key(http::header::VIA)
            || head.headers.contains_key(http::header::FORWARDED)
        {
            return rejection.with_hint(HINT_PROXY);
        }
        rejection
    }
}
