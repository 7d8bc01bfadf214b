use bytes::Bytes;
use http::{HeaderName, request::Parts};

use crate::{
    EventLayout, Rejection, ResponsePolicy, Secret, SignatureScheme, Verification, header,
    hmac_sha256,
};

/// The header Xero puts its signature in.
pub const SIGNATURE_HEADER: HeaderName = HeaderName::from_static("x-xero-signature");

/// Verifies Xero deliveries. See the [module docs](crate::xero).
///
/// | | |
/// |---|---|
/// | header | `x-xero-signature` |
/// | signed bytes | the raw body |
/// | MAC, encoding | HMAC-SHA256, base64 (padded) |
/// | events | [`EventLayout::Field("events")`](EventLayout::Field) |
/// | responses | no body, no `Set-Cookie`, whatever the status |
#[derive(Debug, Clone)]
pub struct Xero {
    key: Secret,
}

impl Xero {
    /// Verifies with the webhook key from Xero's developer portal, as given.
    pub fn new(key: impl Into<Secret>) -> Self {
        Self { key: key.into() }
    }
}

impl SignatureScheme for Xero {
    fn name(&self) -> &'static str {
        "xero"
    }

    fn verify(&self, head: &Parts, body: &Bytes) -> Result<Verification, Rejection> {
        let value = header::single_value(head, &SIGNATURE_HEADER)?;
        let tag = header::decode_base64::<{ hmac_sha256::TAG_LEN }>(value).ok_or_else(|| {
            Rejection::malformed_header(SIGNATURE_HEADER, "not base64 of a 32-byte HMAC-SHA256")
        })?;
        hmac_sha256::verify(&self.key, body, &tag)?;
        Ok(Verification::raw_body())
    }

    fn event_layout(&self) -> EventLayout {
        EventLayout::Field("events")
    }

    fn response_policy(&self) -> ResponsePolicy {
        ResponsePolicy::unchanged()
            .strip_body(true)
            .strip_cookies(true)
    }
}
