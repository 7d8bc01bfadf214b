//! Box: `box-signature-primary` and `box-signature-secondary`, base64 of HMAC-SHA256 of the body and then the timestamp.
//!
//! | | |
//! |---|---|
//! | headers | `box-signature-primary`, `box-signature-secondary` (base64), `box-delivery-timestamp` (RFC 3339), `box-delivery-id`, `box-signature-version: 1`, `box-signature-algorithm: HmacSHA256` |
//! | signed content | `{raw body}{timestamp}`: the body first, then the timestamp as sent |
//! | MAC, encoding | HMAC-SHA256, base64 |
//! | key | the app's primary and secondary signature keys, as text; the primary signature is made with the primary key, the secondary with the secondary |
//! | replay window | 600 s (Box: refuse a message older than ten minutes) |
//! | type, id | `trigger` (`FILE.UPLOADED`) and `id` in the signed body: duplicates are recognised by `id` |
//! | rotation | give both keys ([`BoxCom::with_keys`]): a delivery passes when either signature matches either key, so either key can be regenerated while the other carries on |
//!
//! The module is `box_com` and the type `BoxCom`: `box` is a Rust keyword, and a type named `Box` would hide the standard one wherever it is imported.
//!
//! Sources: developer.box.com/guides/webhooks/v2/signatures-v2; box/box-node-sdk `tests/lib/managers/webhooks-test.js` (the vectors in `tests/fixtures/signatures.json`).
//!
//! ```
//! use axum::{Router, routing::post};
//! use tower_webhooks::{VerifiedJson, WebhookSignatureLayer, box_com::BoxCom};
//!
//! async fn handle(VerifiedJson(event): VerifiedJson<serde_json::Value>) {
//!     let _ = event;
//! }
//!
//! let app: Router = Router::new()
//!     .route("/webhooks/box", post(handle))
//!     .route_layer(WebhookSignatureLayer::new(BoxCom::new("primary signature key")));
//! ```

use std::time::Duration;

use http::HeaderName;

use crate::{
    ConfigError, Keys, ReplayWindow, Secret,
    hmac_scheme::{Encoding, HmacScheme, Timestamp, TimestampUnit},
    routing::EventKey,
};

/// Where Box says an event's type: `trigger` (`FILE.UPLOADED`). See [`routing`](crate::routing).
pub const EVENT_KEY: EventKey = EventKey::field("trigger");

/// The header Box puts the primary key's signature in.
pub const PRIMARY_SIGNATURE_HEADER: HeaderName = HeaderName::from_static(PRIMARY_SIGNATURE);
const PRIMARY_SIGNATURE: &str = "box-signature-primary";

/// The header Box puts the secondary key's signature in.
pub const SECONDARY_SIGNATURE_HEADER: HeaderName = HeaderName::from_static(SECONDARY_SIGNATURE);
const SECONDARY_SIGNATURE: &str = "box-signature-secondary";

/// The header Box puts its RFC 3339 timestamp in.
pub const TIMESTAMP_HEADER: HeaderName = HeaderName::from_static(TIMESTAMP);
const TIMESTAMP: &str = "box-delivery-timestamp";

/// The header with Box's delivery id (not signed).
pub const ID_HEADER: HeaderName = HeaderName::from_static(ID);
const ID: &str = "box-delivery-id";

/// The replay window used by default: ten minutes, as Box's docs say.
pub const DEFAULT_TOLERANCE: Duration = Duration::from_secs(600);

crate::scheme_kit::forward::hmac_preset!(timestamped
    /// Verifies Box deliveries. See the [module docs](crate::box_com).
    BoxCom
);

impl BoxCom {
    /// Verifies with the primary signature key alone.
    pub fn new(secret: impl Into<Secret>) -> Self {
        Self::with_keys(Keys::from(secret.into())).expect("one key and a fixed description")
    }

    /// Verifies with the primary and secondary keys (or any others): a delivery passes when either of its signatures matches any key. Fails only when `keys` is empty.
    pub fn with_keys(keys: Keys) -> Result<Self, ConfigError> {
        HmacScheme::builder("box")
            .signature_header(PRIMARY_SIGNATURE)
            .signature_header(SECONDARY_SIGNATURE)
            .every_signature_header()
            .encoding(Encoding::Base64)
            .signed_content("{body}{timestamp}")
            .timestamp_header(TIMESTAMP)
            .timestamp(Timestamp::Header, TimestampUnit::Rfc3339)
            .replay_window(ReplayWindow::symmetric(DEFAULT_TOLERANCE))
            .id_header(ID)
            .idempotency_field("id")
            .keys(keys)
            .build()
            .map(Self)
    }
}
