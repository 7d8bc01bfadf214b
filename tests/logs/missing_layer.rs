//! The missing-layer log line. In the `logs` binary (see `main.rs`).

use crate::common::{send, signed_request};
use axum::{Router, http::StatusCode, routing::post};
use tower_webhooks::{VerifiedEvents, xero};

/// Collects everything a `tracing` subscriber writes.
#[derive(Clone, Default)]
struct Captured(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);

impl std::io::Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test]
async fn the_missing_layer_is_named_in_an_error_log_line() {
    async fn handler(_: VerifiedEvents<xero::Event>) -> StatusCode {
        StatusCode::OK
    }
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);
    let unprotected = Router::new().route("/", post(handler));
    let reply = send(
        unprotected,
        signed_request("/", "x-xero-signature", "x", "{}"),
    )
    .await;
    assert_eq!(reply.status, StatusCode::INTERNAL_SERVER_ERROR);
    let log = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    assert!(log.contains("ERROR"), "{log}");
    assert!(log.contains("WebhookSignatureLayer"), "{log}");
}
