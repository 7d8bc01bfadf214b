use axum_core::extract::FromRequestParts;
use http::request::Parts;
use serde::de::DeserializeOwned;

use super::{VerifiedRejection, verified_from};
use crate::Verified;

/// The whole verified body, deserialised as JSON into `T`.
///
/// Use it to reach a delivery's envelope, such as Xero's sequence numbers and entropy:
///
/// ```
/// use http::StatusCode;
/// use tower_webhooks::{VerifiedJson, xero};
///
/// async fn handle(VerifiedJson(envelope): VerifiedJson<xero::Envelope>) -> StatusCode {
///     println!(
///         "events {}..={}: {}",
///         envelope.first_event_sequence,
///         envelope.last_event_sequence,
///         envelope.events.len()
///     );
///     StatusCode::OK
/// }
/// ```
///
/// It fails with `500` on a route without [`WebhookSignatureLayer`](crate::WebhookSignatureLayer)
/// and with `400` when the body is not JSON of that shape.
#[derive(Debug, Clone)]
pub struct VerifiedJson<T>(pub T);

impl<T, S> FromRequestParts<S> for VerifiedJson<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = VerifiedRejection;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        let verified = verified_from(parts, "VerifiedJson")?;
        Self::from_verified(&verified)
    }
}

impl<T: DeserializeOwned> VerifiedJson<T> {
    /// Deserialises a verified body.
    pub fn from_verified(verified: &Verified) -> Result<Self, VerifiedRejection> {
        crate::events::text(verified.body())
            .and_then(serde_json::from_str)
            .map(Self)
            .map_err(|e| VerifiedRejection::invalid_payload("VerifiedJson", e))
    }
}
