//! Lemon Squeezy: `X-Signature`, hex of HMAC-SHA256 of the raw body.
//!
//! | | |
//! |---|---|
//! | headers | `X-Signature: <hex>`, `X-Event-Name` (`order_created`; also in the signed body as `meta.event_name`) |
//! | signed content | the raw body |
//! | MAC, encoding | HMAC-SHA256, hex |
//! | key | the signing secret you chose for the webhook, as text |
//! | replay window | none: Lemon Squeezy signs no timestamp |
//! | type | `meta.event_name` in the signed body (`order_created`, `subscription_updated`) |
//! | rotation | one secret per webhook; [`LemonSqueezy::with_keys`] accepts several while you change it |
//!
//! Sources: docs.lemonsqueezy.com/help/webhooks/signing-requests; docs.lemonsqueezy.com/help/webhooks/webhook-requests.
//!
//! ```
//! use axum::{Router, routing::post};
//! use tower_webhooks::{VerifiedJson, WebhookSignatureLayer, lemon_squeezy::LemonSqueezy};
//!
//! async fn handle(VerifiedJson(event): VerifiedJson<serde_json::Value>) {
//!     let _ = event;
//! }
//!
//! let app: Router = Router::new()
//!     .route("/webhooks/lemonsqueezy", post(handle))
//!     .route_layer(WebhookSignatureLayer::new(LemonSqueezy::new("signing secret")));
//! ```

use http::HeaderName;

use crate::{ConfigError, Keys, Secret, hmac_scheme::HmacScheme, routing::EventKey};

/// Where Lemon Squeezy says an event's type: `meta.event_name` (`order_created`), read from the signed body rather than the unsigned `X-Event-Name`. See [`routing`](crate::routing).
pub const EVENT_KEY: EventKey = EventKey::path(&["meta", "event_name"]);

/// The header Lemon Squeezy puts its signature in.
pub const SIGNATURE_HEADER: HeaderName = HeaderName::from_static(SIGNATURE);
const SIGNATURE: &str = "x-signature";

/// The header Lemon Squeezy names the event in (not signed; the body's `meta.event_name` is).
pub const EVENT_HEADER: HeaderName = HeaderName::from_static(EVENT);
const EVENT: &str = "x-event-name";

crate::scheme_kit::forward::hmac_preset!(/// Verifies Lemon Squeezy deliveries. See the [module docs](crate::lemon_squeezy).
    LemonSqueezy
);

impl LemonSqueezy {
    /// Verifies with the webhook's signing secret.
    pub fn new(secret: impl Into<Secret>) -> Self {
        Self::with_keys(Keys::from(secret.into())).expect("one key and a fixed description")
    }

    /// The same with any of several keys, for rotation. Fails only when `keys` is empty.
    pub fn with_keys(keys: Keys) -> Result<Self, ConfigError> {
        HmacScheme::builder("lemonsqueezy")
            .signature_header(SIGNATURE)
            .keys(keys)
            .build()
            .map(Self)
    }
}
