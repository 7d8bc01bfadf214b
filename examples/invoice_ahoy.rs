//! An InvoiceAhoy webhook receiver.
//!
//! ```sh
//! INVOICEAHOY_WEBHOOK_SECRET='<your secret webhook key>' cargo run --example invoice_ahoy
//! ```
//!
//! Serves `POST /webhooks/invoiceahoy` on `127.0.0.1:$PORT` (default 3000). The `x-ia-signature`
//! header must be the hex HMAC-SHA256 of the raw body; anything else gets `401`.

use std::process::ExitCode;

#[path = "support/serve.rs"]
mod support;
use support::serve;

use axum::{Router, http::StatusCode, routing::post};
use tower_webhooks::{Secret, VerifiedEvents, WebhookSignatureLayer, invoice_ahoy};

#[tokio::main]
async fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .init();

    let secret = match Secret::from_env("INVOICEAHOY_WEBHOOK_SECRET") {
        Ok(secret) => secret,
        Err(error) => {
            eprintln!(
                "error: {error}; set it to the secret webhook key from InvoiceAhoy's API settings"
            );
            return ExitCode::FAILURE;
        }
    };
    let app = Router::new()
        .route("/webhooks/invoiceahoy", post(handle))
        .route_layer(WebhookSignatureLayer::new(invoice_ahoy::InvoiceAhoy::new(
            secret,
        )));
    serve(app, "/webhooks/invoiceahoy").await
}

/// Runs only for verified deliveries.
async fn handle(events: VerifiedEvents<invoice_ahoy::Event>) -> StatusCode {
    for event in &events {
        tracing::info!(
            id = %event.id,
            kind = %event.event_type,
            invoice = %event.payload.id,
            "verified InvoiceAhoy event"
        );
    }
    StatusCode::OK
}
