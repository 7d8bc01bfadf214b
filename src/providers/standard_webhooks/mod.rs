//! Standard Webhooks (standardwebhooks.com): `webhook-id`, `webhook-timestamp` and
//! `webhook-signature: v1,<base64>`, HMAC-SHA256 of `{id}.{timestamp}.{body}`.
//!
//! | | |
//! |---|---|
//! | headers | `webhook-id`, `webhook-timestamp: <seconds>`, `webhook-signature: v1,<b64> [v1,<b64> …]` |
//! | signed content | `{webhook-id}.{webhook-timestamp}.{raw body}` |
//! | MAC, encoding | HMAC-SHA256, base64 |
//! | key | `whsec_` + base64: the part after `whsec_` is **base64-decoded** (a secret without the prefix is decoded too) |
//! | replay window | 300 s each way (the reference libraries) |
//! | rotation | the header may carry several space-separated signatures; any that matches any key is enough. Entries of other versions (`v1a`) are ignored |
//!
//! `webhook-id` is the delivery id
//! ([`VerificationInfo::delivery_id`](crate::VerificationInfo::delivery_id)): it stays the
//! same across retries. Source:
//! github.com/standard-webhooks/standard-webhooks, `spec/standard-webhooks.md`.
//!
//! ```
//! use axum::{Router, routing::post};
//! use tower_webhooks::{
//!     VerificationInfo, VerifiedJson, WebhookSignatureLayer, standard_webhooks::StandardWebhooks,
//! };
//!
//! async fn handle(info: VerificationInfo, VerifiedJson(event): VerifiedJson<serde_json::Value>) {
//!     let _ = (info.delivery_id(), &event["type"]);
//! }
//!
//! let scheme = StandardWebhooks::new("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")?;
//! let app: Router = Router::new()
//!     .route("/webhooks", post(handle))
//!     .route_layer(WebhookSignatureLayer::new(scheme));
//! # Ok::<(), tower_webhooks::ConfigError>(())
//! ```

use std::time::Duration;

use http::HeaderName;

use crate::{
    ConfigError, Keys, ReplayWindow,
    hmac_scheme::{Encoding, HmacScheme, HmacSchemeBuilder, KeyEncoding, SignatureFormat},
    routing::EventKey,
    scheme_kit::forward::hmac_preset,
};

/// The header the delivery id is in (signed).
pub const ID_HEADER: HeaderName = HeaderName::from_static(ID);
const ID: &str = "webhook-id";

/// The header the timestamp is in (signed).
pub const TIMESTAMP_HEADER: HeaderName = HeaderName::from_static(TIMESTAMP);
const TIMESTAMP: &str = "webhook-timestamp";

/// The header the signatures are in, space-separated `v1,<base64>` entries.
pub const SIGNATURE_HEADER: HeaderName = HeaderName::from_static(SIGNATURE);
const SIGNATURE: &str = "webhook-signature";

/// The reference libraries' tolerance.
pub const DEFAULT_TOLERANCE: Duration = Duration::from_secs(300);

hmac_preset!(timestamped
    /// Verifies Standard Webhooks deliveries. See the [module docs](crate::standard_webhooks).
    StandardWebhooks
);

impl StandardWebhooks {
    /// Verifies with a `whsec_…` secret (or any of [`Keys`]). Fails when a secret is not base64
    /// after its `whsec_` prefix, or there is no key.
    pub fn new(keys: impl Into<Keys>) -> Result<Self, ConfigError> {
        Self::with_keys(keys.into())
    }

    /// Verifies with any of several `whsec_…` secrets. Fails when a secret is not base64 after
    /// its `whsec_` prefix, or there is no key.
    pub fn with_keys(keys: Keys) -> Result<Self, ConfigError> {
        v1_builder("standard-webhooks", &[HeaderFamily::WEBHOOK])
            .keys(keys)
            .build()
            .map(Self)
    }
}

/// The id, timestamp and signature header names of one spelling of Standard Webhooks.
#[derive(Clone, Copy)]
pub(crate) struct HeaderFamily {
    pub(crate) id: &'static str,
    pub(crate) timestamp: &'static str,
    pub(crate) signature: &'static str,
}

impl HeaderFamily {
    /// Svix's spellings (Svix, and the senders that sign through it: Resend, Clerk).
    pub(crate) const SVIX: Self = Self {
        id: "svix-id",
        timestamp: "svix-timestamp",
        signature: "svix-signature",
    };

    /// `webhook-*`, the specification's.
    pub(crate) const WEBHOOK: Self = Self {
        id: ID,
        timestamp: TIMESTAMP,
        signature: SIGNATURE,
    };
}

/// Standard Webhooks v1 with each family's headers, the first present winning.
pub(crate) fn v1_builder(name: &'static str, families: &[HeaderFamily]) -> HmacSchemeBuilder {
    let mut builder = HmacScheme::builder(name)
        .format(SignatureFormat::Tagged {
            separator: ' ',
            delimiter: ',',
            tag: "v1",
        })
        .encoding(Encoding::Base64)
        .signed_content("{id}.{timestamp}.{body}")
        .key_encoding(KeyEncoding::StandardWebhooks)
        .replay_window(ReplayWindow::symmetric(DEFAULT_TOLERANCE));
    for family in families {
        builder = builder
            .id_header(family.id)
            .timestamp_header(family.timestamp)
            .signature_header(family.signature);
    }
    builder
}

#[cfg(feature = "ed25519")]
mod v1a;
#[cfg(feature = "ed25519")]
#[cfg_attr(docsrs, doc(cfg(feature = "ed25519")))]
pub use v1a::StandardWebhooksV1a;

/// Where a Standard Webhooks event says its type: `type` (`invoice.paid`, …), as the
/// specification's payload structure has it. See [`routing`](crate::routing).
pub const EVENT_KEY: EventKey = EventKey::field("type");
