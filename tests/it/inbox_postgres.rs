//! The inbox on a real PostgreSQL server: two inboxes (as two processes) share one database,
//! each event is claimed by one worker at a time and handled once, in order per key; a store
//! in one wakes the idle workers of the other (LISTEN/NOTIFY); retries and dead events; foreign
//! and newer tables are refused; a server stopped and started again costs 503s, never a 200
//! for an event not stored, and the inbox goes on once it is back.
#![cfg(feature = "postgres")]

use std::{
    collections::HashMap,
    sync::{Arc, Mutex},
    time::Duration,
};

use axum::{Router, body::Body, routing::post_service};
use http::StatusCode;
use tower::ServiceExt as _;
use tower_webhooks::{
    WebhookSignatureLayer,
    inbox::{Accept, EventState, Filter, Inbox, InboxErrorKind, NewEvent, Retries, Worker},
    routing::{Attempt, EventKey, EventRouter},
    test_util::{Provider, Signer},
    xero::Xero,
};

use crate::{
    inbox_worker::{Job, job, wait_until},
    postgres::Postgres,
};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_inboxes_share_the_work_each_event_once_and_in_order_per_key() {
    let server = Postgres::start();
    let url = server.database();
    let (a, b) = (
        Inbox::postgres(&url).await.unwrap(),
        Inbox::postgres(&url).await.unwrap(),
    );
    let seen: Arc<Mutex<HashMap<String, Vec<u32>>>> = Arc::default();
    let runs: Arc<Mutex<HashMap<(String, u32), u32>>> = Arc::default();
    let router = EventRouter::new(EventKey::field("type")).on("job", {
        let (seen, runs) = (seen.clone(), runs.clone());
        move |job: Job| {
            let (seen, runs) = (seen.clone(), runs.clone());
            async move {
                *runs
                    .lock()
                    .unwrap()
                    .entry((job.key.clone(), job.seq))
                    .or_default() += 1;
                tokio::time::sleep(Duration::from_millis(u64::from(job.seq % 3))).await;
                seen.lock()
                    .unwrap()
                    .entry(job.key)
                    .or_default()
                    .push(job.seq);
            }
        }
    });
    let workers: Vec<_> = [&a, &b, &a, &b]
        .into_iter()
        .map(|inbox| {
            Worker::new(inbox.clone(), router.clone())
                .concurrency(4)
                .poll_interval(Duration::from_millis(50))
                .start()
        })
        .collect();
    let (keys, per_key) = (8, 10);
    for seq in 0..per_key {
        let delivery: Vec<_> = (0..keys)
            .map(|k| job("job", &format!("k{k}"), seq).ordered_by(format!("k{k}")))
            .collect();
        // Half the deliveries through each; every one sent twice, as a provider's retry.
        let (first, second) = if seq % 2 == 0 { (&a, &b) } else { (&b, &a) };
        assert_eq!(
            first.store(delivery.clone()).await.unwrap().new_events,
            keys as usize
        );
        assert_eq!(second.store(delivery).await.unwrap().new_events, 0);
    }
    wait_until("every event handled", 60, async || {
        a.stats().await.unwrap().handled == u64::from(keys * per_key)
    })
    .await;
    for worker in workers {
        worker.shutdown(Duration::from_secs(1)).await;
    }
    assert!(
        runs.lock().unwrap().values().all(|n| *n == 1),
        "each event handled once"
    );
    let stats = b.stats().await.unwrap();
    for (key, order) in seen.lock().unwrap().iter() {
        assert_eq!(*order, (0..per_key).collect::<Vec<_>>(), "key {key}");
    }
    assert_eq!((stats.events, stats.pending, stats.running), (80, 0, 0));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_store_in_one_process_wakes_the_idle_workers_of_another() {
    let server = Postgres::start();
    let url = server.database();
    let (a, b) = (
        Inbox::postgres(&url).await.unwrap(),
        Inbox::postgres(&url).await.unwrap(),
    );
    let router = EventRouter::new(EventKey::field("type")).on("job", |_: Job| async {});
    // It polls once a minute: only the notification can bring the event in time.
    let worker = Worker::new(b.clone(), router)
        .poll_interval(Duration::from_secs(60))
        .start();
    tokio::time::sleep(Duration::from_millis(300)).await;
    a.store(vec![job("job", "a", 0)]).await.unwrap();
    wait_until("the event handled after a NOTIFY", 10, async || {
        b.stats().await.unwrap().handled == 1
    })
    .await;
    worker.shutdown(Duration::from_secs(1)).await;
}

#[tokio::test]
async fn retries_then_dead_then_replayed_on_postgres() {
    let server = Postgres::start();
    let inbox = Inbox::postgres(&server.database()).await.unwrap();
    let attempts: Arc<Mutex<Vec<u32>>> = Arc::default();
    let router = EventRouter::new(EventKey::field("type")).on("job", {
        let attempts = Arc::clone(&attempts);
        move |_: Job, attempt: Attempt| {
            attempts.lock().unwrap().push(attempt.number());
            async { Err::<(), _>("down") }
        }
    });
    let worker = Worker::new(inbox.clone(), router).retries(
        Retries::default()
            .max_attempts(3)
            .first_delay(Duration::ZERO)
            .jitter(0.0),
    );
    inbox.store(vec![job("job", "a", 0)]).await.unwrap();
    for _ in 0..3 {
        assert_eq!(worker.run_due().await.unwrap(), 1);
    }
    assert_eq!(worker.run_due().await.unwrap(), 0);
    assert_eq!(*attempts.lock().unwrap(), [1, 2, 3]);
    let dead = inbox
        .list(Filter::new().state(EventState::Dead))
        .await
        .unwrap();
    assert_eq!(dead.len(), 1);
    assert_eq!(
        dead[0].last_error.as_deref().map(|e| e.contains("down")),
        Some(true)
    );
    assert_eq!(inbox.retry_dead().await.unwrap(), 1);
    assert_eq!(worker.run_due().await.unwrap(), 1);
    assert_eq!(*attempts.lock().unwrap(), [1, 2, 3, 1]);
    // Dead again after two more; purged only with `dead`, and only once old enough.
    for _ in 0..2 {
        assert_eq!(worker.run_due().await.unwrap(), 1);
    }
    assert_eq!(inbox.stats().await.unwrap().dead, 1);
    assert_eq!(inbox.purge(Duration::ZERO, false).await.unwrap(), 0);
    assert_eq!(
        inbox.purge(Duration::from_secs(3600), true).await.unwrap(),
        0
    );
    tokio::time::sleep(Duration::from_millis(5)).await;
    assert_eq!(inbox.purge(Duration::ZERO, true).await.unwrap(), 1);
    assert_eq!(inbox.stats().await.unwrap().events, 0);
}

#[tokio::test]
async fn foreign_or_newer_tables_are_refused_and_left_alone() {
    let server = Postgres::start();
    let url = server.database();
    let (client, connection) = tokio_postgres::connect(&url, tokio_postgres::NoTls)
        .await
        .unwrap();
    tokio::spawn(connection);
    client
        .batch_execute("CREATE TABLE tower_webhooks_events (id INT); INSERT INTO tower_webhooks_events VALUES (7)")
        .await
        .unwrap();
    let refused = Inbox::postgres(&url).await.unwrap_err();
    assert_eq!(refused.kind(), InboxErrorKind::NotAnInbox, "{refused}");
    let kept: i32 = client
        .query_one("SELECT id FROM tower_webhooks_events", &[])
        .await
        .unwrap()
        .get(0);
    assert_eq!(kept, 7);

    let url = server.database();
    drop(Inbox::postgres(&url).await.unwrap());
    let (client, connection) = tokio_postgres::connect(&url, tokio_postgres::NoTls)
        .await
        .unwrap();
    tokio::spawn(connection);
    client
        .batch_execute("UPDATE tower_webhooks_inbox SET schema_version = 99")
        .await
        .unwrap();
    let refused = Inbox::postgres(&url).await.unwrap_err();
    assert_eq!(refused.kind(), InboxErrorKind::NewerSchema, "{refused}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_stopped_and_started_again_costs_503s_never_a_false_200() {
    let server = Postgres::start();
    let inbox = Inbox::postgres(&server.database()).await.unwrap();
    let app: Router = Router::new().route(
        "/hooks",
        post_service(Accept::new(inbox.clone()))
            .layer(WebhookSignatureLayer::new(Xero::new("pg-key"))),
    );
    let signer = Signer::new(Provider::Xero, "pg-key").url("https://example.com/hooks");
    let send = async |n: u32| {
        let body = format!(
            r#"{{"events":[{{"resourceId":"r{n}","eventCategory":"INVOICE","eventType":"UPDATE"}}],"entropy":"{n}"}}"#
        );
        let request = signer.request(body).map(Body::from);
        app.clone().oneshot(request).await.unwrap().status()
    };
    assert_eq!(send(1).await, StatusCode::OK);
    server.stop();
    assert_eq!(send(2).await, StatusCode::SERVICE_UNAVAILABLE);
    let refused = inbox.store(vec![job("job", "x", 0)]).await.unwrap_err();
    assert_eq!(refused.kind(), InboxErrorKind::Unavailable, "{refused}");
    server.restart();
    // New connections replace the ones the stop cut.
    let mut status = StatusCode::SERVICE_UNAVAILABLE;
    for _ in 0..50 {
        status = send(3).await;
        if status == StatusCode::OK {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(status, StatusCode::OK);
    let stored: Vec<String> = inbox
        .list(Filter::new())
        .await
        .unwrap()
        .iter()
        .map(|e| String::from_utf8_lossy(&e.payload).into_owned())
        .collect();
    assert_eq!(stored.len(), 2, "{stored:?}");
    assert!(
        stored.iter().all(|p| !p.contains("\"r2\"")),
        "the 503'd delivery is not stored"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_delivery_the_database_refuses_costs_only_itself() {
    let server = Postgres::start();
    let inbox = Inbox::postgres(&server.database()).await.unwrap();
    // PostgreSQL's text holds no NUL: this one is refused, in whatever group it lands.
    let stores: Vec<_> = (0..40)
        .map(|n| {
            let inbox = inbox.clone();
            tokio::spawn(async move {
                let key = if n == 20 {
                    "bad\0key".to_owned()
                } else {
                    format!("k{n}")
                };
                let event = NewEvent::new("test", &key, br#"{"type":"job"}"#.to_vec());
                inbox.store(vec![event]).await
            })
        })
        .collect();
    let mut refused = 0;
    for store in stores {
        match store.await.unwrap() {
            Ok(stored) => assert_eq!(stored.new_events, 1),
            Err(error) => {
                assert_eq!(error.kind(), InboxErrorKind::Storage, "{error}");
                refused += 1;
            }
        }
    }
    assert_eq!(refused, 1);
    assert_eq!(inbox.stats().await.unwrap().events, 39);
}

#[tokio::test]
async fn inspecting_a_database_without_an_inbox_creates_nothing() {
    let server = Postgres::start();
    let url = server.database();
    let refused = tower_webhooks::inbox::PostgresInbox::inspect(&url)
        .await
        .unwrap_err();
    assert_eq!(refused.kind(), InboxErrorKind::NotAnInbox, "{refused}");
    let (client, connection) = tokio_postgres::connect(&url, tokio_postgres::NoTls)
        .await
        .unwrap();
    tokio::spawn(connection);
    let tables: i64 = client
        .query_one("SELECT count(*) FROM information_schema.tables WHERE table_name LIKE 'tower_webhooks%'", &[])
        .await
        .unwrap()
        .get(0);
    assert_eq!(tables, 0);
}

/// `sslmode=require`: the connection is TLS, to a server whose CA the inbox is told to trust;
/// one it is not told of is refused with a clear error, not connected in the clear.
#[tokio::test]
async fn tls_as_the_url_asks_with_the_servers_ca_and_not_without() {
    let server = Postgres::start_tls();
    let url = format!("{}?sslmode=require", server.database());
    let ca = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/tls/ca.pem"
    ))
    .unwrap();
    let refused = tower_webhooks::inbox::PostgresInbox::connect(&url)
        .await
        .unwrap_err();
    assert_eq!(refused.kind(), InboxErrorKind::Unavailable, "{refused}");
    assert!(
        refused.to_string().to_lowercase().contains("tls")
            || refused.to_string().contains("certificate"),
        "{refused}"
    );
    let inbox = Inbox::from(
        tower_webhooks::inbox::PostgresInbox::connect_trusting(&url, &ca)
            .await
            .unwrap(),
    );
    assert_eq!(
        inbox
            .store(vec![job("job", "a", 0)])
            .await
            .unwrap()
            .new_events,
        1
    );
    // The server saw TLS.
    let (client, connection) =
        tokio_postgres::connect(&server.url("postgres"), tokio_postgres::NoTls)
            .await
            .unwrap();
    tokio::spawn(connection);
    let encrypted: i64 = client
        .query_one("SELECT count(*) FROM pg_stat_ssl WHERE ssl", &[])
        .await
        .unwrap()
        .get(0);
    assert!(encrypted >= 1, "no TLS connection on the server");
}
