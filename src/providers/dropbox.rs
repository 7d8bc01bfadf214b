//! Dropbox: `X-Dropbox-Signature`, hex of HMAC-SHA256 of the raw body, and the `GET ?challenge=` verification answered for you.
//!
//! | | |
//! |---|---|
//! | header | `X-Dropbox-Signature: <hex>` |
//! | signed content | the raw body |
//! | MAC, encoding | HMAC-SHA256, hex |
//! | key | the app secret, as text |
//! | replay window | none: Dropbox signs no timestamp |
//! | events | a notification names the accounts (`list_folder.accounts`) that changed, not what changed: fetch the changes with the API. No event type |
//! | rotation | one app secret; [`Dropbox::with_keys`] accepts several while you change it |
//!
//! When a webhook URI is added, Dropbox sends `GET <uri>?challenge=<text>` and wants the text back, with `Content-Type: text/plain` and `X-Content-Type-Options: nosniff`, within ten seconds. [`Dropbox`] answers it itself (Dropbox does not sign it; a challenge longer than 1 KiB is refused rather than reflected). The route must let `GET` reach the layer: with `route_layer` on a `post` route it does, since axum runs the layer before it answers `405`.
//!
//! Sources: dropbox.com/developers/reference/webhooks (the challenge, the signature, `X-Content-Type-Options`).
//!
//! ```
//! use axum::{Router, routing::post};
//! use tower_webhooks::{VerifiedJson, WebhookSignatureLayer, dropbox::Dropbox};
//!
//! async fn handle(VerifiedJson(event): VerifiedJson<serde_json::Value>) {
//!     let _ = event;
//! }
//!
//! let app: Router = Router::new()
//!     .route("/webhooks/dropbox", post(handle))
//!     .route_layer(WebhookSignatureLayer::new(Dropbox::new("app secret")));
//! ```

use bytes::Bytes;
use http::{HeaderName, Method, Response, request::Parts};

use crate::{ConfigError, Keys, Rejection, Secret, hmac_scheme::HmacScheme};

/// The header Dropbox puts its signature in.
pub const SIGNATURE_HEADER: HeaderName = HeaderName::from_static(SIGNATURE);
const SIGNATURE: &str = "x-dropbox-signature";

crate::scheme_kit::forward::hmac_preset!(/// Verifies Dropbox deliveries. See the [module docs](crate::dropbox).
    Dropbox, handshake = Dropbox::answer_challenge
);

impl Dropbox {
    /// Verifies with the app secret.
    pub fn new(secret: impl Into<Secret>) -> Self {
        Self::with_keys(Keys::from(secret.into())).expect("one key and a fixed description")
    }

    /// The same with any of several keys, for rotation. Fails only when `keys` is empty.
    pub fn with_keys(keys: Keys) -> Result<Self, ConfigError> {
        HmacScheme::builder("dropbox")
            .signature_header(SIGNATURE)
            .keys(keys)
            .build()
            .map(Self)
    }

    /// `GET ?challenge=…`: the challenge, echoed as plain text.
    fn answer_challenge(&self, head: &Parts) -> Option<Result<Response<Bytes>, Rejection>> {
        use crate::scheme_kit::handshake::{MAX_CHALLENGE, plain_text, query_param};
        if head.method != Method::GET {
            return None;
        }
        let Some(challenge) = query_param(head, "challenge") else {
            return Some(Err(Rejection::unverifiable_body(
                "a GET without a challenge",
            )));
        };
        if challenge.len() > MAX_CHALLENGE {
            return Some(Err(Rejection::unverifiable_body(
                "a challenge too long to echo",
            )));
        }
        Some(Ok(plain_text(challenge.into_owned())))
    }
}
