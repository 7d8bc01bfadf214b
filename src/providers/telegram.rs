//! Telegram bots: the `secret_token` of `setWebhook`, sent as it is in
//! `X-Telegram-Bot-Api-Secret-Token`.
//!
//! | | |
//! |---|---|
//! | header | `X-Telegram-Bot-Api-Secret-Token` (the `secret_token` given to `setWebhook`) |
//! | signed content | nothing: the token proves who sent the request only over TLS, and binds no byte of it |
//! | comparison | SHA-256 digests, in constant time (see [`token`](crate::token)) |
//! | key | 1 to 256 characters of `A-Z`, `a-z`, `0-9`, `_` and `-`, as Telegram allows; anything else is refused when the scheme is built |
//! | replay window | none: Telegram sends no timestamp |
//! | type, id | an `Update`: `update_id`, and one of `message`, `edited_message`, `callback_query`, … (no field names the type, so there is no `EVENT_KEY`); Telegram retries the same update with the same body |
//! | rotation | call `setWebhook` with the new token; [`Telegram::with_keys`] accepts the old and the new meanwhile |
//!
//! Sources: core.telegram.org/bots/api#setwebhook (the header, the token's alphabet and length),
//! core.telegram.org/bots/api#update.
//!
//! ```
//! use axum::{Router, routing::post};
//! use tower_webhooks::{VerifiedJson, WebhookSignatureLayer, telegram::Telegram};
//!
//! async fn handle(VerifiedJson(update): VerifiedJson<serde_json::Value>) {
//!     let _ = &update["update_id"];
//! }
//!
//! let app: Router = Router::new()
//!     .route("/webhooks/telegram", post(handle))
//!     .route_layer(WebhookSignatureLayer::new(Telegram::new("my_secret-token")?));
//! # Ok::<(), tower_webhooks::ConfigError>(())
//! ```

use http::HeaderName;

use crate::{ConfigError, Keys, scheme_kit::forward::forward_scheme, token::TokenScheme};

/// The header Telegram sends the secret token in.
pub const TOKEN_HEADER: HeaderName = HeaderName::from_static(TOKEN);
const TOKEN: &str = "x-telegram-bot-api-secret-token";

/// Checks a Telegram bot's webhook secret token. See the [module docs](crate::telegram).
#[derive(Debug, Clone)]
pub struct Telegram(TokenScheme);

forward_scheme!(impl[] Telegram => |this| &this.0);

impl Telegram {
    /// Checks the `secret_token` given to `setWebhook`. Fails when it is not 1 to 256
    /// characters of `A-Z`, `a-z`, `0-9`, `_` and `-`.
    pub fn new(token: impl Into<Keys>) -> Result<Self, ConfigError> {
        Self::with_keys(token.into())
    }

    /// Accepts any of several tokens. Fails when `keys` is empty or a token is not of
    /// Telegram's form.
    pub fn with_keys(keys: Keys) -> Result<Self, ConfigError> {
        let telegram_form = |token: &[u8]| {
            (1..=256).contains(&token.len())
                && token
                    .iter()
                    .all(|&b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
        };
        if keys
            .secrets()
            .any(|secret| !telegram_form(secret.expose_secret()))
        {
            return Err(ConfigError::invalid_secret(
                "telegram",
                "a secret token is 1 to 256 characters of A-Z, a-z, 0-9, _ and -",
            ));
        }
        TokenScheme::header("telegram", TOKEN, keys).map(Self)
    }
}
