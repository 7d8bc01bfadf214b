//! Svix: Standard Webhooks v1 with `svix-id`, `svix-timestamp`, `svix-signature` headers (the
//! `webhook-*` spellings are accepted too, as Svix's libraries do).
//!
//! | | |
//! |---|---|
//! | headers | `svix-id`, `svix-timestamp`, `svix-signature: v1,<b64> …` (or `webhook-*`) |
//! | signed content | `{id}.{timestamp}.{raw body}` |
//! | MAC, encoding | HMAC-SHA256, base64 |
//! | key | `whsec_` + base64, **base64-decoded** |
//! | replay window | 300 s each way |
//! | rotation | several space-separated signatures; any match with any key is enough |
//!
//! Each header is looked up as `svix-*` first, then `webhook-*`. Source: docs.svix.com/receiving/verifying-payloads/how-manual.
//!
//! ```
//! use axum::{Router, routing::post};
//! use tower_webhooks::{VerifiedJson, WebhookSignatureLayer, svix::Svix};
//!
//! async fn handle(VerifiedJson(event): VerifiedJson<serde_json::Value>) {
//!     let _ = &event["type"];
//! }
//!
//! let app: Router = Router::new()
//!     .route("/webhooks/svix", post(handle))
//!     .route_layer(WebhookSignatureLayer::new(Svix::new("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")?));
//! # Ok::<(), tower_webhooks::ConfigError>(())
//! ```

use http::HeaderName;

use crate::{
    ConfigError, Keys,
    routing::EventKey,
    scheme_kit::forward::hmac_preset,
    standard_webhooks::{HeaderFamily, v1_builder},
};

pub use crate::standard_webhooks::DEFAULT_TOLERANCE;

/// Where a Svix event says its type: `type`, as in Standard Webhooks. See
/// [`routing`](crate::routing).
pub const EVENT_KEY: EventKey = EventKey::field("type");

/// The header the delivery id is in (signed).
pub const ID_HEADER: HeaderName = HeaderName::from_static(SVIX.id);
/// The header the timestamp is in (signed).
pub const TIMESTAMP_HEADER: HeaderName = HeaderName::from_static(SVIX.timestamp);
/// The header the signatures are in.
pub const SIGNATURE_HEADER: HeaderName = HeaderName::from_static(SVIX.signature);

const SVIX: HeaderFamily = HeaderFamily::SVIX;

hmac_preset!(timestamped
    /// Verifies Svix deliveries. See the [module docs](crate::svix).
    Svix
);

impl Svix {
    /// Verifies with a `whsec_…` secret (or any of [`Keys`]). Fails when a secret is not base64
    /// after its `whsec_` prefix, or there is no key.
    pub fn new(keys: impl Into<Keys>) -> Result<Self, ConfigError> {
        Self::with_keys(keys.into())
    }

    /// Verifies with any of several `whsec_…` secrets. Fails when a secret is not base64 after
    /// its `whsec_` prefix, or there is no key.
    pub fn with_keys(keys: Keys) -> Result<Self, ConfigError> {
        v1_builder("svix", &[SVIX, HeaderFamily::WEBHOOK])
            .keys(keys)
            .build()
            .map(Self)
    }
}
