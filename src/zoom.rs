//! Zoom: `x-zm-signature: v0=<hex>`, HMAC-SHA256 of `v0:{timestamp}:{body}`, and the
//! `endpoint.url_validation` challenge answered for you.
//!
//! | | |
//! |---|---|
//! | headers | `x-zm-signature: v0=<hex>`, `x-zm-request-timestamp: <seconds>` |
//! | signed content | `v0:{timestamp}:{raw body}` |
//! | MAC, encoding | HMAC-SHA256, hex |
//! | key | the app's secret token as text |
//! | replay window | 300 s each way (Zoom specifies none; five minutes is the usual choice) |
//! | rotation | [`Zoom::with_keys`] accepts any of several tokens |
//!
//! When Zoom validates the endpoint (on set-up, then every 72 hours) it posts a signed
//! `endpoint.url_validation` event with a `plainToken` and wants, within 3 s,
//! `{"plainToken": …, "encryptedToken": hex(HMAC-SHA256(secret token, plainToken))}`. [`Zoom`]
//! answers that itself once the challenge's signature has been verified; the handler sees only
//! real events. Source: developers.zoom.us/docs/api/webhooks/#verify-webhook-events.
//!
//! ```
//! use axum::{Router, routing::post};
//! use tower_webhooks::{VerifiedJson, WebhookSignatureLayer, zoom::Zoom};
//!
//! async fn handle(VerifiedJson(event): VerifiedJson<serde_json::Value>) {
//!     let _ = &event["event"]; // "meeting.started", ...; never "endpoint.url_validation"
//! }
//!
//! let app: Router = Router::new()
//!     .route("/webhooks/zoom", post(handle))
//!     .route_layer(WebhookSignatureLayer::new(Zoom::new("secret token")));
//! ```

use std::time::Duration;

use bytes::Bytes;
use http::{Response, header, request::Parts};
use serde::Deserialize;

use crate::{
    Clock, ConfigError, Keys, Rejection, ReplayWindow, Secret, SignatureScheme, Verification,
    hmac_scheme::{Algorithm, Encoding, HmacScheme, SignatureFormat},
    routing::EventKey,
};

/// Where a Zoom event says its type: `event` (`meeting.started`, `endpoint.url_validation`, …). See
/// [`routing`](crate::routing).
pub const EVENT_KEY: EventKey = EventKey::field("event");

/// The replay window used by default.
pub const DEFAULT_TOLERANCE: Duration = Duration::from_secs(300);

/// The event Zoom sends to validate an endpoint.
pub const URL_VALIDATION_EVENT: &str = "endpoint.url_validation";

/// Verifies Zoom deliveries and answers URL validation. See the [module docs](crate::zoom).
#[derive(Debug, Clone)]
pub struct Zoom(HmacScheme);

impl Zoom {
    /// Verifies with the app's secret token.
    pub fn new(secret: impl Into<Secret>) -> Self {
        Self::with_keys(Keys::from(secret.into())).expect("one key and a fixed description")
    }

    /// Verifies with any of several secret tokens. Fails only when `keys` is empty.
    pub fn with_keys(keys: Keys) -> Result<Self, ConfigError> {
        HmacScheme::builder("zoom")
            .signature_header("x-zm-signature")
            .format(SignatureFormat::Single { prefix: "v0=" })
            .timestamp_header("x-zm-request-timestamp")
            .signed_content("v0:{timestamp}:{body}")
            .replay_window(ReplayWindow::symmetric(DEFAULT_TOLERANCE))
            .keys(keys)
            .build()
            .map(Self)
    }

    /// Replaces the replay window.
    #[must_use]
    pub fn with_replay_window(self, window: ReplayWindow) -> Self {
        Self(self.0.with_replay_window(window))
    }

    /// Replaces the clock the replay window is checked against.
    #[must_use]
    pub fn with_clock(self, clock: Clock) -> Self {
        Self(self.0.with_clock(clock))
    }
}

#[derive(Deserialize)]
struct Challenge<'a> {
    #[serde(borrow)]
    event: std::borrow::Cow<'a, str>,
    payload: Option<ChallengePayload>,
}

#[derive(Deserialize)]
struct ChallengePayload {
    #[serde(rename = "plainToken")]
    plain_token: Option<String>,
}

impl SignatureScheme for Zoom {
    fn name(&self) -> &'static str {
        "zoom"
    }

    fn check_head(&self, head: &Parts) -> Result<(), Rejection> {
        self.0.check_head(head)
    }

    fn verify(&self, head: &Parts, body: &Bytes) -> Result<Verification, Rejection> {
        let (verification, key) = self.0.verify_with_key(head, body)?;
        let Ok(challenge) = serde_json::from_slice::<Challenge<'_>>(body) else {
            return Ok(verification);
        };
        if challenge.event != URL_VALIDATION_EVENT {
            return Ok(verification);
        }
        let plain_token =
            challenge
                .payload
                .and_then(|p| p.plain_token)
                .ok_or(Rejection::unverifiable_body(
                    "an endpoint.url_validation event without payload.plainToken",
                ))?;
        let encrypted =
            Algorithm::HmacSha256.sign(key.secret.expose_secret(), &[plain_token.as_bytes()]);
        let answer = serde_json::json!({
            "plainToken": plain_token,
            "encryptedToken": Encoding::Hex.encode(&encrypted),
        });
        let response = Response::builder()
            .header(header::CONTENT_TYPE, "application/json")
            .body(Bytes::from(answer.to_string()))
            .expect("a static header on a fresh response");
        Ok(verification.answer(response))
    }
}
