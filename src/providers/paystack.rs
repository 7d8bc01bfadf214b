//! Paystack: `x-paystack-signature`, hex of HMAC-SHA512 of the raw body.
//!
//! | | |
//! |---|---|
//! | header | `x-paystack-signature: <hex>` |
//! | signed content | the raw body (Paystack's own snippet re-serialises the parsed body, which only works while the two agree byte for byte) |
//! | MAC, encoding | HMAC-SHA512, hex |
//! | key | the secret API key (`sk_live_…`, `sk_test_…`), as text |
//! | replay window | none: Paystack signs no timestamp |
//! | type | `event` (`charge.success`) |
//! | rotation | the secret key changes when you roll it; [`Paystack::with_keys`] accepts the old and new key meanwhile |
//!
//! Sources: paystack.com/docs/payments/webhooks/#verify-event-origin; PaystackOSS/doc-code-snippets `src/doc/payments/webhooks/verifying-transaction/index.js`.
//!
//! ```
//! use axum::{Router, routing::post};
//! use tower_webhooks::{VerifiedJson, WebhookSignatureLayer, paystack::Paystack};
//!
//! async fn handle(VerifiedJson(event): VerifiedJson<serde_json::Value>) {
//!     let _ = event;
//! }
//!
//! let app: Router = Router::new()
//!     .route("/webhooks/paystack", post(handle))
//!     .route_layer(WebhookSignatureLayer::new(Paystack::new("sk_test_secret")));
//! ```

use http::HeaderName;

use crate::{
    ConfigError, Keys, Secret,
    hmac_scheme::{Algorithm, HmacScheme},
    routing::EventKey,
};

/// Where Paystack says an event's type: `event` (`charge.success`). See [`routing`](crate::routing).
pub const EVENT_KEY: EventKey = EventKey::field("event");

/// The header Paystack puts its signature in.
pub const SIGNATURE_HEADER: HeaderName = HeaderName::from_static(SIGNATURE);
const SIGNATURE: &str = "x-paystack-signature";

crate::scheme_kit::forward::hmac_preset!(/// Verifies Paystack deliveries. See the [module docs](crate::paystack).
    Paystack
);

impl Paystack {
    /// Verifies with the secret API key.
    pub fn new(secret: impl Into<Secret>) -> Self {
        Self::with_keys(Keys::from(secret.into())).expect("one key and a fixed description")
    }

    /// The same with any of several keys, for rotation. Fails only when `keys` is empty.
    pub fn with_keys(keys: Keys) -> Result<Self, ConfigError> {
        HmacScheme::builder("paystack")
            .signature_header(SIGNATURE)
            .algorithm(Algorithm::HmacSha512)
            .keys(keys)
            .build()
            .map(Self)
    }
}
