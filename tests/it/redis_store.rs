//! `RedisStore` against a real `redis-server` on loopback (see `tests/redis/mod.rs`).
#![cfg(feature = "redis")]

use std::{
    sync::{
        Arc,
        atomic::{AtomicUsize, Ordering},
    },
    time::Duration,
};

use crate::signer::{NOW, Preset, secret, sign};
use axum::{Router, http::StatusCode, routing::post};
use http_body_util::Full;
use tower::ServiceExt as _;
use tower_webhooks::{
    Keys, WebhookSignatureLayer,
    idempotency::{Claim, ClaimToken, IdempotencyLayer, RedisStore, Store},
};

const LEASE: Duration = Duration::from_secs(30);
const TTL: Duration = Duration::from_secs(300);

/// The claim's retry flag and token; panics on anything but a claim.
async fn claimed(store: &RedisStore, key: &str, lease: Duration) -> (bool, ClaimToken) {
    match store.claim(key, lease).await.unwrap() {
        Claim::Claimed { retry, token } => (retry, token),
        other => panic!("{key}: {other:?}"),
    }
}

#[tokio::test]
async fn claims_commits_and_releases() {
    let server = crate::redis::Redis::start();
    let store = RedisStore::connect(&server.url())
        .await
        .unwrap()
        .prefix("t1:");
    let (retry, token) = claimed(&store, "a", LEASE).await;
    assert!(!retry);
    assert_eq!(store.claim("a", LEASE).await.unwrap(), Claim::InProgress);
    store.release("a", token, TTL).await.unwrap();
    let (retry, token) = claimed(&store, "a", LEASE).await;
    assert!(retry);
    store.commit("a", token, TTL).await.unwrap();
    assert_eq!(store.claim("a", LEASE).await.unwrap(), Claim::Done);
    // An abandoned claim leaves the key as it was: absent, or released.
    let (retry, token) = claimed(&store, "c", LEASE).await;
    assert!(!retry);
    store.abandon("c", token, false, TTL).await.unwrap();
    let (retry, token) = claimed(&store, "c", LEASE).await;
    assert!(!retry);
    store.release("c", token, TTL).await.unwrap();
    let (retry, token) = claimed(&store, "c", LEASE).await;
    assert!(retry);
    store.abandon("c", token, true, TTL).await.unwrap();
    let (retry, _) = claimed(&store, "c", LEASE).await;
    assert!(retry);
    // A lapsed lease frees the key.
    let (retry, _) = claimed(&store, "b", Duration::from_millis(50)).await;
    assert!(!retry);
    tokio::time::sleep(Duration::from_millis(120)).await;
    let (retry, _) = claimed(&store, "b", LEASE).await;
    assert!(!retry);
}

/// A claims with a short lease and is slow; B claims after A's lease lapsed. A's late release,
/// renewal and abandon must not touch B's claim, nor its late commit end it (row 5 of the
/// attack report: C then claimed and ran beside B).
#[tokio::test]
async fn only_the_holder_of_a_claim_releases_renews_or_gives_it_up() {
    let server = crate::redis::Redis::start();
    let store = RedisStore::connect(&server.url()).await.unwrap();
    let (_, a) = claimed(&store, "k", Duration::from_millis(50)).await;
    tokio::time::sleep(Duration::from_millis(120)).await;
    let (_, b) = claimed(&store, "k", LEASE).await;
    store.release("k", a, TTL).await.unwrap();
    assert!(!store.renew("k", a, LEASE).await.unwrap());
    store.abandon("k", a, false, TTL).await.unwrap();
    store.commit("k", a, TTL).await.unwrap();
    assert_eq!(store.claim("k", LEASE).await.unwrap(), Claim::InProgress);
    // B renews its own claim past its first lease.
    let (_, c) = claimed(&store, "short", Duration::from_millis(80)).await;
    assert!(store.renew("short", c, LEASE).await.unwrap());
    tokio::time::sleep(Duration::from_millis(150)).await;
    assert_eq!(
        store.claim("short", LEASE).await.unwrap(),
        Claim::InProgress
    );
    store.release("k", b, TTL).await.unwrap();
    let (retry, _) = claimed(&store, "k", LEASE).await;
    assert!(retry);
}

#[tokio::test]
async fn of_many_concurrent_claims_exactly_one_wins() {
    let server = crate::redis::Redis::start();
    let store = Arc::new(RedisStore::connect(&server.url()).await.unwrap());
    let tasks: Vec<_> = (0..64)
        .map(|_| {
            let store = Arc::clone(&store);
            tokio::spawn(async move { store.claim("contested", LEASE).await.unwrap() })
        })
        .collect();
    let mut wins = 0;
    for task in tasks {
        if matches!(task.await.unwrap(), Claim::Claimed { .. }) {
            wins += 1;
        }
    }
    assert_eq!(wins, 1);
}

#[tokio::test]
async fn the_layer_fails_closed_while_redis_is_down_and_recovers_after_a_restart() {
    let mut server = crate::redis::Redis::start();
    let store = RedisStore::connect(&server.url()).await.unwrap();
    let probe = store.clone();
    let count = Arc::new(AtomicUsize::new(0));
    let handler = {
        let count = count.clone();
        move || {
            let count = count.clone();
            async move {
                count.fetch_add(1, Ordering::SeqCst);
                StatusCode::OK
            }
        }
    };
    let preset = Preset::Stripe;
    let app = Router::new()
        .route("/webhooks/provider", post(handler))
        .route_layer(IdempotencyLayer::new(store))
        .route_layer(WebhookSignatureLayer::new(crate::signer::scheme(
            preset,
            Keys::from(secret(preset, 1)),
        )));
    let send = |id: &str| {
        let d = sign(
            preset,
            &[&secret(preset, 1)],
            &format!(r#"{{"id":"{id}"}}"#),
            NOW,
            "",
        );
        let app = app.clone();
        async move {
            app.oneshot(http::Request::from_parts(d.head, Full::new(d.body)))
                .await
                .unwrap()
                .status()
        }
    };
    assert_eq!(send("evt_1").await, StatusCode::OK);
    server.kill();
    assert_eq!(send("evt_2").await, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(count.load(Ordering::SeqCst), 1);
    server.restart();
    // The connection comes back by itself (the store answers again within seconds); then the
    // provider's retry is handled once. A delivery sent while the client is still reconnecting
    // may claim and then fail to commit, and its claim then holds the key for its lease, as it
    // must: so the retry waits for the store, as a provider's backoff would.
    let mut back = false;
    for n in 0..100 {
        if probe.claim(&format!("probe-{n}"), LEASE).await.is_ok() {
            back = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(back, "the store never came back");
    let status = send("evt_2").await;
    assert_eq!(status, StatusCode::OK);
    // What was committed before the kill survived it (append-only file, fsync always).
    assert_eq!(send("evt_1").await, StatusCode::OK);
    assert_eq!(send("evt_2").await, StatusCode::OK);
    assert_eq!(count.load(Ordering::SeqCst), 2);
}
