//! Slack: `X-Slack-Signature: v0=<hex>`, HMAC-SHA256 of `v0:{timestamp}:{body}`.
//!
//! | | |
//! |---|---|
//! | headers | `X-Slack-Signature: v0=<hex>`, `X-Slack-Request-Timestamp: <seconds>` |
//! | signed content | `v0:{timestamp}:{raw body}` |
//! | MAC, encoding | HMAC-SHA256, hex |
//! | key | the app's signing secret as text |
//! | replay window | 300 s each way (Slack's docs, Bolt and `slack_sdk`) |
//! | rotation | [`Slack::with_keys`] accepts any of several secrets |
//!
//! Source: docs.slack.dev/authentication/verifying-requests-from-slack.
//!
//! ```
//! use axum::{Router, routing::post};
//! use tower_webhooks::{WebhookSignatureLayer, slack::Slack};
//!
//! // Slash commands arrive form-encoded: read the verified bytes and parse them.
//! async fn command(body: axum::body::Bytes) -> &'static str {
//!     let _ = body;
//!     "ok"
//! }
//!
//! let app: Router = Router::new()
//!     .route("/webhooks/slack", post(command))
//!     .route_layer(WebhookSignatureLayer::new(Slack::new("8f742231b10e8888abcd99yyyzzz85a5")));
//! ```

use std::time::Duration;

use http::HeaderName;

use crate::{
    ConfigError, Keys, ReplayWindow, Secret,
    hmac_scheme::{HmacScheme, SignatureFormat},
    routing::EventKey,
    scheme_kit::forward::hmac_preset,
};

/// Where a Slack Events API request says its type: the top-level `type` (`event_callback`,
/// `url_verification`). See [`routing`](crate::routing).
pub const EVENT_KEY: EventKey = EventKey::field("type");

/// Slack's replay tolerance.
pub const DEFAULT_TOLERANCE: Duration = Duration::from_secs(300);

/// The header Slack puts its signature in.
pub const SIGNATURE_HEADER: HeaderName = HeaderName::from_static(SIGNATURE);
const SIGNATURE: &str = "x-slack-signature";

/// The header Slack puts its timestamp in.
pub const TIMESTAMP_HEADER: HeaderName = HeaderName::from_static(TIMESTAMP);
const TIMESTAMP: &str = "x-slack-request-timestamp";

hmac_preset!(timestamped
    /// Verifies Slack requests. See the [module docs](crate::slack).
    Slack
);

impl Slack {
    /// Verifies with the app's signing secret.
    pub fn new(secret: impl Into<Secret>) -> Self {
        Self::with_keys(Keys::from(secret.into())).expect("one key and a fixed description")
    }

    /// Verifies with any of several signing secrets. Fails only when `keys` is empty.
    pub fn with_keys(keys: Keys) -> Result<Self, ConfigError> {
        HmacScheme::builder("slack")
            .signature_header(SIGNATURE)
            .format(SignatureFormat::Single { prefix: "v0=" })
            .timestamp_header(TIMESTAMP)
            .signed_content("v0:{timestamp}:{body}")
            .replay_window(ReplayWindow::symmetric(DEFAULT_TOLERANCE))
            .keys(keys)
            .build()
            .map(Self)
    }
}
