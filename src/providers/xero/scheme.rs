use http::HeaderName;

use crate::{
    ConfigError, EventLayout, Keys, ResponsePolicy, Secret,
    hmac_scheme::{Encoding, HmacScheme},
    scheme_kit::forward::hmac_preset,
};

/// The header Xero puts its signature in.
pub const SIGNATURE_HEADER: HeaderName = HeaderName::from_static(SIGNATURE);
const SIGNATURE: &str = "x-xero-signature";

hmac_preset!(
    /// Verifies Xero deliveries. See the [module docs](crate::xero).
    ///
    /// | | |
    /// |---|---|
    /// | header | `x-xero-signature` |
    /// | signed bytes | the raw body |
    /// | MAC, encoding | HMAC-SHA256, base64 |
    /// | events | [`EventLayout::Field("events")`](EventLayout::Field) |
    /// | responses | no body, no `Set-Cookie`, whatever the status |
    /// | rotation | [`Xero::with_keys`] accepts any of several webhook keys |
    Xero
);

impl Xero {
    /// Verifies with the webhook key from Xero's developer portal, as given.
    pub fn new(key: impl Into<Secret>) -> Self {
        Self::with_keys(Keys::from(key.into())).expect("one key and a fixed description")
    }

    /// Verifies with any of several webhook keys. Fails only when `keys` is empty.
    pub fn with_keys(keys: Keys) -> Result<Self, ConfigError> {
        HmacScheme::builder("xero")
            .signature_header(SIGNATURE)
            .encoding(Encoding::Base64)
            .event_layout(EventLayout::Field("events"))
            .response_policy(
                ResponsePolicy::unchanged()
                    .strip_body(true)
                    .strip_cookies(true),
            )
            .keys(keys)
            .build()
            .map(Self)
    }
}
