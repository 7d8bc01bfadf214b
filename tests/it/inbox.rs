//! The inbox behind the signature layer: a verified Xero batch is stored a row per event and
//! acknowledged only once stored; the provider's retry is acknowledged and stored once; a full
//! inbox answers 503 and an unsigned delivery never reaches it.
#![cfg(feature = "inbox")]

use axum::{Router, body::Body, routing::post_service};
use http::StatusCode;
use tower::ServiceExt as _;

use crate::inbox_worker::temp;
use tower_webhooks::{
    WebhookSignatureLayer,
    inbox::{Accept, Inbox, SqliteInbox},
    test_util::{Provider, Signer},
    xero::Xero,
};

fn event(n: u32) -> String {
    format!(
        r#"{{"resourceUrl":"https://api.xero.com/api.xro/2.0/Invoices/{n}","resourceId":"{n}","eventDateUtc":"2026-11-25T10:00:00.000","eventType":"UPDATE","eventCategory":"INVOICE","tenantId":"t","tenantType":"ORGANISATION"}}"#
    )
}

fn app(inbox: Inbox) -> Router {
    Router::new().route(
        "/hooks",
        post_service(Accept::new(inbox)).layer(WebhookSignatureLayer::new(Xero::new("inbox-key"))),
    )
}

async fn send(app: &Router, request: http::Request<bytes::Bytes>) -> (StatusCode, usize) {
    let response = app.clone().oneshot(request.map(Body::from)).await.unwrap();
    let status = response.status();
    let body = http_body_util::BodyExt::collect(response.into_body())
        .await
        .unwrap()
        .to_bytes();
    (status, body.len())
}

#[tokio::test]
async fn a_batch_is_stored_a_row_per_event_once_and_acknowledged_after() {
    let inbox = Inbox::sqlite(temp("batch")).unwrap();
    let app = app(inbox.clone());
    let signer = Signer::new(Provider::Xero, "inbox-key").url("https://example.com/hooks");
    let batch = format!(
        r#"{{"events":[{},{}],"firstEventSequence":1,"lastEventSequence":2,"entropy":"E"}}"#,
        event(1),
        event(2)
    );
    assert_eq!(
        send(&app, signer.request(batch.clone())).await,
        (StatusCode::OK, 0)
    );
    assert_eq!(inbox.stats().await.unwrap().events, 2);
    // The provider's retry, and a batch sharing an event: each event stored once.
    assert_eq!(
        send(&app, signer.replayed(batch)).await,
        (StatusCode::OK, 0)
    );
    let overlapping = format!(r#"{{"events":[{},{}],"entropy":"F"}}"#, event(2), event(3));
    assert_eq!(
        send(&app, signer.request(overlapping)).await.0,
        StatusCode::OK
    );
    let stats = inbox.stats().await.unwrap();
    assert_eq!((stats.events, stats.pending), (3, 3));
    // Unsigned: refused by the layer, nothing stored.
    assert_eq!(
        send(
            &app,
            signer.wrongly_signed(format!(r#"{{"events":[{}]}}"#, event(9)))
        )
        .await
        .0,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(inbox.stats().await.unwrap().events, 3);
}

#[tokio::test]
async fn a_delivery_that_cannot_be_stored_gets_503_never_200() {
    let inbox = Inbox::from(SqliteInbox::open_capped(temp("full"), 64 * 1024).unwrap());
    let app = app(inbox.clone());
    let signer = Signer::new(Provider::Xero, "inbox-key").url("https://example.com/hooks");
    let mut statuses = Vec::new();
    for n in 0..40 {
        let big = format!(
            r#"{{"events":[{{"resourceId":"{n}","eventType":"UPDATE","eventCategory":"INVOICE","pad":"{}"}}],"entropy":"E"}}"#,
            "x".repeat(16 * 1024)
        );
        statuses.push(send(&app, signer.request(big)).await.0);
    }
    assert!(
        statuses.contains(&StatusCode::SERVICE_UNAVAILABLE),
        "{statuses:?}"
    );
    assert!(
        statuses
            .iter()
            .all(|s| *s == StatusCode::OK || *s == StatusCode::SERVICE_UNAVAILABLE)
    );
    // Every 200 is a stored event; nothing refused is.
    let acknowledged = statuses.iter().filter(|s| **s == StatusCode::OK).count();
    assert_eq!(inbox.stats().await.unwrap().events, acknowledged as u64);
}

/// A scheme whose body is an array of events: a row each, keyed on the delivery and the place,
/// and a retry stores nothing.
#[tokio::test]
async fn an_array_of_events_is_stored_a_row_each() {
    use hmac::Mac as _;
    use tower_webhooks::{EventLayout, hmac_scheme::HmacScheme};
    let inbox = Inbox::sqlite(temp("array")).unwrap();
    let scheme = HmacScheme::builder("acme")
        .signature_header("x-acme-signature")
        .event_layout(EventLayout::Array)
        .keys("acme-key")
        .build()
        .unwrap();
    let app: Router = Router::new().route(
        "/hooks",
        post_service(Accept::new(inbox.clone())).layer(WebhookSignatureLayer::new(scheme)),
    );
    let body = r#"[{"type":"a","n":1},{"type":"b","n":2},{"type":"a","n":3}]"#;
    let mut mac = <hmac::Hmac<sha2::Sha256> as hmac::KeyInit>::new_from_slice(b"acme-key").unwrap();
    mac.update(body.as_bytes());
    let signature: String = mac
        .finalize()
        .into_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let request = || {
        http::Request::post("/hooks")
            .header("x-acme-signature", &signature)
            .body(bytes::Bytes::from_static(body.as_bytes()))
            .unwrap()
    };
    assert_eq!(send(&app, request()).await, (StatusCode::OK, 0));
    assert_eq!(send(&app, request()).await, (StatusCode::OK, 0));
    let events = inbox
        .list(tower_webhooks::inbox::Filter::new())
        .await
        .unwrap();
    let mut payloads: Vec<String> = events
        .iter()
        .map(|e| String::from_utf8(e.payload.clone()).unwrap())
        .collect();
    payloads.sort();
    assert_eq!(
        payloads,
        [
            r#"{"type":"a","n":1}"#,
            r#"{"type":"a","n":3}"#,
            r#"{"type":"b","n":2}"#
        ]
    );
}
