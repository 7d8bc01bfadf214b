//! Typed routing: a Xero batch whose events go to different handlers, a failing handler failing
//! the delivery, types nobody handles (accepted or rejected), events that do not parse, a type
//! in a header, and events an idempotency stage found handled before.

use std::sync::{Arc, Mutex};

use axum::{
    Router,
    body::Body,
    http::{Request, StatusCode},
    routing::{post, post_service},
};
use bytes::Bytes;
use http_body_util::BodyExt as _;
use serde_json::json;
use tower::ServiceExt as _;
use tower_webhooks::{
    WebhookSignatureLayer, github,
    idempotency::{IdempotencyLayer, MemoryStore},
    invoice_ahoy,
    routing::{DispatchErrorKind, Dispatched, EventRouter, Unhandled},
    test_util::{Provider, Signer},
    xero::{self, EventCategory, EventType, Xero},
};

const KEY: &str = "xero-webhook-key";

type Log = Arc<Mutex<Vec<String>>>;

fn xero_event(category: &str, kind: &str, id: &str) -> serde_json::Value {
    json!({
        "resourceUrl": format!("https://api.xero.com/api.xro/2.0/Things/{id}"),
        "resourceId": id,
        "eventDateUtc": "2026-11-25T10:00:00.000",
        "eventType": kind,
        "eventCategory": category,
        "tenantId": "c2cc9b6e-9458-4c7d-93cc-f02b81b0594f",
        "tenantType": "ORGANISATION",
    })
}

fn batch(events: &[serde_json::Value]) -> String {
    json!({"events": events, "firstEventSequence": 1, "lastEventSequence": events.len(), "entropy": "S0m3r4Nd0mt3xt"})
        .to_string()
}

/// Invoice updates and contact creations go to two handlers that log what they saw; a contact
/// whose id is `fail` makes its handler fail.
fn xero_router(log: &Log) -> EventRouter {
    let invoices = Arc::clone(log);
    let contacts = Arc::clone(log);
    EventRouter::new(xero::EVENT_KEY)
        .on("INVOICE.UPDATE", move |event: xero::Event| {
            let log = Arc::clone(&invoices);
            async move {
                assert_eq!(event.event_category, EventCategory::Invoice);
                assert_eq!(event.event_type, EventType::Update);
                log.lock()
                    .unwrap()
                    .push(format!("invoice {}", event.resource_id));
            }
        })
        .on("CONTACT.CREATE", move |event: xero::Event| {
            let log = Arc::clone(&contacts);
            async move {
                if event.resource_id == "fail" {
                    return Err(format!("contact {} could not be stored", event.resource_id));
                }
                log.lock()
                    .unwrap()
                    .push(format!("contact {}", event.resource_id));
                Ok(())
            }
        })
}

fn xero_app(events: EventRouter) -> Router {
    Router::new().route(
        "/webhooks/xero",
        post_service(events).layer(WebhookSignatureLayer::new(Xero::new(KEY))),
    )
}

async fn send(app: &Router, request: Request<Bytes>) -> (StatusCode, Bytes) {
    let response = app.clone().oneshot(request.map(Body::from)).await.unwrap();
    let status = response.status();
    (
        status,
        response.into_body().collect().await.unwrap().to_bytes(),
    )
}

fn xero_signer() -> Signer {
    Signer::new(Provider::Xero, KEY).url("https://example.com/webhooks/xero")
}

#[tokio::test]
async fn a_xero_batch_goes_to_a_handler_per_type_in_delivery_order() {
    let log = Log::default();
    let app = xero_app(xero_router(&log));
    let body = batch(&[
        xero_event("INVOICE", "UPDATE", "i1"),
        xero_event("CONTACT", "CREATE", "c1"),
        xero_event("INVOICE", "UPDATE", "i2"),
    ]);
    let (status, answer) = send(&app, xero_signer().request(body)).await;
    assert_eq!(status, StatusCode::OK);
    assert!(answer.is_empty());
    assert_eq!(
        *log.lock().unwrap(),
        ["invoice i1", "contact c1", "invoice i2"]
    );
}

#[tokio::test]
async fn one_handlers_failure_is_the_deliverys_failure() {
    let log = Log::default();
    let app = xero_app(xero_router(&log));
    let body = batch(&[
        xero_event("INVOICE", "UPDATE", "i1"),
        xero_event("CONTACT", "CREATE", "fail"),
        xero_event("INVOICE", "UPDATE", "i2"),
    ]);
    let (status, answer) = send(&app, xero_signer().request(body)).await;
    assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
    // Xero's policy still holds: no body, whatever the status.
    assert!(answer.is_empty());
    // The events before the failure were handled; the one after it was not.
    assert_eq!(*log.lock().unwrap(), ["invoice i1"]);
}

