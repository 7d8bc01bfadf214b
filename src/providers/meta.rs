//! Meta (WhatsApp Cloud API, Messenger, Instagram): `X-Hub-Signature-256: sha256=<hex>`,
//! HMAC-SHA256 of the raw body, and the `GET` subscription check answered for you.
//!
//! | | |
//! |---|---|
//! | header | `X-Hub-Signature-256: sha256=<hex>` |
//! | signed content | the raw body |
//! | MAC, encoding | HMAC-SHA256, hex |
//! | key | the app secret, as text |
//! | replay window | none: Meta signs no timestamp |
//! | type | `object` (`whatsapp_business_account`, `page`, `instagram`); each `entry[].changes[].field` says what changed |
//! | rotation | one app secret; [`Meta::with_keys`] accepts several while you reset it |
//!
//! When a webhook is configured, Meta sends `GET <url>?hub.mode=subscribe&hub.challenge=<n>&
//! hub.verify_token=<your token>` and wants `hub.challenge` back with `200`. The verify token
//! is a string you choose in the App Dashboard; give it with [`Meta::with_verify_token`] and
//! [`Meta`] answers the check itself, refusing (`401`) one whose token is not yours (compared
//! in constant time). Without a verify token every such check is refused.
//!
//! Sources: developers.facebook.com/docs/graph-api/webhooks/getting-started (verification
//! requests, payload signatures), developers.facebook.com/docs/whatsapp/cloud-api/guides/set-up-webhooks.
//!
//! ```
//! use axum::{Router, routing::post};
//! use tower_webhooks::{VerifiedJson, WebhookSignatureLayer, meta::Meta};
//!
//! async fn handle(VerifiedJson(event): VerifiedJson<serde_json::Value>) {
//!     let _ = &event["object"];
//! }
//!
//! // `GET` reaches the layer too: axum runs a route's layer before it answers `405`.
//! let scheme = Meta::new("app secret").with_verify_token("a token you chose")?;
//! let app: Router = Router::new()
//!     .route("/webhooks/meta", post(handle))
//!     .route_layer(WebhookSignatureLayer::new(scheme));
//! # Ok::<(), tower_webhooks::ConfigError>(())
//! ```

use bytes::Bytes;
use http::{HeaderName, Method, Response, request::Parts};

use crate::{
    ConfigError, Keys, Rejection, Secret,
    hmac_scheme::{HmacScheme, SignatureFormat},
    routing::EventKey,
    scheme_kit::{
        forward::forward_scheme,
        handshake::{MAX_CHALLENGE, plain_text, query_param},
    },
    token::Digests,
};

/// Where Meta says a delivery's type: `object` (`whatsapp_business_account`). See
/// [`routing`](crate::routing).
pub const EVENT_KEY: EventKey = EventKey::field("object");

/// The header Meta puts its signature in.
pub const SIGNATURE_HEADER: HeaderName = HeaderName::from_static(SIGNATURE);
const SIGNATURE: &str = "x-hub-signature-256";

/// Verifies Meta deliveries and answers the subscription check. See the
/// [module docs](crate::meta).
#[derive(Debug, Clone)]
pub struct Meta {
    scheme: HmacScheme,
    verify_token: Option<Digests>,
}

forward_scheme!(impl[] Meta => |this| &this.scheme, handshake = Meta::answer_subscription);

impl Meta {
    /// Verifies with the app secret.
    pub fn new(secret: impl Into<Secret>) -> Self {
        Self::with_keys(Keys::from(secret.into())).expect("one key and a fixed description")
    }

    /// Verifies with any of several app secrets. Fails only when `keys` is empty.
    pub fn with_keys(keys: Keys) -> Result<Self, ConfigError> {
        let scheme = HmacScheme::builder("meta")
            .signature_header(SIGNATURE)
            .format(SignatureFormat::Single { prefix: "sha256=" })
            .keys(keys)
            .build()?;
        Ok(Self {
            scheme,
            verify_token: None,
        })
    }

    /// Answers the subscription check whose `hub.verify_token` is `token` (or any of several,
    /// with [`Keys`]). Fails when it is empty.
    pub fn with_verify_token(mut self, token: impl Into<Keys>) -> Result<Self, ConfigError> {
        self.verify_token = Some(Digests::new("meta", token.into())?);
        Ok(self)
    }

    /// The [`HmacScheme`] underneath.
    #[must_use]
    pub fn into_hmac_scheme(self) -> HmacScheme {
        self.scheme
    }

    /// `GET ?hub.mode=subscribe&hub.verify_token=…&hub.challenge=…`.
    fn answer_subscription(&self, head: &Parts) -> Option<Result<Response<Bytes>, Rejection>> {
        if head.method != Method::GET {
            return None;
        }
        Some(self.check_subscription(head))
    }

    fn check_subscription(&self, head: &Parts) -> Result<Response<Bytes>, Rejection> {
        let refused = Rejection::signature_mismatch;
        if query_param(head, "hub.mode").as_deref() != Some("subscribe") {
            return Err(Rejection::unverifiable_body(
                "a GET that is no subscription check",
            ));
        }
        let token = query_param(head, "hub.verify_token").ok_or_else(refused)?;
        let tokens = self.verify_token.as_ref().ok_or_else(|| {
            refused().with_hint("no verify token is configured: Meta::with_verify_token")
        })?;
        tokens.matching(token.as_bytes()).ok_or_else(refused)?;
        let challenge = query_param(head, "hub.challenge")
            .filter(|c| !c.is_empty() && c.len() <= MAX_CHALLENGE)
            .ok_or_else(|| Rejection::unverifiable_body("a missing or oversized hub.challenge"))?;
        Ok(plain_text(challenge.into_owned()))
    }
}
