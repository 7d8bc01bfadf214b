//! The idempotency stage: sequential and concurrent duplicates, a failed handler and its retry,
//! a store that is down, a panicking handler, and Xero batches with a repeated event.

use std::{
    sync::{
        Arc, Mutex,
        atomic::{AtomicUsize, Ordering},
    },
    time::Duration,
    time::UNIX_EPOCH,
};

use crate::{
    common::Down,
    signer::{NOW, Preset, secret},
};
use axum::{Router, extract::State, http::StatusCode, routing::post};
use bytes::Bytes;
use http_body_util::{BodyExt as _, Full};
use tower::ServiceExt as _;
use tower_webhooks::{
    Keys, VerifiedEvents, WebhookSignatureLayer,
    idempotency::{
        Claim, ClaimToken, IdempotencyLayer, MemoryStore, OnDuplicate, OnStoreError, Redelivery,
        Store, StoreFuture,
    },
    test_util::Signer,
};

#[derive(Clone, Default)]
struct Calls {
    count: Arc<AtomicUsize>,
    /// What each call answers, in order; 200 once they run out.
    answers: Arc<Mutex<Vec<StatusCode>>>,
    retries: Arc<Mutex<Vec<bool>>>,
}

async fn handler(State(calls): State<Calls>, redelivery: Redelivery) -> StatusCode {
    calls.count.fetch_add(1, Ordering::SeqCst);
    calls.retries.lock().unwrap().push(redelivery.is_retry());
    let mut answers = calls.answers.lock().unwrap();
    if answers.is_empty() {
        StatusCode::OK
    } else {
        answers.remove(0)
    }
}

fn app(preset: Preset, layer: IdempotencyLayer<impl Store>, calls: Calls) -> Router {
    routed(preset, post(handler).with_state(calls), layer)
}

/// `method` at `/webhooks/provider`, behind `layer` and `preset`'s signature layer.
fn routed(
    preset: Preset,
    method: axum::routing::MethodRouter,
    layer: IdempotencyLayer<impl Store>,
) -> Router {
    Router::new()
        .route("/webhooks/provider", method)
        .route_layer(layer)
        .route_layer(WebhookSignatureLayer::new(crate::signer::scheme(
            preset,
            Keys::from(secret(preset, 1)),
        )))
}

/// A delivery as a user's own tests sign one: with the crate's test kit.
#[derive(Clone)]
struct Delivery {
    signer: Signer,
    body: String,
}

fn sign(preset: Preset, body: &str, timestamp: u64, id: &str) -> Delivery {
    let signer = Signer::new(crate::signer::kit(preset), secret(preset, 1))
        .url(&format!(
            "https://{}{}",
            crate::signer::HOST,
            crate::signer::PATH
        ))
        .at(UNIX_EPOCH + Duration::from_secs(timestamp))
        .id(id);
    Delivery {
        signer,
        body: body.to_owned(),
    }
}

async fn deliver(app: &Router, delivery: &Delivery) -> (StatusCode, Bytes) {
    let request = delivery
        .signer
        .request(delivery.body.clone())
        .map(Full::new);
    let response = app.clone().oneshot(request).await.unwrap();
    let status = response.status();
    (
        status,
        response.into_body().collect().await.unwrap().to_bytes(),
    )
}

