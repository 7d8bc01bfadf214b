//! [`VerificationInfo`]: what the layer learnt about a delivery's signature.

use std::{sync::Arc, time::SystemTime};

/// What the layer learnt while verifying a delivery: which scheme and which key accepted it,
/// when the provider signed it and the provider's delivery id, where the provider sends them.
///
/// The layer puts it in the request's extensions next to [`Verified`](crate::Verified); with
/// the `axum` feature it is also an extractor:
///
/// ```
/// use tower_webhooks::{VerificationInfo, VerifiedJson};
///
/// async fn handler(info: VerificationInfo, VerifiedJson(event): VerifiedJson<serde_json::Value>) {
///     if info.key_id() == Some("2025-old") {
///         tracing::info!("still signed with the old key; keep it a little longer");
///     }
///     let _ = (info.delivery_id(), info.signed_at(), event);
/// }
/// ```
///
/// It has no public constructor: only the layer makes one, after a successful verification.
#[derive(Debug, Clone)]
pub struct VerificationInfo {
    scheme: &'static str,
    key_id: Option<Arc<str>>,
    signed_at: Option<SystemTime>,
    delivery_id: Option<Arc<str>>,
}

impl VerificationInfo {
    pub(crate) fn new(
        scheme: &'static str,
        key_id: Option<Arc<str>>,
        signed_at: Option<SystemTime>,
        delivery_id: Option<Arc<str>>,
    ) -> Self {
        Self {
            scheme,
            key_id,
            signed_at,
            delivery_id,
        }
    }

    /// The [`SignatureScheme::name`](crate::SignatureScheme::name) that verified the delivery.
    #[must_use]
    pub fn scheme(&self) -> &'static str {
        self.scheme
    }

    /// The id of the key that matched, when it was given one in [`Keys`](crate::Keys).
    #[must_use]
    pub fn key_id(&self) -> Option<&str> {
        self.key_id.as_deref()
    }

    /// The signed timestamp, for schemes that sign one. It was inside the replay window.
    #[must_use]
    pub fn signed_at(&self) -> Option<SystemTime> {
        self.signed_at
    }

    /// The provider's id for this delivery, where it sends one (`webhook-id`, `svix-id`,
    /// `X-GitHub-Delivery`, ...). Use it to spot a retried delivery.
    #[must_use]
    pub fn delivery_id(&self) -> Option<&str> {
        self.delivery_id.as_deref()
    }
}
