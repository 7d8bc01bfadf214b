//! [`Rejection`]: why a delivery was refused, for logs and for the status code.

use std::fmt;

use http::{HeaderName, StatusCode};

/// Why a delivery was refused.
///
/// Schemes return it from [`SignatureScheme::verify`](crate::SignatureScheme::verify); the layer
/// returns it for body problems. The layer logs it with `tracing` and answers with
/// [`status`](Rejection::status) and an **empty body**: the reason is never sent to the caller.
/// The rejection also rides in the response's extensions, for middleware further out.
///
/// It holds header names and fixed descriptions only, never key material or body bytes.
///
/// ```
/// use http::StatusCode;
/// use tower_webhooks::{Rejection, RejectionKind};
///
/// let rejection = Rejection::missing_header(http::HeaderName::from_static("x-xero-signature"));
/// assert_eq!(rejection.kind(), RejectionKind::MissingHeader);
/// assert_eq!(rejection.status(), StatusCode::UNAUTHORIZED);
/// assert_eq!(rejection.to_string(), "missing header `x-xero-signature`");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rejection {
    kind: RejectionKind,
    header: Option<HeaderName>,
    detail: Option<&'static str>,
    limit: Option<usize>,
    skew_secs: Option<i64>,
    hint: Option<&'static str>,
}

/// The reason in a [`Rejection`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum RejectionKind {
    /// The signature header is absent. `401`.
    MissingHeader,
    /// The signature header is present but cannot be parsed, or appears more than once. `401`.
    MalformedHeader,
    /// The header parsed, but the signature does not match the body under the key. `401`.
    SignatureMismatch,
    /// The body cannot be interpreted the way the scheme needs (for example, not JSON where the
    /// signed bytes are derived from JSON, or not UTF-8 where the scheme signs text). `401`: the
    /// delivery is not verified.
    UnverifiableBody,
    /// The signature is good, but the signed timestamp is outside the scheme's replay window:
    /// an old delivery sent again, or a clock that is off. `401`.
    StaleTimestamp,
    /// The signature is good, but the single-use token it covers was seen before (Mailgun's
    /// `token`): the same signed delivery sent again. `401`.
    Replayed,
    /// The provider's public key that the delivery names could not be fetched (its key server
    /// is down, slow, or answered with no key), or fetches are over their bound: `503`, so the
    /// provider retries.
    KeyUnavailable,
    /// The body (or its `Content-Length`) exceeds the layer's limit. `413`.
    BodyTooLarge,
    /// The body could not be read: the client went away or sent a malformed or truncated body.
    /// `400`.
    BodyUnreadable,
    /// The body did not arrive within the layer's deadline (a client trickling it in). `408`,
    /// and the connection is closed.
    BodyTimeout,
    /// The layer's [`MemoryBudget`](crate::layer::MemoryBudget) is used up by the deliveries
    /// in flight: refused before its body is read, so the provider retries it later. `503`,
    /// with `Connection: close`.
    Overloaded,
}

impl Rejection {
    fn new(kind: RejectionKind) -> Self {
        Self {
            kind,
            header: None,
            detail: None,
            limit: None,
            skew_secs: None,
            hint: None,
        }
    }

    /// The signature header `header` is absent.
    #[must_use]
    pub fn missing_header(header: HeaderName) -> Self {
        Self {
            header: Some(header),
            ..Self::new(RejectionKind::MissingHeader)
        }
    }

    /// The header `header` cannot be parsed; `why` says how, in a few words ("not base64").
    #[must_use]
    pub fn malformed_header(header: HeaderName, why: &'static str) -> Self {
        Self {
            header: Some(header),
            detail: Some(why),
            ..Self::new(RejectionKind::MalformedHeader)
        }
    }

    /// No signature in the request matches the body under the scheme's key.
    #[must_use]
    pub fn signature_mismatch() -> Self {
        Self::new(RejectionKind::SignatureMismatch)
    }

    /// The body cannot be turned into the bytes the provider signs; `why` says how.
    #[must_use]
    pub fn unverifiable_body(why: &'static str) -> Self {
        Self {
            detail: Some(why),
            ..Self::new(RejectionKind::UnverifiableBody)
        }
    }

