//! Razorpay: `X-Razorpay-Signature`, hex of HMAC-SHA256 of the raw body.
//!
//! | | |
//! |---|---|
//! | headers | `X-Razorpay-Signature: <hex>`, `X-Razorpay-Event-Id` (not signed) |
//! | signed content | the raw body |
//! | MAC, encoding | HMAC-SHA256, hex |
//! | key | the webhook secret set in the Dashboard (not the API key secret), as text |
//! | replay window | none: Razorpay signs no timestamp |
//! | type | `event` (`payment.captured`) |
//! | rotation | one secret; [`Razorpay::with_keys`] accepts several while you change it |
//!
//! Razorpay's docs suggest de-duplicating on `X-Razorpay-Event-Id`, which is not signed: it is reported as the delivery id, and [`Idempotency`](crate::idempotency) keys on the signed body instead.
//!
//! Sources: razorpay.com/docs/webhooks/validate-test; razorpay/razorpay-node `lib/utils/razorpay-utils.js`, and razorpay/razorpay-python `tests/test_client_utility.py` (the vector in `tests/fixtures/signatures.json`).
//!
//! ```
//! use axum::{Router, routing::post};
//! use tower_webhooks::{VerifiedJson, WebhookSignatureLayer, razorpay::Razorpay};
//!
//! async fn handle(VerifiedJson(event): VerifiedJson<serde_json::Value>) {
//!     let _ = event;
//! }
//!
//! let app: Router = Router::new()
//!     .route("/webhooks/razorpay", post(handle))
//!     .route_layer(WebhookSignatureLayer::new(Razorpay::new("webhook secret")));
//! ```

use http::HeaderName;

use crate::{ConfigError, Keys, Secret, hmac_scheme::HmacScheme, routing::EventKey};

/// Where Razorpay says an event's type: `event` (`payment.captured`). See [`routing`](crate::routing).
pub const EVENT_KEY: EventKey = EventKey::field("event");

/// The header Razorpay puts its signature in.
pub const SIGNATURE_HEADER: HeaderName = HeaderName::from_static(SIGNATURE);
const SIGNATURE: &str = "x-razorpay-signature";

/// The header with Razorpay's event id (not signed).
pub const ID_HEADER: HeaderName = HeaderName::from_static(ID);
const ID: &str = "x-razorpay-event-id";

crate::scheme_kit::forward::hmac_preset!(/// Verifies Razorpay deliveries. See the [module docs](crate::razorpay).
    Razorpay
);

impl Razorpay {
    /// Verifies with the webhook secret.
    pub fn new(secret: impl Into<Secret>) -> Self {
        Self::with_keys(Keys::from(secret.into())).expect("one key and a fixed description")
    }

    /// The same with any of several keys, for rotation. Fails only when `keys` is empty.
    pub fn with_keys(keys: Keys) -> Result<Self, ConfigError> {
        HmacScheme::builder("razorpay")
            .signature_header(SIGNATURE)
            .id_header(ID)
            .keys(keys)
            .build()
            .map(Self)
    }
}
