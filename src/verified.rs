//! What the signature layer leaves in a verified request's extensions, and what reads it:
//! [`Verified`] (the proof and the signed bytes), [`VerificationInfo`] (what was learnt about the
//! signature), the events of a batch the idempotency stage found handled already, and the one
//! "the signature layer is missing" report that every reader gives.

use std::{fmt, sync::Arc, time::SystemTime};

use bytes::Bytes;

use crate::EventLayout;

/// Put in the request extensions by [`WebhookSignatureLayer`](crate::WebhookSignatureLayer)
/// once a delivery's signature has been verified, and by nothing else: it has no public
/// constructor, so holding one means the layer checked these bytes.
///
/// The extractors ([`VerifiedEvents`](crate::VerifiedEvents),
/// [`VerifiedJson`](crate::VerifiedJson)) read it; a handler or middleware can too:
///
/// ```
/// # fn handler(request: http::Request<tower_webhooks::layer::RequestBody>) {
/// if let Some(verified) = request.extensions().get::<tower_webhooks::Verified>() {
///     println!("{} bytes verified by the {} scheme", verified.body().len(), verified.scheme());
/// }
/// # }
/// ```
#[derive(Clone)]
pub struct Verified {
    body: Bytes,
    scheme: &'static str,
    layout: EventLayout,
}

impl Verified {
    pub(crate) fn new(body: Bytes, scheme: &'static str, layout: EventLayout) -> Self {
        Self {
            body,
            scheme,
            layout,
        }
    }

    /// The bytes the provider signed: the raw body, or for a scheme that signs a derived form
    /// (Xemelgo's `JSON.stringify` fallback) that form. The same buffer the inner service's
    /// body holds.
    #[must_use]
    pub fn body(&self) -> &Bytes {
        &self.body
    }

    /// The [`SignatureScheme::name`](crate::SignatureScheme::name) that verified it.
    #[must_use]
    pub fn scheme(&self) -> &'static str {
        self.scheme
    }

    /// Where the events are in [`body`](Self::body).
    #[must_use]
    pub fn event_layout(&self) -> EventLayout {
        self.layout
    }
}

impl fmt::Debug for Verified {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Verified")
            .field("scheme", &self.scheme)
            .field("layout", &self.layout)
            .field("body_len", &self.body.len())
            .finish()
    }
}

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
    /// One key per event, from what each event's signature covers (Adyen's items), for schemes
    /// whose events carry unsigned fields.
    pub(crate) event_keys: Option<Arc<[Box<str>]>>,
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
            event_keys: verification.event_keys.clone(),
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

    /// A key for this delivery that the signature covers, which
    /// [`idempotency`](crate::idempotency) keys on: the signed delivery id of Standard Webhooks
    /// and Svix (`webhook-id`), or for Twilio a digest of the signed message (`signed:…`, so
    /// that every re-encoding of one request is the same delivery). Stripe and Paddle carry
    /// theirs in the signed body, which the idempotency stage reads itself; elsewhere it keys on
    /// the hash of the verified bytes.
    #[must_use]
    pub fn idempotency_key(&self) -> Option<&str> {
        self.idempotency_key.as_deref()
    }
}

/// Indexes of a batch's events that were handled before; [`VerifiedEvents`]
/// (crate::VerifiedEvents) and the [`EventRouter`](crate::routing::EventRouter) leave them out.
#[derive(Debug, Clone, Default)]
pub(crate) struct HandledEvents(Arc<[usize]>);

impl HandledEvents {
    pub(crate) fn new(indexes: Vec<usize>) -> Self {
        Self(indexes.into())
    }

    pub(crate) fn contains(&self, index: usize) -> bool {
        self.0.contains(&index)
    }
}

/// Logs, once for every component that reads [`Verified`], that a request reached it without
/// the signature layer in front: a programming error the route's owner must fix, so it is an
/// `ERROR` naming the component and the fix. Every such component then answers `500`.
pub(crate) fn missing_layer(component: &'static str) {
    tracing::error!(
        component,
        "`{component}` on a route without `WebhookSignatureLayer` in front of it: add \
         `.route_layer(WebhookSignatureLayer::new(scheme))` (outermost) to the route"
    );
}