    /// The signature matches, but it was made `skew_secs` seconds before now (after now when
    /// negative), outside the replay window.
    #[must_use]
    pub fn stale_timestamp(skew_secs: i64) -> Self {
        Self {
            skew_secs: Some(skew_secs),
            ..Self::new(RejectionKind::StaleTimestamp)
        }
    }

    /// The signature matches, but the single-use token it signs was already used.
    #[must_use]
    pub fn replayed() -> Self {
        Self::new(RejectionKind::Replayed)
    }

    /// The key the delivery needs could not be had; `why` says what went wrong, for the log.
    #[must_use]
    pub fn key_unavailable(why: &'static str) -> Self {
        Self {
            detail: Some(why),
            ..Self::new(RejectionKind::KeyUnavailable)
        }
    }

    /// Adds a hint for whoever reads the server log: the common mistake that would explain this
    /// rejection. Hints are fixed text; they never quote the secret or the body.
    #[must_use]
    pub fn with_hint(mut self, hint: &'static str) -> Self {
        self.hint = Some(hint);
        self
    }

    pub(crate) fn body_too_large(limit: usize) -> Self {
        Self {
            limit: Some(limit),
            ..Self::new(RejectionKind::BodyTooLarge)
        }
    }

    pub(crate) fn body_unreadable() -> Self {
        Self::new(RejectionKind::BodyUnreadable)
    }

    pub(crate) fn body_timeout() -> Self {
        Self::new(RejectionKind::BodyTimeout)
    }

    pub(crate) fn overloaded(budget: usize) -> Self {
        Self {
            limit: Some(budget),
            ..Self::new(RejectionKind::Overloaded)
        }
    }

    /// What went wrong.
    #[must_use]
    pub fn kind(&self) -> RejectionKind {
        self.kind
    }

    /// The header concerned, if any.
    #[must_use]
    pub fn header(&self) -> Option<&HeaderName> {
        self.header.as_ref()
    }

    /// The fixed reason given when it was made (`unverifiable_body`, `key_unavailable`, …).
    #[cfg(feature = "fetch")]
    pub(crate) fn detail(&self) -> Option<&'static str> {
        self.detail
    }

    /// The hint attached with [`with_hint`](Self::with_hint), if any.
    #[must_use]
    pub fn hint(&self) -> Option<&'static str> {
        self.hint
    }

    /// For [`RejectionKind::StaleTimestamp`]: how many seconds before now the delivery was
    /// signed (negative: after now).
    #[must_use]
    pub fn skew_secs(&self) -> Option<i64> {
        self.skew_secs
    }

    /// A short, stable code for the reason, for log queries and metrics: `missing_header`,
    /// `malformed_header`, `signature_mismatch`, `unverifiable_body`, `stale_timestamp`, `replayed`,
    /// `body_too_large` or `body_unreadable`.
    #[must_use]
    pub fn code(&self) -> &'static str {
        match self.kind {
            RejectionKind::MissingHeader => "missing_header",
            RejectionKind::MalformedHeader => "malformed_header",
            RejectionKind::SignatureMismatch => "signature_mismatch",
            RejectionKind::UnverifiableBody => "unverifiable_body",
            RejectionKind::StaleTimestamp => "stale_timestamp",
            RejectionKind::Replayed => "replayed",
            RejectionKind::KeyUnavailable => "key_unavailable",
            RejectionKind::BodyTooLarge => "body_too_large",
            RejectionKind::BodyUnreadable => "body_unreadable",
            RejectionKind::BodyTimeout => "body_timeout",
            RejectionKind::Overloaded => "overloaded",
        }
    }

    /// The status code the layer answers with: `413` for an oversize body, `400` for an
    /// unreadable one, `408` for one that came too slowly, `401` for everything about the
    /// signature.
    #[must_use]
    pub fn status(&self) -> StatusCode {
        match self.kind {
            RejectionKind::BodyTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            RejectionKind::BodyUnreadable => StatusCode::BAD_REQUEST,
            RejectionKind::BodyTimeout => StatusCode::REQUEST_TIMEOUT,
            RejectionKind::Overloaded | RejectionKind::KeyUnavailable => {
                StatusCode::SERVICE_UNAVAILABLE
            }
            RejectionKind::MissingHeader
            | RejectionKind::MalformedHeader
            | RejectionKind::SignatureMismatch
            | RejectionKind::UnverifiableBody
            | RejectionKind::StaleTimestamp
            | RejectionKind::Replayed => StatusCode::UNAUTHORIZED,
        }
    }

    /// The gRPC status code it answers a gRPC request with (`content-type: application/grpc`),
    /// where a gRPC client expects a status in `grpc-status` rather than an HTTP status:
    /// `16` (`UNAUTHENTICATED`) for a signature that does not verify, `8`
    /// (`RESOURCE_EXHAUSTED`) for a body over the limit or a memory budget used up, `4` (`DEADLINE_EXCEEDED`) for a body
    /// too slow to arrive, `3` (`INVALID_ARGUMENT`) for one that cannot be read.
    ///
    /// ```
    /// use tower_webhooks::Rejection;
    ///
    /// assert_eq!(Rejection::signature_mismatch().grpc_status(), 16);
    /// ```
    #[must_use]
    pub fn grpc_status(&self) -> u8 {
        match self.kind {
            RejectionKind::BodyTooLarge | RejectionKind::Overloaded => 8,
            RejectionKind::KeyUnavailable => 14,
            RejectionKind::BodyUnreadable => 3,
            RejectionKind::BodyTimeout => 4,
            RejectionKind::MissingHeader
            | RejectionKind::MalformedHeader
            | RejectionKind::SignatureMismatch
            | RejectionKind::UnverifiableBody
            | RejectionKind::StaleTimestamp
            | RejectionKind::Replayed => 16,
        }
    }
}

