//! The layer's own behaviour: body limits, unreadable bodies, zero-copy hand-off, response
//! clean-up, and the bounds axum needs.

use std::{
    pin::Pin,
    sync::{
        Arc,
        atomic::{AtomicUsize, Ordering},
    },
    task::{Context, Poll},
};

use crate::common::{Provider, Seen, recording_app, send, signed_request};
use axum::{
    Extension, Router,
    body::{Body, Bytes},
    http::{Request, StatusCode, header},
    routing::post,
};
use http_body::Frame;
use tower_webhooks::{Rejection, RejectionKind, Verified, WebhookSignatureLayer, xero::Xero};

/// A body that yields `chunk`-sized frames until `total` bytes, counting what it produced.
struct CountingBody {
    chunk: usize,
    remaining: usize,
    produced: Arc<AtomicUsize>,
    fail_after: Option<usize>,
}

impl http_body::Body for CountingBody {
    type Data = Bytes;
    type Error = std::io::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        _cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Self::Error>>> {
        let produced = self.produced.load(Ordering::SeqCst);
        if self.fail_after.is_some_and(|limit| produced >= limit) {
            return Poll::Ready(Some(Err(std::io::Error::new(
                std::io::ErrorKind::UnexpectedEof,
                "connection closed mid-body",
            ))));
        }
        if self.remaining == 0 {
            return Poll::Ready(None);
        }
        let n = self.chunk.min(self.remaining);
        self.remaining -= n;
        self.produced.fetch_add(n, Ordering::SeqCst);
        Poll::Ready(Some(Ok(Frame::data(Bytes::from(vec![b'x'; n])))))
    }
}

fn counting(chunk: usize, total: usize, fail_after: Option<usize>) -> (Body, Arc<AtomicUsize>) {
    let produced = Arc::new(AtomicUsize::new(0));
    let body = CountingBody {
        chunk,
        remaining: total,
        produced: Arc::clone(&produced),
        fail_after,
    };
    (Body::new(body), produced)
}

#[tokio::test]
async fn an_oversize_streamed_body_is_413_and_is_not_read_whole() {
    const LIMIT: usize = 64 * 1024;
    const CHUNK: usize = 4 * 1024;
    let seen = Seen::default();
    let app = recording_app(Provider::Xero.layer().body_limit(LIMIT), seen.clone());
    // 64 MiB offered, with no Content-Length: the layer must stop soon after the limit.
    let (body, produced) = counting(CHUNK, 64 * 1024 * 1024, None);
    // A well-formed (wrong) signature: the head passes, so the body is what is refused.
    let well_formed = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=";
    let request = signed_request("/raw", "x-xero-signature", well_formed, body);
    let reply = send(app, request).await;
    assert_eq!(reply.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert!(reply.body.is_empty());
    // The unread rest must not be taken for the next request on the connection.
    assert_eq!(reply.headers[header::CONNECTION], "close");
    assert_eq!(seen.calls(), 0);
    let read = produced.load(Ordering::SeqCst);
    assert!(
        read <= LIMIT + CHUNK,
        "read {read} bytes of a 64 MiB body with a {LIMIT} limit"
    );
}

#[tokio::test]
async fn a_declared_length_over_the_limit_is_413_before_any_byte_is_read() {
    let (body, produced) = counting(1024, 10 * 1024, None);
    let request = Request::post("/raw")
        .header(header::CONTENT_LENGTH, "2000000")
        .header("x-xero-signature", "AAAA")
        .body(body)
        .unwrap();
    let app = recording_app(Provider::Xero.layer(), Seen::default());
    let response = tower::ServiceExt::oneshot(app, request).await.unwrap();
    assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(response.headers()[header::CONNECTION], "close");
    assert_eq!(produced.load(Ordering::SeqCst), 0, "answered before a byte");
    // Then the rest is read and thrown away (a lingering close), and the answer stays empty.
    assert!(drained_body(response).await.is_empty());
    assert_eq!(produced.load(Ordering::SeqCst), 10 * 1024);
}

/// The response's body, read to its end (which, after an early refusal, is when the request's
/// rest has been thrown away).
async fn drained_body(response: axum::response::Response) -> Bytes {
    use http_body_util::BodyExt as _;
    response.into_body().collect().await.unwrap().to_bytes()
}

#[tokio::test]
async fn the_default_limit_is_one_mebibyte_inclusive() {
    for (size, status) in [
        (1024 * 1024, StatusCode::OK),
        (1024 * 1024 + 1, StatusCode::PAYLOAD_TOO_LARGE),
    ] {
        let body = vec![b' '; size];
        let signature = Provider::InvoiceAhoy.signature(&body);
        let seen = Seen::default();
        let app = recording_app(Provider::InvoiceAhoy.layer(), seen.clone());
        let reply = send(
            app,
            signed_request("/raw", "x-ia-signature", &signature, body),
        )
        .await;
        assert_eq!(reply.status, status, "body of {size} bytes");
        assert_eq!(seen.calls(), usize::from(status == StatusCode::OK));
    }
}

#[tokio::test]
async fn a_missing_or_malformed_signature_is_401_before_any_byte_is_read() {
    for signature in [None, Some("AAAA")] {
        let (body, produced) = counting(1024, 10 * 1024, None);
        let mut request = Request::post("/raw");
        if let Some(value) = signature {
            request = request.header("x-xero-signature", value);
        }
        let app = recording_app(Provider::Xero.layer(), Seen::default());
        let response = tower::ServiceExt::oneshot(app, request.body(body).unwrap())
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED, "{signature:?}");
        assert_eq!(produced.load(Ordering::SeqCst), 0, "{signature:?}");
        assert!(drained_body(response).await.is_empty());
    }
}

