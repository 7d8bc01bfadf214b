use http::HeaderName;

use crate::{ConfigError, Keys, Secret, hmac_scheme::HmacScheme, scheme_kit::forward::hmac_preset};

/// The header InvoiceAhoy puts its signature in.
pub const SIGNATURE_HEADER: HeaderName = HeaderName::from_static(SIGNATURE);
const SIGNATURE: &str = "x-ia-signature";

hmac_preset!(
    /// Verifies InvoiceAhoy deliveries. See the [module docs](crate::invoice_ahoy).
    ///
    /// | | |
    /// |---|---|
    /// | header | `x-ia-signature` |
    /// | signed bytes | the raw body |
    /// | MAC, encoding | HMAC-SHA256, hex (either case accepted) |
    /// | events | one per delivery |
    /// | rotation | [`InvoiceAhoy::with_keys`] accepts any of several keys |
    InvoiceAhoy
);

impl InvoiceAhoy {
    /// Verifies with the secret webhook key from InvoiceAhoy's API settings, as given.
    pub fn new(secret: impl Into<Secret>) -> Self {
        Self::with_keys(Keys::from(secret.into())).expect("one key and a fixed description")
    }

    /// Verifies with any of several keys. Fails only when `keys` is empty.
    pub fn with_keys(keys: Keys) -> Result<Self, ConfigError> {
        HmacScheme::builder("invoiceahoy")
            .signature_header(SIGNATURE)
            .keys(keys)
            .build()
            .map(Self)
    }
}
