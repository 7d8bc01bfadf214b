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
//! When an Events API request URL is set, Slack posts a signed `url_verification` event,
//! `{"type": "url_verification", "challenge": "…", "token": "…"}`, and wants the challenge
//! back. [`Slack`] answers it itself (as `text/plain`, the first of the answers Slack accepts)
//! once its signature has been verified; a forged one gets `401` like any forgery, and the
//! handler sees only real events.
//!
//! Sources: docs.slack.dev/authentication/verifying-requests-from-slack,
//! docs.slack.dev/reference/events/url_verification.
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

use bytes::Bytes;
use http::{HeaderName, request::Parts};

use crate::{
    ConfigError, Keys, Rejection, ReplayWindow, Secret, Verification,
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
    Slack, finish = Slack::answer_url_verification
);

/// The type of the event Slack sends to check a request URL.
pub const URL_VERIFICATION_EVENT: &str = "url_verification";

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

    /// After the signature verified: a `url_verification` event is answered here.
    fn answer_url_verification(
        &self,
        _head: &Parts,
        body: &Bytes,
        verdict: Result<Verification, Rejection>,
    ) -> Result<Verification, Rejection> {
        #[derive(serde::Deserialize)]
        struct Challenge<'a> {
            #[serde(rename = "type", borrow)]
            kind: std::borrow::Cow<'a, str>,
            challenge: Option<String>,
        }
        let verification = verdict?;
        // Slash commands and interactions are form-encoded: only a JSON body can be one.
        if body.first() != Some(&b'{') {
            return Ok(verification);
        }
        match serde_json::from_slice::<Challenge<'_>>(body) {
            Ok(event) if event.kind == URL_VERIFICATION_EVENT => {
                let challenge = event.challenge.ok_or(Rejection::unverifiable_body(
                    "a url_verification event without `challenge`",
                ))?;
                let answer = crate::scheme_kit::handshake::plain_text(challenge);
                Ok(verification.answer(answer))
            }
            _ => Ok(verification),
        }
    }
}
