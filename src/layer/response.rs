//! The answers the layer writes itself: a rejection, and the `500` for a handler that panicked.

use http::{Response, header};

use super::ResponseBody;
use crate::{Rejection, RejectionKind};

/// An empty `500` for a handler that panicked. Its body is empty, whatever the policy (the
/// panic message may hold anything), and with no cookies it satisfies every policy.
pub(super) fn panicked<B>(scheme: &'static str) -> Response<ResponseBody<B>> {
    tracing::error!(
        scheme,
        "the webhook handler panicked; answered 500 so the provider retries"
    );
    let mut response = Response::new(ResponseBody::empty());
    *response.status_mut() = http::StatusCode::INTERNAL_SERVER_ERROR;
    response
}

/// An empty response with the rejection's status, the rejection in its extensions; for a gRPC
/// request a trailers-only `200` that carries the status in `grpc-status`, as gRPC servers
/// answer.
pub(super) fn reject<B>(
    scheme: &'static str,
    rejection: Rejection,
    grpc: bool,
) -> Response<ResponseBody<B>> {
    tracing::warn!(
        scheme,
        status = rejection.status().as_u16(),
        code = rejection.code(),
        reason = %rejection,
        skew_secs = rejection.skew_secs(),
        hint = rejection.hint(),
        "webhook delivery rejected"
    );
    let mut response = Response::new(ResponseBody::empty());
    if grpc {
        super::grpc::encode_status(response.headers_mut(), &rejection);
    } else {
        *response.status_mut() = rejection.status();
    }
    if matches!(
        rejection.kind(),
        RejectionKind::BodyTimeout | RejectionKind::BodyTooLarge | RejectionKind::Overloaded
    ) {
        // The rest of the body may still be on its way, and is not read: the client must not
        // send its next request on this connection.
        response
            .headers_mut()
            .insert(header::CONNECTION, http::HeaderValue::from_static("close"));
    }
    response.extensions_mut().insert(rejection);
    response
}