impl fmt::Display for Rejection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let header = self.header.as_ref().map_or("", HeaderName::as_str);
        match self.kind {
            RejectionKind::MissingHeader => write!(f, "missing header `{header}`")?,
            RejectionKind::MalformedHeader => write!(f, "malformed header `{header}`")?,
            RejectionKind::SignatureMismatch => f.write_str("no signature matches the body")?,
            RejectionKind::UnverifiableBody => f.write_str("the body cannot be verified")?,
            RejectionKind::StaleTimestamp => match self.skew_secs {
                Some(skew) if skew < 0 => write!(
                    f,
                    "the signed timestamp is {} s in the future, outside the replay window",
                    skew.unsigned_abs()
                )?,
                Some(skew) => write!(
                    f,
                    "the signed timestamp is {skew} s old, outside the replay window"
                )?,
                None => f.write_str("the signed timestamp is outside the replay window")?,
            },
            RejectionKind::Replayed => f.write_str("the signed token was already used")?,
            RejectionKind::KeyUnavailable => f.write_str("the signing key could not be had")?,
            RejectionKind::BodyTooLarge => {
                return match self.limit {
                    Some(limit) => write!(f, "body exceeds the limit of {limit} bytes"),
                    None => f.write_str("body exceeds the limit"),
                };
            }
            RejectionKind::BodyUnreadable => f.write_str("the body could not be read")?,
            RejectionKind::BodyTimeout => f.write_str("the body did not arrive in time")?,
            RejectionKind::Overloaded => {
                return match self.limit {
                    Some(budget) => write!(
                        f,
                        "the deliveries in flight hold the whole memory budget of {budget} bytes"
                    ),
                    None => f.write_str("the deliveries in flight hold the whole memory budget"),
                };
            }
        }
        match self.detail {
            Some(detail) => write!(f, ": {detail}"),
            None => Ok(()),
        }
    }
}

impl std::error::Error for Rejection {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_kind_has_the_grpc_status_of_its_http_status() {
        for (rejection, http, grpc) in [
            (Rejection::signature_mismatch(), 401, 16),
            (Rejection::body_too_large(64), 413, 8),
            (Rejection::body_timeout(), 408, 4),
            (Rejection::body_unreadable(), 400, 3),
            (Rejection::overloaded(64), 503, 8),
        ] {
            assert_eq!(rejection.status().as_u16(), http, "{rejection}");
            assert_eq!(rejection.grpc_status(), grpc, "{rejection}");
        }
    }
}
