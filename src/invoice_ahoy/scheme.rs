use bytes::Bytes;
use http::{HeaderName, request::Parts};

use crate::{Rejection, Secret, SignatureScheme, Verification, header, hmac_sha256};

/// The header InvoiceAhoy puts its signature in.
pub const SIGNATURE_HEADER: HeaderName = HeaderName::from_static("x-ia-signature");

/// Verifies InvoiceAhoy deliveries. See the [module docs](crate::invoice_ahoy).
///
/// | | |
/// |---|---|
/// | header | `x-ia-signature` |
/// | signed bytes | the raw body |
/// | MAC, encoding | HMAC-SHA256, hex (either case accepted) |
/// | events | one per delivery |
#[derive(Debug, Clone)]
pub struct InvoiceAhoy {
    secret: Secret,
}

impl InvoiceAhoy {
    /// Verifies with the secret webhook key from InvoiceAhoy's API settings, as given.
    pub fn new(secret: impl Into<Secret>) -> Self {
        Self {
            secret: secret.into(),
        }
    }
}

impl SignatureScheme for InvoiceAhoy {
    fn name(&self) -> &'static str {
        "invoiceahoy"
    }

    fn verify(&self, head: &Parts, body: &Bytes) -> Result<Verification, Rejection> {
        let value = header::single_value(head, &SIGNATURE_HEADER)?;
        let tag = header::decode_hex::<{ hmac_sha256::TAG_LEN }>(value).ok_or_else(|| {
            Rejection::malformed_header(SIGNATURE_HEADER, "not hex of a 32-byte HMAC-SHA256")
        })?;
        hmac_sha256::verify(&self.secret, body, &tag)?;
        Ok(Verification::raw_body())
    }
}
