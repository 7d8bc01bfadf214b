//! QuickBooks Online: `intuit-signature`, base64 of HMAC-SHA256 of the raw body.
//!
//! | | |
//! |---|---|
//! | header | `intuit-signature: <base64>` |
//! | signed content | the raw body |
//! | MAC, encoding | HMAC-SHA256, base64 |
//! | key | the app's webhook *Verifier Token*, as text |
//! | replay window | none: Intuit signs no timestamp |
//! | events | CloudEvents (the current format): a JSON array of events, each with `type` (`qbo.invoice.created.v1`) and `id`. The legacy `eventNotifications` object is verified the same way; read it with `VerifiedJson` |
//! | rotation | one Verifier Token per app; [`QuickBooks::with_keys`] accepts several while you change it |
//!
//! Sources: developer.intuit.com/app/developer/qbo/docs/develop/webhooks/managing-webhooks-notifications; intuit/QuickBooks-V3-Java-SDK `ipp-v3-java-devkit/src/main/java/com/intuit/ipp/services/WebhooksService.java` (the key as UTF-8) and its `WebhooksServiceTest.java` (the vector in `tests/fixtures/signatures.json`).
//!
//! ```
//! use axum::{Router, routing::post};
//! use tower_webhooks::{VerifiedJson, WebhookSignatureLayer, quickbooks::QuickBooks};
//!
//! async fn handle(VerifiedJson(event): VerifiedJson<serde_json::Value>) {
//!     let _ = event;
//! }
//!
//! let app: Router = Router::new()
//!     .route("/webhooks/quickbooks", post(handle))
//!     .route_layer(WebhookSignatureLayer::new(QuickBooks::new("verifier token")));
//! ```

use http::HeaderName;

use crate::{
    ConfigError, Keys, Secret,
    hmac_scheme::{Encoding, HmacScheme},
    routing::EventKey,
};

/// Where QuickBooks Online says an event's type: each CloudEvent's `type` (`qbo.invoice.created.v1`). See [`routing`](crate::routing).
pub const EVENT_KEY: EventKey = EventKey::field("type");

/// The header Intuit puts its signature in.
pub const SIGNATURE_HEADER: HeaderName = HeaderName::from_static(SIGNATURE);
const SIGNATURE: &str = "intuit-signature";

crate::scheme_kit::forward::hmac_preset!(/// Verifies QuickBooks Online deliveries. See the [module docs](crate::quickbooks).
    QuickBooks
);

impl QuickBooks {
    /// Verifies with the app's Verifier Token.
    pub fn new(secret: impl Into<Secret>) -> Self {
        Self::with_keys(Keys::from(secret.into())).expect("one key and a fixed description")
    }

    /// The same with any of several keys, for rotation. Fails only when `keys` is empty.
    pub fn with_keys(keys: Keys) -> Result<Self, ConfigError> {
        HmacScheme::builder("quickbooks")
            .signature_header(SIGNATURE)
            .encoding(Encoding::Base64)
            .event_layout(crate::EventLayout::Array)
            .keys(keys)
            .build()
            .map(Self)
    }
}
