//! The missing-layer log line. In the `logs` binary (see `main.rs`).

use crate::{
    capture::Captured,
    common::{send, signed_request},
};
use axum::{Router, http::StatusCode, routing::post};
use tower_webhooks::{VerifiedEvents, xero};

#[tokio::test]
async fn the_missing_layer_is_named_in_an_error_log_line() {
    async fn handler(_: VerifiedEvents<xero::Event>) -> StatusCode {
        StatusCode::OK
    }
    let captured = Captured::default();
    let _guard = captured.install(tracing::Level::INFO);
    let unprotected = Router::new().route("/", post(handler));
    let reply = send(
        unprotected,
        signed_request("/", "x-xero-signature", "x", "{}"),
    )
    .await;
    assert_eq!(reply.status, StatusCode::INTERNAL_SERVER_ERROR);
    let log = captured.take();
    assert!(log.contains("ERROR"), "{log}");
    assert!(log.contains("WebhookSignatureLayer"), "{log}");
}
