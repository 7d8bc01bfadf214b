//! A Xero webhook receiver.
//!
//! ```sh
//! XERO_WEBHOOK_KEY='<the key from the Xero developer portal>' cargo run --example xero
//! ```
//!
//! Serves `POST /webhooks/xero` on `127.0.0.1:$PORT` (default 3000). Xero's rules hold: a good
//! signature gets `200` with no body and no cookies, a bad one `401` with no body, so "Intent to
//! receive" passes. Put it behind your HTTPS proxy or tunnel on port 443.

use std::process::ExitCode;

#[path = "support/serve.rs"]
mod support;
use support::serve;

use axum::{Router, http::StatusCode, routing::post};
use tower_webhooks::{Secret, VerifiedEvents, WebhookSignatureLayer, xero};

#[tokio::main]
async fn main() -> ExitCode {
    // `RUST_LOG=warn` (or `debug`, ...) sets the level; the default logs each event.
    let level = std::env::var("RUST_LOG")
        .ok()
        .and_then(|level| level.parse().ok())
        .unwrap_or(tracing::Level::INFO);
    tracing_subscriber::fmt()
        .with_max_level(level)
        .with_writer(std::io::stderr)
        .init();

    let key = match Secret::from_env("XERO_WEBHOOK_KEY") {
        Ok(key) => key,
        Err(error) => {
            eprintln!(
                "error: {error}; set it to the webhook key shown in the Xero developer portal"
            );
            return ExitCode::FAILURE;
        }
    };
    let app = Router::new()
        .route("/webhooks/xero", post(handle))
        .route_layer(WebhookSignatureLayer::new(xero::Xero::new(key)));
    serve(app, "/webhooks/xero").await
}

/// Runs only for verified deliveries. Xero retries failed deliveries for 24 hours and batches
/// events across tenants, so process each event idempotently, and answer fast: long work belongs
/// in a queue.
async fn handle(events: VerifiedEvents<xero::Event>) -> StatusCode {
    if events.is_empty() {
        tracing::info!("verified an Intent to receive delivery");
    }
    for event in &events {
        tracing::info!(
            tenant = %event.tenant_id,
            category = %event.event_category,
            kind = %event.event_type,
            resource = %event.resource_id,
            "verified Xero event"
        );
    }
    StatusCode::OK
}
