use bytes::Bytes;
use http::{HeaderName, request::Parts};

use crate::{
    ConfigError, Rejection, Secret, SignatureScheme, Verification, header, hmac_sha256,
    json_stringify,
};

/// The header Xemelgo puts its signature in.
pub const SIGNATURE_HEADER: HeaderName = HeaderName::from_static("xemelgo-signature");

/// The shortest secret accepted, in characters: the guide says "greater than 24 characters".
pub const MIN_SECRET_CHARS: usize = 25;

const PREFIX: &[u8] = b"sha256=";

/// Verifies Xemelgo deliveries. See the [module docs](crate::xemelgo).
///
/// | | |
/// |---|---|
/// | header | `xemelgo-signature: sha256=<hex>` |
/// | signed bytes | the raw body, or else `JSON.stringify(JSON.parse(raw))` |
/// | MAC, encoding | HMAC-SHA256, hex (either case accepted) |
/// | secret | more than 24 characters, checked by [`Xemelgo::new`] |
/// | events | one per delivery |
#[derive(Debug, Clone)]
pub struct Xemelgo {
    secret: Secret,
    stringify_fallback: bool,
}

impl Xemelgo {
    /// Verifies with the secret given to `registerWebhook`.
    ///
    /// Fails when the secret has 24 characters or fewer, which Xemelgo does not accept.
    pub fn new(secret: impl Into<Secret>) -> Result<Self, ConfigError> {
        let secret = secret.into();
        let chars = secret.char_len();
        if chars < MIN_SECRET_CHARS {
            return Err(ConfigError::secret_too_short(
                "Xemelgo",
                MIN_SECRET_CHARS - 1,
                chars,
            ));
        }
        Ok(Self {
            secret,
            stringify_fallback: true,
        })
    }

    /// Accepts only signatures over the raw body, never over its `JSON.stringify` form.
    #[must_use]
    pub fn raw_body_only(mut self) -> Self {
        self.stringify_fallback = false;
        self
    }
}

impl SignatureScheme for Xemelgo {
    fn name(&self) -> &'static str {
        "xemelgo"
    }

    fn verify(&self, head: &Parts, body: &Bytes) -> Result<Verification, Rejection> {
        let value = header::single_value(head, &SIGNATURE_HEADER)?;
        let hex = value
            .strip_prefix(PREFIX)
            .ok_or_else(|| Rejection::malformed_header(SIGNATURE_HEADER, "no `sha256=` prefix"))?;
        let tag = header::decode_hex::<{ hmac_sha256::TAG_LEN }>(hex).ok_or_else(|| {
            Rejection::malformed_header(SIGNATURE_HEADER, "not hex of a 32-byte HMAC-SHA256")
        })?;

        let raw_mismatch = match hmac_sha256::verify(&self.secret, body, &tag) {
            Ok(()) => return Ok(Verification::raw_body()),
            Err(mismatch) => mismatch,
        };
        if !self.stringify_fallback {
            return Err(raw_mismatch);
        }
        let stringified = match json_stringify::stringify_parsed(body) {
            Ok(bytes) if bytes != body.as_ref() => bytes,
            // Already in `JSON.stringify` form: the raw check said all there is to say.
            Ok(_) => return Err(raw_mismatch),
            Err(error) => {
                tracing::debug!(%error, "xemelgo: no JSON.stringify form to check");
                return Err(raw_mismatch);
            }
        };
        hmac_sha256::verify(&self.secret, &stringified, &tag)?;
        Ok(Verification::derived_body(Bytes::from(stringified)))
    }
}
