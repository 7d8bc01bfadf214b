//! Coinbase Commerce: `X-CC-Webhook-Signature`, hex of HMAC-SHA256 of the raw body.
//!
//! | | |
//! |---|---|
//! | header | `X-CC-Webhook-Signature: <hex>` |
//! | signed content | the raw body |
//! | MAC, encoding | HMAC-SHA256, hex |
//! | key | the shared webhook secret (Settings, Notifications), as text |
//! | replay window | none: Coinbase signs no timestamp |
//! | type | `event.type` (`charge:created`), nested in the signed body |
//! | rotation | one secret; [`CoinbaseCommerce::with_keys`] accepts several while you change it |
//!
//! Sources: docs.cdp.coinbase.com/commerce/api-architecture/webhooks-security; coinbase/coinbase-commerce-node `lib/Webhook.js`, and coinbase/coinbase-commerce-python `tests/test_webhook.py` (the vector in `tests/fixtures/signatures.json`).
//!
//! ```
//! use axum::{Router, routing::post};
//! use tower_webhooks::{VerifiedJson, WebhookSignatureLayer, coinbase_commerce::CoinbaseCommerce};
//!
//! async fn handle(VerifiedJson(event): VerifiedJson<serde_json::Value>) {
//!     let _ = event;
//! }
//!
//! let app: Router = Router::new()
//!     .route("/webhooks/coinbase-commerce", post(handle))
//!     .route_layer(WebhookSignatureLayer::new(CoinbaseCommerce::new("shared webhook secret")));
//! ```

use http::HeaderName;

use crate::{ConfigError, Keys, Secret, hmac_scheme::HmacScheme, routing::EventKey};

/// Where Coinbase Commerce says an event's type: `event.type` (`charge:created`). See [`routing`](crate::routing).
pub const EVENT_KEY: EventKey = EventKey::path(&["event", "type"]);

/// The header Coinbase Commerce puts its signature in.
pub const SIGNATURE_HEADER: HeaderName = HeaderName::from_static(SIGNATURE);
const SIGNATURE: &str = "x-cc-webhook-signature";

crate::scheme_kit::forward::hmac_preset!(/// Verifies Coinbase Commerce deliveries. See the [module docs](crate::coinbase_commerce).
    CoinbaseCommerce
);

impl CoinbaseCommerce {
    /// Verifies with the shared webhook secret.
    pub fn new(secret: impl Into<Secret>) -> Self {
        Self::with_keys(Keys::from(secret.into())).expect("one key and a fixed description")
    }

    /// The same with any of several keys, for rotation. Fails only when `keys` is empty.
    pub fn with_keys(keys: Keys) -> Result<Self, ConfigError> {
        HmacScheme::builder("coinbase-commerce")
            .signature_header(SIGNATURE)
            .keys(keys)
            .build()
            .map(Self)
    }
}
