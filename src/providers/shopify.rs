//! Shopify: `X-Shopify-Hmac-Sha256`, base64 of HMAC-SHA256 of the raw body.
//!
//! | | |
//! |---|---|
//! | header | `X-Shopify-Hmac-Sha256` (Events webhooks: `shopify-hmac-sha256`; either is accepted) |
//! | signed content | the raw body |
//! | MAC, encoding | HMAC-SHA256, base64 |
//! | key | the app's client secret (or the store's notification key) as text |
//! | replay window | none: Shopify signs no timestamp (`X-Shopify-Triggered-At` is not signed). Deduplicate on `X-Shopify-Webhook-Id`, reported as [`VerificationInfo::delivery_id`](crate::VerificationInfo::delivery_id) |
//! | rotation | Shopify asks verifiers to accept the current and the previous secret: [`Shopify::with_keys`] |
//!
//! Source: shopify.dev/docs/apps/build/webhooks/subscribe/https#step-5-verify-the-webhook.
//!
//! ```
//! use axum::{Router, routing::post};
//! use tower_webhooks::{Keys, VerifiedJson, WebhookSignatureLayer, shopify::Shopify};
//!
//! async fn handle(VerifiedJson(order): VerifiedJson<serde_json::Value>) {
//!     let _ = &order["id"];
//! }
//!
//! let keys = Keys::new().key("previous", "shpss_old").key("current", "shpss_new");
//! let app: Router = Router::new()
//!     .route("/webhooks/shopify", post(handle))
//!     .route_layer(WebhookSignatureLayer::new(Shopify::with_keys(keys)?));
//! # Ok::<(), tower_webhooks::ConfigError>(())
//! ```

use http::HeaderName;

use crate::{
    ConfigError, Keys, Secret,
    hmac_scheme::{Encoding, HmacScheme},
    routing::EventKey,
    scheme_kit::forward::hmac_preset,
};

/// Where Shopify says a delivery's type: the `X-Shopify-Topic` header (`orders/create`, …). See
/// [`routing`](crate::routing).
pub const EVENT_KEY: EventKey = EventKey::header(TOPIC_HEADER);

/// The header Shopify puts its signature in.
pub const SIGNATURE_HEADER: HeaderName = HeaderName::from_static(SIGNATURE);
const SIGNATURE: &str = "x-shopify-hmac-sha256";

/// The signature header of Shopify's Events webhooks, without the `X-` prefix.
pub const EVENTS_SIGNATURE_HEADER: HeaderName = HeaderName::from_static(EVENTS_SIGNATURE);
const EVENTS_SIGNATURE: &str = "shopify-hmac-sha256";

/// The header Shopify puts its delivery id in (not signed).
pub const ID_HEADER: HeaderName = HeaderName::from_static(ID);
const ID: &str = "x-shopify-webhook-id";

/// The header Shopify names the event type (topic) in.
pub const TOPIC_HEADER: HeaderName = HeaderName::from_static(TOPIC);
const TOPIC: &str = "x-shopify-topic";

hmac_preset!(
    /// Verifies Shopify deliveries. See the [module docs](crate::shopify).
    Shopify
);

impl Shopify {
    /// Verifies with the app's client secret.
    pub fn new(secret: impl Into<Secret>) -> Self {
        Self::with_keys(Keys::from(secret.into())).expect("one key and a fixed description")
    }

    /// Verifies with any of several secrets (current and previous). Fails only when `keys` is
    /// empty.
    pub fn with_keys(keys: Keys) -> Result<Self, ConfigError> {
        HmacScheme::builder("shopify")
            .signature_header(SIGNATURE)
            .signature_header(EVENTS_SIGNATURE)
            .encoding(Encoding::Base64)
            .id_header(ID)
            .keys(keys)
            .build()
            .map(Self)
    }
}
