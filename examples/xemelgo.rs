//! A Xemelgo webhook receiver.
//!
//! ```sh
//! XEMELGO_WEBHOOK_SECRET='<the secret given to registerWebhook, over 24 characters>' \
//!     cargo run --example xemelgo
//! ```
//!
//! Serves `POST /webhooks/xemelgo` on `127.0.0.1:$PORT` (default 3000). Accepts
//! `xemelgo-signature: sha256=<hex>` over the raw body or over its `JSON.stringify` form, as the
//! Xemelgo guide's JavaScript signs, and acknowledges with `{"received":true}`.

use std::process::ExitCode;

#[path = "support/serve.rs"]
mod support;
use support::serve;

use axum::{Json, Router, http::StatusCode, routing::post};
use serde_json::{Value, json};
use tower_webhooks::{Secret, VerifiedEvents, WebhookSignatureLayer, xemelgo};

#[tokio::main]
async fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .init();

    let scheme = match Secret::from_env("XEMELGO_WEBHOOK_SECRET").map(xemelgo::Xemelgo::new) {
        Ok(Ok(scheme)) => scheme,
        Ok(Err(error)) => {
            eprintln!("error: XEMELGO_WEBHOOK_SECRET: {error}");
            return ExitCode::FAILURE;
        }
        Err(error) => {
            eprintln!("error: {error}; set it to the secret you registered the webhook with");
            return ExitCode::FAILURE;
        }
    };
    let app = Router::new()
        .route("/webhooks/xemelgo", post(handle))
        .route_layer(WebhookSignatureLayer::new(scheme));
    serve(app, "/webhooks/xemelgo").await
}

/// Runs only for verified deliveries. Xemelgo retries up to five times: process idempotently,
/// and acknowledge within 5 seconds.
async fn handle(events: VerifiedEvents<xemelgo::Event>) -> (StatusCode, Json<Value>) {
    for event in &events {
        tracing::info!(id = %event.id, topic = %event.topic, at = event.event_timestamp, "verified Xemelgo event");
    }
    (StatusCode::OK, Json(json!({ "received": true })))
}
