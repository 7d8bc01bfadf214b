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
