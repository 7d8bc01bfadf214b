//! WooCommerce: `X-WC-Webhook-Signature`, base64 of HMAC-SHA256 of the raw body.
//!
//! | | |
//! |---|---|
//! | headers | `X-WC-Webhook-Signature: <base64>`, `X-WC-Webhook-Topic` (`order.created`), `X-WC-Webhook-Delivery-ID`, `X-WC-Webhook-ID` |
//! | signed content | the raw body |
//! | MAC, encoding | HMAC-SHA256, base64 |
//! | key | the webhook's secret, as text |
//! | replay window | none: WooCommerce signs no timestamp |
//! | type | the `X-WC-Webhook-Topic` header (`order.created`) |
//! | rotation | one secret per webhook; [`WooCommerce::with_keys`] accepts several while you change it |
//!
//! Sources: woocommerce.github.io/woocommerce-rest-api-docs/#webhooks; woocommerce/woocommerce `plugins/woocommerce/includes/class-wc-webhook.php` (`generate_signature`: base64 of `hash_hmac('sha256', $payload, $secret, true)`).
//!
//! ```
//! use axum::{Router, routing::post};
//! use tower_webhooks::{VerifiedJson, WebhookSignatureLayer, woocommerce::WooCommerce};
//!
//! async fn handle(VerifiedJson(event): VerifiedJson<serde_json::Value>) {
//!     let _ = event;
//! }
//!
//! let app: Router = Router::new()
//!     .route("/webhooks/woocommerce", post(handle))
//!     .route_layer(WebhookSignatureLayer::new(WooCommerce::new("webhook secret")));
//! ```

use http::HeaderName;

use crate::{
    ConfigError, Keys, Secret,
    hmac_scheme::{Encoding, HmacScheme},
    routing::EventKey,
};

/// Where WooCommerce says an event's type: the `X-WC-Webhook-Topic` header (`order.created`). See [`routing`](crate::routing).
pub const EVENT_KEY: EventKey = EventKey::header(TOPIC_HEADER);

/// The header WooCommerce puts its signature in.
pub const SIGNATURE_HEADER: HeaderName = HeaderName::from_static(SIGNATURE);
const SIGNATURE: &str = "x-wc-webhook-signature";

/// The header WooCommerce names the topic in.
pub const TOPIC_HEADER: HeaderName = HeaderName::from_static(TOPIC);
const TOPIC: &str = "x-wc-webhook-topic";

/// The header with WooCommerce's delivery id (not signed).
pub const ID_HEADER: HeaderName = HeaderName::from_static(ID);
const ID: &str = "x-wc-webhook-delivery-id";

crate::scheme_kit::forward::hmac_preset!(/// Verifies WooCommerce deliveries. See the [module docs](crate::woocommerce).
    WooCommerce
);

impl WooCommerce {
    /// Verifies with the webhook's secret.
    pub fn new(secret: impl Into<Secret>) -> Self {
        Self::with_keys(Keys::from(secret.into())).expect("one key and a fixed description")
    }

    /// The same with any of several keys, for rotation. Fails only when `keys` is empty.
    pub fn with_keys(keys: Keys) -> Result<Self, ConfigError> {
        HmacScheme::builder("woocommerce")
            .signature_header(SIGNATURE)
            .encoding(Encoding::Base64)
            .id_header(ID)
            .keys(keys)
            .build()
            .map(Self)
    }
}
