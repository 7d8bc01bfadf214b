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
    idempotency_key: Option<Arc<str>>,
    /// Where in the JSON body the signed delivery id is, for schemes that put it there.
    pub(crate) idempotency_field: Option<&'static str>,
}

impl VerificationInfo {
    pub(crate) fn new(scheme: &'static str, verification: &crate::Verification) -> Self {
        Self {
            scheme,
            key_id: verification.key_id.clone(),
            signed_at: verification.signed_at,
            delivery_id: verification.delivery_id.clone(),
            idempotency_key: verification.idempotency_key.clone(),
            idempotency_field: verification.idempotency_field,
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

    /// The provider's delivery id from a header the signature covers (Standard Webhooks'
    /// `webhook-id`): what [`idempotency`](crate::idempotency) keys on. Stripe and Paddle carry
    /// theirs in the signed body, which the idempotency stage reads itself; elsewhere it keys on
    /// the hash of the verified bytes.
    #[must_use]
    pub fn idempotency_key(&self) -> Option<&str> {
        self.idempotency_key.as_deref()
    }
}
