//! Postmark: HTTP Basic credentials in the webhook URL, sent as `Authorization: Basic`.
//!
//! | | |
//! |---|---|
//! | header | `Authorization: Basic base64(user:password)`, from a webhook URL `https://user:password@example.com/…` |
//! | signed content | nothing: Postmark signs no webhook; the credentials prove who sent the request only over TLS |
//! | comparison | SHA-256 digests of `user:password`, in constant time (see [`token`](crate::token)) |
//! | key | the user name and password you put in the webhook URL |
//! | replay window | none: Postmark sends no timestamp |
//! | type | `RecordType` (`Delivery`, `Bounce`, `SpamComplaint`, `Open`, `Click`, `SubscriptionChange`) |
//! | rotation | change the URL's credentials; [`Postmark::with_keys`] accepts the old and the new meanwhile |
//!
//! Source: postmarkapp.com/developer/webhooks/webhooks-overview ("Protecting your webhook").
//!
//! ```
//! use axum::{Router, routing::post};
//! use tower_webhooks::{VerifiedJson, WebhookSignatureLayer, postmark::Postmark};
//!
//! async fn handle(VerifiedJson(record): VerifiedJson<serde_json::Value>) {
//!     let _ = &record["RecordType"];
//! }
//!
//! let app: Router = Router::new()
//!     .route("/webhooks/postmark", post(handle))
//!     .route_layer(WebhookSignatureLayer::new(Postmark::new("hooks", "correct horse")?));
//! # Ok::<(), tower_webhooks::ConfigError>(())
//! ```

use crate::{
    ConfigError, Keys, Secret, routing::EventKey, scheme_kit::forward::forward_scheme,
    token::TokenScheme,
};

/// Where a Postmark record says its type: `RecordType` (`Bounce`). See
/// [`routing`](crate::routing).
pub const EVENT_KEY: EventKey = EventKey::field("RecordType");

/// Checks the Basic credentials of Postmark's webhook URL. See the
/// [module docs](crate::postmark).
#[derive(Debug, Clone)]
pub struct Postmark(TokenScheme);

forward_scheme!(impl[] Postmark => |this| &this.0);

impl Postmark {
    /// Checks `user` and `password`. Fails when the user name has a `:` (Basic credentials
    /// cannot carry one) or both are empty.
    pub fn new(user: &str, password: impl Into<Secret>) -> Result<Self, ConfigError> {
        if user.contains(':') {
            return Err(ConfigError::invalid_setting(
                "postmark",
                "a Basic user name cannot contain `:`",
            ));
        }
        let password = password.into();
        if user.is_empty() && password.expose_secret().is_empty() {
            return Err(ConfigError::invalid_secret(
                "postmark",
                "the user name and the password are both empty",
            ));
        }
        let mut credentials = format!("{user}:").into_bytes();
        credentials.extend_from_slice(password.expose_secret());
        Self::with_keys(Keys::from(Secret::new(credentials)))
    }

    /// Accepts any of several credentials, each `user:password`. Fails when `keys` is empty
    /// or a key has no `:`.
    pub fn with_keys(keys: Keys) -> Result<Self, ConfigError> {
        TokenScheme::basic("postmark", keys).map(Self)
    }
}