#[tokio::test]
async fn the_error_names_the_failing_event_when_dispatched_by_hand() {
    let log = Log::default();
    let events = xero_router(&log);
    let app = Router::new().route(
        "/webhooks/xero",
        post(move |request: Request<Body>| async move {
            let error = events.dispatch(&request).await.unwrap_err();
            assert_eq!(error.kind(), DispatchErrorKind::HandlerFailed);
            assert_eq!(error.index(), Some(1));
            assert_eq!(error.event_type(), Some("CONTACT.CREATE"));
            assert!(
                error
                    .to_string()
                    .contains("contact fail could not be stored"),
                "{error}"
            );
            error
        })
        .layer(WebhookSignatureLayer::new(Xero::new(KEY))),
    );
    let body = batch(&[
        xero_event("INVOICE", "UPDATE", "i1"),
        xero_event("CONTACT", "CREATE", "fail"),
    ]);
    let (status, _) = send(&app, xero_signer().request(body)).await;
    assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
}

#[tokio::test]
async fn intent_to_receive_has_no_events_and_succeeds_but_a_forged_one_is_refused() {
    let log = Log::default();
    let app = xero_app(xero_router(&log).unhandled(Unhandled::Reject));
    let (status, _) = send(&app, xero_signer().request(batch(&[]))).await;
    assert_eq!(status, StatusCode::OK);
    let (status, _) = send(&app, xero_signer().wrongly_signed(batch(&[]))).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert!(log.lock().unwrap().is_empty());
}

