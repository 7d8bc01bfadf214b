//! Mux: `Mux-Signature: t=…,v1=…`, hex of HMAC-SHA256 of `{t}.{body}`.
//!
//! | | |
//! |---|---|
//! | header | `Mux-Signature: t=<seconds>,v1=<hex>[,v1=<hex>]` |
//! | signed content | `{t}.{raw body}` |
//! | MAC, encoding | HMAC-SHA256, hex; any `v1` may match |
//! | key | the webhook's signing secret, as text |
//! | replay window | 300 s each way (the SDKs' default) |
//! | type, id | `type` (`video.asset.created`) and `id`, in the signed body: duplicates are recognised by `id` |
//! | rotation | [`Mux::with_keys`] accepts several secrets |
//!
//! Sources: mux.com/docs/core/verify-webhook-signatures; muxinc/mux-node-sdk `tests/api-resources/webhooks.test.ts` (the vector in `tests/fixtures/signatures.json`).
//!
//! ```
//! use axum::{Router, routing::post};
//! use tower_webhooks::{VerifiedJson, WebhookSignatureLayer, mux::Mux};
//!
//! async fn handle(VerifiedJson(event): VerifiedJson<serde_json::Value>) {
//!     let _ = event;
//! }
//!
//! let app: Router = Router::new()
//!     .route("/webhooks/mux", post(handle))
//!     .route_layer(WebhookSignatureLayer::new(Mux::new("webhook signing secret")));
//! ```

use std::time::Duration;

use http::HeaderName;

use crate::{
    ConfigError, Keys, ReplayWindow, Secret,
    hmac_scheme::{HmacScheme, SignatureFormat, Timestamp, TimestampUnit},
    routing::EventKey,
};

/// Where Mux says an event's type: `type` (`video.asset.created`). See [`routing`](crate::routing).
pub const EVENT_KEY: EventKey = EventKey::field("type");

/// The header Mux puts its timestamp and signatures in.
pub const SIGNATURE_HEADER: HeaderName = HeaderName::from_static(SIGNATURE);
const SIGNATURE: &str = "mux-signature";

/// The replay window used by default: five minutes, the Mux SDKs' default.
pub const DEFAULT_TOLERANCE: Duration = Duration::from_secs(300);

crate::scheme_kit::forward::hmac_preset!(timestamped
    /// Verifies Mux deliveries. See the [module docs](crate::mux).
    Mux
);

impl Mux {
    /// Verifies with the webhook's signing secret.
    pub fn new(secret: impl Into<Secret>) -> Self {
        Self::with_keys(Keys::from(secret.into())).expect("one key and a fixed description")
    }

    /// The same with any of several keys, for rotation. Fails only when `keys` is empty.
    pub fn with_keys(keys: Keys) -> Result<Self, ConfigError> {
        HmacScheme::builder("mux")
            .signature_header(SIGNATURE)
            .format(SignatureFormat::Tagged {
                separator: ',',
                delimiter: '=',
                tag: "v1",
            })
            .timestamp(Timestamp::SignatureField("t"), TimestampUnit::Seconds)
            .signed_content("{timestamp}.{body}")
            .replay_window(ReplayWindow::symmetric(DEFAULT_TOLERANCE))
            .idempotency_field("id")
            .keys(keys)
            .build()
            .map(Self)
    }
}
