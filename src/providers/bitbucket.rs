//! Bitbucket Cloud: `X-Hub-Signature: sha256=<hex>`, HMAC-SHA256 of the raw body.
//!
//! | | |
//! |---|---|
//! | headers | `X-Hub-Signature: sha256=<hex>` (SHA-256 under GitHub's old header name), `X-Event-Key` (`repo:push`), `X-Request-UUID`, `X-Hook-UUID` |
//! | signed content | the raw body |
//! | MAC, encoding | HMAC-SHA256, hex |
//! | key | the webhook's secret, as text |
//! | replay window | none: Bitbucket signs no timestamp |
//! | type | the `X-Event-Key` header (`repo:push`, `pullrequest:created`) |
//! | rotation | one secret per webhook; [`Bitbucket::with_keys`] accepts several while you change it |
//!
//! Sources: support.atlassian.com/bitbucket-cloud/docs/manage-webhooks/#Secure-webhooks; support.atlassian.com/bitbucket-cloud/docs/event-payloads/#HTTP-headers.
//!
//! ```
//! use axum::{Router, routing::post};
//! use tower_webhooks::{VerifiedJson, WebhookSignatureLayer, bitbucket::Bitbucket};
//!
//! async fn handle(VerifiedJson(event): VerifiedJson<serde_json::Value>) {
//!     let _ = event;
//! }
//!
//! let app: Router = Router::new()
//!     .route("/webhooks/bitbucket", post(handle))
//!     .route_layer(WebhookSignatureLayer::new(Bitbucket::new("webhook secret")));
//! ```

use http::HeaderName;

use crate::{
    ConfigError, Keys, Secret,
    hmac_scheme::{HmacScheme, SignatureFormat},
    routing::EventKey,
};

/// Where Bitbucket Cloud says an event's type: the `X-Event-Key` header (`repo:push`). See [`routing`](crate::routing).
pub const EVENT_KEY: EventKey = EventKey::header(EVENT_HEADER);

/// The header Bitbucket puts its signature in.
pub const SIGNATURE_HEADER: HeaderName = HeaderName::from_static(SIGNATURE);
const SIGNATURE: &str = "x-hub-signature";

/// The header Bitbucket names the event in.
pub const EVENT_HEADER: HeaderName = HeaderName::from_static(EVENT);
const EVENT: &str = "x-event-key";

/// The header with Bitbucket's request id (not signed).
pub const ID_HEADER: HeaderName = HeaderName::from_static(ID);
const ID: &str = "x-request-uuid";

crate::scheme_kit::forward::hmac_preset!(/// Verifies Bitbucket Cloud deliveries. See the [module docs](crate::bitbucket).
    Bitbucket
);

impl Bitbucket {
    /// Verifies with the webhook's secret.
    pub fn new(secret: impl Into<Secret>) -> Self {
        Self::with_keys(Keys::from(secret.into())).expect("one key and a fixed description")
    }

    /// The same with any of several keys, for rotation. Fails only when `keys` is empty.
    pub fn with_keys(keys: Keys) -> Result<Self, ConfigError> {
        HmacScheme::builder("bitbucket")
            .signature_header(SIGNATURE)
            .format(SignatureFormat::Single { prefix: "sha256=" })
            .id_header(ID)
            .keys(keys)
            .build()
            .map(Self)
    }
}
