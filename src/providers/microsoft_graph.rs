//! Microsoft Graph change notifications: the `clientState` of each notification, and the
//! `validationToken` handshake answered for you.
//!
//! | | |
//! |---|---|
//! | where | `value[].clientState` in the JSON body: the secret given when the subscription was created (up to 128 characters) |
//! | signed content | nothing: Graph signs basic notifications with nothing but `clientState`, which proves who sent a notification only over TLS |
//! | comparison | every notification of the delivery must carry a matching `clientState`; SHA-256 digests, in constant time |
//! | key | the subscription's `clientState` |
//! | replay window | none: nothing is signed |
//! | events | `value[]`, each with `changeType` (`created`, `updated`, `deleted`), `resource`, `subscriptionId` and `id`: duplicates are recognised per notification |
//! | rotation | one `clientState` per subscription; [`MicrosoftGraph::with_keys`] accepts several (several subscriptions, or a renewal) |
//!
//! When a subscription is created Graph sends `POST <url>?validationToken=<token>` and wants,
//! within ten seconds, `200` with the decoded token as `text/plain`. [`MicrosoftGraph`]
//! answers it itself, for any method (Graph does not sign it; the answer is plain text with
//! `nosniff`, and a token over 1 KiB is refused rather than reflected). Rich notifications'
//! `validationTokens` (JWTs) and encrypted resource data are not checked here.
//!
//! Sources: learn.microsoft.com/graph/change-notifications-delivery-webhooks (notification URL
//! validation, `clientState`); learn.microsoft.com/graph/api/resources/changenotificationcollection.
//!
//! ```
//! use axum::{Router, routing::post};
//! use tower_webhooks::{VerifiedEvents, WebhookSignatureLayer, microsoft_graph::MicrosoftGraph};
//!
//! async fn handle(notifications: VerifiedEvents<serde_json::Value>) {
//!     for notification in &notifications {
//!         let _ = (&notification["changeType"], &notification["resource"]);
//!     }
//! }
//!
//! let app: Router = Router::new()
//!     .route("/webhooks/graph", post(handle))
//!     .route_layer(WebhookSignatureLayer::new(MicrosoftGraph::new("client state")?));
//! # Ok::<(), tower_webhooks::ConfigError>(())
//! ```

use bytes::Bytes;
use http::{Response, request::Parts};
use serde::Deserialize;

use crate::{
    ConfigError, EventLayout, Keys, Rejection, SignatureScheme, Verification,
    routing::EventKey,
    scheme_kit::handshake::{MAX_CHALLENGE, plain_text, query_param},
    token::Digests,
};

/// Where a Graph notification says its type: `changeType` (`created`). See
/// [`routing`](crate::routing).
pub const EVENT_KEY: EventKey = EventKey::field("changeType");

/// Where the notifications are: `value`.
pub const EVENT_LAYOUT: EventLayout = EventLayout::Field("value");

/// The query parameter of Graph's validation request.
pub const VALIDATION_PARAMETER: &str = "validationToken";

/// Checks Graph notifications' `clientState` and answers the validation. See the
/// [module docs](crate::microsoft_graph).
#[derive(Debug, Clone)]
pub struct MicrosoftGraph {
    states: Digests,
}

impl MicrosoftGraph {
    /// Checks the subscription's `clientState`. Fails when it is empty.
    pub fn new(client_state: impl Into<Keys>) -> Result<Self, ConfigError> {
        Self::with_keys(client_state.into())
    }

    /// Accepts any of several `clientState`s. Fails when `keys` is empty or one is empty.
    pub fn with_keys(keys: Keys) -> Result<Self, ConfigError> {
        Ok(Self {
            states: Digests::new("microsoft-graph", keys)?,
        })
    }
}

#[derive(Deserialize)]
struct Collection<'a> {
    #[serde(borrow)]
    value: Vec<Notification<'a>>,
}

#[derive(Deserialize)]
struct Notification<'a> {
    #[serde(rename = "clientState", borrow)]
    client_state: Option<std::borrow::Cow<'a, str>>,
}

impl SignatureScheme for MicrosoftGraph {
    fn name(&self) -> &'static str {
        "microsoft-graph"
    }

    fn handshake(&self, head: &Parts) -> Option<Result<Response<Bytes>, Rejection>> {
        let token = query_param(head, VALIDATION_PARAMETER)?;
        Some(if token.is_empty() || token.len() > MAX_CHALLENGE {
            Err(Rejection::unverifiable_body(
                "an empty or oversized validationToken",
            ))
        } else {
            Ok(plain_text(token.into_owned()))
        })
    }

    fn verify(&self, _head: &Parts, body: &Bytes) -> Result<Verification, Rejection> {
        let collection: Collection<'_> = serde_json::from_slice(body).map_err(|_| {
            Rejection::unverifiable_body("not a Graph notification collection (`value`)")
        })?;
        if collection.value.is_empty() {
            return Err(Rejection::unverifiable_body(
                "a collection of no notifications",
            ));
        }
        // Every notification must carry a known state: one good one would otherwise vouch
        // for forged ones beside it.
        let mut key = None;
        for notification in &collection.value {
            let state = notification
                .client_state
                .as_deref()
                .ok_or_else(Rejection::signature_mismatch)?;
            key = Some(
                self.states
                    .matching(state.as_bytes())
                    .ok_or_else(Rejection::signature_mismatch)?,
            );
        }
        Ok(Verification::raw_body().maybe_key_id(key.flatten()))
    }

    fn event_layout(&self) -> EventLayout {
        EVENT_LAYOUT
    }
}
