//! Resend: a Svix sender, `svix-signature: v1,<base64>` over `{id}.{timestamp}.{body}`.
//!
//! | | |
//! |---|---|
//! | headers | `svix-id`, `svix-timestamp` (seconds), `svix-signature: v1,<base64> …` (the `webhook-*` spellings are accepted too) |
//! | signed content | `{id}.{timestamp}.{raw body}` |
//! | MAC, encoding | HMAC-SHA256, base64; any `v1` entry may match |
//! | key | the endpoint's signing secret, `whsec_` and base64 (decoded) |
//! | replay window | 300 s each way, as Svix's libraries |
//! | type, id | `type` (`email.delivered`) in the body; duplicates are recognised by the signed `svix-id` |
//! | rotation | during a rotation each secret signs its own `v1` entry; [`Resend::with_keys`] accepts several |
//!
//! It is [`Svix`](crate::svix::Svix) under Resend's name, so that logs, routes and the
//! [`Provider`](crate::Provider) registry say which sender a delivery came from.
//!
//! Sources: resend.com/docs/webhooks/verify-webhooks-requests (Resend signs through Svix: `svix-id`, `svix-timestamp`, `svix-signature`; the secret is `whsec_…`).
//!
//! ```
//! use axum::{Router, routing::post};
//! use tower_webhooks::{VerifiedJson, WebhookSignatureLayer, resend::Resend};
//!
//! async fn handle(VerifiedJson(event): VerifiedJson<serde_json::Value>) {
//!     let _ = &event["type"];
//! }
//!
//! let app: Router = Router::new()
//!     .route("/webhooks/resend", post(handle))
//!     .route_layer(WebhookSignatureLayer::new(Resend::new("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")?));
//! # Ok::<(), tower_webhooks::ConfigError>(())
//! ```

use crate::{
    ConfigError, Keys,
    routing::EventKey,
    scheme_kit::forward::hmac_preset,
    standard_webhooks::{HeaderFamily, v1_builder},
};

pub use crate::standard_webhooks::DEFAULT_TOLERANCE;
pub use crate::svix::{ID_HEADER, SIGNATURE_HEADER, TIMESTAMP_HEADER};

/// Where a Resend event says its type: `type` (`email.delivered`). See [`routing`](crate::routing).
pub const EVENT_KEY: EventKey = EventKey::field("type");

hmac_preset!(timestamped
    /// Verifies Resend deliveries. See the [module docs](crate::resend).
    Resend
);

impl Resend {
    /// Verifies with the endpoint's `whsec_…` signing secret. Fails when it is not base64
    /// after its `whsec_` prefix.
    pub fn new(keys: impl Into<Keys>) -> Result<Self, ConfigError> {
        Self::with_keys(keys.into())
    }

    /// Verifies with any of several `whsec_…` secrets. Fails when a secret is not base64 after
    /// its `whsec_` prefix, or there is no key.
    pub fn with_keys(keys: Keys) -> Result<Self, ConfigError> {
        v1_builder("resend", &[HeaderFamily::SVIX, HeaderFamily::WEBHOOK])
            .keys(keys)
            .build()
            .map(Self)
    }
}
