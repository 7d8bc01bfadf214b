//! gRPC's way of saying a request failed: a trailers-only `200` with `grpc-status`, which is
//! what a gRPC client reads instead of the HTTP status.

use http::{HeaderMap, header, request::Parts};

use crate::Rejection;

/// An HTTP/2 request of `application/grpc`, `application/grpc+proto`, … (gRPC's spec). gRPC
/// runs over HTTP/2 only: an HTTP/1.1 request that claims the content type is no gRPC client,
/// and gets its rejection's HTTP status (a forgery must not be answered `200` by claiming to be
/// gRPC).
pub(super) fn is_grpc(head: &Parts) -> bool {
    head.version == http::Version::HTTP_2
        && head
            .headers
            .get(header::CONTENT_TYPE)
            .is_some_and(|value| value.as_bytes().starts_with(b"application/grpc"))
}

/// Writes `rejection` as gRPC's status headers.
pub(super) fn encode_status(headers: &mut HeaderMap, rejection: &Rejection) {
    headers.insert(
        header::CONTENT_TYPE,
        http::HeaderValue::from_static("application/grpc"),
    );
    headers.insert("grpc-status", u16::from(rejection.grpc_status()).into());
    // `grpc-message` is percent-encoded; the reason phrases need only their spaces done.
    let message = rejection.status().canonical_reason().unwrap_or("rejected");
    if let Ok(message) = http::HeaderValue::from_str(&message.replace(' ', "%20")) {
        headers.insert("grpc-message", message);
    }
}
