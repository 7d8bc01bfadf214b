use std::time::{Duration, UNIX_EPOCH};

use base64::Engine as _;
use bytes::Bytes;
use ed25519_dalek::Signature;
use http::{HeaderValue, request::Parts};

use super::{
    DEFAULT_TOLERANCE, ID_HEADER as ID, SIGNATURE_HEADER as SIGNATURE,
    TIMESTAMP_HEADER as TIMESTAMP,
};
use crate::{
    Clock, ConfigError, Keys, Rejection, ReplayWindow, SignatureScheme, Verification,
    hmac_scheme::SignatureFormat,
    scheme_kit::ed25519::PublicKeys,
    scheme_kit::header::{first_present, parse_digits},
};

const FORMAT: SignatureFormat = SignatureFormat::Tagged {
    separator: ' ',
    delimiter: ',',
    tag: "v1a",
};

/// Verifies Standard Webhooks `v1a` (Ed25519) signatures with the sender's `whpk_` public
/// key(s). Needs the `ed25519` feature.
///
/// | | |
/// |---|---|
/// | headers | `webhook-id`, `webhook-timestamp`, `webhook-signature: v1a,<b64> …` |
/// | signed content | `{id}.{timestamp}.{raw body}` |
/// | signature | Ed25519, 64 bytes, base64 |
/// | key | `whpk_` + base64 of the 32-byte public key (the prefix is optional) |
/// | replay window | 300 s each way |
/// | rotation | any signature valid under any key; `v1` (HMAC) entries are ignored |
///
/// ```
/// use tower_webhooks::{WebhookSignatureLayer, standard_webhooks::StandardWebhooksV1a};
///
/// let scheme = StandardWebhooksV1a::new("whpk_A6EHv/POEL4dcN0Y50vAmWfk1jCbpQ1fHdyGZBJVMbg=")?;
/// let layer = WebhookSignatureLayer::new(scheme);
/// # let _ = layer;
/// # Ok::<(), tower_webhooks::ConfigError>(())
/// ```
#[derive(Debug, Clone)]
pub struct StandardWebhooksV1a {
    keys: PublicKeys,
    window: ReplayWindow,
    clock: Clock,
}

impl StandardWebhooksV1a {
    /// Verifies with the sender's `whpk_…` public key (or any of [`Keys`]). Fails when a key is
    /// not base64 of a 32-byte Ed25519 public key, or there is none.
    pub fn new(public_keys: impl Into<Keys>) -> Result<Self, ConfigError> {
        Self::with_keys(public_keys.into())
    }

    /// Verifies with any of several `whpk_…` public keys. Fails when a key is not base64 of a
    /// 32-byte Ed25519 public key, or there is none.
    pub fn with_keys(public_keys: Keys) -> Result<Self, ConfigError> {
        let keys = PublicKeys::new(
            "standard-webhooks-v1a",
            public_keys,
            "`whpk_` + base64 of 32 bytes",
            |text| {
                let text = text.strip_prefix(b"whpk_").unwrap_or(text);
                let bytes = base64::engine::general_purpose::STANDARD
                    .decode(text)
                    .ok()?;
                bytes.try_into().ok()
            },
        )?;
        Ok(Self {
            keys,
            window: ReplayWindow::symmetric(DEFAULT_TOLERANCE),
            clock: Clock::system(),
        })
    }

    /// Replaces the replay window.
    #[must_use]
    pub fn with_replay_window(mut self, window: ReplayWindow) -> Self {
        self.window = window;
        self
    }

    /// Replaces the clock the replay window is checked against.
    #[must_use]
    pub fn with_clock(mut self, clock: Clock) -> Self {
        self.clock = clock;
        self
    }
}

/// What the head of a `v1a` delivery says.
struct Head<'h> {
    signatures: Vec<Signature>,
    id: &'h HeaderValue,
    timestamp: &'h HeaderValue,
    seconds: i64,
}

fn read_head(head: &Parts) -> Result<Head<'_>, Rejection> {
    let (_, value) = first_present(head, std::slice::from_ref(&SIGNATURE))?;
    let parsed = FORMAT
        .parse(value, None)
        .map_err(|why| Rejection::malformed_header(SIGNATURE, why))?;
    let signatures: Vec<Signature> = parsed
        .signatures
        .as_slice()
        .iter()
        .filter_map(|text| base64::engine::general_purpose::STANDARD.decode(text).ok())
        .filter_map(|bytes| Signature::from_slice(&bytes).ok())
        .collect();
    if signatures.is_empty() {
        return Err(Rejection::malformed_header(
            SIGNATURE,
            "not base64 of a 64-byte Ed25519 signature",
        ));
    }
    let (_, id) = first_present(head, std::slice::from_ref(&ID))?;
    let (_, timestamp) = first_present(head, std::slice::from_ref(&TIMESTAMP))?;
    let seconds = parse_digits(timestamp.as_bytes()).ok_or_else(|| {
        Rejection::malformed_header(TIMESTAMP, "the timestamp is not plain digits")
    })?;
    Ok(Head {
        signatures,
        id,
        timestamp,
        seconds,
    })
}

impl SignatureScheme for StandardWebhooksV1a {
    fn name(&self) -> &'static str {
        "standard-webhooks-v1a"
    }

    /// A signature that decodes to 64 bytes, an id, and a timestamp of plain digits.
    fn check_head(&self, head: &Parts) -> Result<(), Rejection> {
        read_head(head).map(|_| ())
    }

    fn verify(&self, head: &Parts, body: &Bytes) -> Result<Verification, Rejection> {
        let Head {
            signatures,
            id,
            timestamp,
            seconds,
        } = read_head(head)?;
        let mut message = Vec::with_capacity(id.len() + timestamp.len() + body.len() + 2);
        message.extend_from_slice(id.as_bytes());
        message.push(b'.');
        message.extend_from_slice(timestamp.as_bytes());
        message.push(b'.');
        message.extend_from_slice(body);
        let key_id = self
            .keys
            .verify_any(&message, &signatures)
            .ok_or_else(Rejection::signature_mismatch)?;
        self.window
            .check(&self.clock, seconds.saturating_mul(1000))?;
        let mut verification = Verification::raw_body()
            .maybe_key_id(key_id)
            .signed_at(UNIX_EPOCH + Duration::from_secs(seconds.unsigned_abs()));
        if let Ok(id) = id.to_str() {
            // Signed (`{id}.{timestamp}.{body}`): the delivery's key, as for `v1`.
            verification = verification.delivery_id(id).idempotency_key(id);
        }
        Ok(verification)
    }
}
