use bytes::Bytes;
use http::{HeaderName, request::Parts};

use crate::{
    ConfigError, Keys, Rejection, RejectionKind, Secret, SignatureScheme as _, Verification,
    hmac_scheme::{HmacScheme, SignatureFormat},
    json_stringify,
    scheme_kit::gate::Gate,
};

/// The header Xemelgo puts its signature in.
pub const SIGNATURE_HEADER: HeaderName = HeaderName::from_static(SIGNATURE);
const SIGNATURE: &str = "xemelgo-signature";

/// The shortest secret accepted, in characters: the guide says "greater than 24 characters".
pub const MIN_SECRET_CHARS: usize = 25;

/// Verifies Xemelgo deliveries. See the [module docs](crate::xemelgo).
///
/// | | |
/// |---|---|
/// | header | `xemelgo-signature: sha256=<hex>` |
/// | signed bytes | the raw body, or else `JSON.stringify(JSON.parse(raw))` |
/// | MAC, encoding | HMAC-SHA256, hex (either case accepted) |
/// | secret | more than 24 characters, checked by [`Xemelgo::new`] |
/// | events | one per delivery |
/// | rotation | [`Xemelgo::with_keys`]: `updateWebhook` changes the secret, and queued deliveries may still carry the old one |
#[derive(Debug, Clone)]
pub struct Xemelgo {
    scheme: HmacScheme,
    stringify_fallback: bool,
    stringify_limit: usize,
    gate: Gate,
}

/// The largest body whose `JSON.stringify` form is tried after the raw body did not match:
/// 64 KiB. Xemelgo's events are a few hundred bytes; see [`Xemelgo::stringify_limit`].
pub const DEFAULT_STRINGIFY_LIMIT: usize = 64 * 1024;

/// How many `JSON.stringify` fallbacks run at once, and in any one second, per scheme (shared
/// by its clones): the fallback parses the body before any signature over it is known to be
/// good, so a forger must not be able to run it at will. A delivery refused for want of a
/// place is answered `401` like any mismatch, and the provider retries it. The trade-off:
/// under a sustained flood of forgeries, a genuine delivery that needs the fallback (one whose
/// bytes are not already in `JSON.stringify` form) may be refused on every retry; deliveries
/// signed over their raw bytes, as Xemelgo's own sender's are, are not affected.
pub const MAX_FALLBACKS: (usize, u32) = (2, 20);

impl Xemelgo {
    /// Verifies with the secret given to `registerWebhook`.
    ///
    /// Fails when the secret has 24 characters or fewer, which Xemelgo does not accept.
    pub fn new(secret: impl Into<Secret>) -> Result<Self, ConfigError> {
        Self::with_keys(Keys::from(secret.into()))
    }

    /// Verifies with any of several secrets, for the time `updateWebhook` takes to reach every
    /// queued delivery. Fails when a secret has 24 characters or fewer, or there is none.
    pub fn with_keys(keys: Keys) -> Result<Self, ConfigError> {
        if let Some(chars) = keys
            .secrets()
            .map(Secret::char_len)
            .find(|chars| *chars < MIN_SECRET_CHARS)
        {
            return Err(ConfigError::secret_too_short(
                "Xemelgo",
                MIN_SECRET_CHARS - 1,
                chars,
            ));
        }
        let scheme = HmacScheme::builder("xemelgo")
            .signature_header(SIGNATURE)
            .format(SignatureFormat::Single { prefix: "sha256=" })
            .keys(keys)
            .build()?;
        Ok(Self {
            scheme,
            stringify_fallback: true,
            stringify_limit: DEFAULT_STRINGIFY_LIMIT,
            gate: Gate::new(MAX_FALLBACKS.0, MAX_FALLBACKS.1),
        })
    }

    /// Accepts only signatures over the raw body, never over its `JSON.stringify` form.
    #[must_use]
    pub fn raw_body_only(mut self) -> Self {
        self.stringify_fallback = false;
        self
    }

    /// The largest body whose `JSON.stringify` form is tried (default
    /// [`DEFAULT_STRINGIFY_LIMIT`], 64 KiB); a larger one is checked over its raw bytes only.
    #[must_use]
    pub fn stringify_limit(mut self, bytes: usize) -> Self {
        self.stringify_limit = bytes;
        self
    }
}

crate::scheme_kit::forward::forward_scheme!(
    impl[] Xemelgo => |this| &this.scheme, finish = Xemelgo::stringify_fallback
);

impl Xemelgo {
    /// After the raw body did not match (streamed or not): the `JSON.stringify` form of the
    /// body, when it differs, is tried whole.
    fn stringify_fallback(
        &self,
        head: &Parts,
        body: &Bytes,
        verdict: Result<Verification, Rejection>,
    ) -> Result<Verification, Rejection> {
        let raw_mismatch = match verdict {
            Err(rejection)
                if rejection.kind() == RejectionKind::SignatureMismatch
                    && self.stringify_fallback
                    && body.len() <= self.stringify_limit =>
            {
                rejection
            }
            verdict => return verdict,
        };
        let Some(_pass) = self.gate.try_enter() else {
            tracing::debug!("xemelgo: JSON.stringify fallbacks are at their limit; not tried");
            return Err(raw_mismatch);
        };
        let stringified = match json_stringify::stringify_parsed(body) {
            Ok(bytes) if bytes != body.as_ref() => Bytes::from(bytes),
            // Already in `JSON.stringify` form: the raw check said all there is to say.
            Ok(_) => return Err(raw_mismatch),
            Err(error) => {
                tracing::debug!(%error, "xemelgo: no JSON.stringify form to check");
                return Err(raw_mismatch);
            }
        };
        let verification = self.scheme.verify(head, &stringified)?;
        Ok(Verification {
            signed_body: Some(stringified),
            ..verification
        })
    }
}
