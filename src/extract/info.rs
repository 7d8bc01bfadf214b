use axum_core::extract::FromRequestParts;
use http::request::Parts;

use super::VerifiedRejection;
use crate::VerificationInfo;

/// Extracts the [`VerificationInfo`] the layer left in the request: which key matched, when the
/// delivery was signed, its delivery id. Fails with `500` on a route without
/// [`WebhookSignatureLayer`](crate::WebhookSignatureLayer).
impl<S: Send + Sync> FromRequestParts<S> for VerificationInfo {
    type Rejection = VerifiedRejection;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        parts
            .extensions
            .get::<VerificationInfo>()
            .cloned()
            .ok_or_else(|| VerifiedRejection::missing_layer("VerificationInfo"))
    }
}

/// Extracts the [`Redelivery`](crate::idempotency::Redelivery) the idempotency stage left in
/// the request. Fails with `500` on a route without
/// [`IdempotencyLayer`](crate::idempotency::IdempotencyLayer).
impl<S: Send + Sync> FromRequestParts<S> for crate::idempotency::Redelivery {
    type Rejection = VerifiedRejection;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        parts
            .extensions
            .get::<Self>()
            .copied()
            .ok_or_else(|| VerifiedRejection::missing_layer("Redelivery"))
    }
}