#[tokio::test]
async fn unhandled_types_are_accepted_or_rejected_as_chosen() {
    let body = batch(&[
        xero_event("INVOICE", "UPDATE", "i1"),
        xero_event("SUBSCRIPTION", "CREATE", "s1"),
    ]);

    let log = Log::default();
    let accepting = xero_app(xero_router(&log));
    assert_eq!(
        send(&accepting, xero_signer().request(body.clone()))
            .await
            .0,
        StatusCode::OK
    );
    assert_eq!(*log.lock().unwrap(), ["invoice i1"]);

    let log = Log::default();
    let rejecting = xero_app(xero_router(&log).unhandled(Unhandled::Reject));
    let (status, _) = send(&rejecting, xero_signer().request(body)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    // Refused before any handler ran: nothing is half-done.
    assert!(log.lock().unwrap().is_empty());
}

#[tokio::test]
async fn an_event_that_is_not_its_handlers_type_refuses_the_whole_batch() {
    let log = Log::default();
    let app = xero_app(xero_router(&log));
    let mut bad = xero_event("CONTACT", "CREATE", "c1");
    bad["tenantId"] = json!(42);
    let body = batch(&[xero_event("INVOICE", "UPDATE", "i1"), bad]);
    let (status, _) = send(&app, xero_signer().request(body)).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(log.lock().unwrap().is_empty());

    // An event that does not say its type.
    let mut untyped = xero_event("CONTACT", "CREATE", "c1");
    untyped.as_object_mut().unwrap().remove("eventType");
    let (status, _) = send(&app, xero_signer().request(batch(&[untyped]))).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);

    // A body without the events array.
    let (status, _) = send(&app, xero_signer().request(r#"{"entropy":"x"}"#)).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(log.lock().unwrap().is_empty());
}

/// A handler that takes an event's text (`Box<RawValue>`) gets it byte for byte, beside one
/// that takes a typed event: the router keeps events whole when a handler needs the text.
#[tokio::test]
async fn a_handler_may_take_the_events_text() {
    let log = Log::default();
    let (texts, typed) = (Arc::clone(&log), Arc::clone(&log));
    let router = EventRouter::new(xero::EVENT_KEY)
        .on(
            "INVOICE.UPDATE",
            move |event: Box<serde_json::value::RawValue>| {
                let log = Arc::clone(&texts);
                async move { log.lock().unwrap().push(event.get().to_owned()) }
            },
        )
        .on("CONTACT.CREATE", move |event: xero::Event| {
            let log = Arc::clone(&typed);
            async move { log.lock().unwrap().push(event.resource_id) }
        });
    let app = xero_app(router);
    let invoice = xero_event("INVOICE", "UPDATE", "i1");
    let body = batch(&[invoice.clone(), xero_event("CONTACT", "CREATE", "c1")]);
    let (status, _) = send(&app, xero_signer().request(body)).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(*log.lock().unwrap(), [invoice.to_string(), "c1".to_owned()]);
}

#[tokio::test]
async fn single_event_providers_route_by_type_with_typed_payloads() {
    #[derive(serde::Deserialize)]
    struct Deleted {
        id: String,
    }
    let log = Log::default();
    let (created, deleted) = (Arc::clone(&log), Arc::clone(&log));
    let events = EventRouter::new(invoice_ahoy::EVENT_KEY)
        .on("invoice.created", move |event: invoice_ahoy::Event| {
            let log = Arc::clone(&created);
            async move {
                let total = &event.payload.fields["total"];
                log.lock()
                    .unwrap()
                    .push(format!("created {} {total}", event.payload.id));
            }
        })
        .on(
            "invoice.deleted",
            move |event: invoice_ahoy::Event<Deleted>| {
                let log = Arc::clone(&deleted);
                async move {
                    log.lock()
                        .unwrap()
                        .push(format!("deleted {}", event.payload.id))
                }
            },
        )
        .unhandled(Unhandled::Reject);
    let app = Router::new().route(
        "/hooks",
        post_service(events).layer(WebhookSignatureLayer::new(invoice_ahoy::InvoiceAhoy::new(
            "ia-secret",
        ))),
    );
    let signer = Signer::new(Provider::InvoiceAhoy, "ia-secret").url("https://example.com/hooks");
    let created = r#"{"id":"e1","type":"invoice.created","payload":{"id":"inv_1","total":120}}"#;
    let deleted = r#"{"id":"e2","type":"invoice.deleted","payload":{"id":"inv_1"}}"#;
    let updated = r#"{"id":"e3","type":"invoice.updated","payload":{"id":"inv_1"}}"#;
    assert_eq!(send(&app, signer.request(created)).await.0, StatusCode::OK);
    assert_eq!(send(&app, signer.request(deleted)).await.0, StatusCode::OK);
    assert_eq!(
        send(&app, signer.request(updated)).await.0,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    assert_eq!(
        send(&app, signer.wrongly_signed(created)).await.0,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(*log.lock().unwrap(), ["created inv_1 120", "deleted inv_1"]);
}

#[tokio::test]
async fn a_header_can_name_the_type() {
    let log = Log::default();
    let pushes = Arc::clone(&log);
    let events = EventRouter::new(github::EVENT_KEY).on("push", move |event: serde_json::Value| {
        let log = Arc::clone(&pushes);
        async move {
            log.lock()
                .unwrap()
                .push(format!("push to {}", event["ref"]))
        }
    });
    let app = Router::new().route(
        "/gh",
        post_service(events.unhandled(Unhandled::Reject))
            .layer(WebhookSignatureLayer::new(github::GitHub::new("gh-secret"))),
    );
    let signer = Signer::new(Provider::GitHub, "gh-secret").url("https://example.com/gh");
    let mut push = signer.request(r#"{"ref":"refs/heads/main"}"#);
    push.headers_mut()
        .insert("x-github-event", "push".parse().unwrap());
    assert_eq!(send(&app, push).await.0, StatusCode::OK);
    let mut star = signer.request(r#"{"action":"created"}"#);
    star.headers_mut()
        .insert("x-github-event", "star".parse().unwrap());
    assert_eq!(send(&app, star).await.0, StatusCode::UNPROCESSABLE_ENTITY);
    let untyped = signer.request(r#"{"ref":"refs/heads/main"}"#);
    assert_eq!(send(&app, untyped).await.0, StatusCode::BAD_REQUEST);
    assert_eq!(*log.lock().unwrap(), [r#"push to "refs/heads/main""#]);
}

#[tokio::test]
async fn events_handled_before_are_skipped_behind_an_idempotency_layer() {
    let log = Log::default();
    let events = xero_router(&log);
    let counted = Arc::new(Mutex::new(Vec::<Dispatched>::new()));
    let seen = Arc::clone(&counted);
    let app = Router::new()
        .route(
            "/webhooks/xero",
            post(move |request: Request<Body>| async move {
                let dispatched = events.dispatch(&request).await?;
                seen.lock().unwrap().push(dispatched);
                Ok::<_, tower_webhooks::routing::DispatchError>(StatusCode::OK)
            }),
        )
        .route_layer(IdempotencyLayer::new(MemoryStore::new(1024)))
        .route_layer(WebhookSignatureLayer::new(Xero::new(KEY)));
    let first = batch(&[xero_event("INVOICE", "UPDATE", "i1")]);
    assert_eq!(
        send(&app, xero_signer().request(first)).await.0,
        StatusCode::OK
    );
    // Xero re-sends i1 in a later batch alongside a new event.
    let second = batch(&[
        xero_event("INVOICE", "UPDATE", "i1"),
        xero_event("CONTACT", "CREATE", "c1"),
    ]);
    assert_eq!(
        send(&app, xero_signer().request(second)).await.0,
        StatusCode::OK
    );
    assert_eq!(*log.lock().unwrap(), ["invoice i1", "contact c1"]);
    let counted = counted.lock().unwrap();
    assert_eq!((counted[1].handled, counted[1].skipped), (1, 1));
}

#[tokio::test]
async fn without_the_layer_nothing_runs_and_the_answer_is_500() {
    let log = Log::default();
    let app = Router::new().route("/webhooks/xero", post_service(xero_router(&log)));
    let body = batch(&[xero_event("INVOICE", "UPDATE", "i1")]);
    assert_eq!(
        send(&app, xero_signer().request(body)).await.0,
        StatusCode::INTERNAL_SERVER_ERROR
    );
    assert!(log.lock().unwrap().is_empty());
}

#[test]
#[should_panic(expected = "`INVOICE.UPDATE` already has a handler")]
fn two_handlers_for_one_type_is_caught_at_start_up() {
    let _ = EventRouter::new(xero::EVENT_KEY)
        .on("INVOICE.UPDATE", |_: xero::Event| async {})
        .on("INVOICE.UPDATE", |_: xero::Event| async {});
}
