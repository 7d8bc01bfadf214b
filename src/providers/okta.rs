//! Okta event hooks: a secret header value you choose, and the one-time verification `GET`
//! answered for you.
//!
//! | | |
//! |---|---|
//! | header | `Authorization: <your secret>` (the hook's `authScheme`: `{"type": "HEADER", "key": "Authorization", "value": …}`; another header name with [`Okta::with_header`]) |
//! | signed content | nothing: Okta signs no event hook; the secret proves who sent the request only over TLS |
//! | comparison | SHA-256 digests of the whole header value, in constant time (see [`token`](crate::token)) |
//! | key | the secret string you gave Okta when registering the hook (not an Okta token) |
//! | replay window | none: Okta signs no timestamp |
//! | events | `data.events[]`, each with `eventType` (`user.session.start`) and `uuid`: duplicates are recognised per event |
//! | rotation | update the hook's secret; [`Okta::with_keys`] accepts the old and the new meanwhile |
//!
//! When a hook is verified Okta sends one `GET` with `X-Okta-Verification-Challenge: <value>`
//! and wants `{"verification": "<value>"}` back. [`Okta`] answers it itself (Okta does not
//! sign it; the answer is JSON, so a challenge is never reflected as markup).
//!
//! Source: developer.okta.com/docs/concepts/event-hooks (one-time verification, authentication
//! header, event delivery, duplicates by `uuid`).
//!
//! ```
//! use axum::{Router, routing::post};
//! use tower_webhooks::{VerifiedEvents, WebhookSignatureLayer, okta::Okta};
//!
//! async fn handle(events: VerifiedEvents<serde_json::Value>) {
//!     for event in &events {
//!         let _ = &event["eventType"];
//!     }
//! }
//!
//! let app: Router = Router::new()
//!     .route("/webhooks/okta", post(handle))
//!     .route_layer(WebhookSignatureLayer::new(Okta::new("a secret you chose")?));
//! # Ok::<(), tower_webhooks::ConfigError>(())
//! ```

use bytes::Bytes;
use http::{HeaderName, Method, Response, request::Parts};

use crate::{
    ConfigError, EventLayout, Keys, Rejection,
    routing::EventKey,
    scheme_kit::{
        forward::forward_scheme,
        handshake::{MAX_CHALLENGE, json},
    },
    token::TokenScheme,
};

/// Where an Okta event says its type: `eventType` (`user.session.start`), in each of
/// `data.events`. See [`routing`](crate::routing).
pub const EVENT_KEY: EventKey = EventKey::field("eventType");

/// Where the events are: `data.events`.
pub const EVENT_LAYOUT: EventLayout = EventLayout::Path(&["data", "events"]);

/// The header of Okta's one-time verification request.
pub const CHALLENGE_HEADER: HeaderName = HeaderName::from_static("x-okta-verification-challenge");

/// Checks Okta's authentication header and answers the verification. See the
/// [module docs](crate::okta).
#[derive(Debug, Clone)]
pub struct Okta(TokenScheme);

forward_scheme!(impl[] Okta => |this| &this.0, handshake = Okta::answer_verification);

impl Okta {
    /// Checks `Authorization: <secret>`. Fails when it is empty.
    pub fn new(secret: impl Into<Keys>) -> Result<Self, ConfigError> {
        Self::with_keys(secret.into())
    }

    /// Accepts any of several secrets in `Authorization`. Fails when `keys` is empty or a
    /// secret is empty.
    pub fn with_keys(keys: Keys) -> Result<Self, ConfigError> {
        Self::with_header("authorization", keys)
    }

    /// Checks the secret in another header, as the hook's `authScheme.key` names it.
    pub fn with_header(header: &'static str, keys: impl Into<Keys>) -> Result<Self, ConfigError> {
        TokenScheme::header("okta", header, keys)
            .map(|scheme| Self(scheme.event_layout(EVENT_LAYOUT)))
    }

    /// `GET` with `X-Okta-Verification-Challenge`: `{"verification": …}`.
    fn answer_verification(&self, head: &Parts) -> Option<Result<Response<Bytes>, Rejection>> {
        if head.method != Method::GET {
            return None;
        }
        let challenge = head
            .headers
            .get(&CHALLENGE_HEADER)
            .and_then(|value| value.to_str().ok())
            .filter(|value| !value.is_empty() && value.len() <= MAX_CHALLENGE);
        Some(match challenge {
            Some(challenge) => Ok(json(&serde_json::json!({ "verification": challenge }))),
            None => Err(Rejection::missing_header(CHALLENGE_HEADER)),
        })
    }
}
