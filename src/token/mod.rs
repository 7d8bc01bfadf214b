//! Tokens: a shared secret the provider sends as it is, beside or instead of a signature.
//!
//! Some providers sign nothing and send a secret you chose instead: GitLab's `X-Gitlab-Token`,
//! Telegram's `X-Telegram-Bot-Api-Secret-Token`, HTTP Basic credentials in the webhook URL
//! (Postmark), a bearer token in `Authorization`. A token proves who sent the request only
//! over TLS and only while it stays secret; it does not bind the body, so prefer a signature
//! where the provider offers one. [`TokenScheme`] checks such a token in constant time (it
//! compares SHA-256 digests, so even the token's length is not revealed), before a byte of the
//! body is read, and [`SignatureScheme::and`](crate::SignatureScheme::and) combines it with a
//! signature when a route demands both.
//!
//! ```
//! use axum::{Router, routing::post};
//! use tower_webhooks::{WebhookSignatureLayer, token::TokenScheme};
//!
//! let scheme = TokenScheme::header("acme", "x-acme-token", "a token you chose")?;
//! let app: Router = Router::new()
//!     .route("/webhooks/acme", post(|| async {}))
//!     .route_layer(WebhookSignatureLayer::new(scheme));
//! # Ok::<(), tower_webhooks::ConfigError>(())
//! ```

mod digest;
mod scheme;

pub(crate) use digest::Digests;
pub use scheme::TokenScheme;
#[cfg(feature = "fetch")]
pub(crate) use scheme::authorization;
