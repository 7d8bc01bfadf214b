//! A tonic gRPC server that also receives Xero webhooks, on one port.
//!
//! ```sh
//! XERO_WEBHOOK_KEY='<the key from the Xero developer portal>' cargo run --example tonic
//! ```
//!
//! On `127.0.0.1:$PORT` (default 50051) it serves the standard gRPC health service
//! (`grpc.health.v1.Health`, HTTP/2) and `POST /webhooks/xero` (HTTP/1.1, as Xero sends it, or
//! HTTP/2). The signature layer wraps the webhook route only: gRPC calls never go through it.
//! A gRPC request that does reach the webhook route and fails verification is answered as gRPC
//! clients expect, `grpc-status: 16` (`UNAUTHENTICATED`), not a bare `401`.
//!
//! ```sh
//! grpc_health_probe -addr=127.0.0.1:50051      # gRPC: status: SERVING
//! tower-webhooks itr http://127.0.0.1:50051/webhooks/xero --key "$XERO_WEBHOOK_KEY"
//! ```
//!
//! (`grpcurl` needs the server to offer reflection, which this one does not.)

use std::{process::ExitCode, time::Duration};

use axum::{Router, routing::post_service};
use tonic::{
    service::Routes,
    transport::{Server, server::TcpIncoming},
};
use tower_webhooks::{
    Secret, WebhookSignatureLayer,
    routing::{EventRouter, Unhandled},
    xero::{self, Xero},
};

#[tokio::main]
async fn main() -> ExitCode {
    tracing_subscriber::fmt()
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
    let port = match std::env::var("PORT").map(|p| p.parse::<u16>()) {
        Err(_) => 50051,
        Ok(Ok(port)) => port,
        Ok(Err(_)) => {
            eprintln!("error: PORT must be a port number");
            return ExitCode::FAILURE;
        }
    };

    // The webhook routes are an axum router with the layer on them, and only on them.
    let webhooks = Router::new().route(
        "/webhooks/xero",
        post_service(xero_events()).layer(WebhookSignatureLayer::new(Xero::new(key))),
    );
    let (_reporter, health) = tonic_health::server::health_reporter();
    let routes = Routes::from(webhooks).add_service(health);

    let listener = match tokio::net::TcpListener::bind(("127.0.0.1", port)).await {
        Ok(listener) => listener,
        Err(error) => {
            eprintln!("error: cannot listen on 127.0.0.1:{port}: {error}");
            return ExitCode::FAILURE;
        }
    };
    let addr = listener
        .local_addr()
        .expect("a bound socket has an address");
    tracing::info!("gRPC health on {addr}; listening on http://{addr}/webhooks/xero");
    // Providers post over HTTP/1.1; tonic's server speaks only HTTP/2 unless told otherwise.
    // Providers post over HTTP/1.1; gRPC clients speak HTTP/2. Bounds a public server needs and
    // tonic does not set: streams per connection, dead-connection pings, and a connection age
    // (tonic's HTTP/1 side has no header read timeout: a connection held open by a slow
    // request head is closed when it reaches this age).
    let served = Server::builder()
        .accept_http1(true)
        .max_concurrent_streams(32)
        .http2_keepalive_interval(Some(Duration::from_secs(20)))
        .http2_keepalive_timeout(Some(Duration::from_secs(10)))
        .max_connection_age(Duration::from_secs(60))
        .max_connection_age_grace(Duration::from_secs(10))
        .add_routes(routes)
        .serve_with_incoming(TcpIncoming::from(listener))
        .await;
    match served {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::FAILURE
        }
    }
}

/// Each verified Xero event, by category and type. Xero retries a failed delivery, so a
/// handler must tolerate seeing an event again.
fn xero_events() -> EventRouter {
    EventRouter::new(xero::EVENT_KEY)
        .on("INVOICE.CREATE", |event: xero::Event| async move {
            tracing::info!(tenant = %event.tenant_id, invoice = %event.resource_id, "invoice created");
        })
        .on("INVOICE.UPDATE", |event: xero::Event| async move {
            tracing::info!(tenant = %event.tenant_id, invoice = %event.resource_id, "invoice updated");
        })
        .unhandled(Unhandled::Accept)
}
