//! A Standard Webhooks delivery verified three ways in the same run: by this crate's
//! `StandardWebhooks` scheme, by the `standardwebhooks` crate's `Webhook::verify` and by the
//! `svix` crate's `Webhook::verify`, at 1 KiB and 64 KiB.
//!
//! `cargo bench --bench peers` (from the repository root).

use std::{
    hint::black_box,
    time::{SystemTime, UNIX_EPOCH},
};

use base64::Engine as _;
use bytes::Bytes;
use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use hmac::{Hmac, Mac};
use sha2::Sha256;
use tower_webhooks::{SignatureScheme, standard_webhooks::StandardWebhooks};

const SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

fn delivery(size: usize) -> (http::HeaderMap, Bytes) {
    let body = Bytes::from(format!(
        r#"{{"type":"invoice.paid","pad":"{}"}}"#,
        "x".repeat(size.saturating_sub(30))
    ));
    let key = base64::engine::general_purpose::STANDARD
        .decode(SECRET.trim_start_matches("whsec_"))
        .unwrap();
    let ts = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs()
        .to_string();
    let id = "msg_p5jXN8AQM9LWM0D4loKWxJek";
    let mut mac = Hmac::<Sha256>::new_from_slice(&key).unwrap();
    mac.update(format!("{id}.{ts}.").as_bytes());
    mac.update(&body);
    let signature = format!(
        "v1,{}",
        base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes())
    );
    let mut headers = http::HeaderMap::new();
    headers.insert("webhook-id", id.parse().unwrap());
    headers.insert("webhook-timestamp", ts.parse().unwrap());
    headers.insert("webhook-signature", signature.parse().unwrap());
    (headers, body)
}

fn peers(c: &mut Criterion) {
    let ours = StandardWebhooks::new(SECRET).unwrap();
    let reference = standardwebhooks::Webhook::new(SECRET).unwrap();
    let svix = svix::webhooks::Webhook::new(SECRET).unwrap();
    for size in [1024, 64 * 1024] {
        let (headers, body) = delivery(size);
        let mut request = http::Request::post("/").body(()).unwrap();
        *request.headers_mut() = headers.clone();
        let (head, ()) = request.into_parts();
        // All three must accept it, or the comparison means nothing.
        assert!(ours.verify(&head, &body).is_ok());
        assert!(reference.verify(&body, &headers).is_ok());
        assert!(svix.verify(&body, &headers).is_ok());

        let mut group = c.benchmark_group("peers");
        group.throughput(Throughput::Bytes(body.len() as u64));
        group.bench_with_input(
            BenchmarkId::new("tower-webhooks", size),
            &body,
            |b, body| b.iter(|| ours.verify(black_box(&head), black_box(body)).unwrap()),
        );
        group.bench_with_input(
            BenchmarkId::new("standardwebhooks", size),
            &body,
            |b, body| {
                b.iter(|| {
                    reference
                        .verify(black_box(body), black_box(&headers))
                        .unwrap()
                })
            },
        );
        group.bench_with_input(BenchmarkId::new("svix", size), &body, |b, body| {
            b.iter(|| svix.verify(black_box(body), black_box(&headers)).unwrap())
        });
        group.finish();
    }
}

criterion_group!(benches, peers);
criterion_main!(benches);
