//! Intercom: `X-Hub-Signature: sha1=<hex>`, HMAC-SHA1 of the raw body.
//!
//! | | |
//! |---|---|
//! | header | `X-Hub-Signature: sha1=<hex>` |
//! | signed content | the raw body |
//! | MAC, encoding | HMAC-SHA1 (Intercom signs with nothing stronger), hex |
//! | key | the app's client secret, as text |
//! | replay window | none: Intercom signs no timestamp |
//! | type, id | `topic` (`conversation.user.created`) and `id`, in the signed body: duplicates are recognised by `id` |
//! | rotation | one client secret; [`Intercom::with_keys`] accepts several while you change it |
//!
//! Sources: developers.intercom.com/docs/references/webhooks/webhook-models#signed-notifications.
//!
//! ```
//! use axum::{Router, routing::post};
//! use tower_webhooks::{VerifiedJson, WebhookSignatureLayer, intercom::Intercom};
//!
//! async fn handle(VerifiedJson(event): VerifiedJson<serde_json::Value>) {
//!     let _ = event;
//! }
//!
//! let app: Router = Router::new()
//!     .route("/webhooks/intercom", post(handle))
//!     .route_layer(WebhookSignatureLayer::new(Intercom::new("client secret")));
//! ```

use http::HeaderName;

use crate::{
    ConfigError, Keys, Secret,
    hmac_scheme::{Algorithm, HmacScheme, SignatureFormat},
    routing::EventKey,
};

/// Where Intercom says an event's type: `topic` (`conversation.user.created`). See [`routing`](crate::routing).
pub const EVENT_KEY: EventKey = EventKey::field("topic");

/// The header Intercom puts its signature in.
pub const SIGNATURE_HEADER: HeaderName = HeaderName::from_static(SIGNATURE);
const SIGNATURE: &str = "x-hub-signature";

crate::scheme_kit::forward::hmac_preset!(/// Verifies Intercom deliveries. See the [module docs](crate::intercom).
    Intercom
);

impl Intercom {
    /// Verifies with the app's client secret.
    pub fn new(secret: impl Into<Secret>) -> Self {
        Self::with_keys(Keys::from(secret.into())).expect("one key and a fixed description")
    }

    /// The same with any of several keys, for rotation. Fails only when `keys` is empty.
    pub fn with_keys(keys: Keys) -> Result<Self, ConfigError> {
        HmacScheme::builder("intercom")
            .signature_header(SIGNATURE)
            .format(SignatureFormat::Single { prefix: "sha1=" })
            .algorithm(Algorithm::HmacSha1)
            .idempotency_field("id")
            .keys(keys)
            .build()
            .map(Self)
    }
}
