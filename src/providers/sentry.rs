//! Sentry: `Sentry-Hook-Signature`, hex of HMAC-SHA256 of the raw body.
//!
//! | | |
//! |---|---|
//! | headers | `Sentry-Hook-Signature: <hex>`, `Sentry-Hook-Resource` (`issue`, `event_alert`, `installation`, …), `Sentry-Hook-Timestamp` (seconds, **not** signed), `Request-ID` |
//! | signed content | the raw body |
//! | MAC, encoding | HMAC-SHA256, hex |
//! | key | the integration's client secret, as text |
//! | replay window | none: the timestamp Sentry sends is not signed, so checking it would prove nothing |
//! | type | the `Sentry-Hook-Resource` header; the body's `action` says what happened to it |
//! | rotation | one client secret; [`Sentry::with_keys`] accepts several while you change it |
//!
//! Sources: docs.sentry.io/integrations/integration-platform/webhooks; getsentry/sentry `src/sentry/sentry_apps/api/serializers/app_platform_event.py` (the headers) and `SentryApp.build_signature` (HMAC-SHA256 hex of the body, the secret as UTF-8).
//!
//! ```
//! use axum::{Router, routing::post};
//! use tower_webhooks::{VerifiedJson, WebhookSignatureLayer, sentry::Sentry};
//!
//! async fn handle(VerifiedJson(event): VerifiedJson<serde_json::Value>) {
//!     let _ = event;
//! }
//!
//! let app: Router = Router::new()
//!     .route("/webhooks/sentry", post(handle))
//!     .route_layer(WebhookSignatureLayer::new(Sentry::new("client secret")));
//! ```

use http::HeaderName;

use crate::{ConfigError, Keys, Secret, hmac_scheme::HmacScheme, routing::EventKey};

/// Where Sentry says an event's type: the `Sentry-Hook-Resource` header (`issue`, `event_alert`, …). See [`routing`](crate::routing).
pub const EVENT_KEY: EventKey = EventKey::header(RESOURCE_HEADER);

/// The header Sentry puts its signature in.
pub const SIGNATURE_HEADER: HeaderName = HeaderName::from_static(SIGNATURE);
const SIGNATURE: &str = "sentry-hook-signature";

/// The header Sentry names the resource in (`issue`, `installation`, …).
pub const RESOURCE_HEADER: HeaderName = HeaderName::from_static(RESOURCE);
const RESOURCE: &str = "sentry-hook-resource";

/// The header with Sentry's request id (new for each send; not signed).
pub const ID_HEADER: HeaderName = HeaderName::from_static(ID);
const ID: &str = "request-id";

crate::scheme_kit::forward::hmac_preset!(/// Verifies Sentry deliveries. See the [module docs](crate::sentry).
    Sentry
);

impl Sentry {
    /// Verifies with the integration's client secret.
    pub fn new(secret: impl Into<Secret>) -> Self {
        Self::with_keys(Keys::from(secret.into())).expect("one key and a fixed description")
    }

    /// The same with any of several keys, for rotation. Fails only when `keys` is empty.
    pub fn with_keys(keys: Keys) -> Result<Self, ConfigError> {
        HmacScheme::builder("sentry")
            .signature_header(SIGNATURE)
            .id_header(ID)
            .keys(keys)
            .build()
            .map(Self)
    }
}
