use std::fmt;

use axum_core::response::{IntoResponse, Response};
use http::StatusCode;

/// Why [`VerifiedEvents`](super::VerifiedEvents) or [`VerifiedJson`](super::VerifiedJson)
/// failed. Answers `500` or `400`; see the [module docs](crate::extract).
#[derive(Debug)]
pub struct VerifiedRejection {
    kind: VerifiedRejectionKind,
    extractor: &'static str,
    source: Option<serde_json::Error>,
}

/// The reason in a [`VerifiedRejection`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum VerifiedRejectionKind {
    /// No [`WebhookSignatureLayer`](crate::WebhookSignatureLayer) ran before the extractor:
    /// the route is not protected. `500`.
    MissingLayer,
    /// The verified body is not JSON of the expected shape. `400`.
    InvalidPayload,
}

impl VerifiedRejection {
    pub(super) fn missing_layer(extractor: &'static str) -> Self {
        crate::verified::missing_layer(extractor);
        Self {
            kind: VerifiedRejectionKind::MissingLayer,
            extractor,
            source: None,
        }
    }

    pub(super) fn invalid_payload(extractor: &'static str, source: serde_json::Error) -> Self {
        tracing::warn!(%source, "`{extractor}`: the verified payload has an unexpected shape");
        Self {
            kind: VerifiedRejectionKind::InvalidPayload,
            extractor,
            source: Some(source),
        }
    }

    /// What went wrong.
    #[must_use]
    pub fn kind(&self) -> VerifiedRejectionKind {
        self.kind
    }

    /// The status code it answers with.
    #[must_use]
    pub fn status(&self) -> StatusCode {
        match self.kind {
            VerifiedRejectionKind::MissingLayer => StatusCode::INTERNAL_SERVER_ERROR,
            VerifiedRejectionKind::InvalidPayload => StatusCode::BAD_REQUEST,
        }
    }
}

impl fmt::Display for VerifiedRejection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let extractor = self.extractor;
        match (&self.kind, &self.source) {
            (VerifiedRejectionKind::InvalidPayload, Some(source)) => write!(
                f,
                "the signed payload is not JSON of the shape `{extractor}` expects: {source}"
            ),
            (VerifiedRejectionKind::InvalidPayload, None) => write!(
                f,
                "the signed payload is not JSON of the shape `{extractor}` expects"
            ),
            (VerifiedRejectionKind::MissingLayer, _) => write!(
                f,
                "`{extractor}` needs `WebhookSignatureLayer` in front of the route"
            ),
        }
    }
}

impl std::error::Error for VerifiedRejection {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.source
            .as_ref()
            .map(|e| e as &(dyn std::error::Error + 'static))
    }
}

impl IntoResponse for VerifiedRejection {
    fn into_response(self) -> Response {
        // A provider gains nothing from the details; the log line above has them.
        let body = match self.kind {
            VerifiedRejectionKind::MissingLayer => "Webhook verification is not configured",
            VerifiedRejectionKind::InvalidPayload => "Payload does not have the expected shape",
        };
        (self.status(), body).into_response()
    }
}