#[tokio::test]
async fn a_body_that_fails_mid_read_is_400_and_the_handler_never_runs() {
    let seen = Seen::default();
    let (body, _) = counting(1024, 10 * 1024, Some(3 * 1024));
    let request = signed_request("/raw", "x-ia-signature", &"00".repeat(32), body);
    let reply = send(
        recording_app(Provider::InvoiceAhoy.layer(), seen.clone()),
        request,
    )
    .await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    assert!(reply.body.is_empty());
    assert_eq!(seen.calls(), 0);
}

#[tokio::test]
async fn a_multi_frame_body_is_verified_whole() {
    let (body, _) = counting(1000, 10_000, None);
    let expected = vec![b'x'; 10_000];
    let seen = Seen::default();
    let request = signed_request(
        "/raw",
        "x-ia-signature",
        &Provider::InvoiceAhoy.signature(&expected),
        body,
    );
    let reply = send(
        recording_app(Provider::InvoiceAhoy.layer(), seen.clone()),
        request,
    )
    .await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(seen.last().unwrap(), expected);
}

#[tokio::test]
async fn rejections_carry_their_reason_in_the_response_extensions() {
    use tower::ServiceExt as _;
    let app = recording_app(Provider::Xero.layer(), Seen::default());
    let response = app
        .oneshot(Request::post("/raw").body(Body::from("{}")).unwrap())
        .await
        .unwrap();
    let rejection = response.extensions().get::<Rejection>().unwrap();
    assert_eq!(rejection.kind(), RejectionKind::MissingHeader);
    assert_eq!(rejection.to_string(), "missing header `x-xero-signature`");
}

#[tokio::test]
async fn the_handler_gets_the_verified_buffer_itself_not_a_copy() {
    async fn handler(Extension(verified): Extension<Verified>, body: Bytes) -> StatusCode {
        assert_eq!(verified.scheme(), "invoiceahoy");
        if body.as_ptr() == verified.body().as_ptr() && body.len() == verified.body().len() {
            StatusCode::OK
        } else {
            StatusCode::IM_A_TEAPOT
        }
    }
    let sent = Bytes::from(Provider::InvoiceAhoy.sample_body());
    let signature = Provider::InvoiceAhoy.signature(&sent);
    let app = Router::new()
        .route("/", post(handler))
        .route_layer(Provider::InvoiceAhoy.layer());
    let reply = send(
        app,
        signed_request("/", "x-ia-signature", &signature, sent.clone()),
    )
    .await;
    assert_eq!(
        reply.status,
        StatusCode::OK,
        "the handler's Bytes must be the verified buffer"
    );
}

#[tokio::test]
async fn xero_responses_lose_their_body_and_cookies_but_keep_their_status() {
    let body = Provider::Xero.sample_body();
    let signature = Provider::Xero.signature(body.as_bytes());
    for (path, status) in [
        ("/raw", StatusCode::OK),
        ("/boom", StatusCode::INTERNAL_SERVER_ERROR),
    ] {
        let seen = Seen::default();
        let app = recording_app(Provider::Xero.layer(), seen.clone());
        let reply = send(
            app,
            signed_request(path, "x-xero-signature", &signature, body),
        )
        .await;
        assert_eq!(reply.status, status);
        assert_eq!(seen.calls(), 1, "the handler ran");
        assert!(
            reply.body.is_empty(),
            "{path}: body must be stripped, got {:?}",
            reply.body
        );
        assert!(
            reply.headers.get(header::SET_COOKIE).is_none(),
            "{path}: cookies must be stripped"
        );
        assert!(
            reply.headers.get("set-cookie2").is_none(),
            "{path}: Set-Cookie2 sets cookies too"
        );
        assert!(reply.headers.get(header::CONTENT_TYPE).is_none());
    }
}

