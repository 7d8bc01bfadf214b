//! What verification costs, beside the limit: one bare HMAC-SHA256 over the same bytes.
//!
//! `cargo bench --bench verify`. Each group measures the bare `hmac` + `sha2` MAC and every
//! scheme's `verify` on the same body, so ratios come from one run on one machine.

use std::hint::black_box;

use base64::Engine as _;
use bytes::Bytes;
use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use hmac::{Hmac, KeyInit as _, Mac};
use http::request::Parts;
use sha2::Sha256;
use tower_webhooks::{
    Clock, SignatureScheme, invoice_ahoy::InvoiceAhoy, json_stringify::stringify_parsed,
    standard_webhooks::StandardWebhooks, stripe::Stripe, xemelgo::Xemelgo, xero::Xero,
};

const SECRET: &str = "your-secret-key-must-be-longer-than-24-characters";

const TIMESTAMP: u64 = 1_700_000_000;

fn tag(message: &[u8]) -> [u8; 32] {
    tag_of(&[message])
}

fn tag_of(parts: &[&[u8]]) -> [u8; 32] {
    let mut mac = Hmac::<Sha256>::new_from_slice(SECRET.as_bytes()).unwrap();
    for part in parts {
        mac.update(part);
    }
    mac.finalize().into_bytes().into()
}

fn head_with(headers: &[(&str, &str)]) -> Parts {
    let mut request = http::Request::post("/");
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    request.body(()).unwrap().into_parts().0
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn head(header: &str, value: &str) -> Parts {
    http::Request::post("/")
        .header(header, value)
        .body(())
        .unwrap()
        .into_parts()
        .0
}

/// A JSON body of about `size` bytes: an array of small objects.
fn json_body(size: usize) -> Bytes {
    let item = r#"{"sku":"A-1","qty":12,"note":"cycle count"},"#;
    let mut body = String::from(r#"{"id":"c1314cc5","topic":"inventory.cycle_count","data":["#);
    while body.len() + item.len() + 3 < size {
        body.push_str(item);
    }
    body.pop();
    body.push_str("]}");
    Bytes::from(body)
}

fn verify(c: &mut Criterion) {
    let xero = Xero::new(SECRET);
    let ahoy = InvoiceAhoy::new(SECRET);
    let xemelgo = Xemelgo::new(SECRET).unwrap();
    let clock = Clock::fixed(std::time::UNIX_EPOCH + std::time::Duration::from_secs(TIMESTAMP));
    let stripe = Stripe::new(SECRET).with_clock(clock.clone());
    let whsec = format!(
        "whsec_{}",
        base64::engine::general_purpose::STANDARD.encode(SECRET)
    );
    let standard = StandardWebhooks::new(whsec.as_str())
        .unwrap()
        .with_clock(clock);
    for size in [1024, 64 * 1024, 1024 * 1024] {
        let body = json_body(size);
        let t = tag(&body);
        let mut group = c.benchmark_group("verify");
        group.throughput(Throughput::Bytes(body.len() as u64));
        group.bench_with_input(
            BenchmarkId::new("bare hmac-sha256 (the limit)", size),
            &body,
            |b, body| {
                b.iter(|| {
                    let mut mac = Hmac::<Sha256>::new_from_slice(SECRET.as_bytes()).unwrap();
                    mac.update(black_box(body));
                    mac.verify_slice(black_box(&t)).unwrap();
                })
            },
        );
        // The floor: the same MAC with its key hashed in once, cloned per delivery (what the
        // schemes do), to show what is left of the fixed cost beside the MAC itself.
        let keyed = Hmac::<Sha256>::new_from_slice(SECRET.as_bytes()).unwrap();
        group.bench_with_input(
            BenchmarkId::new("bare hmac-sha256, keyed once", size),
            &body,
            |b, body| {
                b.iter(|| {
                    let mut mac = keyed.clone();
                    mac.update(black_box(body));
                    mac.verify_slice(black_box(&t)).unwrap();
                })
            },
        );
        let ts = TIMESTAMP.to_string();
        let stripe_tag = tag_of(&[ts.as_bytes(), b".", &body]);
        let standard_tag = tag_of(&[b"msg_1.", ts.as_bytes(), b".", &body]);
        let cases: [(&str, &dyn SignatureScheme, Parts); 5] = [
            (
                "xero",
                &xero,
                head(
                    "x-xero-signature",
                    &base64::engine::general_purpose::STANDARD.encode(t),
                ),
            ),
            ("invoiceahoy", &ahoy, head("x-ia-signature", &hex(&t))),
            (
                "xemelgo raw",
                &xemelgo,
                head("xemelgo-signature", &format!("sha256={}", hex(&t))),
            ),
            (
                "stripe",
                &stripe,
                head(
                    "stripe-signature",
                    &format!("t={ts},v1={}", hex(&stripe_tag)),
                ),
            ),
            (
                "standard-webhooks",
                &standard,
                head_with(&[
                    ("webhook-id", "msg_1"),
                    ("webhook-timestamp", &ts),
                    (
                        "webhook-signature",
                        &format!(
                            "v1,{}",
                            base64::engine::general_purpose::STANDARD.encode(standard_tag)
                        ),
                    ),
                ]),
            ),
        ];
        for (name, scheme, parts) in cases {
            group.bench_with_input(BenchmarkId::new(name, size), &body, |b, body| {
                b.iter(|| scheme.verify(black_box(&parts), black_box(body)).unwrap())
            });
        }
        group.finish();
    }
}

/// The cost of Xemelgo's fallback: a pretty-printed body whose signature covers its
/// `JSON.stringify` form, so the raw HMAC fails and the body is re-stringified and MACed again.
/// The fallback runs at most 20 times a second (a forger cannot make it more), so a loop of
/// `verify` measures its refusals after the first few; this times the stringify it adds, beside
/// the MAC of the stringified bytes, and the forgery benchmark its sustained cost.
fn xemelgo_fallback(c: &mut Criterion) {
    let xemelgo = Xemelgo::new(SECRET).unwrap();
    // The fallback takes bodies up to 64 KiB: the larger one, pretty-printed, stays under.
    for size in [1024, 48 * 1024] {
        let compact = json_body(size);
        let pretty = Bytes::from(
            compact
                .iter()
                .flat_map(|&b| if b == b',' { vec![b',', b' '] } else { vec![b] })
                .collect::<Vec<u8>>(),
        );
        let stringified = stringify_parsed(&pretty).unwrap();
        let parts = head(
            "xemelgo-signature",
            &format!("sha256={}", hex(&tag(&stringified))),
        );
        let mut group = c.benchmark_group("xemelgo fallback");
        group.throughput(Throughput::Bytes(pretty.len() as u64));
        group.bench_with_input(
            BenchmarkId::new("stringify only", size),
            &pretty,
            |b, body| b.iter(|| stringify_parsed(black_box(body)).unwrap()),
        );
        // Once, outside the loop: the fallback accepts this body.
        assert!(xemelgo.verify(&parts, &pretty).is_ok());
        let key = Hmac::<Sha256>::new_from_slice(SECRET.as_bytes()).unwrap();
        group.bench_with_input(
            BenchmarkId::new("MAC of the stringified bytes", size),
            &stringified,
            |b, bytes| {
                b.iter(|| {
                    let mut mac = key.clone();
                    mac.update(black_box(bytes));
                    mac.finalize()
                })
            },
        );
        group.finish();
    }
}

criterion_group!(benches, verify, xemelgo_fallback);
criterion_main!(benches);
