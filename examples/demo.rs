//! The README's first command: `cargo run --example demo`.
//!
//! With no set-up at all, starts the Xero receiver on a free loopback port with a key generated
//! for this run, plays Xero's "Intent to receive" check against it (one delivery signed with the
//! key, one signed wrongly), then a batch of events from two tenants, and prints what was sent
//! and what came back. Exits non-zero if any answer is not what Xero requires.

use std::{
    process::ExitCode,
    sync::{Arc, Mutex},
    time::Instant,
};

use axum::{
    Router,
    body::Bytes,
    extract::State,
    http::{Request, StatusCode, header},
    routing::post,
};
use base64::Engine as _;
use hmac::{Hmac, KeyInit as _, Mac};
use http_body_util::{BodyExt as _, Full};
use hyper_util::{client::legacy::Client, rt::TokioExecutor};
use sha2::Sha256;
use tower_webhooks::{Secret, VerifiedEvents, WebhookSignatureLayer, xero};

type Seen = Arc<Mutex<Vec<xero::Event>>>;

#[tokio::main]
async fn main() -> ExitCode {
    // Real Xero keys are 88 characters of base64-looking text, used as they are.
    let key = base64::engine::general_purpose::STANDARD.encode(random_bytes::<64>());
    let seen = Seen::default();
    let app = Router::new()
        .route("/webhooks/xero", post(handle))
        .route_layer(WebhookSignatureLayer::new(xero::Xero::new(Secret::new(
            key.as_str(),
        ))))
        .with_state(Arc::clone(&seen));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("a free loopback port");
    let url = format!("http://{}/webhooks/xero", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });

    println!("Xero webhook receiver on {url}");
    println!("(webhook key generated for this run; Xero requires 200 + empty body for a good");
    println!(" signature, 401 for a bad one, no cookies, within 5 s)\n");

    let client = Client::builder(TokioExecutor::new()).build_http();
    let entropy = base64::engine::general_purpose::STANDARD.encode(random_bytes::<15>());
    let itr = format!(
        r#"{{"events":[],"firstEventSequence":0,"lastEventSequence":0,"entropy":"{entropy}"}}"#
    );
    let wrong_key = base64::engine::general_purpose::STANDARD.encode(random_bytes::<64>());
    let batch = batch_of_three_events_from_two_tenants();

    let mut all_as_required = true;
    for (what, body, signing_key, expected) in [
        (
            "Intent to receive, signed with the key",
            &itr,
            &key,
            StatusCode::OK,
        ),
        (
            "Intent to receive, signed wrongly     ",
            &itr,
            &wrong_key,
            StatusCode::UNAUTHORIZED,
        ),
        (
            "batch: 3 events from 2 tenants        ",
            &batch,
            &key,
            StatusCode::OK,
        ),
    ] {
        let started = Instant::now();
        let (status, body_len, cookies) =
            deliver(&client, &url, body, &sign(signing_key, body)).await;
        let elapsed = started.elapsed();
        let as_required = status == expected && body_len == 0 && !cookies && elapsed.as_secs() < 5;
        all_as_required &= as_required;
        let verdict = match (as_required, status) {
            (true, StatusCode::OK) if body.contains("\"events\":[]") => "verified",
            (true, StatusCode::OK) => "accepted",
            (true, _) => "rejected, as it must be",
            (false, _) => "NOT what Xero requires",
        };
        println!(
            "POST {what} -> {status}, {}, {} in {:.1} ms: {verdict}",
            if body_len == 0 {
                "empty body"
            } else {
                "with a body"
            },
            if cookies { "cookies set" } else { "no cookies" },
            elapsed.as_secs_f64() * 1000.0,
        );
    }

    let seen = seen.lock().unwrap();
    println!("\nThe handler saw {} verified events:", seen.len());
    for event in seen.iter() {
        println!(
            "  tenant {}  {} {}  {}",
            event.tenant_id, event.event_category, event.event_type, event.resource_id
        );
    }
    if all_as_required && seen.len() == 3 {
        println!("\nEvery answer is what Xero requires.");
        ExitCode::SUCCESS
    } else {
        println!("\nFAILED: some answer is not what Xero requires.");
        ExitCode::FAILURE
    }
}

async fn handle(State(seen): State<Seen>, events: VerifiedEvents<xero::Event>) -> StatusCode {
    seen.lock().unwrap().extend(events);
    StatusCode::OK
}

/// base64(HMAC-SHA256(key, body)), as Xero signs.
fn sign(key: &str, body: &str) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(key.as_bytes()).expect("any key length");
    mac.update(body.as_bytes());
    base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes())
}

/// Status, body length and whether a cookie was set.
async fn deliver(
    client: &Client<hyper_util::client::legacy::connect::HttpConnector, Full<Bytes>>,
    url: &str,
    body: &str,
    signature: &str,
) -> (StatusCode, usize, bool) {
    let request = Request::post(url)
        .header(header::CONTENT_TYPE, "application/json")
        .header("x-xero-signature", signature)
        .body(Full::new(Bytes::copy_from_slice(body.as_bytes())))
        .expect("a valid request");
    let response = client
        .request(request)
        .await
        .expect("the local server answers");
    let status = response.status();
    let cookies = response.headers().contains_key(header::SET_COOKIE);
    let body = response
        .into_body()
        .collect()
        .await
        .expect("a body")
        .to_bytes();
    (status, body.len(), cookies)
}

fn batch_of_three_events_from_two_tenants() -> String {
    let event = |tenant: &str, category: &str, kind: &str, id: &str| {
        let resource = if category == "INVOICE" {
            "Invoices"
        } else {
            "Contacts"
        };
        format!(
            r#"{{"resourceUrl":"https://api.xero.com/api.xro/2.0/{resource}/{id}","resourceId":"{id}","eventDateUtc":"2026-11-24T09:30:00.000","eventType":"{kind}","eventCategory":"{category}","tenantId":"{tenant}","tenantType":"ORGANISATION"}}"#
        )
    };
    let events = [
        event(
            "c2cc9b6e-9458-4c7d-93cc-f02b81b0594f",
            "INVOICE",
            "CREATE",
            "0d3a5e2c-1f2b-4b8e-9c47-5f1f3b2a7d10",
        ),
        event(
            "c2cc9b6e-9458-4c7d-93cc-f02b81b0594f",
            "INVOICE",
            "UPDATE",
            "0d3a5e2c-1f2b-4b8e-9c47-5f1f3b2a7d10",
        ),
        event(
            "7a4b3c2d-1e0f-4a5b-8c7d-6e5f4a3b2c1d",
            "CONTACT",
            "UPDATE",
            "717f2bfc-c6d4-41fd-b238-3f2f0c0cf777",
        ),
    ];
    format!(
        r#"{{"events":[{}],"firstEventSequence":1,"lastEventSequence":3,"entropy":"QWERTYUIOPASDFGHJKLZ"}}"#,
        events.join(",")
    )
}

fn random_bytes<const N: usize>() -> [u8; N] {
    let mut bytes = [0u8; N];
    getrandom::fill(&mut bytes).expect("the OS random number generator");
    bytes
}
