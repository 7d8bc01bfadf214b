//! A signed 1 KiB Xero delivery through an axum `Router`, in process (`oneshot`), four ways in
//! the same run: with `WebhookSignatureLayer` and `VerifiedEvents<xero::Event>`; with the layer
//! and an `EventRouter` that sends each of the four events to a typed handler; with no
//! verification at all (a `Bytes` handler that parses the same JSON); and with the middleware a
//! Rust user would write by hand from the seeds (`to_bytes`, HMAC, constant-time compare).
//!
//! `cargo bench --bench layer`.

use std::hint::black_box;

use axum::{
    Router,
    body::{Body, Bytes, to_bytes},
    extract::Request,
    http::StatusCode,
    middleware::{self, Next},
    response::{IntoResponse, Response},
    routing::post,
};
use base64::Engine as _;
use criterion::{Criterion, criterion_group, criterion_main};
use hmac::{Hmac, KeyInit as _, Mac};
use sha2::Sha256;
use tower::ServiceExt as _;
use tower_webhooks::{VerifiedEvents, WebhookSignatureLayer, routing::EventRouter, xero};

const KEY: &str = "wJq0sWkq0yQzZ6Dk8Jm2Vb1n3Xo5Tq7Ue9Gr1Ht3Ky5Lz7Mx9Nc1Pv3Rb5Sd7Ff9Hg1Jh3Kk5Ll7Mm9Nn1Pp3Qq5Rr7Ss9Tt1Uu3Vv5Ww7==";

/// A Xero batch of about 1 KiB.
fn body() -> String {
    let event = r#"{"resourceUrl":"https://api.xero.com/api.xro/2.0/Invoices/0d3a5e2c","resourceId":"0d3a5e2c","eventDateUtc":"2024-05-01T10:00:00.000","eventType":"CREATE","eventCategory":"INVOICE","tenantId":"tenant-a","tenantType":"ORGANISATION"}"#;
    let events = [event; 4].join(",");
    format!(
        r#"{{"events":[{events}],"firstEventSequence":1,"lastEventSequence":4,"entropy":"S0m3r4Nd0mt3xt"}}"#
    )
}

fn signature(body: &[u8]) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(KEY.as_bytes()).unwrap();
    mac.update(body);
    base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes())
}

async fn verified(events: VerifiedEvents<xero::Event>) -> StatusCode {
    black_box(events.len());
    StatusCode::OK
}

async fn unverified(body: Bytes) -> StatusCode {
    let envelope: xero::Envelope = serde_json::from_slice(&body).unwrap();
    black_box(envelope.events.len());
    StatusCode::OK
}

/// The middleware a user writes by hand: buffer, HMAC, decode the header, compare.
async fn hand_written(request: Request, next: Next) -> Response {
    let (parts, body) = request.into_parts();
    let Ok(bytes) = to_bytes(body, 1024 * 1024).await else {
        return StatusCode::PAYLOAD_TOO_LARGE.into_response();
    };
    let Some(tag) = parts.headers.get("x-xero-signature").and_then(|v| {
        base64::engine::general_purpose::STANDARD
            .decode(v.as_bytes())
            .ok()
    }) else {
        return StatusCode::UNAUTHORIZED.into_response();
    };
    let mut mac = Hmac::<Sha256>::new_from_slice(KEY.as_bytes()).unwrap();
    mac.update(&bytes);
    if mac.verify_slice(&tag).is_err() {
        return StatusCode::UNAUTHORIZED.into_response();
    }
    next.run(Request::from_parts(parts, Body::from(bytes)))
        .await
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
