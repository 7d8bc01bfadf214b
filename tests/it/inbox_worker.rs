//! The inbox's workers: retries at the times the backoff gives, dead events and their replay,
//! panics as failures, leases that outlast slow handlers, a crashed worker's events taken
//! again, ordering per key under concurrency, graceful shutdown, and a read-only file.
#![cfg(feature = "inbox")]

use std::{
    collections::HashMap,
    sync::{
        Arc, Mutex,
        atomic::{AtomicI64, AtomicUsize, Ordering},
    },
    time::{Duration, SystemTime, UNIX_EPOCH},
};

use tower_webhooks::{
    Clock,
    inbox::{EventState, Filter, Inbox, InboxErrorKind, NewEvent, Retries, Worker},
    routing::{Attempt, EventKey, EventRouter},
};

pub(crate) fn temp(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "tower-webhooks-it-worker-{}-{name}",
        std::process::id()
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir.join("inbox.db")
}

/// The test events: a type to route on, a key, and a place in its key's sequence.
#[derive(serde::Deserialize)]
pub(crate) struct Job {
    pub(crate) key: String,
    pub(crate) seq: u32,
}

pub(crate) fn job(kind: &str, key: &str, seq: u32) -> NewEvent {
    let payload = format!(r#"{{"type":"{kind}","key":"{key}","seq":{seq}}}"#);
    NewEvent::new("test", &format!("{kind}:{key}:{seq}"), payload.into_bytes())
}

/// Polls `done` until it holds, failing the test after `seconds`.
pub(crate) async fn wait_until(what: &str, seconds: u64, mut done: impl AsyncFnMut() -> bool) {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(seconds);
    while !done().await {
        assert!(
            tokio::time::Instant::now() < deadline,
            "{what}: not within {seconds} s"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// A clock the test moves by hand.
fn stepped() -> (Clock, Arc<AtomicI64>) {
    let now = Arc::new(AtomicI64::new(1_800_000_000_000));
    let read = Arc::clone(&now);
    let clock = Clock::from_fn(move || {
        UNIX_EPOCH + Duration::from_millis(read.load(Ordering::SeqCst) as u64)
    });
    (clock, now)
}

fn ms(at: SystemTime) -> i64 {
    at.duration_since(UNIX_EPOCH).unwrap().as_millis() as i64
}

#[tokio::test]
async fn a_failing_handler_is_retried_at_the_backoff_s_times_then_dead_then_replayed() {
    let (clock, now) = stepped();
    let start = now.load(Ordering::SeqCst);
    let inbox = Inbox::sqlite(temp("retries")).unwrap().with_clock(clock);
    // "flaky" fails three times, then succeeds; "broken" always fails.
    let calls: Arc<Mutex<Vec<(String, u32, i64)>>> = Arc::default();
    let router = EventRouter::new(EventKey::field("type"))
        .on("flaky", {
            let calls = Arc::clone(&calls);
            let now = Arc::clone(&now);
            move |job: Job, attempt: Attempt| {
                calls
                    .lock()
                    .unwrap()
                    .push((job.key, attempt.number(), now.load(Ordering::SeqCst)));
                async move {
                    if attempt.number() <= 3 {
                        Err("Xero answered 503")
                    } else {
                        Ok(())
                    }
                }
            }
        })
        .on("broken", {
            let calls = Arc::clone(&calls);
            let now = Arc::clone(&now);
            move |job: Job, attempt: Attempt| {
                calls
                    .lock()
                    .unwrap()
                    .push((job.key, attempt.number(), now.load(Ordering::SeqCst)));
                async move { Err::<(), _>("always") }
            }
        });
    let retries = Retries::default()
        .max_attempts(5)
        .first_delay(Duration::from_secs(10))
        .max_delay(Duration::from_secs(25))
        .jitter(0.0);
    let worker = Worker::new(inbox.clone(), router).retries(retries);
    inbox.store(vec![job("flaky", "f", 0)]).await.unwrap();
    inbox.store(vec![job("broken", "b", 0)]).await.unwrap();

    // Waits of 10, 20, 25 (capped), 25 s: step to one millisecond before each, then to it.
    let mut at = start;
    for wait in [0, 10_000, 20_000, 25_000, 25_000] {
        at += wait;
        if wait > 0 {
            now.store(at - 1, Ordering::SeqCst);
            assert_eq!(
                worker.run_due().await.unwrap(),
                0,
                "nothing is due before {at}"
            );
        }
        now.store(at, Ordering::SeqCst);
        assert!(
            worker.run_due().await.unwrap() > 0,
            "something is due at {at}"
        );
    }
    let calls = calls.lock().unwrap().clone();
    let flaky: Vec<_> = calls
        .iter()
        .filter(|c| c.0 == "f")
        .map(|c| (c.1, c.2 - start))
        .collect();
    assert_eq!(flaky, [(1, 0), (2, 10_000), (3, 30_000), (4, 55_000)]);
    let broken: Vec<_> = calls
        .iter()
        .filter(|c| c.0 == "b")
        .map(|c| (c.1, c.2 - start))
        .collect();
    assert_eq!(
        broken,
        [(1, 0), (2, 10_000), (3, 30_000), (4, 55_000), (5, 80_000)]
    );

    let events = inbox.list(Filter::new()).await.unwrap();
    let state = |key: &str| {
        events
            .iter()
            .find(|e| e.dedup_key.contains(key))
            .unwrap()
            .clone()
    };
    assert_eq!(state(":f:").state, EventState::Handled);
    let dead = state(":b:");
    assert_eq!((dead.state, dead.attempts), (EventState::Dead, 5));
    assert!(
        dead.last_error.as_deref().unwrap().contains("always"),
        "{dead:?}"
    );
    let stats = inbox.stats().await.unwrap();
    assert_eq!((stats.dead, stats.handled, stats.pending), (1, 1, 0));
    // Nothing more is tried, however late it gets.
    now.store(at + 86_400_000, Ordering::SeqCst);
    assert_eq!(worker.run_due().await.unwrap(), 0);

    // A person replays the dead: due now, its attempts counted afresh.
    assert_eq!(inbox.retry_dead().await.unwrap(), 1);
    let revived = inbox.event(dead.id).await.unwrap().unwrap();
    assert_eq!((revived.state, revived.attempts), (EventState::Pending, 0));
    assert_eq!(worker.run_due().await.unwrap(), 1);
    let again = inbox.event(dead.id).await.unwrap().unwrap();
    assert_eq!((again.state, again.attempts), (EventState::Pending, 1));
    let counters = worker.counters();
    assert_eq!(
        (counters.handled, counters.dead, counters.failed),
        (1, 1, 9)
    );
}

#[tokio::test]
async fn a_panicking_handler_is_a_failed_attempt_and_the_worker_goes_on() {
    let (clock, now) = stepped();
    let inbox = Inbox::sqlite(temp("panic")).unwrap().with_clock(clock);
    let router = EventRouter::new(EventKey::field("type"))
        .on("panics", |job: Job| async move {
            assert!(job.seq > 0, "the handler's bug");
        })
        .on("fine", |_: Job| async {});
    let worker = Worker::new(inbox.clone(), router).retries(
        Retries::default()
            .first_delay(Duration::from_secs(1))
            .jitter(0.0),
    );
    inbox
        .store(vec![job("panics", "p", 0), job("fine", "f", 0)])
        .await
        .unwrap();
    assert_eq!(worker.run_due().await.unwrap(), 2);
    let events = inbox.list(Filter::new()).await.unwrap();
    let panicked = events
        .iter()
        .find(|e| e.dedup_key.starts_with("panics"))
        .unwrap();
    assert_eq!(panicked.state, EventState::Pending);
    assert!(
        panicked
            .last_error
            .as_deref()
            .unwrap()
            .contains("the handler's bug"),
        "{panicked:?}"
    );
    assert_eq!(
        ms(panicked.next_attempt_at.unwrap()),
        now.load(Ordering::SeqCst) + 1_000
    );
    let fine = events
        .iter()
        .find(|e| e.dedup_key.starts_with("fine"))
        .unwrap();
    assert_eq!(fine.state, EventState::Handled);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_handler_three_times_slower_than_its_lease_never_runs_twice_at_once() {
    let inbox = Inbox::sqlite(temp("lease")).unwrap();
    let lease = Duration::from_millis(300);
    let running: Arc<Mutex<HashMap<String, usize>>> = Arc::default();
    let runs: Arc<Mutex<HashMap<String, usize>>> = Arc::default();
    let overlaps = Arc::new(AtomicUsize::new(0));
    let router = EventRouter::new(EventKey::field("type")).on("slow", {
        let (running, runs, overlaps) = (running.clone(), runs.clone(), overlaps.clone());
        move |job: Job| {
            let (running, runs, overlaps) = (running.clone(), runs.clone(), overlaps.clone());
            async move {
                *runs.lock().unwrap().entry(job.key.clone()).or_default() += 1;
                let at_once = {
                    let mut running = running.lock().unwrap();
                    let n = running.entry(job.key.clone()).or_default();
                    *n += 1;
                    *n
                };
                if at_once > 1 {
                    overlaps.fetch_add(1, Ordering::SeqCst);
                }
                tokio::time::sleep(lease * 3).await;
                *running.lock().unwrap().get_mut(&job.key).unwrap() -= 1;
            }
        }
    });
    // Two workers on one inbox, polling far more often than the lease lasts.
    let workers: Vec<_> = (0..2)
        .map(|_| {
            Worker::new(inbox.clone(), router.clone())
                .lease(lease)
                .poll_interval(Duration::from_millis(20))
                .concurrency(4)
                .start()
        })
        .collect();
    let events: Vec<_> = (0..6).map(|n| job("slow", &format!("k{n}"), 0)).collect();
    inbox.store(events).await.unwrap();
    wait_until("all handled", 20, async || {
        inbox.stats().await.unwrap().handled >= 6
    })
    .await;
    let mut lost = 0;
    for worker in workers {
        lost += worker.counters().lost_leases;
        worker.shutdown(Duration::from_secs(1)).await;
    }
    assert_eq!(overlaps.load(Ordering::SeqCst), 0);
    assert!(
        runs.lock().unwrap().values().all(|n| *n == 1),
        "{:?}",
        runs.lock().unwrap()
    );
    assert_eq!(lost, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_crashed_worker_s_events_are_taken_again_once_its_lease_ends() {
    let path = temp("crash");
    let lease = Duration::from_millis(200);
    let started = Arc::new(AtomicUsize::new(0));
    // The first worker lives in a runtime of its own, dropped mid-handler: as a crash, nothing
    // of it settles the claim.
    std::thread::scope(|scope| {
        scope.spawn(|| {
            let inbox = Inbox::sqlite(&path).unwrap();
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            let started = Arc::clone(&started);
            runtime.block_on(async move {
                let router = EventRouter::new(EventKey::field("type")).on("job", move |_: Job| {
                    started.fetch_add(1, Ordering::SeqCst);
                    std::future::pending::<()>()
                });
                inbox.store(vec![job("job", "a", 0)]).await.unwrap();
                let worker = Worker::new(inbox.clone(), router).lease(lease).start();
                while inbox.stats().await.unwrap().running == 0 {
                    tokio::time::sleep(Duration::from_millis(5)).await;
                }
                // Its task keeps running until the runtime is dropped below, unsettled.
                drop(worker);
            });
            drop(runtime);
        });
    });
    assert_eq!(started.load(Ordering::SeqCst), 1);
    let inbox = Inbox::sqlite(&path).unwrap();
    let attempts: Arc<Mutex<Vec<u32>>> = Arc::default();
    let router = EventRouter::new(EventKey::field("type")).on("job", {
        let attempts = Arc::clone(&attempts);
        move |_: Job, attempt: Attempt| {
            attempts.lock().unwrap().push(attempt.number());
            async {}
        }
    });
    let worker = Worker::new(inbox.clone(), router);
    // Still leased: not taken.
    assert_eq!(worker.run_due().await.unwrap(), 0);
    tokio::time::sleep(lease + Duration::from_millis(50)).await;
    assert_eq!(worker.run_due().await.unwrap(), 1);
    assert_eq!(*attempts.lock().unwrap(), [2]);
    assert_eq!(inbox.stats().await.unwrap().handled, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn events_of_one_key_are_handled_one_at_a_time_in_order_under_concurrency() {
    let inbox = Inbox::sqlite(temp("order")).unwrap();
    let seen: Arc<Mutex<HashMap<String, Vec<u32>>>> = Arc::default();
    let busy: Arc<Mutex<HashMap<String, bool>>> = Arc::default();
    let overlaps = Arc::new(AtomicUsize::new(0));
    let router = EventRouter::new(EventKey::field("type")).on("job", {
        let (seen, busy, overlaps) = (seen.clone(), busy.clone(), overlaps.clone());
        move |job: Job| {
            let (seen, busy, overlaps) = (seen.clone(), busy.clone(), overlaps.clone());
            async move {
                if busy.lock().unwrap().insert(job.key.clone(), true) == Some(true) {
                    overlaps.fetch_add(1, Ordering::SeqCst);
                }
                // Uneven work, so that workers finish out of order.
                tokio::time::sleep(Duration::from_millis(u64::from(job.seq % 3) * 3)).await;
                seen.lock()
                    .unwrap()
                    .entry(job.key.clone())
                    .or_default()
                    .push(job.seq);
                busy.lock().unwrap().insert(job.key, false);
            }
        }
    });
    let workers: Vec<_> = (0..3)
        .map(|_| {
            Worker::new(inbox.clone(), router.clone())
                .concurrency(8)
                .poll_interval(Duration::from_millis(10))
                .start()
        })
        .collect();
    // 16 keys, 12 events each, interleaved across deliveries as a provider batches them.
    let (keys, per_key) = (16, 12);
    for seq in 0..per_key {
        let delivery: Vec<_> = (0..keys)
            .map(|k| job("job", &format!("k{k}"), seq).ordered_by(format!("k{k}")))
            .collect();
        inbox.store(delivery).await.unwrap();
    }
    wait_until("all handled", 30, async || {
        inbox.stats().await.unwrap().handled >= u64::from(keys * per_key)
    })
    .await;
    for worker in workers {
        worker.shutdown(Duration::from_secs(1)).await;
    }
    assert_eq!(overlaps.load(Ordering::SeqCst), 0);
    let seen = seen.lock().unwrap();
    assert_eq!(seen.len(), keys as usize);
    for (key, order) in seen.iter() {
        assert_eq!(*order, (0..per_key).collect::<Vec<_>>(), "key {key}");
    }
}

#[tokio::test]
async fn a_failing_head_holds_its_key_until_it_is_dead_then_the_rest_go_on() {
    let (clock, now) = stepped();
    let inbox = Inbox::sqlite(temp("head")).unwrap().with_clock(clock);
    let handled: Arc<Mutex<Vec<String>>> = Arc::default();
    let router = EventRouter::new(EventKey::field("type"))
        .on("fails", |_: Job| async { Err::<(), _>("no") })
        .on("job", {
            let handled = Arc::clone(&handled);
            move |job: Job| {
                handled
                    .lock()
                    .unwrap()
                    .push(format!("{}{}", job.key, job.seq));
                async {}
            }
        });
    let worker = Worker::new(inbox.clone(), router).retries(
        Retries::default()
            .max_attempts(2)
            .first_delay(Duration::from_secs(5))
            .jitter(0.0),
    );
    inbox
        .store(vec![
            job("fails", "a", 0).ordered_by("a"),
            job("job", "a", 1).ordered_by("a"),
            job("job", "b", 0).ordered_by("b"),
        ])
        .await
        .unwrap();
    assert_eq!(
        worker.run_due().await.unwrap(),
        2,
        "a0 and b0; a1 waits behind a0"
    );
    assert_eq!(
        worker.run_due().await.unwrap(),
        0,
        "a0 is being retried: a1 still waits"
    );
    now.fetch_add(5_000, Ordering::SeqCst);
    assert_eq!(worker.run_due().await.unwrap(), 1, "a0's last attempt");
    assert_eq!(inbox.stats().await.unwrap().dead, 1);
    assert_eq!(worker.run_due().await.unwrap(), 1, "a0 is dead: a1 goes on");
    assert_eq!(*handled.lock().unwrap(), ["b0", "a1"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shutdown_lets_quick_handlers_finish_and_hands_slow_ones_back() {
    let inbox = Inbox::sqlite(temp("shutdown")).unwrap();
    let router = EventRouter::new(EventKey::field("type"))
        .on("quick", |_: Job| async {
            tokio::time::sleep(Duration::from_millis(100)).await
        })
        .on("slow", |_: Job| async {
            tokio::time::sleep(Duration::from_secs(60)).await
        });
    inbox
        .store(vec![job("quick", "q", 0), job("slow", "s", 0)])
        .await
        .unwrap();
    let worker = Worker::new(inbox.clone(), router)
        .poll_interval(Duration::from_millis(10))
        .start();
    while inbox.stats().await.unwrap().running < 2 {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    let stopped = worker.shutdown(Duration::from_millis(500)).await;
    assert_eq!((stopped.finished, stopped.handed_back), (1, 1));
    let events = inbox.list(Filter::new()).await.unwrap();
    let slow = events
        .iter()
        .find(|e| e.dedup_key.starts_with("slow"))
        .unwrap();
    // Handed back: due at once, and the interrupted attempt does not count.
    assert_eq!((slow.state, slow.attempts), (EventState::Pending, 0));
    let quick = events
        .iter()
        .find(|e| e.dedup_key.starts_with("quick"))
        .unwrap();
    assert_eq!(quick.state, EventState::Handled);
}

/// A file that cannot be written (here made immutable, which stops root too): the store is
/// refused with a clear error, what was stored stays, and it works again once writable.
#[tokio::test]
async fn a_read_only_file_refuses_to_store_and_recovers() {
    let path = temp("read-only");
    let inbox = Inbox::sqlite(&path).unwrap();
    inbox.store(vec![job("job", "a", 0)]).await.unwrap();
    let files: Vec<_> = ["", "-wal"]
        .iter()
        .map(|suffix| format!("{}{suffix}", path.display()))
        .filter(|file| std::path::Path::new(file).exists())
        .collect();
    let chattr = |flag: &str| {
        let status = std::process::Command::new("chattr")
            .arg(flag)
            .args(&files)
            .status()
            .unwrap();
        assert!(
            status.success(),
            "chattr {flag} (the test needs root on ext4)"
        );
    };
    chattr("+i");
    let refused = inbox.store(vec![job("job", "b", 0)]).await;
    drop(inbox);
    let reopened = Inbox::sqlite(&path).map(|_| ());
    chattr("-i");
    let refused = refused.unwrap_err();
    assert!(
        matches!(
            refused.kind(),
            InboxErrorKind::ReadOnly | InboxErrorKind::Storage
        ),
        "{refused}"
    );
    assert!(
        refused.to_string().contains("cannot be written")
            || refused.to_string().contains("could not store"),
        "{refused}"
    );
    let reopened = reopened.unwrap_err();
    assert_eq!(reopened.kind(), InboxErrorKind::ReadOnly, "{reopened}");
    let inbox = Inbox::sqlite(&path).unwrap();
    assert_eq!(
        inbox
            .store(vec![job("job", "b", 0)])
            .await
            .unwrap()
            .new_events,
        1
    );
    assert_eq!(inbox.stats().await.unwrap().events, 2);
}

/// A dead head replayed while a later event of its key runs waits for it: any running event
/// holds its key, whatever its place.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_replayed_head_waits_for_the_running_event_of_its_key() {
    let inbox = Inbox::sqlite(temp("replayed-head")).unwrap();
    let gate = Arc::new(tokio::sync::Notify::new());
    let gated = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let overlaps = Arc::new(AtomicUsize::new(0));
    let router = EventRouter::new(EventKey::field("type"))
        .on("fails", {
            let (gated, overlaps) = (gated.clone(), overlaps.clone());
            move |_: Job| {
                if gated.load(Ordering::SeqCst) {
                    overlaps.fetch_add(1, Ordering::SeqCst);
                }
                async { Err::<(), _>("no") }
            }
        })
        .on("gate", {
            let (gate, gated) = (gate.clone(), gated.clone());
            move |_: Job| {
                let (gate, gated) = (gate.clone(), gated.clone());
                async move {
                    gated.store(true, Ordering::SeqCst);
                    gate.notified().await;
                    gated.store(false, Ordering::SeqCst);
                }
            }
        })
        .on("job", |_: Job| async {});
    let worker = Worker::new(inbox.clone(), router)
        .retries(Retries::default().max_attempts(1))
        .poll_interval(Duration::from_millis(10))
        .start();
    inbox
        .store(vec![
            job("fails", "a", 0).ordered_by("a"),
            job("gate", "a", 1).ordered_by("a"),
            job("job", "a", 2).ordered_by("a"),
        ])
        .await
        .unwrap();
    wait_until("the head dead and the gate running", 10, async || {
        let stats = inbox.stats().await.unwrap();
        stats.dead == 1 && stats.running == 1
    })
    .await;
    assert_eq!(inbox.retry_dead().await.unwrap(), 1);
    tokio::time::sleep(Duration::from_millis(200)).await;
    let head = inbox
        .list(Filter::new().state(EventState::Pending))
        .await
        .unwrap();
    assert!(
        head.iter().any(|e| e.dedup_key.starts_with("fails")),
        "the replayed head waits: {head:?}"
    );
    gate.notify_one();
    wait_until("the gate and the job handled", 10, async || {
        inbox.stats().await.unwrap().handled >= 2
    })
    .await;
    worker.shutdown(Duration::from_secs(1)).await;
    assert_eq!(
        overlaps.load(Ordering::SeqCst),
        0,
        "the head never ran beside the gate"
    );
    assert_eq!(
        inbox.stats().await.unwrap().dead,
        1,
        "the head failed again, after it"
    );
}

/// Handled events are kept for the retention, then purged; a provider's retry after that is a
/// new event (the de-duplication horizon); dead events stay until purged with `dead`.
#[tokio::test]
async fn handled_events_are_kept_for_the_retention_then_purged() {
    let (clock, now) = stepped();
    let inbox = Inbox::sqlite(temp("retention")).unwrap().with_clock(clock);
    let router = EventRouter::new(EventKey::field("type"))
        .on("job", |_: Job| async {})
        .on("fails", |_: Job| async { Err::<(), _>("no") });
    let worker = Worker::new(inbox.clone(), router).retries(Retries::default().max_attempts(1));
    inbox
        .store(vec![job("job", "a", 0), job("fails", "b", 0)])
        .await
        .unwrap();
    assert_eq!(worker.run_due().await.unwrap(), 2);
    let retention = Duration::from_secs(3 * 24 * 3600);
    now.fetch_add(retention.as_millis() as i64 - 1, Ordering::SeqCst);
    assert_eq!(inbox.purge(retention, false).await.unwrap(), 0, "not yet");
    assert_eq!(
        inbox
            .store(vec![job("job", "a", 0)])
            .await
            .unwrap()
            .new_events,
        0
    );
    now.fetch_add(2, Ordering::SeqCst);
    assert_eq!(inbox.purge(retention, false).await.unwrap(), 1);
    let stats = inbox.stats().await.unwrap();
    assert_eq!((stats.handled, stats.dead), (0, 1), "dead events stay");
    assert_eq!(
        inbox
            .store(vec![job("job", "a", 0)])
            .await
            .unwrap()
            .new_events,
        1
    );
    assert_eq!(inbox.purge(retention, true).await.unwrap(), 1);
    assert_eq!(inbox.stats().await.unwrap().dead, 0);
}
