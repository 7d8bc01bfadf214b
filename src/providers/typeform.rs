//! Typeform: `Typeform-Signature: sha256=<base64>`, HMAC-SHA256 of the raw body.
//!
//! | | |
//! |---|---|
//! | header | `Typeform-Signature: sha256=<base64>` |
//! | signed content | the raw body |
//! | MAC, encoding | HMAC-SHA256, base64 |
//! | key | the webhook's `secret`, as text |
//! | replay window | none: Typeform signs no timestamp |
//! | type, id | `event_type` (`form_response`) and `event_id`, in the signed body: duplicates are recognised by `event_id` |
//! | rotation | one secret per webhook; [`Typeform::with_keys`] accepts several while you change it |
//!
//! Sources: typeform.com/developers/webhooks/secure-your-webhooks.
//!
//! ```
//! use axum::{Router, routing::post};
//! use tower_webhooks::{VerifiedJson, WebhookSignatureLayer, typeform::Typeform};
//!
//! async fn handle(VerifiedJson(event): VerifiedJson<serde_json::Value>) {
//!     let _ = event;
//! }
//!
//! let app: Router = Router::new()
//!     .route("/webhooks/typeform", post(handle))
//!     .route_layer(WebhookSignatureLayer::new(Typeform::new("webhook secret")));
//! ```

use http::HeaderName;

use crate::{
    ConfigError, Keys, Secret,
    hmac_scheme::{Encoding, HmacScheme, SignatureFormat},
    routing::EventKey,
};

/// Where Typeform says an event's type: `event_type` (`form_response`). See [`routing`](crate::routing).
pub const EVENT_KEY: EventKey = EventKey::field("event_type");

/// The header Typeform puts its signature in.
pub const SIGNATURE_HEADER: HeaderName = HeaderName::from_static(SIGNATURE);
const SIGNATURE: &str = "typeform-signature";

crate::scheme_kit::forward::hmac_preset!(/// Verifies Typeform deliveries. See the [module docs](crate::typeform).
    Typeform
);

impl Typeform {
    /// Verifies with the webhook's secret.
    pub fn new(secret: impl Into<Secret>) -> Self {
        Self::with_keys(Keys::from(secret.into())).expect("one key and a fixed description")
    }

    /// The same with any of several keys, for rotation. Fails only when `keys` is empty.
    pub fn with_keys(keys: Keys) -> Result<Self, ConfigError> {
        HmacScheme::builder("typeform")
            .signature_header(SIGNATURE)
            .format(SignatureFormat::Single { prefix: "sha256=" })
            .encoding(Encoding::Base64)
            .idempotency_field("event_id")
            .keys(keys)
            .build()
            .map(Self)
    }
}
