//! GitLab: the secret token, sent as it is in `X-Gitlab-Token`.
//!
//! | | |
//! |---|---|
//! | headers | `X-Gitlab-Token` (the secret token, as set on the webhook), `X-Gitlab-Event` (`Push Hook`), `X-Gitlab-Event-UUID`, `Idempotency-Key` (the same across retries, GitLab 17.4 and later) |
//! | signed content | nothing: the token proves who sent the request only over TLS, and binds no byte of it |
//! | comparison | SHA-256 digests, in constant time (see [`token`](crate::token)) |
//! | key | the webhook's secret token, as text |
//! | replay window | none: GitLab sends no timestamp with the token |
//! | type, id | the `X-Gitlab-Event` header (`Push Hook`; the body's `object_kind` is `push`); duplicates are recognised by `Idempotency-Key` |
//! | rotation | one token per webhook; [`GitLab::with_keys`] accepts several while you change it |
//!
//! GitLab's newer *signing token* (`whsec_…`) signs deliveries as Standard Webhooks does
//! (`webhook-id`, `webhook-timestamp`, `webhook-signature`): verify those with
//! [`StandardWebhooks`](crate::standard_webhooks::StandardWebhooks), and demand the secret
//! token too with [`SignatureScheme::and`](crate::SignatureScheme::and) if you set both.
//!
//! Sources: docs.gitlab.com/user/project/integrations/webhooks (secret token, delivery
//! headers, `Idempotency-Key`); the signing token: docs.gitlab.com/user/project/integrations/webhooks/#signing-tokens.
//!
//! ```
//! use axum::{Router, routing::post};
//! use tower_webhooks::{VerifiedJson, WebhookSignatureLayer, gitlab::GitLab};
//!
//! async fn handle(VerifiedJson(event): VerifiedJson<serde_json::Value>) {
//!     let _ = &event["object_kind"];
//! }
//!
//! let app: Router = Router::new()
//!     .route("/webhooks/gitlab", post(handle))
//!     .route_layer(WebhookSignatureLayer::new(GitLab::new("secret token")?));
//! # Ok::<(), tower_webhooks::ConfigError>(())
//! ```

use http::HeaderName;

use crate::{
    ConfigError, Keys, routing::EventKey, scheme_kit::forward::forward_scheme, token::TokenScheme,
};

/// Where GitLab says a delivery's type: the `X-Gitlab-Event` header (`Push Hook`). See
/// [`routing`](crate::routing).
pub const EVENT_KEY: EventKey = EventKey::header(EVENT_HEADER);

/// The header GitLab sends the secret token in.
pub const TOKEN_HEADER: HeaderName = HeaderName::from_static(TOKEN);
const TOKEN: &str = "x-gitlab-token";

/// The header GitLab names the event in.
pub const EVENT_HEADER: HeaderName = HeaderName::from_static("x-gitlab-event");

/// The header with the event's id.
pub const ID_HEADER: HeaderName = HeaderName::from_static("x-gitlab-event-uuid");

/// The header whose value stays the same across GitLab's retries.
pub const IDEMPOTENCY_HEADER: HeaderName = HeaderName::from_static("idempotency-key");

/// Checks GitLab's secret token. See the [module docs](crate::gitlab).
#[derive(Debug, Clone)]
pub struct GitLab(TokenScheme);

forward_scheme!(impl[] GitLab => |this| &this.0);

impl GitLab {
    /// Checks the webhook's secret token. Fails when it is empty.
    pub fn new(token: impl Into<Keys>) -> Result<Self, ConfigError> {
        Self::with_keys(token.into())
    }

    /// Accepts any of several tokens. Fails when `keys` is empty or a token is empty.
    pub fn with_keys(keys: Keys) -> Result<Self, ConfigError> {
        TokenScheme::header("gitlab", TOKEN, keys).map(|scheme| {
            Self(
                scheme
                    .id_header(ID_HEADER)
                    .idempotency_header(IDEMPOTENCY_HEADER),
            )
        })
    }
}
