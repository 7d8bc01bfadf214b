//! Twitch EventSub: `Twitch-Eventsub-Message-Signature: sha256=<hex>` over the message id, the timestamp and the body, and the `webhook_callback_verification` challenge answered for you.
//!
//! | | |
//! |---|---|
//! | headers | `Twitch-Eventsub-Message-Signature: sha256=<hex>`, `Twitch-Eventsub-Message-Id`, `Twitch-Eventsub-Message-Timestamp` (RFC 3339, nanoseconds), `Twitch-Eventsub-Message-Type` (`notification`, `webhook_callback_verification`, `revocation`), `Twitch-Eventsub-Subscription-Type` (`channel.follow`) |
//! | signed content | `{message id}{timestamp}{raw body}`, no separators |
//! | MAC, encoding | HMAC-SHA256, hex |
//! | key | the `secret` given when the subscription was created (10 to 100 ASCII characters), as text |
//! | replay window | 600 s each way (Twitch: refuse a message older than ten minutes) |
//! | type, id | the `Twitch-Eventsub-Subscription-Type` header; duplicates are recognised by the signed message id |
//! | rotation | one secret per subscription; [`Twitch::with_keys`] accepts several while you change it |
//!
//! When a subscription is created Twitch sends a signed `webhook_callback_verification` message and wants its `challenge` back as plain text with `200`. [`Twitch`] answers it itself once the signature has been verified; a forged challenge gets `401` like any forgery. A `revocation` message reaches the handler, which learns why from the body's `subscription.status`.
//!
//! Sources: dev.twitch.tv/docs/eventsub/handling-webhook-events (headers, the signed message, the challenge, replays).
//!
//! ```
//! use axum::{Router, routing::post};
//! use tower_webhooks::{VerifiedJson, WebhookSignatureLayer, twitch::Twitch};
//!
//! async fn handle(VerifiedJson(event): VerifiedJson<serde_json::Value>) {
//!     let _ = event;
//! }
//!
//! let app: Router = Router::new()
//!     .route("/webhooks/twitch", post(handle))
//!     .route_layer(WebhookSignatureLayer::new(Twitch::new("subscription secret")));
//! ```

use std::time::Duration;

use bytes::Bytes;
use http::{HeaderName, request::Parts};

use crate::{
    ConfigError, Keys, Rejection, ReplayWindow, Secret, Verification,
    hmac_scheme::{HmacScheme, SignatureFormat, Timestamp, TimestampUnit},
    routing::EventKey,
};

/// Where Twitch EventSub says an event's type: the `Twitch-Eventsub-Subscription-Type` header (`channel.follow`). See [`routing`](crate::routing).
pub const EVENT_KEY: EventKey = EventKey::header(SUBSCRIPTION_TYPE_HEADER);

/// The header Twitch puts its signature in.
pub const SIGNATURE_HEADER: HeaderName = HeaderName::from_static(SIGNATURE);
const SIGNATURE: &str = "twitch-eventsub-message-signature";

/// The header with the message id (signed).
pub const ID_HEADER: HeaderName = HeaderName::from_static(ID);
const ID: &str = "twitch-eventsub-message-id";

/// The header with the RFC 3339 timestamp (signed).
pub const TIMESTAMP_HEADER: HeaderName = HeaderName::from_static(TIMESTAMP);
const TIMESTAMP: &str = "twitch-eventsub-message-timestamp";

/// The header that says whether a message is a notification, the challenge or a revocation.
pub const MESSAGE_TYPE_HEADER: HeaderName = HeaderName::from_static(MESSAGE_TYPE);
const MESSAGE_TYPE: &str = "twitch-eventsub-message-type";

/// The header with the subscription's type (`channel.follow`).
pub const SUBSCRIPTION_TYPE_HEADER: HeaderName = HeaderName::from_static(SUBSCRIPTION_TYPE);
const SUBSCRIPTION_TYPE: &str = "twitch-eventsub-subscription-type";

/// The replay window used by default: ten minutes, as Twitch's docs say.
pub const DEFAULT_TOLERANCE: Duration = Duration::from_secs(600);

/// The message type of the challenge Twitch sends when a subscription is created.
pub const VERIFICATION_MESSAGE: &str = "webhook_callback_verification";

crate::scheme_kit::forward::hmac_preset!(timestamped
    /// Verifies Twitch EventSub deliveries. See the [module docs](crate::twitch).
    Twitch, finish = Twitch::answer_challenge
);

impl Twitch {
    /// Verifies with the subscription's secret.
    pub fn new(secret: impl Into<Secret>) -> Self {
        Self::with_keys(Keys::from(secret.into())).expect("one key and a fixed description")
    }

    /// The same with any of several keys, for rotation. Fails only when `keys` is empty.
    pub fn with_keys(keys: Keys) -> Result<Self, ConfigError> {
        HmacScheme::builder("twitch")
            .signature_header(SIGNATURE)
            .format(SignatureFormat::Single { prefix: "sha256=" })
            .signed_content("{id}{timestamp}{body}")
            .id_header(ID)
            .timestamp_header(TIMESTAMP)
            .timestamp(Timestamp::Header, TimestampUnit::Rfc3339)
            .replay_window(ReplayWindow::symmetric(DEFAULT_TOLERANCE))
            .keys(keys)
            .build()
            .map(Self)
    }

    /// After the signature verified: the challenge is answered here, never by the handler.
    fn answer_challenge(
        &self,
        head: &Parts,
        body: &Bytes,
        verdict: Result<Verification, Rejection>,
    ) -> Result<Verification, Rejection> {
        let verification = verdict?;
        if head
            .headers
            .get(&MESSAGE_TYPE_HEADER)
            .is_none_or(|t| t != VERIFICATION_MESSAGE)
        {
            return Ok(verification);
        }
        #[derive(serde::Deserialize)]
        struct Challenge {
            challenge: String,
        }
        let challenge: Challenge = serde_json::from_slice(body).map_err(|_| {
            Rejection::unverifiable_body("a verification message without `challenge`")
        })?;
        let answer = crate::scheme_kit::handshake::plain_text(challenge.challenge);
        Ok(verification.answer(answer))
    }
}
