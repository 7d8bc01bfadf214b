//! Guide: putting the layer where your service lives, and moving to it from a hand-written
//! verifier. Every example here is compiled, and the ones that run are tests.
//!
//! # axum: `Router::route_layer` or `Router::layer`
//!
//! [`route_layer`](https://docs.rs/axum/0.8/axum/struct.Router.html#method.route_layer) wraps the
//! routes that match: a webhook route is verified, an unknown path stays `404` without a byte
//! of its body read. [`layer`](https://docs.rs/axum/0.8/axum/struct.Router.html#method.layer)
//! wraps everything the router answers, its fallback included, so an unknown path gets `401`:
//! use it for a router that holds nothing but one provider's webhooks. Either way it wraps only
//! the routes added *before* it; and each provider needs its own layer, so give each route its
//! own with `post(handler).layer(…)` when one router holds several.
//!
//! ```
//! use axum::{Router, body::Body, http::{Request, StatusCode}, routing::post};
//! use tower::ServiceExt as _;
//! use tower_webhooks::{WebhookSignatureLayer, stripe::Stripe, xero::Xero};
//!
//! # #[tokio::main(flavor = "current_thread")] async fn main() {
//! let route_layered: Router = Router::new()
//!     .route("/webhooks/xero", post(|| async { StatusCode::OK }))
//!     .route_layer(WebhookSignatureLayer::new(Xero::new("xero-key")));
//! let layered: Router = Router::new()
//!     .route("/webhooks/xero", post(|| async { StatusCode::OK }))
//!     .layer(WebhookSignatureLayer::new(Xero::new("xero-key")));
//! // Several providers on one router: a layer per route.
//! let _several: Router = Router::new()
//!     .route("/webhooks/xero", post(|| async { StatusCode::OK })
//!         .layer(WebhookSignatureLayer::new(Xero::new("xero-key"))))
//!     .route("/webhooks/stripe", post(|| async { StatusCode::OK })
//!         .layer(WebhookSignatureLayer::new(Stripe::new("whsec_…"))));
//!
//! let unknown = || Request::post("/nowhere").body(Body::empty()).unwrap();
//! assert_eq!(route_layered.oneshot(unknown()).await.unwrap().status(), StatusCode::NOT_FOUND);
//! assert_eq!(layered.oneshot(unknown()).await.unwrap().status(), StatusCode::UNAUTHORIZED);
//! # }
//! ```
//!
//! # Where the layer goes in a `ServiceBuilder` stack
//!
//! A `ServiceBuilder` lists layers outermost first. Put the signature layer
//!
//! - **after** (inside) tracing, request ids and metrics, so rejected deliveries are traced and
//!   counted like any other request (its rejections are logged with `tracing` inside your span);
//! - **before** (outside) anything that reads, buffers or rewrites the request body: a
//!   provider signs the bytes it sent, and the layer must see those bytes first. Body limits
//!   and timeouts in front of it are redundant: it has its own
//!   ([`body_limit`](crate::WebhookSignatureLayer::body_limit),
//!   [`body_timeout`](crate::WebhookSignatureLayer::body_timeout));
//! - **outside** [`IdempotencyLayer`](crate::idempotency::IdempotencyLayer), which reads what
//!   the signature layer verified;
//! - and keep response-rewriting layers (compression, CORS, cookies) away from Xero's routes,
//!   or rely on the layer: for Xero it strips bodies and `Set-Cookie` from whatever the inner
//!   stack answers.
//!
//! ```
//! use axum::{Router, routing::post_service};
//! use http::Request;
//! use tower::ServiceBuilder;
//! use tower_webhooks::{
//!     WebhookSignatureLayer,
//!     idempotency::{IdempotencyLayer, MemoryStore},
//!     routing::EventRouter,
//!     xero::{self, Xero},
//! };
//!
//! let events = EventRouter::new(xero::EVENT_KEY)
//!     .on("INVOICE.UPDATE", |event: xero::Event| async move { let _ = event; });
//! let stack = ServiceBuilder::new()
//!     // Outermost: tracing (tower-http's `TraceLayer` in a real service).
//!     .map_request(|request: Request<_>| {
//!         tracing::info!(path = request.uri().path(), "webhook");
//!         request
//!     })
//!     .layer(WebhookSignatureLayer::new(Xero::new("xero-key")))
//!     .layer(IdempotencyLayer::new(MemoryStore::default()))
//!     .service(events);
//! let app: Router = Router::new().route("/webhooks/xero", post_service(stack));
//! ```
//!
//! # tonic: gRPC and webhooks on one port
//!
//! tonic 0.14 serves axum routes beside its gRPC services: build the webhook routes as an
//! axum `Router` with the layer on them, turn it into `tonic::service::Routes`, add the gRPC
//! services, and let the server accept HTTP/1.1 too, since providers post over HTTP/1.1. The
//! layer never sees a gRPC call. If it does see one (a gRPC client pointed at a webhook path),
//! a rejection is a gRPC status, `grpc-status: 16` (`UNAUTHENTICATED`), not a bare `401`.
//! `examples/tonic.rs` is the whole server, and its test runs a gRPC health check and a
//! signed webhook against it.
//!
//! ```no_run
//! use axum::{Router, routing::post};
//! use http::StatusCode;
//! use tonic::{service::Routes, transport::{Server, server::TcpIncoming}};
//! use tower_webhooks::{WebhookSignatureLayer, xero::Xero};
//!
//! # #[tokio::main] async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let webhooks = Router::new().route(
//!     "/webhooks/xero",
//!     post(|| async { StatusCode::OK }).layer(WebhookSignatureLayer::new(Xero::new("xero-key"))),
//! );
//! let (_health_reporter, health) = tonic_health::server::health_reporter();
//! let routes = Routes::from(webhooks).add_service(health);
//! let listener = tokio::net::TcpListener::bind("127.0.0.1:50051").await?;
//! Server::builder()
//!     .accept_http1(true)
//!     .add_routes(routes)
//!     .serve_with_incoming(TcpIncoming::from(listener))
//!     .await?;
//! # Ok(()) }
//! ```
//!
//! # Plain hyper
//!
//! The layer is a tower `Layer` over any `Service<http::Request<B>>` whose body is an
//! `http_body::Body`, `hyper::body::Incoming` included. Wrap your service, adapt it with
//! hyper-util's `TowerToHyperService`, and serve connections as usual. The inner service gets a
//! [`RequestBody`](crate::layer::RequestBody) holding the verified bytes, and the
//! [`Verified`](crate::Verified) marker in the request's extensions.
//!
//! ```no_run
//! use std::convert::Infallible;
//!
//! use bytes::Bytes;
//! use http::{Request, Response};
//! use http_body_util::{BodyExt as _, Full};
//! use hyper_util::{rt::TokioIo, service::TowerToHyperService};
//! use tower::ServiceBuilder;
//! use tower_webhooks::{WebhookSignatureLayer, invoice_ahoy::InvoiceAhoy, layer::RequestBody};
//!
//! async fn handle(request: Request<RequestBody>) -> Result<Response<Full<Bytes>>, Infallible> {
//!     let verified = request.into_body().collect().await.unwrap().to_bytes();
//!     let _event: serde_json::Value = serde_json::from_slice(&verified).unwrap_or_default();
//!     Ok(Response::new(Full::default()))
//! }
//!
//! # #[tokio::main] async fn main() -> std::io::Result<()> {
//! let listener = tokio::net::TcpListener::bind("127.0.0.1:3000").await?;
//! loop {
//!     let (stream, _) = listener.accept().await?;
//!     let service = ServiceBuilder::new()
//!         .layer(WebhookSignatureLayer::new(InvoiceAhoy::new("ia-secret")))
//!         .service_fn(handle);
//!     tokio::spawn(
//!         hyper::server::conn::http1::Builder::new()
//!             .serve_connection(TokioIo::new(stream), TowerToHyperService::new(service)),
//!     );
//! }
//! # }
//! ```
//!
//! `tests/it/hyper_incoming.rs` runs exactly this over a socket.
//!
//! # The server's own limits
//!
//! The layer bounds what a delivery may cost once its head has arrived: its body's size and
//! time, and the bytes all deliveries hold at once (its
//! [`memory_budget`](crate::WebhookSignatureLayer::memory_budget)). What comes before the head
//! is the server's: `axum::serve` sets no timeout for a request head and no limit on HTTP/2
//! streams, so a client sending its head a byte at a time, or a thousand streams on one
//! connection, is held for ever. Serve with hyper-util's builder and set them:
//!
//! ```no_run
//! use std::time::Duration;
//! use axum::{Router, routing::post};
//! use hyper_util::{rt::{TokioExecutor, TokioIo, TokioTimer}, server::conn::auto, service::TowerToHyperService};
//! use tower_webhooks::{WebhookSignatureLayer, xero::Xero};
//!
//! # #[tokio::main] async fn main() -> std::io::Result<()> {
//! let app = Router::new()
//!     .route("/webhooks/xero", post(|| async {}))
//!     .route_layer(WebhookSignatureLayer::new(Xero::new("key")));
//! let mut builder = auto::Builder::new(TokioExecutor::new());
//! builder
//!     .http1()
//!     .timer(TokioTimer::new())
//!     // A head must arrive within 10 s; an idle kept-alive connection is closed after it too.
//!     .header_read_timeout(Duration::from_secs(10))
//!     .max_buf_size(64 * 1024);
//! builder
//!     .http2()
//!     .timer(TokioTimer::new())
//!     .max_concurrent_streams(32)
//!     .keep_alive_interval(Duration::from_secs(20));
//! let listener = tokio::net::TcpListener::bind("127.0.0.1:3000").await?;
//! loop {
//!     let (stream, _) = listener.accept().await?;
//!     let (builder, service) = (builder.clone(), TowerToHyperService::new(app.clone()));
//!     tokio::spawn(async move { builder.serve_connection(TokioIo::new(stream), service).await });
//! }
//! # }
//! ```
//!
//! With tonic, `Server::builder().max_concurrent_streams(32)` bounds the streams; its HTTP/1
//! side (`accept_http1(true)`) has no header timeout, so give connections a
//! `max_connection_age`. The example servers do both (`examples/support/serve.rs`,
//! `examples/tonic.rs`).
//!
//! # Migrating from a hand-written verifier
//!
//! A typical hand-written receiver, and what is wrong with it:
//!
//! ```
//! use axum::{body::Bytes, http::{HeaderMap, StatusCode}};
//! use base64::Engine as _;
//! use hmac::{Hmac, KeyInit as _, Mac};
//!
//! async fn xero_webhook(headers: HeaderMap, body: Bytes) -> StatusCode {
//!     let key = std::env::var("XERO_WEBHOOK_KEY").unwrap(); // read per request; panics if unset
//!     let Some(signature) = headers.get("x-xero-signature") else {
//!         return StatusCode::UNAUTHORIZED;
//!     };
//!     let mut mac = Hmac::<sha2::Sha256>::new_from_slice(key.as_bytes()).unwrap();
//!     mac.update(&body); // axum's default 2 MB limit; no timeout for a slow body
//!     let expected = base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes());
//!     if expected.as_bytes() != signature.as_bytes() { // `!=`: not constant-time
//!         return StatusCode::UNAUTHORIZED;
//!     }
//!     // ...parse `body`, handle the events, and hope no retry arrives twice
//!     StatusCode::OK
//! }
//! ```
//!
//! The same receiver on this crate:
//!
//! ```
//! use axum::{Router, http::StatusCode, routing::post};
//! use tower_webhooks::{Secret, VerifiedEvents, WebhookSignatureLayer, xero};
//!
//! async fn xero_webhook(events: VerifiedEvents<xero::Event>) -> StatusCode {
//!     for event in &events { let _ = &event.resource_url; }
//!     StatusCode::OK
//! }
//!
//! # fn main() -> Result<(), tower_webhooks::SecretError> {
//! # let key = Secret::new("doc");
//! // let key = Secret::from_env("XERO_WEBHOOK_KEY")?; // read once, at start-up
//! let app: Router = Router::new()
//!     .route("/webhooks/xero", post(xero_webhook))
//!     .route_layer(WebhookSignatureLayer::new(xero::Xero::new(key)));
//! # Ok(()) }
//! ```
//!
//! Step by step:
//!
//! 1. **Delete the verification code**, the header reading, the HMAC and the comparison, and
//!    put the provider's scheme in a layer on the route. Read the secret once with
//!    [`Secret::from_env`](crate::Secret::from_env): it fails at start-up with the variable's
//!    name rather than at the first delivery, and never prints.
//! 2. **Replace the body extractor.** `Bytes`, `String` or `Json<T>` become
//!    [`VerifiedEvents<T>`](crate::VerifiedEvents) (one element per event, Xero's batches
//!    unpacked) or [`VerifiedJson<T>`](crate::VerifiedJson) (the whole payload). If your
//!    handler switched on the event type, an [`EventRouter`](crate::routing::EventRouter)
//!    does it with a typed payload per type.
//! 3. **Remove your own body limit and timeout**, or keep them larger than the layer's: the
//!    layer answers `413` past 1 MiB and `408` after 10 s by default.
//! 4. **Expect different answers to bad requests.** A bad signature is `401` with an empty body
//!    (the reason is logged, not sent); a timestamp outside the replay window is `401` too,
//!    where your verifier may have accepted old deliveries. Behind a proxy, Square and Twilio
//!    need the public URL they signed:
//!    [`with_public_base_url`](crate::square::Square::with_public_base_url).
//! 5. **Deduplicate retries** with [`IdempotencyLayer`](crate::idempotency::IdempotencyLayer)
//!    if your handler is not idempotent itself.
//! 6. **Test the handler** with signed requests from [`test_util`](crate::test_util) (feature
//!    `test-util`), and the running endpoint with the command line (feature `cli`):
//!    `tower-webhooks check http://127.0.0.1:3000/webhooks/xero --provider xero` sends a good,
//!    a wrongly signed, a stale, an oversize and a duplicate delivery and says which the
//!    endpoint got wrong; `tower-webhooks itr` plays Xero's "Intent to receive".
//!
//! A capture of a delivery your old verifier refused, checked offline, usually says why:
//!
//! ```text
//! $ tower-webhooks verify --provider stripe --headers headers.txt --body body.json --at 1700000000
//! not verified: no signature matches the body (signature_mismatch)
//! the body is 41 bytes; the signature covers them exactly
//! the body file ends with a newline: if the capture or your editor added it, remove it …
//! ```
