//! GitHub: `X-Hub-Signature-256: sha256=<hex>`, HMAC-SHA256 of the raw body.
//!
//! | | |
//! |---|---|
//! | header | `X-Hub-Signature-256: sha256=<hex>` (legacy: `X-Hub-Signature: sha1=<hex>`, only through [`GitHub::legacy_sha1`]) |
//! | signed content | the raw body |
//! | MAC, encoding | HMAC-SHA256, hex |
//! | key | the webhook secret as text |
//! | replay window | none: GitHub signs no timestamp. Deduplicate on `X-GitHub-Delivery`, reported as [`VerificationInfo::delivery_id`](crate::VerificationInfo::delivery_id) |
//! | rotation | GitHub signs with one secret; [`GitHub::with_keys`] accepts any of several while you change it |
//!
//! Source: docs.github.com/webhooks/using-webhooks/validating-webhook-deliveries.
//!
//! ```
//! use axum::{Router, routing::post};
//! use tower_webhooks::{VerificationInfo, VerifiedJson, WebhookSignatureLayer, github::GitHub};
//!
//! async fn handle(info: VerificationInfo, VerifiedJson(event): VerifiedJson<serde_json::Value>) {
//!     let _ = (info.delivery_id(), &event["action"]);
//! }
//!
//! let app: Router = Router::new()
//!     .route("/webhooks/github", post(handle))
//!     .route_layer(WebhookSignatureLayer::new(GitHub::new("It's a Secret to Everybody")));
//! ```

use http::HeaderName;

use crate::{
    ConfigError, Keys, Secret,
    hmac_scheme::{Algorithm, HmacScheme, SignatureFormat},
    routing::EventKey,
    scheme_kit::forward::hmac_preset,
};

/// Where GitHub says a delivery's type: the `X-GitHub-Event` header (`push`, `pull_request`, …).
/// See [`routing`](crate::routing).
pub const EVENT_KEY: EventKey = EventKey::header(EVENT_HEADER);

/// The header GitHub puts its signature in.
pub const SIGNATURE_HEADER: HeaderName = HeaderName::from_static(SIGNATURE);
const SIGNATURE: &str = "x-hub-signature-256";

/// The legacy HMAC-SHA1 signature header, for [`GitHub::legacy_sha1`].
pub const LEGACY_SIGNATURE_HEADER: HeaderName = HeaderName::from_static(LEGACY_SIGNATURE);
const LEGACY_SIGNATURE: &str = "x-hub-signature";

/// The header GitHub puts its delivery id in (not signed).
pub const ID_HEADER: HeaderName = HeaderName::from_static(ID);
const ID: &str = "x-github-delivery";

/// The header GitHub names the event type in.
pub const EVENT_HEADER: HeaderName = HeaderName::from_static(EVENT);
const EVENT: &str = "x-github-event";

hmac_preset!(
    /// Verifies GitHub deliveries. See the [module docs](crate::github).
    GitHub
);

impl GitHub {
    /// Verifies `X-Hub-Signature-256` with the webhook secret.
    pub fn new(secret: impl Into<Secret>) -> Self {
        Self::with_keys(Keys::from(secret.into())).expect("one key and a fixed description")
    }

    /// Verifies `X-Hub-Signature-256` with any of several secrets. Fails only when `keys` is
    /// empty.
    pub fn with_keys(keys: Keys) -> Result<Self, ConfigError> {
        build(keys, SIGNATURE, "sha256=", Algorithm::HmacSha256)
    }

    /// **Legacy**: verifies the HMAC-SHA1 `X-Hub-Signature: sha1=<hex>` header instead, for
    /// GitHub Enterprise versions that send only that. Prefer [`GitHub::new`].
    pub fn legacy_sha1(keys: impl Into<Keys>) -> Result<Self, ConfigError> {
        build(keys.into(), LEGACY_SIGNATURE, "sha1=", Algorithm::HmacSha1)
    }
}

fn build(
    keys: Keys,
    header: &'static str,
    prefix: &'static str,
    algorithm: Algorithm,
) -> Result<GitHub, ConfigError> {
    HmacScheme::builder("github")
        .signature_header(header)
        .format(SignatureFormat::Single { prefix })
        .algorithm(algorithm)
        .id_header(ID)
        .keys(keys)
        .build()
        .map(GitHub)
}
