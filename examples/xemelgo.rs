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

async fn serve(app: Router, path: &str) -> ExitCode {
    let port = match std::env::var("PORT").map(|p| p.parse::<u16>()) {
        Err(_) => 3000,
        Ok(Ok(port)) => port,
        Ok(Err(_)) => {
            eprintln!("error: PORT must be a port number");
            return ExitCode::FAILURE;
        }
    };
    let listener = match tokio::net::TcpListener::bind(("127.0.0.1", port)).await {
        Ok(listener) => listener,
        Err(error) => {
            eprintln!("error: cannot listen on 127.0.0.1:{port}: {error}");
            return ExitCode::FAILURE;
        }
    };
    let addr = listener.local_addr().expect("bound socket has an address");
    tracing::info!("listening on http://{addr}{path}");
    match axum::serve(listener, app).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::FAILURE
        }
    }
}
