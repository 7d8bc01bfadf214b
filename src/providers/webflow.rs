//! Webflow: `x-webflow-signature`, hex of HMAC-SHA256 of `{timestamp}:{body}`.
//!
//! | | |
//! |---|---|
//! | headers | `x-webflow-signature: <hex>`, `x-webflow-timestamp: <milliseconds>` |
//! | signed content | `{timestamp}:{raw body}` |
//! | MAC, encoding | HMAC-SHA256, hex |
//! | key | the OAuth app's client secret (or the webhook's secret), as text |
//! | replay window | 300 s (Webflow: a request older than five minutes may be a replay) |
//! | type | `triggerType` (`form_submission`) |
//! | rotation | one secret; [`Webflow::with_keys`] accepts several while you change it |
//!
//! Sources: developers.webflow.com/data/docs/working-with-webhooks#validating-request-signatures; webflow/js-webflow-api `src/wrapper/WebhooksClient.ts`.
//!
//! ```
//! use axum::{Router, routing::post};
//! use tower_webhooks::{VerifiedJson, WebhookSignatureLayer, webflow::Webflow};
//!
//! async fn handle(VerifiedJson(event): VerifiedJson<serde_json::Value>) {
//!     let _ = event;
//! }
//!
//! let app: Router = Router::new()
//!     .route("/webhooks/webflow", post(handle))
//!     .route_layer(WebhookSignatureLayer::new(Webflow::new("client secret")));
//! ```

use std::time::Duration;

use http::HeaderName;

use crate::{
    ConfigError, Keys, ReplayWindow, Secret,
    hmac_scheme::{HmacScheme, Timestamp, TimestampUnit},
    routing::EventKey,
};

/// Where Webflow says an event's type: `triggerType` (`form_submission`). See [`routing`](crate::routing).
pub const EVENT_KEY: EventKey = EventKey::field("triggerType");

/// The header Webflow puts its signature in.
pub const SIGNATURE_HEADER: HeaderName = HeaderName::from_static(SIGNATURE);
const SIGNATURE: &str = "x-webflow-signature";

/// The header Webflow puts its timestamp in, in milliseconds.
pub const TIMESTAMP_HEADER: HeaderName = HeaderName::from_static(TIMESTAMP);
const TIMESTAMP: &str = "x-webflow-timestamp";

/// The replay window used by default: five minutes, as Webflow's docs say.
pub const DEFAULT_TOLERANCE: Duration = Duration::from_secs(300);

crate::scheme_kit::forward::hmac_preset!(timestamped
    /// Verifies Webflow deliveries. See the [module docs](crate::webflow).
    Webflow
);

impl Webflow {
    /// Verifies with the app's client secret.
    pub fn new(secret: impl Into<Secret>) -> Self {
        Self::with_keys(Keys::from(secret.into())).expect("one key and a fixed description")
    }

    /// The same with any of several keys, for rotation. Fails only when `keys` is empty.
    pub fn with_keys(keys: Keys) -> Result<Self, ConfigError> {
        HmacScheme::builder("webflow")
            .signature_header(SIGNATURE)
            .signed_content("{timestamp}:{body}")
            .timestamp_header(TIMESTAMP)
            .timestamp(Timestamp::Header, TimestampUnit::Milliseconds)
            .replay_window(ReplayWindow::symmetric(DEFAULT_TOLERANCE))
            .keys(keys)
            .build()
            .map(Self)
    }
}
