//! Linear: `Linear-Signature: <hex>`, HMAC-SHA256 of the raw body, with the time in the body.
//!
//! | | |
//! |---|---|
//! | header | `Linear-Signature: <hex>` |
//! | signed content | the raw body, whose `webhookTimestamp` (milliseconds) is the signed time |
//! | MAC, encoding | HMAC-SHA256, hex |
//! | key | the webhook's signing secret as text |
//! | replay window | 60 s each way (`@linear/sdk`) |
//! | rotation | [`Linear::with_keys`] accepts any of several secrets |
//!
//! The delivery id is `Linear-Delivery`. Source: linear.app/developers/webhooks#securing-webhooks.
//!
//! ```
//! use axum::{Router, routing::post};
//! use tower_webhooks::{VerifiedJson, WebhookSignatureLayer, linear::Linear};
//!
//! async fn handle(VerifiedJson(event): VerifiedJson<serde_json::Value>) {
//!     let _ = (&event["type"], &event["action"]);
//! }
//!
//! let app: Router = Router::new()
//!     .route("/webhooks/linear", post(handle))
//!     .route_layer(WebhookSignatureLayer::new(Linear::new("lin_wh_...")));
//! ```

use std::time::Duration;

use http::HeaderName;

use crate::{
    ConfigError, Keys, ReplayWindow, Secret,
    hmac_scheme::{HmacScheme, Timestamp, TimestampUnit},
    routing::EventKey,
    scheme_kit::forward::hmac_preset,
};

/// Where a Linear event says its type: `type` and `action`, routed as `Issue.create`,
/// `Comment.update`, … See [`routing`](crate::routing).
pub const EVENT_KEY: EventKey = EventKey::fields(&["type", "action"]);

/// `@linear/sdk`'s tolerance.
pub const DEFAULT_TOLERANCE: Duration = Duration::from_secs(60);

/// The header Linear puts its signature in.
pub const SIGNATURE_HEADER: HeaderName = HeaderName::from_static(SIGNATURE);
const SIGNATURE: &str = "linear-signature";

/// The header Linear puts its delivery id in (not signed).
pub const ID_HEADER: HeaderName = HeaderName::from_static(ID);
const ID: &str = "linear-delivery";

hmac_preset!(timestamped
    /// Verifies Linear deliveries. See the [module docs](crate::linear).
    Linear
);

impl Linear {
    /// Verifies with the webhook's signing secret.
    pub fn new(secret: impl Into<Secret>) -> Self {
        Self::with_keys(Keys::from(secret.into())).expect("one key and a fixed description")
    }

    /// Verifies with any of several secrets. Fails only when `keys` is empty.
    pub fn with_keys(keys: Keys) -> Result<Self, ConfigError> {
        HmacScheme::builder("linear")
            .signature_header(SIGNATURE)
            .timestamp(
                Timestamp::BodyField("webhookTimestamp"),
                TimestampUnit::Milliseconds,
            )
            .replay_window(ReplayWindow::symmetric(DEFAULT_TOLERANCE))
            .id_header(ID)
            .keys(keys)
            .build()
            .map(Self)
    }
}
