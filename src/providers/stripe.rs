//! Stripe: `Stripe-Signature: t=<ts>,v1=<hex>[,v1=<hex>…]`, HMAC-SHA256 of `{t}.{body}`.
//!
//! | | |
//! |---|---|
//! | header | `Stripe-Signature: t=1700000000,v1=<hex>` |
//! | signed content | `{t}.{raw body}` |
//! | MAC, encoding | HMAC-SHA256, hex |
//! | key | the whole `whsec_…` signing secret as text (it is **not** base64-decoded) |
//! | replay window | 300 s each way (Stripe's SDKs: 300 s) |
//! | rotation | during a secret roll Stripe sends one `v1` per secret; any matching one is enough. `v0` entries are ignored |
//!
//! Sources: docs.stripe.com/webhooks#verify-manually; `stripe-node`
//! `webhooks.generateTestHeaderString`.
//!
//! ```
//! use axum::{Router, routing::post};
//! use tower_webhooks::{VerifiedJson, WebhookSignatureLayer, stripe::Stripe};
//!
//! async fn handle(VerifiedJson(event): VerifiedJson<serde_json::Value>) {
//!     let _ = &event["type"]; // "payment_intent.succeeded", ...
//! }
//!
//! // let secret = tower_webhooks::Secret::from_env("STRIPE_WEBHOOK_SECRET")?;
//! let app: Router = Router::new()
//!     .route("/webhooks/stripe", post(handle))
//!     .route_layer(WebhookSignatureLayer::new(Stripe::new("whsec_...")));
//! ```

use std::time::Duration;

use http::HeaderName;

use crate::{
    ConfigError, Keys, ReplayWindow, Secret,
    hmac_scheme::{HmacScheme, SignatureFormat, Timestamp, TimestampUnit},
    routing::EventKey,
    scheme_kit::forward::hmac_preset,
};

/// Where a Stripe event says its type: `type` (`invoice.created`, `payment_intent.succeeded`, …).
/// See [`routing`](crate::routing).
pub const EVENT_KEY: EventKey = EventKey::field("type");

/// Stripe's SDKs' default tolerance.
pub const DEFAULT_TOLERANCE: Duration = Duration::from_secs(300);

/// The header Stripe puts its timestamp and signatures in.
pub const SIGNATURE_HEADER: HeaderName = HeaderName::from_static(SIGNATURE);
const SIGNATURE: &str = "stripe-signature";

hmac_preset!(timestamped
    /// Verifies Stripe deliveries. See the [module docs](crate::stripe).
    Stripe
);

impl Stripe {
    /// Verifies with the endpoint's signing secret (`whsec_…`), as given.
    pub fn new(secret: impl Into<Secret>) -> Self {
        Self::with_keys(Keys::from(secret.into())).expect("one key and a fixed description")
    }

    /// Verifies with several secrets, during a roll. Fails only when `keys` is empty.
    pub fn with_keys(keys: Keys) -> Result<Self, ConfigError> {
        HmacScheme::builder("stripe")
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
