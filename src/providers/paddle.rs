//! Paddle Billing: `Paddle-Signature: ts=<ts>;h1=<hex>`, HMAC-SHA256 of `{ts}:{body}`.
//!
//! | | |
//! |---|---|
//! | header | `Paddle-Signature: ts=1710929255;h1=<hex>[;h1=<hex>…]` |
//! | signed content | `{ts}:{raw body}` |
//! | MAC, encoding | HMAC-SHA256, hex |
//! | key | the notification destination's secret key (`pdl_ntfset_…`) as text |
//! | replay window | 5 s each way (Paddle's SDKs default to 5 s); widen it with [`Paddle::with_replay_window`] if your clock or queue needs it |
//! | rotation | during a rotation Paddle sends several `h1`; any matching one under any key is enough |
//!
//! Source: developer.paddle.com/webhooks/signature-verification; `paddle-go-sdk`.
//!
//! ```
//! use axum::{Router, routing::post};
//! use tower_webhooks::{VerifiedJson, WebhookSignatureLayer, paddle::Paddle};
//!
//! async fn handle(VerifiedJson(event): VerifiedJson<serde_json::Value>) {
//!     let _ = &event["event_type"];
//! }
//!
//! let app: Router = Router::new()
//!     .route("/webhooks/paddle", post(handle))
//!     .route_layer(WebhookSignatureLayer::new(Paddle::new("pdl_ntfset_...")));
//! ```

use std::time::Duration;

use http::HeaderName;

use crate::{
    ConfigError, Keys, ReplayWindow, Secret,
    hmac_scheme::{HmacScheme, SignatureFormat, Timestamp, TimestampUnit},
    routing::EventKey,
    scheme_kit::forward::hmac_preset,
};

/// Where a Paddle Billing event says its type: `event_type` (`transaction.completed`, …). See
/// [`routing`](crate::routing).
pub const EVENT_KEY: EventKey = EventKey::field("event_type");

/// Paddle's SDKs' default tolerance.
pub const DEFAULT_TOLERANCE: Duration = Duration::from_secs(5);

/// The header Paddle puts its timestamp and signature in.
pub const SIGNATURE_HEADER: HeaderName = HeaderName::from_static(SIGNATURE);
const SIGNATURE: &str = "paddle-signature";

hmac_preset!(timestamped
    /// Verifies Paddle Billing deliveries. See the [module docs](crate::paddle).
    Paddle
);

impl Paddle {
    /// Verifies with the notification destination's secret key.
    pub fn new(secret: impl Into<Secret>) -> Self {
        Self::with_keys(Keys::from(secret.into())).expect("one key and a fixed description")
    }

    /// Verifies with any of several secret keys. Fails only when `keys` is empty.
    pub fn with_keys(keys: Keys) -> Result<Self, ConfigError> {
        HmacScheme::builder("paddle")
            .signature_header(SIGNATURE)
            .format(SignatureFormat::Tagged {
                separator: ';',
                delimiter: '=',
                tag: "h1",
            })
            .timestamp(Timestamp::SignatureField("ts"), TimestampUnit::Seconds)
            .signed_content("{timestamp}:{body}")
            .replay_window(ReplayWindow::symmetric(DEFAULT_TOLERANCE))
            .idempotency_field("notification_id")
            .keys(keys)
            .build()
            .map(Self)
    }
}
