//! Instructions per delivery, the figure this machine's noise cannot move: one path run `N`
//! times, to be counted by `valgrind --tool=callgrind`. `benches/instructions.sh` runs each
//! path twice (`N` and `3N` deliveries) and prints the difference over `2N`, so the set-up
//! (keys, routers, the runtime) cancels out.
//!
//! `cargo bench --bench instructions -- <path> <n>` runs one path; without valgrind it only
//! checks that every delivery is accepted. Paths, all on 1 KiB bodies:
//! - `bare`: `Hmac::<Sha256>::new_from_slice` + `update` + `verify_slice` (the limit),
//! - `xero`, `stripe`: the scheme's `verify`,
//! - `layer-xero`, `layer-stripe`: an axum `Router` with `WebhookSignatureLayer` and a
//!   `VerifiedEvents` handler (`oneshot`, in process),
//! - `hand-written`: the same route behind the middleware a user writes by hand (`to_bytes`,
//!   HMAC, `verify_slice`),
//! - `event-router`: the layer and an `EventRouter` sending each Xero event to a typed handler.

use std::hint::black_box;

use axum::{Router, body::Body, http::StatusCode, routing::post};
use bytes::Bytes;
use hmac::{Hmac, KeyInit as _, Mac};
use http::request::Parts;
use sha2::Sha256;
use tower::ServiceExt as _;
use tower_webhooks::{
    Clock, SignatureScheme, VerifiedEvents, WebhookSignatureLayer, stripe::Stripe, xero,
};

#[path = "support/xero.rs"]
mod support;
use support::{KEY, PATH, routers};

const TIMESTAMP: u64 = 1_700_000_000;

fn mac(parts: &[&[u8]]) -> [u8; 32] {
    let mut mac = Hmac::<Sha256>::new_from_slice(KEY.as_bytes()).unwrap();
    for part in parts {
        mac.update(part);
    }
    mac.finalize().into_bytes().into()
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// A Stripe event of about 1 KiB.
fn stripe_body() -> Bytes {
    let mut lines = String::new();
    while lines.len() < 800 {
        lines.push_str(r#"{"id":"il_1","amount":1200,"currency":"nzd"},"#);
    }
    lines.pop();
    Bytes::from(format!(
        r#"{{"id":"evt_1","object":"event","type":"invoice.paid","created":{TIMESTAMP},"data":{{"object":{{"id":"in_1","lines":[{lines}]}}}}}}"#
    ))
}

fn stripe_header(body: &[u8]) -> String {
    let ts = TIMESTAMP.to_string();
    format!("t={ts},v1={}", hex(&mac(&[ts.as_bytes(), b".", body])))
}

fn head(name: &str, value: &str) -> Parts {
    http::Request::post("/")
        .header(name, value)
        .body(())
        .unwrap()
        .into_parts()
        .0
}

fn stripe() -> Stripe {
    Stripe::new(KEY).with_clock(Clock::fixed(
        std::time::UNIX_EPOCH + std::time::Duration::from_secs(TIMESTAMP),
    ))
}

async fn stripe_events(events: VerifiedEvents<serde_json::Value>) -> StatusCode {
    black_box(events.len());
    StatusCode::OK
}

/// The shared Xero route named `name`.
fn router(name: &str) -> Router {
    routers()
        .into_iter()
        .find_map(|(route, router)| (route == name).then_some(router))
        .unwrap_or_else(|| panic!("no route {name}"))
}

/// Runs `scheme.verify` on the delivery `n` times, each of which must be accepted.
fn verify(scheme: &dyn SignatureScheme, head: &Parts, body: &Bytes, n: usize) {
    for _ in 0..n {
        let _ = black_box(scheme.verify(black_box(head), black_box(body)).unwrap());
    }
}

/// Runs `router` on `n` copies of the request `make` builds, each of which must be accepted.
fn deliver(router: Router, n: usize, make: impl Fn() -> http::Request<Body>) {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
        .unwrap();
    for _ in 0..n {
        let response = runtime
            .block_on(router.clone().oneshot(black_box(make())))
            .unwrap();
        assert_eq!(response.status(), StatusCode::OK);
    }
}

fn main() {
    // `cargo bench` passes `--bench`; the path and the count are the other two arguments.
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with("--"))
        .collect();
    let (path, n) = match args.as_slice() {
        [path, n] => (path.as_str(), n.parse::<usize>().expect("a count")),
        [] => {
            // A plain `cargo bench` run: check every path once.
            for path in [
                "bare",
                "xero",
                "stripe",
                "layer-xero",
                "layer-stripe",
                "hand-written",
                "event-router",
            ] {
                run(path, 1);
            }
            return;
        }
        _ => panic!("usage: instructions <path> <n>"),
    };
    run(path, n);
}

fn run(path: &str, n: usize) {
    let xero_body = Bytes::from(support::body());
    let xero_signature = support::signature(&xero_body);
    let stripe_body = stripe_body();
    let stripe_signature = stripe_header(&stripe_body);
    let xero_request = || {
        http::Request::post(PATH)
            .header("x-xero-signature", &xero_signature)
            .body(Body::from(xero_body.clone()))
            .unwrap()
    };
    match path {
        "bare" => {
            let tag = mac(&[&xero_body]);
            for _ in 0..n {
                let mut mac = Hmac::<Sha256>::new_from_slice(KEY.as_bytes()).unwrap();
                mac.update(black_box(&xero_body));
                mac.verify_slice(black_box(&tag)).unwrap();
            }
        }
        "xero" => verify(
            &xero::Xero::new(KEY),
            &head("x-xero-signature", &xero_signature),
            &xero_body,
            n,
        ),
        "stripe" => verify(
            &stripe(),
            &head("stripe-signature", &stripe_signature),
            &stripe_body,
            n,
        ),
        "layer-xero" => deliver(
            router("tower-webhooks layer + VerifiedEvents"),
            n,
            xero_request,
        ),
        "layer-stripe" => deliver(
            Router::new()
                .route("/webhooks", post(stripe_events))
                .route_layer(WebhookSignatureLayer::new(stripe())),
            n,
            || {
                http::Request::post("/webhooks")
                    .header("stripe-signature", &stripe_signature)
                    .body(Body::from(stripe_body.clone()))
                    .unwrap()
            },
        ),
        "hand-written" => deliver(
            router("hand-written middleware (to_bytes + hmac)"),
            n,
            xero_request,
        ),
        "event-router" => deliver(
            router("tower-webhooks layer + EventRouter"),
            n,
            xero_request,
        ),
        other => panic!("no path {other}"),
    }
}