#[tokio::test]
async fn a_sequential_duplicate_is_acknowledged_without_the_handler() {
    for preset in [
        Preset::Stripe,
        Preset::StandardWebhooks,
        Preset::GitHub,
        Preset::Slack,
    ] {
        let calls = Calls::default();
        let app = app(
            preset,
            IdempotencyLayer::new(MemoryStore::default()),
            calls.clone(),
        );
        let body = crate::signer::body_for(preset, r#"{"id":"evt_1","type":"x"}"#);
        let first = sign(preset, &body, NOW, "msg_1");
        assert_eq!(deliver(&app, &first).await.0, StatusCode::OK, "{preset:?}");
        // The provider's retry: the same delivery, re-signed a second later where it signs time.
        let again = sign(preset, &body, NOW + 1, "msg_1");
        let (status, body) = deliver(&app, &again).await;
        assert_eq!(
            (status, body.is_empty()),
            (StatusCode::OK, true),
            "{preset:?}"
        );
        assert_eq!(calls.count.load(Ordering::SeqCst), 1, "{preset:?}");
    }
}

#[tokio::test]
async fn a_signed_id_is_the_key_not_the_body() {
    // Standard Webhooks: a different webhook-id is a different delivery even with the same body.
    let calls = Calls::default();
    let app = app(
        Preset::StandardWebhooks,
        IdempotencyLayer::new(MemoryStore::default()),
        calls.clone(),
    );
    for id in ["msg_a", "msg_b", "msg_a"] {
        let delivery = sign(Preset::StandardWebhooks, "{}", NOW, id);
        assert_eq!(deliver(&app, &delivery).await.0, StatusCode::OK);
    }
    assert_eq!(calls.count.load(Ordering::SeqCst), 2);
}

#[tokio::test]
async fn a_concurrent_duplicate_never_runs_the_handler_twice() {
    let release = Arc::new(tokio::sync::Notify::new());
    let started = Arc::new(tokio::sync::Notify::new());
    let count = Arc::new(AtomicUsize::new(0));
    let slow = {
        let (release, started, count) = (release.clone(), started.clone(), count.clone());
        move || {
            let (release, started, count) = (release.clone(), started.clone(), count.clone());
            async move {
                count.fetch_add(1, Ordering::SeqCst);
                started.notify_one();
                release.notified().await;
                StatusCode::OK
            }
        }
    };
    let preset = Preset::Stripe;
    let app = routed(
        preset,
        post(slow),
        IdempotencyLayer::new(MemoryStore::default()),
    );
    let body = r#"{"id":"evt_concurrent"}"#;
    let delivery = sign(preset, body, NOW, "");
    let first = tokio::spawn({
        let (app, delivery) = (app.clone(), delivery.clone());
        async move { deliver(&app, &delivery).await }
    });
    started.notified().await;
    let (status, _) = deliver(&app, &delivery).await;
    assert_eq!(status, StatusCode::CONFLICT);
    release.notify_one();
    assert_eq!(first.await.unwrap().0, StatusCode::OK);
    assert_eq!(count.load(Ordering::SeqCst), 1);
    // Once the first is done, the next duplicate is acknowledged.
    assert_eq!(deliver(&app, &delivery).await.0, StatusCode::OK);
    assert_eq!(count.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn a_failed_handler_releases_the_claim_and_the_retry_runs() {
    let calls = Calls::default();
    calls
        .answers
        .lock()
        .unwrap()
        .push(StatusCode::INTERNAL_SERVER_ERROR);
    let app = app(
        Preset::GitHub,
        IdempotencyLayer::new(MemoryStore::default()),
        calls.clone(),
    );
    let delivery = sign(Preset::GitHub, r#"{"action":"opened"}"#, NOW, "d1");
    assert_eq!(
        deliver(&app, &delivery).await.0,
        StatusCode::INTERNAL_SERVER_ERROR
    );
    assert_eq!(deliver(&app, &delivery).await.0, StatusCode::OK);
    assert_eq!(deliver(&app, &delivery).await.0, StatusCode::OK);
    assert_eq!(calls.count.load(Ordering::SeqCst), 2);
    assert_eq!(*calls.retries.lock().unwrap(), [false, true]);
}

#[tokio::test]
async fn a_panicking_handler_releases_the_claim() {
    let count = Arc::new(AtomicUsize::new(0));
    let flaky = {
        let count = count.clone();
        move || {
            let count = count.clone();
            async move {
                if count.fetch_add(1, Ordering::SeqCst) == 0 {
                    panic!("first attempt fails");
                }
                StatusCode::OK
            }
        }
    };
    let preset = Preset::InvoiceAhoy;
    let app = routed(
        preset,
        post(flaky),
        IdempotencyLayer::new(MemoryStore::default()),
    );
    let delivery = sign(preset, "{}", NOW, "");
    assert_eq!(
        deliver(&app, &delivery).await.0,
        StatusCode::INTERNAL_SERVER_ERROR
    );
    assert_eq!(deliver(&app, &delivery).await.0, StatusCode::OK);
    assert_eq!(count.load(Ordering::SeqCst), 2);
}

#[tokio::test]
async fn a_store_that_is_down_fails_closed_with_503_or_open_when_asked() {
    let preset = Preset::Shopify;
    let delivery = sign(preset, "{}", NOW, "");
    let calls = Calls::default();
    let closed = app(preset, IdempotencyLayer::new(Down), calls.clone());
    let (status, body) = deliver(&closed, &delivery).await;
    assert_eq!(
        (status, body.is_empty()),
        (StatusCode::SERVICE_UNAVAILABLE, true)
    );
    assert_eq!(calls.count.load(Ordering::SeqCst), 0);
    let open = app(
        preset,
        IdempotencyLayer::new(Down).on_store_error(OnStoreError::FailOpen),
        calls.clone(),
    );
    assert_eq!(deliver(&open, &delivery).await.0, StatusCode::OK);
    assert_eq!(calls.count.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn duplicates_can_be_forwarded_marked() {
    let calls = Calls::default();
    let layer = IdempotencyLayer::new(MemoryStore::default()).on_duplicate(OnDuplicate::Forward);
    let seen = Arc::new(Mutex::new(Vec::new()));
    let record = {
        let seen = seen.clone();
        move |redelivery: Redelivery| {
            let seen = seen.clone();
            async move {
                seen.lock().unwrap().push(redelivery.is_duplicate());
                StatusCode::OK
            }
        }
    };
    let preset = Preset::Xemelgo;
    let app = routed(preset, post(record), layer);
    let delivery = sign(preset, "{}", NOW, "");
    deliver(&app, &delivery).await;
    deliver(&app, &delivery).await;
    assert_eq!(*seen.lock().unwrap(), [false, true]);
    let _ = calls;
}

#[tokio::test]
async fn xero_batches_are_deduplicated_per_event() {
    let seen = Arc::new(Mutex::new(Vec::<Vec<String>>::new()));
    let record = {
        let seen = seen.clone();
        move |events: VerifiedEvents<tower_webhooks::xero::Event>| {
            let seen = seen.clone();
            async move {
                seen.lock()
                    .unwrap()
                    .push(events.iter().map(|e| e.resource_id.to_string()).collect());
                StatusCode::OK
            }
        }
    };
    let preset = Preset::Xero;
    let app = routed(
        preset,
        post(record),
        IdempotencyLayer::new(MemoryStore::default()),
    );
    let event = |n: u32| {
        format!(
            r#"{{"resourceUrl":"https://api.xero.com/api.xro/2.0/Contacts/{n}","resourceId":"00000000-0000-0000-0000-00000000000{n}","eventDateUtc":"2026-11-25T10:00:00.000","eventType":"UPDATE","eventCategory":"CONTACT","tenantId":"11111111-1111-1111-1111-111111111111","tenantType":"ORGANISATION"}}"#
        )
    };
    let batch = |events: &[u32]| {
        let events: Vec<String> = events.iter().map(|n| event(*n)).collect();
        format!(
            r#"{{"events":[{}],"firstEventSequence":1,"lastEventSequence":2,"entropy":"X"}}"#,
            events.join(",")
        )
    };
    let send = |events: &[u32]| sign(preset, &batch(events), NOW, "");
    let (status, body) = deliver(&app, &send(&[1, 2])).await;
    assert_eq!((status, body.is_empty()), (StatusCode::OK, true));
    // Event 2 comes again beside a new one: only the new one reaches the handler.
    assert_eq!(deliver(&app, &send(&[2, 3])).await.0, StatusCode::OK);
    // Only handled events: acknowledged without the handler.
    assert_eq!(deliver(&app, &send(&[1, 3])).await.0, StatusCode::OK);
    let id = |n: u32| format!("00000000-0000-0000-0000-00000000000{n}");
    assert_eq!(*seen.lock().unwrap(), vec![vec![id(1), id(2)], vec![id(3)]]);
}

#[tokio::test]
async fn a_batch_refused_part_way_puts_its_claims_back_as_they_were() {
    use sha2::Digest as _;
    let store = Arc::new(MemoryStore::default());
    let seen = Arc::new(Mutex::new(Vec::<(usize, bool)>::new()));
    let record = {
        let seen = seen.clone();
        move |redelivery: Redelivery, events: VerifiedEvents<tower_webhooks::xero::Event>| {
            let seen = seen.clone();
            async move {
                seen.lock()
                    .unwrap()
                    .push((events.len(), redelivery.is_retry()));
                StatusCode::OK
            }
        }
    };
    let preset = Preset::Xero;
    let app = routed(
        preset,
        post(record),
        IdempotencyLayer::new(Arc::clone(&store)),
    );
    let event = |n: u32| {
        format!(
            r#"{{"resourceUrl":"https://api.xero.com/api.xro/2.0/Contacts/{n}","resourceId":"{n}","eventDateUtc":"2026-11-25T10:00:00.000","eventType":"UPDATE","eventCategory":"CONTACT","tenantId":"t","tenantType":"ORGANISATION"}}"#
        )
    };
    let batch = format!(r#"{{"events":[{},{}],"entropy":"X"}}"#, event(1), event(2));
    let delivery = sign(preset, &batch, NOW, "");
    // Event 2 is being handled elsewhere right now (the key the stage uses for it).
    let value: serde_json::Value = serde_json::from_str(&event(2)).unwrap();
    let digest = sha2::Sha256::digest(serde_json::to_vec(&value).unwrap());
    let key = format!("xero:event:{}", crate::signer::hex(&digest));
    let Claim::Claimed {
        retry: false,
        token,
    } = store.claim(&key, Duration::from_secs(60)).await.unwrap()
    else {
        panic!("event 2's key is new");
    };
    assert_eq!(deliver(&app, &delivery).await.0, StatusCode::CONFLICT);
    // The other instance finishes event 2; the provider's retry runs event 1 alone, and it is
    // not taken for a retry: no handler ever ran it.
    store
        .commit(&key, token, Duration::from_secs(60))
        .await
        .unwrap();
    assert_eq!(deliver(&app, &delivery).await.0, StatusCode::OK);
    assert_eq!(*seen.lock().unwrap(), [(1, false)]);
}

/// Row 1 of the attack report: Twilio signs the decoded, sorted parameters, so every
/// re-encoding of one captured request verifies; keyed on the raw body, 7 sends ran the
/// handler 6 times. The key is now the signed message's.
#[tokio::test]
async fn every_re_encoding_of_a_twilio_request_is_one_delivery() {
    let calls = Calls::default();
    let app = app(
        Preset::Twilio,
        IdempotencyLayer::new(MemoryStore::default()),
        calls.clone(),
    );
    let body = "Body=hello+world&From=%2B15005550006&To=%2B15005550001";
    let (head, _) = sign(Preset::Twilio, body, NOW, "")
        .signer
        .request(body)
        .into_parts();
    for reencoded in [
        body,
        "To=%2B15005550001&From=%2B15005550006&Body=hello+world",
        "Body=hell%6F+world&From=%2B15005550006&To=%2B15005550001",
        "Body=hello+world&From=%2b15005550006&To=%2B15005550001",
        "Body=hello+world&From=%2B15005550006&To=%2B15005550001&To=%2B15005550001",
        "Body=hello+world&From=%2B15005550006&To=%2B15005550001&",
    ] {
        let request = http::Request::from_parts(head.clone(), Full::new(Bytes::from(reencoded)));
        let response = app.clone().oneshot(request).await.unwrap();
        assert_eq!(response.status(), StatusCode::OK, "{reencoded}");
    }
    assert_eq!(calls.count.load(Ordering::SeqCst), 1);
}

/// Row 6: a Xero batch that holds one event twice was never handled (its second claim of its
/// own key read as in progress: 409 on every attempt). Each distinct event is handled once.
#[tokio::test]
async fn a_batch_holding_an_event_twice_is_handled_once_per_distinct_event() {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let record = {
        let seen = Arc::clone(&seen);
        move |events: VerifiedEvents<serde_json::Value>| async move {
            let ids = events
                .iter()
                .map(|e| e["resourceId"].to_string())
                .collect::<Vec<_>>();
            seen.lock().unwrap().push(ids);
            StatusCode::OK
        }
    };
    let preset = Preset::Xero;
    let app = routed(
        preset,
        post(record),
        IdempotencyLayer::new(MemoryStore::default()),
    );
    let event = |n: u32| {
        format!(
            r#"{{"resourceUrl":"https://api.xero.com/api.xro/2.0/Contacts/{n}","resourceId":"{n}","eventDateUtc":"2026-11-25T10:00:00.000","eventType":"UPDATE","eventCategory":"CONTACT","tenantId":"t","tenantType":"ORGANISATION"}}"#
        )
    };
    let batch = format!(
        r#"{{"events":[{},{},{}],"entropy":"X"}}"#,
        event(1),
        event(2),
        event(1)
    );
    let delivery = sign(preset, &batch, NOW, "");
    assert_eq!(deliver(&app, &delivery).await.0, StatusCode::OK);
    assert_eq!(deliver(&app, &delivery).await.0, StatusCode::OK);
    assert_eq!(*seen.lock().unwrap(), [vec!["\"1\"", "\"2\""]]);
}

/// Row 5: a handler slower than its lease ran beside the provider's retry. The lease is
/// renewed while the handler runs, so the retry is told the first is still running.
#[tokio::test]
async fn a_handler_slower_than_its_lease_never_runs_beside_its_retry() {
    let count = Arc::new(AtomicUsize::new(0));
    let slow = {
        let count = Arc::clone(&count);
        move || async move {
            count.fetch_add(1, Ordering::SeqCst);
            tokio::time::sleep(Duration::from_millis(600)).await;
            StatusCode::OK
        }
    };
    let preset = Preset::Stripe;
    let app = routed(
        preset,
        post(slow),
        IdempotencyLayer::new(MemoryStore::default()).lease(Duration::from_millis(150)),
    );
    let body = r#"{"id":"evt_slow","type":"x"}"#;
    let first = tokio::spawn({
        let app = app.clone();
        let delivery = sign(preset, body, NOW, "");
        async move { deliver(&app, &delivery).await.0 }
    });
    // Well past the first lease, while the first attempt still runs.
    tokio::time::sleep(Duration::from_millis(350)).await;
    let retry = deliver(&app, &sign(preset, body, NOW + 1, "")).await.0;
    assert_eq!(retry, StatusCode::CONFLICT);
    assert_eq!(first.await.unwrap(), StatusCode::OK);
    assert_eq!(count.load(Ordering::SeqCst), 1);
}

/// Row 13: a client that went away mid-handler left its claim held for the whole lease (409
/// for the provider's retries). A dropped attempt releases its claim.
#[tokio::test]
async fn a_dropped_attempt_releases_its_claim_for_the_retry() {
    let count = Arc::new(AtomicUsize::new(0));
    let handler = {
        let count = Arc::clone(&count);
        move || async move {
            if count.fetch_add(1, Ordering::SeqCst) == 0 {
                std::future::pending::<()>().await; // the first attempt never finishes
            }
            StatusCode::OK
        }
    };
    let preset = Preset::Stripe;
    let app = routed(
        preset,
        post(handler),
        IdempotencyLayer::new(MemoryStore::default()),
    );
    let body = r#"{"id":"evt_dropped","type":"x"}"#;
    let delivery = sign(preset, body, NOW, "");
    // The server drops the request's future when its client goes away.
    let dropped = tokio::time::timeout(Duration::from_millis(100), deliver(&app, &delivery)).await;
    assert!(dropped.is_err());
    // The release runs on the runtime; the retry that follows is handled.
    tokio::time::sleep(Duration::from_millis(50)).await;
    let (status, _) = deliver(&app, &sign(preset, body, NOW + 1, "")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(count.load(Ordering::SeqCst), 2);
}

/// Row 2: 100,001 re-encodings of one Twilio request evicted another route's committed claim
/// from the shared store, and that delivery ran again. A full store now refuses new claims
/// (503, retried by the provider) and never drops handled or running ones.
#[tokio::test]
async fn a_flood_on_one_route_never_evicts_another_routes_handled_deliveries() {
    let store = Arc::new(MemoryStore::new(8));
    let stripe_calls = Calls::default();
    let stripe = app(
        Preset::Stripe,
        IdempotencyLayer::new(Arc::clone(&store)),
        stripe_calls.clone(),
    );
    let flooded = app(
        Preset::Shopify,
        IdempotencyLayer::new(Arc::clone(&store)),
        Calls::default(),
    );
    let body = r#"{"id":"evt_kept","type":"x"}"#;
    assert_eq!(
        deliver(&stripe, &sign(Preset::Stripe, body, NOW, ""))
            .await
            .0,
        StatusCode::OK
    );
    let mut refused = 0;
    for n in 0..50 {
        let flood = sign(Preset::Shopify, &format!(r#"{{"n":{n}}}"#), NOW, "");
        if deliver(&flooded, &flood).await.0 == StatusCode::SERVICE_UNAVAILABLE {
            refused += 1;
        }
    }
    assert!(refused > 0, "a full store refuses new claims");
    assert!(store.len() <= 8);
    let again = sign(Preset::Stripe, body, NOW + 1, "");
    assert_eq!(deliver(&stripe, &again).await.0, StatusCode::OK);
    assert_eq!(stripe_calls.count.load(Ordering::SeqCst), 1, "handled once");
}

/// A store whose commits take a while, as a Redis round trip (and its retries) can.
struct SlowCommits(MemoryStore);

impl Store for SlowCommits {
    fn claim<'a>(&'a self, key: &'a str, lease: Duration) -> StoreFuture<'a, Claim> {
        self.0.claim(key, lease)
    }
    fn renew<'a>(
        &'a self,
        key: &'a str,
        token: ClaimToken,
        lease: Duration,
    ) -> StoreFuture<'a, bool> {
        self.0.renew(key, token, lease)
    }
    fn commit<'a>(&'a self, key: &'a str, token: ClaimToken, ttl: Duration) -> StoreFuture<'a, ()> {
        Box::pin(async move {
            tokio::time::sleep(Duration::from_millis(200)).await;
            self.0.commit(key, token, ttl).await
        })
    }
    fn release<'a>(
        &'a self,
        key: &'a str,
        token: ClaimToken,
        ttl: Duration,
    ) -> StoreFuture<'a, ()> {
        self.0.release(key, token, ttl)
    }
    fn abandon<'a>(
        &'a self,
        key: &'a str,
        token: ClaimToken,
        was_retry: bool,
        ttl: Duration,
    ) -> StoreFuture<'a, ()> {
        self.0.abandon(key, token, was_retry, ttl)
    }
}

/// A request dropped while its handled delivery is being committed (the client went away)
/// must still record it as handled: the commit runs to its end on the runtime.
#[tokio::test]
async fn a_request_dropped_mid_commit_still_records_the_delivery_as_handled() {
    let calls = Calls::default();
    let app = app(
        Preset::Stripe,
        IdempotencyLayer::new(SlowCommits(MemoryStore::default())),
        calls.clone(),
    );
    let body = r#"{"id":"evt_mid_commit","type":"x"}"#;
    let delivery = sign(Preset::Stripe, body, NOW, "");
    let dropped = tokio::time::timeout(Duration::from_millis(50), deliver(&app, &delivery)).await;
    assert!(dropped.is_err(), "dropped while committing");
    tokio::time::sleep(Duration::from_millis(400)).await;
    let (status, _) = deliver(&app, &sign(Preset::Stripe, body, NOW + 1, "")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        calls.count.load(Ordering::SeqCst),
        1,
        "handled once, and recorded"
    );
}
