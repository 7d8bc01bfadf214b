//! A signed 1 KiB Xero delivery through an axum `Router`, in process (`oneshot`), four ways in
//! the same run: with `WebhookSignatureLayer` and `VerifiedEvents<xero::Event>`; with the layer
//! and an `EventRouter` that sends each of the four events to a typed handler; with no
//! verification at all (a `Bytes` handler that parses the same JSON); and with the middleware a
//! Rust user would write by hand from the seeds (`to_bytes`, HMAC, constant-time compare).
//!
//! `cargo bench --bench layer`.

use std::hint::black_box;

use axum::{body::Body, http::StatusCode};
use criterion::{Criterion, criterion_group, criterion_main};
use tower::ServiceExt as _;

#[path = "support/xero.rs"]
mod support;
use support::{PATH, body, routers, signature};

fn layer(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
        .unwrap();
    let body = body();
    let signature = signature(body.as_bytes());
    let request = || {
        http::Request::post(PATH)
            .header("x-xero-signature", &signature)
            .body(Body::from(body.clone()))
            .unwrap()
    };
    let mut group = c.benchmark_group(format!("layer/xero {} bytes", body.len()));
    for (name, router) in routers() {
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
