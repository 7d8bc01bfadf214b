//! A signed 1 KiB Xero delivery through an axum `Router`, in process (`oneshot`), four ways in
//! the same run: with `WebhookSignatureLayer` and `VerifiedEvents<xero::Event>`; with the layer
//! and an `EventRouter` that sends each of the four events to a typed handler; with no
//! verification at all (a `Bytes` handler that parses the same JSON); and with the middleware a
//! Rust user would write by hand from the seeds (`to_bytes`, HMAC, constant-time compare).
//!
//! `cargo bench --bench layer`.

use std::hint::black_box;

use axum::{Router, body::Body, http::StatusCode, middleware, routing::post};
use criterion::{Criterion, criterion_group, criterion_main};
use tower::ServiceExt as _;
use tower_webhooks::{VerifiedEvents, WebhookSignatureLayer, routing::EventRouter, xero};

#[path = "support/xero.rs"]
mod support;
use support::{KEY, body, hand_written, signature, unverified};

async fn verified(events: VerifiedEvents<xero::Event>) -> StatusCode {
    black_box(events.len());
    StatusCode::OK
}

fn layer(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
        .unwrap();
    let body = body();
    let signature = signature(body.as_bytes());
    let request = || {
        http::Request::post("/webhooks/xero")
            .header("x-xero-signature", &signature)
            .body(Body::from(body.clone()))
            .unwrap()
    };
    let routers = [
        (
            "tower-webhooks layer + VerifiedEvents",
            Router::new()
                .route("/webhooks/xero", post(verified))
                .route_layer(WebhookSignatureLayer::new(xero::Xero::new(KEY))),
        ),
        (
            "tower-webhooks layer + EventRouter",
            Router::new().route(
                "/webhooks/xero",
                axum::routing::post_service(EventRouter::new(xero::EVENT_KEY).on(
                    "INVOICE.CREATE",
                    |event: xero::Event| async move {
                        black_box(event);
                    },
                ))
                .layer(WebhookSignatureLayer::new(xero::Xero::new(KEY))),
            ),
        ),
        (
            "no verification (Bytes + serde_json)",
            Router::new().route("/webhooks/xero", post(unverified)),
        ),
        (
            "hand-written middleware (to_bytes + hmac)",
            Router::new()
                .route("/webhooks/xero", post(unverified))
                .route_layer(middleware::from_fn(hand_written)),
        ),
    ];
    let mut group = c.benchmark_group(format!("layer/xero {} bytes", body.len()));
    for (name, router) in routers {
        // Every router must accept the delivery, or the comparison means nothing.
        let status = runtime
            .block_on(router.clone().oneshot(request()))
            .unwrap()
            .status();
        assert_eq!(status, StatusCode::OK, "{name}");
        group.bench_function(name, |b| {
            b.iter(|| {
                runtime
                    .block_on(router.clone().oneshot(black_box(request())))
                    .unwrap()
            })
        });
    }
    group.finish();
}

criterion_group!(benches, layer);
criterion_main!(benches);
