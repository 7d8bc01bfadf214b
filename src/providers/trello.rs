//! Trello: `X-Trello-Webhook`, base64 of HMAC-SHA1 of the body and the callback URL.
//!
//! | | |
//! |---|---|
//! | header | `X-Trello-Webhook: <base64>` |
//! | signed content | `{raw body}{callback URL}`: the body, then the URL the webhook was registered with |
//! | MAC, encoding | HMAC-SHA1, base64 |
//! | key | the application's secret (not its API key), as text |
//! | replay window | none: Trello signs no timestamp |
//! | type | `action.type` (`updateCard`), nested in the signed body |
//! | rotation | one secret; [`Trello::with_keys`] accepts several while you change it |
//!
//! Trello signs the callback URL it calls: behind a proxy or a tunnel, give it with `with_public_base_url`. Trello also sends a `HEAD` request when a webhook is created; the layer refuses it (no signature), so answer `HEAD` on the route outside the layer.
//!
//! Sources: developer.atlassian.com/cloud/trello/guides/rest-api/webhooks/#webhook-signatures.
//!
//! ```
//! use axum::{Router, routing::post};
//! use tower_webhooks::{VerifiedJson, WebhookSignatureLayer, trello::Trello};
//!
//! async fn handle(VerifiedJson(event): VerifiedJson<serde_json::Value>) {
//!     let _ = event;
//! }
//!
//! let app: Router = Router::new()
//!     .route("/webhooks/trello", post(handle))
//!     .route_layer(WebhookSignatureLayer::new(Trello::new("application secret")));
//! ```

use http::HeaderName;

use crate::{
    ConfigError, Keys, Secret,
    hmac_scheme::{Algorithm, Encoding, HmacScheme},
    routing::EventKey,
};

/// Where Trello says an event's type: `action.type` (`updateCard`). See [`routing`](crate::routing).
pub const EVENT_KEY: EventKey = EventKey::path(&["action", "type"]);

/// The header Trello puts its signature in.
pub const SIGNATURE_HEADER: HeaderName = HeaderName::from_static(SIGNATURE);
const SIGNATURE: &str = "x-trello-webhook";

crate::scheme_kit::forward::hmac_preset!(/// Verifies Trello deliveries. See the [module docs](crate::trello).
    Trello
);

impl Trello {
    /// Verifies with the application's secret.
    pub fn new(secret: impl Into<Secret>) -> Self {
        Self::with_keys(Keys::from(secret.into())).expect("one key and a fixed description")
    }

    /// The same with any of several keys, for rotation. Fails only when `keys` is empty.
    pub fn with_keys(keys: Keys) -> Result<Self, ConfigError> {
        HmacScheme::builder("trello")
            .signature_header(SIGNATURE)
            .algorithm(Algorithm::HmacSha1)
            .encoding(Encoding::Base64)
            .signed_content("{body}{url}")
            .keys(keys)
            .build()
            .map(Self)
    }

    /// The public URL Trello calls, up to the path, when a proxy or tunnel is in front (see
    /// [`HmacScheme::with_public_base_url`]).
    pub fn with_public_base_url(self, base: &str) -> Result<Self, ConfigError> {
        self.0.with_public_base_url(base).map(Self)
    }
}
