//! Vercel: `x-vercel-signature`, hex of HMAC-SHA1 of the raw body.
//!
//! | | |
//! |---|---|
//! | header | `x-vercel-signature: <hex>` |
//! | signed content | the raw body |
//! | MAC, encoding | HMAC-SHA1 (Vercel signs with nothing stronger), hex |
//! | key | the webhook's secret (an integration's webhooks: its client secret), as text |
//! | replay window | none: Vercel signs no timestamp |
//! | type, id | `type` (`deployment.created`) and `id`, in the signed body: duplicates are recognised by `id` |
//! | rotation | one secret; [`Vercel::with_keys`] accepts several while you change it |
//!
//! Sources: vercel.com/docs/webhooks/webhooks-api#securing-webhooks.
//!
//! ```
//! use axum::{Router, routing::post};
//! use tower_webhooks::{VerifiedJson, WebhookSignatureLayer, vercel::Vercel};
//!
//! async fn handle(VerifiedJson(event): VerifiedJson<serde_json::Value>) {
//!     let _ = event;
//! }
//!
//! let app: Router = Router::new()
//!     .route("/webhooks/vercel", post(handle))
//!     .route_layer(WebhookSignatureLayer::new(Vercel::new("webhook secret")));
//! ```

use http::HeaderName;

use crate::{
    ConfigError, Keys, Secret,
    hmac_scheme::{Algorithm, HmacScheme},
    routing::EventKey,
};

/// Where Vercel says an event's type: `type` (`deployment.created`). See [`routing`](crate::routing).
pub const EVENT_KEY: EventKey = EventKey::field("type");

/// The header Vercel puts its signature in.
pub const SIGNATURE_HEADER: HeaderName = HeaderName::from_static(SIGNATURE);
const SIGNATURE: &str = "x-vercel-signature";

crate::scheme_kit::forward::hmac_preset!(/// Verifies Vercel deliveries. See the [module docs](crate::vercel).
    Vercel
);

impl Vercel {
    /// Verifies with the webhook's secret.
    pub fn new(secret: impl Into<Secret>) -> Self {
        Self::with_keys(Keys::from(secret.into())).expect("one key and a fixed description")
    }

    /// The same with any of several keys, for rotation. Fails only when `keys` is empty.
    pub fn with_keys(keys: Keys) -> Result<Self, ConfigError> {
        HmacScheme::builder("vercel")
            .signature_header(SIGNATURE)
            .algorithm(Algorithm::HmacSha1)
            .idempotency_field("id")
            .keys(keys)
            .build()
            .map(Self)
    }
}
