//! HubSpot: `X-HubSpot-Signature-v3`, base64 of HMAC-SHA256 of the method, the URL, the body and the timestamp.
//!
//! | | |
//! |---|---|
//! | headers | `X-HubSpot-Signature-v3: <base64>`, `X-HubSpot-Request-Timestamp: <milliseconds>` |
//! | signed content | `{method}{url}{body}{timestamp}`, no separators; the URL is the one HubSpot called, scheme, host and query included |
//! | MAC, encoding | HMAC-SHA256, base64 |
//! | key | the app's client secret, as text |
//! | replay window | 300 s (HubSpot: refuse a timestamp older than five minutes) |
//! | events | a JSON array of events, each with `subscriptionType` (`contact.creation`) and `eventId` |
//! | rotation | one client secret; [`HubSpot::with_keys`] accepts several while you change it |
//!
//! The older `X-HubSpot-Signature` (versions 1 and 2) is a plain SHA-256 of the secret and the body, not an HMAC; only version 3 is verified here. HubSpot signs the URL it called: behind a proxy or a tunnel, give it with `with_public_base_url`.
//!
//! Sources: developers.hubspot.com/docs/apps/legacy-apps/authentication/validating-requests; developers.hubspot.com/changelog/introducing-version-3-of-webhook-signatures; HubSpot/hubspot-api-python `hubspot/utils/signature.py` and `tests/spec/utils/test_signature.py` (the vector in `tests/fixtures/signatures.json`).
//!
//! ```
//! use axum::{Router, routing::post};
//! use tower_webhooks::{VerifiedJson, WebhookSignatureLayer, hubspot::HubSpot};
//!
//! async fn handle(VerifiedJson(event): VerifiedJson<serde_json::Value>) {
//!     let _ = event;
//! }
//!
//! let app: Router = Router::new()
//!     .route("/webhooks/hubspot", post(handle))
//!     .route_layer(WebhookSignatureLayer::new(HubSpot::new("client secret")));
//! ```

use std::time::Duration;

use http::HeaderName;

use crate::{
    ConfigError, Keys, ReplayWindow, Secret,
    hmac_scheme::{Encoding, HmacScheme, Timestamp, TimestampUnit},
    routing::EventKey,
};

/// Where HubSpot says an event's type: each event's `subscriptionType` (`contact.creation`). See [`routing`](crate::routing).
pub const EVENT_KEY: EventKey = EventKey::field("subscriptionType");

/// The header HubSpot puts its v3 signature in.
pub const SIGNATURE_HEADER: HeaderName = HeaderName::from_static(SIGNATURE);
const SIGNATURE: &str = "x-hubspot-signature-v3";

/// The header HubSpot puts its timestamp in, in milliseconds.
pub const TIMESTAMP_HEADER: HeaderName = HeaderName::from_static(TIMESTAMP);
const TIMESTAMP: &str = "x-hubspot-request-timestamp";

/// The replay window used by default: five minutes, as HubSpot's docs and SDK allow.
pub const DEFAULT_TOLERANCE: Duration = Duration::from_secs(300);

crate::scheme_kit::forward::hmac_preset!(timestamped
    /// Verifies HubSpot deliveries. See the [module docs](crate::hubspot).
    HubSpot
);

impl HubSpot {
    /// Verifies with the app's client secret.
    pub fn new(secret: impl Into<Secret>) -> Self {
        Self::with_keys(Keys::from(secret.into())).expect("one key and a fixed description")
    }

    /// The same with any of several keys, for rotation. Fails only when `keys` is empty.
    pub fn with_keys(keys: Keys) -> Result<Self, ConfigError> {
        HmacScheme::builder("hubspot")
            .signature_header(SIGNATURE)
            .encoding(Encoding::Base64)
            .signed_content("{method}{url}{body}{timestamp}")
            .timestamp_header(TIMESTAMP)
            .timestamp(Timestamp::Header, TimestampUnit::Milliseconds)
            .replay_window(ReplayWindow::symmetric(DEFAULT_TOLERANCE))
            .event_layout(crate::EventLayout::Array)
            .keys(keys)
            .build()
            .map(Self)
    }

    /// The public URL HubSpot calls, up to the path, when a proxy or tunnel is in front (see
    /// [`HmacScheme::with_public_base_url`]).
    pub fn with_public_base_url(self, base: &str) -> Result<Self, ConfigError> {
        self.0.with_public_base_url(base).map(Self)
    }
}
