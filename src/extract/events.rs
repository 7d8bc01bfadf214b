use axum_core::extract::FromRequestParts;
use http::request::Parts;
use serde::de::DeserializeOwned;

use super::{VerifiedRejection, verified_from};
use crate::{Verified, verified::HandledEvents};

/// The events of a verified delivery, deserialised into `T`.
///
/// Single-event providers (InvoiceAhoy, Xemelgo) give one element; a Xero payload gives as many
/// as its `events` array holds, and none for an "Intent to receive" delivery. Where the events
/// sit is the scheme's [`EventLayout`](crate::EventLayout).
///
/// ```
/// use http::StatusCode;
/// use tower_webhooks::{VerifiedEvents, xero};
///
/// async fn handle(events: VerifiedEvents<xero::Event>) -> StatusCode {
///     for event in &events {
///         println!("{:?} {:?} in tenant {}", event.event_category, event.event_type, event.tenant_id);
///     }
///     StatusCode::OK
/// }
/// ```
///
/// Behind an [`IdempotencyLayer`](crate::idempotency::IdempotencyLayer), the events of a batch
/// that were handled before are left out.
///
/// There is no way to build one but from a request the
/// [`WebhookSignatureLayer`](crate::WebhookSignatureLayer) verified: a handler that takes it never
/// sees an unverified byte. It fails with `500` on a route without the layer and with `400` when
/// the body is not JSON of the expected shape.
#[derive(Debug, Clone)]
pub struct VerifiedEvents<T> {
    events: Vec<T>,
    verified: Verified,
}

impl<T> VerifiedEvents<T> {
    /// The events, in delivery order.
    #[must_use]
    pub fn into_inner(self) -> Vec<T> {
        self.events
    }

    /// The verified delivery they came from (its bytes, its scheme).
    #[must_use]
    pub fn verified(&self) -> &Verified {
        &self.verified
    }
}

impl<T: DeserializeOwned> VerifiedEvents<T> {
    /// Deserialises the events of a verified body.
    pub fn from_verified(verified: &Verified) -> Result<Self, VerifiedRejection> {
        let body = verified.body();
        crate::events::events(body, verified.event_layout())
            .map(|events| Self {
                events,
                verified: verified.clone(),
            })
            .map_err(|e| VerifiedRejection::invalid_payload("VerifiedEvents", e))
    }
}

impl<T, S> FromRequestParts<S> for VerifiedEvents<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = VerifiedRejection;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        let verified = verified_from(parts, "VerifiedEvents")?;
        let mut events = Self::from_verified(&verified)?;
        // Events of a batch that the idempotency stage found handled already are left out.
        if let Some(handled) = parts.extensions.get::<HandledEvents>() {
            let mut index = 0;
            events.events.retain(|_| {
                let keep = !handled.contains(index);
                index += 1;
                keep
            });
        }
        Ok(events)
    }
}

impl<T> std::ops::Deref for VerifiedEvents<T> {
    type Target = [T];

    fn deref(&self) -> &[T] {
        &self.events
    }
}

impl<T> IntoIterator for VerifiedEvents<T> {
    type Item = T;
    type IntoIter = std::vec::IntoIter<T>;

    fn into_iter(self) -> Self::IntoIter {
        self.events.into_iter()
    }
}

impl<'a, T> IntoIterator for &'a VerifiedEvents<T> {
    type Item = &'a T;
    type IntoIter = std::slice::Iter<'a, T>;

    fn into_iter(self) -> Self::IntoIter {
        self.events.iter()
    }
}
