//! [`WebhookSignatureLayer`]: buffer, verify, then call the inner service.
//!
//! Per request the middleware
//!
//! 1. refuses a `Content-Length` over the limit with `413`, and a missing or unreadable
//!    signature header with `401`
//!    ([`SignatureScheme::check_head`](crate::SignatureScheme::check_head)), before reading
//!    anything; then reads the body frame
//!    by frame and answers `413` as soon as it passes the limit (default
//!    [`DEFAULT_BODY_LIMIT`], 1 MiB), without reading the rest, and `408` when it has not all
//!    arrived within [`DEFAULT_BODY_TIMEOUT`] (10 s); both with `Connection: close`, since the
//!    unread rest of the body must not be taken for the next request. A request refused from
//!    its head alone has the rest of its body read and thrown away *after* the answer (a
//!    lingering close: at most 16 MiB, for at most 2 s, never buffered, and not for a client
//!    that waits for `100 Continue`), so that a client that writes its whole body before it
//!    reads, such as Node's `fetch`, sees the answer rather than a reset connection; that answer's
//!    empty body is sent chunked, since it ends only when the draining does;
//! 2. feeds the scheme's MAC frame by frame as a body of several frames arrives, for schemes
//!    that stream ([`SignatureScheme::start_stream`](crate::SignatureScheme::start_stream): the
//!    built-in HMAC schemes), so the body is hashed once, while still in cache; then hands the
//!    head and the whole body to the [`SignatureScheme`](crate::SignatureScheme);
//!    a missing, malformed or wrong signature gets `401` with an empty body, and the inner
//!    service is never called;
//! 3. calls the inner service with the verified bytes as a [`RequestBody`] (no copy) and a
//!    [`Verified`](crate::Verified) marker in the request extensions;
//! 4. applies the scheme's [`ResponsePolicy`] to whatever comes back:
//!    for Xero every body and every `Set-Cookie` is removed, the status kept. A handler that
//!    panics gives an empty `500`, logged, and the server keeps serving.
//!
//! Failures are responses, not errors, so the layer drops into `Router::layer` and
//! `Router::route_layer` as it is. A gRPC request (`content-type: application/grpc…`) gets
//! its rejection as gRPC clients read one: `200` with `grpc-status` (`16`, `UNAUTHENTICATED`,
//! for a bad signature; see [`Rejection::grpc_status`](crate::Rejection::grpc_status)). Each rejection is logged with `tracing` and rides in the
//! response's extensions as a [`Rejection`](crate::Rejection).
//!
//! ```
//! use axum::{Router, body::Body, routing::post};
//! use http::{Request, StatusCode};
//! use tower::ServiceExt as _;
//! use tower_webhooks::{Secret, WebhookSignatureLayer, VerifiedEvents, xero};
//!
//! # #[tokio::main(flavor = "current_thread")] async fn main() {
//! async fn handle(events: VerifiedEvents<xero::Event>) -> StatusCode {
//!     for event in &events {
//!         println!("{:?} {:?} {}", event.event_category, event.event_type, event.resource_id);
//!     }
//!     StatusCode::OK
//! }
//!
//! let app = Router::new()
//!     .route("/webhooks/xero", post(handle))
//!     .route_layer(WebhookSignatureLayer::new(xero::Xero::new(Secret::new("key"))));
//!
//! // An unsigned delivery never reaches the handler.
//! let response = app
//!     .oneshot(Request::post("/webhooks/xero").body(Body::from("{}")).unwrap())
//!     .await
//!     .unwrap();
//! assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
//! # }
//! ```

mod body;
mod budget;
mod collect;
mod future;
mod grpc;
#[allow(clippy::module_inception)]
mod layer;
mod policy;
mod response;
mod service;

pub use body::{RequestBody, ResponseBody};
pub use budget::{DEFAULT_MEMORY_BUDGET, MemoryBudget};
pub use future::ResponseFuture;
pub use layer::{DEFAULT_BODY_LIMIT, DEFAULT_BODY_TIMEOUT, WebhookSignatureLayer};
pub use policy::ResponsePolicy;
pub use service::WebhookSignature;
