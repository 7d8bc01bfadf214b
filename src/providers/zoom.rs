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
use http::{HeaderName, Response, header, request::Parts};
use serde::Deserialize;

use crate::{
    ConfigError, Keys, Rejection, ReplayWindow, Secret, Verification,
    hmac_scheme::{Algorithm, Encoding, HmacScheme, SignatureFormat},
    routing::EventKey,
};

/// Where a Zoom event says its type: `event` (`meeting.started`, `endpoint.url_validation`, …). See
/// [`routing`](crate::routing).
pub const EVENT_KEY: EventKey = EventKey::field("event");

/// The header Zoom puts its signature in.
pub const SIGNATURE_HEADER: HeaderName = HeaderName::from_static(SIGNATURE);
const SIGNATURE: &str = "x-zm-signature";

/// The header Zoom puts its timestamp in.
pub const TIMESTAMP_HEADER: HeaderName = HeaderName::from_static(TIMESTAMP);
const TIMESTAMP: &str = "x-zm-request-timestamp";

/// The replay window used by default.
pub const DEFAULT_TOLERANCE: Duration = Duration::from_secs(300);

/// The event Zoom sends to validate an endpoint.
pub const URL_VALIDATION_EVENT: &str = "endpoint.url_validation";

crate::scheme_kit::forward::hmac_preset!(timestamped
    /// Verifies Zoom deliveries and answers URL validation. See the [module docs](crate::zoom).
    Zoom, finish = Zoom::answer_challenge
);

impl Zoom {
    /// Verifies with the app's secret token.
    pub fn new(secret: impl Into<Secret>) -> Self {
        Self::with_keys(Keys::from(secret.into())).expect("one key and a fixed description")
    }

    /// Verifies with any of several secret tokens. Fails only when `keys` is empty.
    pub fn with_keys(keys: Keys) -> Result<Self, ConfigError> {
        HmacScheme::builder("zoom")
            .signature_header(SIGNATURE)
            .format(SignatureFormat::Single { prefix: "v0=" })
            .timestamp_header(TIMESTAMP)
            .signed_content("v0:{timestamp}:{body}")
            .replay_window(ReplayWindow::symmetric(DEFAULT_TOLERANCE))
            .keys(keys)
            .build()
            .map(Self)
    }

    /// After the signature verified (streamed or not): a URL validation challenge is answered
    /// here, with the key that matched, and never reaches the handler.
    fn answer_challenge(
        &self,
        _head: &Parts,
        body: &Bytes,
        verdict: Result<Verification, Rejection>,
    ) -> Result<Verification, Rejection> {
        let verification = verdict?;
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
        let key = self
            .0
            .matched_key(&verification)
            .expect("the HMAC scheme names the key that matched");
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
