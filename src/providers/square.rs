//! Square: `x-square-hmacsha256-signature`, base64 of HMAC-SHA256 of the notification URL
//! followed by the raw body.
//!
//! | | |
//! |---|---|
//! | header | `x-square-hmacsha256-signature` |
//! | signed content | `{notification URL}{raw body}` |
//! | MAC, encoding | HMAC-SHA256, base64 |
//! | key | the subscription's signature key as text |
//! | replay window | none: Square signs no timestamp |
//! | rotation | [`Square::with_keys`] accepts any of several keys |
//!
//! Square signs the URL it was told to call. Behind a proxy or a tunnel that is not the URL
//! this server sees, so give the public one with [`Square::with_public_base_url`]; without it
//! the URL is rebuilt from `X-Forwarded-Proto` (else `http`), `Host` and the request path.
//!
//! Source: developer.squareup.com/docs/webhooks/step3validate.
//!
//! ```
//! use axum::{Router, routing::post};
//! use tower_webhooks::{VerifiedJson, WebhookSignatureLayer, square::Square};
//!
//! async fn handle(VerifiedJson(event): VerifiedJson<serde_json::Value>) {
//!     let _ = &event["type"];
//! }
//!
//! let square = Square::new("signature key").with_public_base_url("https://example.com")?;
//! let app: Router = Router::new()
//!     .route("/webhooks/square", post(handle))
//!     .route_layer(WebhookSignatureLayer::new(square));
//! # Ok::<(), tower_webhooks::ConfigError>(())
//! ```

use http::HeaderName;

use crate::{
    ConfigError, Keys, Secret,
    hmac_scheme::{Encoding, HmacScheme},
    routing::EventKey,
    scheme_kit::forward::hmac_preset,
};

/// Where a Square event says its type: `type` (`payment.created`, …). See
/// [`routing`](crate::routing).
pub const EVENT_KEY: EventKey = EventKey::field("type");

/// The header Square puts its signature in.
pub const SIGNATURE_HEADER: HeaderName = HeaderName::from_static(SIGNATURE);
const SIGNATURE: &str = "x-square-hmacsha256-signature";

hmac_preset!(
    /// Verifies Square deliveries. See the [module docs](crate::square).
    Square
);

impl Square {
    /// Verifies with the subscription's signature key.
    pub fn new(secret: impl Into<Secret>) -> Self {
        Self::with_keys(Keys::from(secret.into())).expect("one key and a fixed description")
    }

    /// Verifies with any of several signature keys. Fails only when `keys` is empty.
    pub fn with_keys(keys: Keys) -> Result<Self, ConfigError> {
        HmacScheme::builder("square")
            .signature_header(SIGNATURE)
            .encoding(Encoding::Base64)
            .signed_content("{url}{body}")
            .keys(keys)
            .build()
            .map(Self)
    }

    /// The public URL Square calls, up to the path: `https://example.com` when the
    /// subscription's notification URL is `https://example.com/webhooks/square`. Fails when it
    /// is not an absolute `http(s)` URL without a query.
    pub fn with_public_base_url(self, base: &str) -> Result<Self, ConfigError> {
        self.0.with_public_base_url(base).map(Self)
    }
}