#[tokio::test]
async fn other_providers_responses_pass_through() {
    let body = Provider::InvoiceAhoy.sample_body();
    let signature = Provider::InvoiceAhoy.signature(body.as_bytes());
    let app = recording_app(Provider::InvoiceAhoy.layer(), Seen::default());
    let reply = send(
        app,
        signed_request("/raw", "x-ia-signature", &signature, body),
    )
    .await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.body, "handled");
    assert_eq!(reply.headers.get_all(header::SET_COOKIE).iter().count(), 2);
    assert!(reply.headers.contains_key("set-cookie2"));
}

#[tokio::test]
async fn the_response_policy_can_be_overridden() {
    use tower_webhooks::ResponsePolicy;
    let body = Provider::Xero.sample_body();
    let signature = Provider::Xero.signature(body.as_bytes());
    let layer = Provider::Xero
        .layer()
        .response_policy(ResponsePolicy::unchanged().strip_cookies(true));
    let reply = send(
        recording_app(layer, Seen::default()),
        signed_request("/raw", "x-xero-signature", &signature, body),
    )
    .await;
    assert_eq!(reply.body, "handled");
    assert!(reply.headers.get(header::SET_COOKIE).is_none());
}

#[test]
fn the_service_meets_the_bounds_of_router_layer() {
    // Router::layer needs Service + Clone + Send + Sync + 'static with an infallible error and a
    // Send future; this only compiles if ours has them.
    fn assert_router_layer_compatible<L>(_: L)
    where
        L: tower::Layer<axum::routing::Route> + Clone + Send + Sync + 'static,
        L::Service: tower::Service<Request<Body>, Error = std::convert::Infallible>
            + Clone
            + Send
            + Sync
            + 'static,
        <L::Service as tower::Service<Request<Body>>>::Response: axum::response::IntoResponse,
        <L::Service as tower::Service<Request<Body>>>::Future: Send + 'static,
    {
    }
    assert_router_layer_compatible(WebhookSignatureLayer::new(Xero::new("k")));
    assert_router_layer_compatible(Provider::Xemelgo.layer());
    let _: Router = Router::new()
        .route("/", post(|| async {}))
        .layer(WebhookSignatureLayer::new(Xero::new("k")));
}

#[tokio::test]
async fn grpc_requests_get_their_rejection_as_a_grpc_status() {
    use tower::ServiceExt as _;
    use tower_webhooks::test_util::{Provider as Kit, Signer};

    let app = Router::new()
        .route("/hook", post(|| async { StatusCode::OK }))
        .route_layer(WebhookSignatureLayer::new(Xero::new("grpc-key")).body_limit(64));
    let signer = Signer::new(Kit::Xero, "grpc-key").url("https://example.com/hook");
    let grpc = |request: Request<Bytes>| {
        let mut request = request.map(Body::from);
        request.headers_mut().insert(
            header::CONTENT_TYPE,
            "application/grpc+proto".parse().unwrap(),
        );
        *request.version_mut() = http::Version::HTTP_2;
        request
    };
    for (request, code) in [
        (signer.wrongly_signed("{}"), "16"),
        (signer.request(vec![b' '; 65]), "8"),
    ] {
        let response = app.clone().oneshot(grpc(request)).await.unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        assert_eq!(response.headers()["grpc-status"], code);
        assert_eq!(response.headers()[header::CONTENT_TYPE], "application/grpc");
        assert!(response.headers().contains_key("grpc-message"));
        assert!(response.extensions().get::<Rejection>().is_some());
    }
    // Anything else keeps its HTTP status: gRPC is HTTP/2 only, so an HTTP/1.1 request that
    // claims to be gRPC is no gRPC client, and a forgery must not be answered 200 for saying so.
    let mut claims_grpc = grpc(signer.wrongly_signed("{}"));
    *claims_grpc.version_mut() = http::Version::HTTP_11;
    for request in [signer.wrongly_signed("{}").map(Body::from), claims_grpc] {
        let plain = app.clone().oneshot(request).await.unwrap();
        assert_eq!(plain.status(), StatusCode::UNAUTHORIZED);
        assert!(!plain.headers().contains_key("grpc-status"));
    }
}
