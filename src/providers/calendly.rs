//! Calendly: `Calendly-Webhook-Signature: t=…,v1=…`, hex of HMAC-SHA256 of `{t}.{body}`.
//!
//! | | |
//! |---|---|
//! | header | `Calendly-Webhook-Signature: t=<seconds>,v1=<hex>` |
//! | signed content | `{t}.{raw body}` |
//! | MAC, encoding | HMAC-SHA256, hex |
//! | key | the webhook signing key, as text |
//! | replay window | 180 s each way (Calendly's example tolerance is three minutes) |
//! | type | `event` (`invitee.created`) |
//! | rotation | one key per subscription; [`Calendly::with_keys`] accepts several while you change it |
//!
//! Sources: developer.calendly.com/api-docs/overview/webhooks/webhook-signatures.
//!
//! ```
//! use axum::{Router, routing::post};
//! use tower_webhooks::{VerifiedJson, WebhookSignatureLayer, calendly::Calendly};
//!
//! async fn handle(VerifiedJson(event): VerifiedJson<serde_json::Value>) {
//!     let _ = event;
//! }
//!
//! let app: Router = Router::new()
//!     .route("/webhooks/calendly", post(handle))
//!     .route_layer(WebhookSignatureLayer::new(Calendly::new("webhook signing key")));
//! ```

use std::time::Duration;

use http::HeaderName;

use crate::{
    ConfigError, Keys, ReplayWindow, Secret,
    hmac_scheme::{HmacScheme, SignatureFormat, Timestamp, TimestampUnit},
    routing::EventKey,
};

/// Where Calendly says an event's type: `event` (`invitee.created`). See [`routing`](crate::routing).
pub const EVENT_KEY: EventKey = EventKey::field("event");

/// The header Calendly puts its timestamp and signature in.
pub const SIGNATURE_HEADER: HeaderName = HeaderName::from_static(SIGNATURE);
const SIGNATURE: &str = "calendly-webhook-signature";

/// The replay window used by default: three minutes, the tolerance of Calendly's example.
pub const DEFAULT_TOLERANCE: Duration = Duration::from_secs(180);

crate::scheme_kit::forward::hmac_preset!(timestamped
    /// Verifies Calendly deliveries. See the [module docs](crate::calendly).
    Calendly
);

impl Calendly {
    /// Verifies with the webhook signing key.
    pub fn new(secret: impl Into<Secret>) -> Self {
        Self::with_keys(Keys::from(secret.into())).expect("one key and a fixed description")
    }

    /// The same with any of several keys, for rotation. Fails only when `keys` is empty.
    pub fn with_keys(keys: Keys) -> Result<Self, ConfigError> {
        HmacScheme::builder("calendly")
            .signature_header(SIGNATURE)
            .format(SignatureFormat::Tagged {
                separator: ',',
                delimiter: '=',
                tag: "v1",
            })
            .timestamp(Timestamp::SignatureField("t"), TimestampUnit::Seconds)
            .signed_content("{timestamp}.{body}")
            .replay_window(ReplayWindow::symmetric(DEFAULT_TOLERANCE))
            .keys(keys)
            .build()
            .map(Self)
    }
}
