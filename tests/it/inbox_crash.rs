//! The crash test of the durable inbox: the `inbox` example, a real server process, receives
//! thousands of signed Xero deliveries from 16 clients while its handlers lag behind, is killed
//! with SIGKILL mid-run and started again; the clients resend whatever got no answer, as Xero
//! does. Every event of every acknowledged delivery is handled; events handled twice are at most
//! those running at the kill; nothing resent is stored twice. Then the same on PostgreSQL with
//! two receiver and two worker processes, one of each killed.
#![cfg(feature = "inbox")]

use std::{
    collections::HashMap,
    sync::{
        Arc, Mutex,
        atomic::{AtomicUsize, Ordering},
    },
    time::Duration,
};

use bytes::Bytes;
use http_body_util::Full;
use tokio::{
    io::{AsyncBufReadExt, BufReader},
    process::Child,
};
use tower_webhooks::{
    inbox::{EventState, Filter, Inbox, SqliteInbox},
    test_util::{Provider, Signer},
};

use crate::example_servers;

const KEY: &str = "crash-test-key";
const DELIVERIES: usize = 2400;
const CLIENTS: usize = 16;

/// Each handled event's `resource`, from the example's log, with its attempt.
type Handled = Arc<Mutex<Vec<(String, u32)>>>;

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Starts the example with `env`, collecting its handled events; returns once it says it
/// listens (or works, for a worker).
async fn start(env: &[(&str, &str)], handled: &Handled) -> Child {
    let mut command = example_servers::command("inbox", env);
    command.env("XERO_WEBHOOK_KEY", KEY);
    for (name, value) in env {
        command.env(name, value);
    }
    let mut child = command.spawn().unwrap();
    let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
    let (ready, started) = tokio::sync::oneshot::channel();
    let handled = Arc::clone(handled);
    let log: Arc<Mutex<Vec<String>>> = Arc::default();
    let early = Arc::clone(&log);
    tokio::spawn(async move {
        let mut ready = Some(ready);
        while let Ok(Some(line)) = lines.next_line().await {
            if ready.is_some() {
                early.lock().unwrap().push(line.clone());
            }
            if (line.contains("listening on") || line.contains("working on the inbox"))
                && let Some(ready) = ready.take()
            {
                let _ = ready.send(());
            }
            if line.contains("handled Xero event") {
                let field = |name: &str| {
                    let at = line.find(&format!("{name}="))? + name.len() + 1;
                    line[at..].split_whitespace().next().map(str::to_owned)
                };
                if let (Some(resource), Some(attempt)) = (field("resource"), field("attempt")) {
                    handled
                        .lock()
                        .unwrap()
                        .push((resource, attempt.parse().unwrap()));
                }
            }
        }
    });
    let started = tokio::time::timeout(Duration::from_secs(30), started).await;
    assert!(
        matches!(started, Ok(Ok(()))),
        "the example did not start within 30 s: {:?}",
        log.lock().unwrap()
    );
    child
}

/// Delivery `d`: one to three events, each of a resource of its own.
fn delivery(d: usize) -> (String, Vec<String>) {
    let resources: Vec<String> = (0..1 + d % 3).map(|e| format!("d{d}-e{e}")).collect();
    let events: Vec<String> = resources
        .iter()
        .map(|r| {
            format!(
                r#"{{"resourceUrl":"https://api.xero.com/api.xro/2.0/Invoices/{r}","resourceId":"{r}","eventDateUtc":"2026-12-01T10:00:00.000","eventType":"UPDATE","eventCategory":"INVOICE","tenantId":"t1","tenantType":"ORGANISATION"}}"#
            )
        })
        .collect();
    let body = format!(
        r#"{{"events":[{}],"firstEventSequence":1,"lastEventSequence":1,"entropy":"E{d}"}}"#,
        events.join(",")
    );
    (body, resources)
}

/// Sends every delivery from `CLIENTS` clients, each resending what got no `200` (to the next
/// receiver, when there are several) until it does; calls `kill` once a third is acknowledged.
async fn send_all(ports: &[u16], acked: &Arc<AtomicUsize>) {
    let client = hyper_util::client::legacy::Client::builder(hyper_util::rt::TokioExecutor::new())
        .pool_max_idle_per_host(CLIENTS)
        .build_http::<Full<Bytes>>();
    let signer = Signer::new(Provider::Xero, KEY);
    let ports: Arc<[u16]> = ports.into();
    let clients: Vec<_> = (0..CLIENTS)
        .map(|c| {
            let (client, signer, ports, acked) =
                (client.clone(), signer.clone(), ports.clone(), acked.clone());
            tokio::spawn(async move {
                let mut receiver = c;
                for d in (c..DELIVERIES).step_by(CLIENTS) {
                    let (body, _) = delivery(d);
                    let request = signer.request(body);
                    let mut tries = 0;
                    loop {
                        tries += 1;
                        assert!(tries < 2000, "delivery {d} never acknowledged");
                        let port = ports[receiver % ports.len()];
                        let (mut parts, body) = request.clone().into_parts();
                        parts.uri = format!("http://127.0.0.1:{port}/webhooks/xero")
                            .parse()
                            .unwrap();
                        let sent =
                            client.request(http::Request::from_parts(parts, Full::new(body)));
                        match tokio::time::timeout(Duration::from_secs(5), sent).await {
                            Ok(Ok(response)) if response.status() == http::StatusCode::OK => {
                                acked.fetch_add(1, Ordering::SeqCst);
                                break;
                            }
                            _ => {
                                receiver += 1;
                                tokio::time::sleep(Duration::from_millis(20)).await;
                            }
                        }
                    }
                }
            })
        })
        .collect();
    for client in clients {
        client.await.unwrap();
    }
}

async fn wait_for_third(acked: &AtomicUsize) {
    while acked.load(Ordering::SeqCst) < DELIVERIES / 3 {
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
}

/// Waits until every event of every delivery is handled, then checks the counts.
async fn check(handled: &Handled, inbox: &Inbox, running_at_kill: usize) {
    let all: Vec<String> = (0..DELIVERIES).flat_map(|d| delivery(d).1).collect();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(90);
    loop {
        let stats = inbox.stats().await.unwrap();
        let done = stats.handled == all.len() as u64 && stats.pending == 0 && stats.running == 0;
        if done {
            break;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "not all handled in 90 s: {stats:?}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    // Resent deliveries that were stored already stored nothing new.
    assert_eq!(inbox.stats().await.unwrap().events, all.len() as u64);
    tokio::time::sleep(Duration::from_millis(300)).await;
    let handled = handled.lock().unwrap();
    let mut times: HashMap<&str, usize> = HashMap::new();
    for (resource, _) in handled.iter() {
        *times.entry(resource.as_str()).or_default() += 1;
    }
    let missing: Vec<_> = all
        .iter()
        .filter(|r| !times.contains_key(r.as_str()))
        .collect();
    assert!(
        missing.is_empty(),
        "acknowledged but never handled: {missing:?}"
    );
    let twice: usize = times.values().map(|n| n - 1).sum();
    eprintln!(
        "{} events, {} handled more than once, {running_at_kill} running at the kill",
        all.len(),
        twice
    );
    assert!(
        twice <= running_at_kill,
        "{twice} events handled again, but only {running_at_kill} were running at the kill"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_a_server_killed_mid_run_loses_nothing_it_acknowledged() {
    let dir = std::env::temp_dir().join(format!("tower-webhooks-crash-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("webhooks.db").display().to_string();
    let port = free_port().to_string();
    let env = [
        ("PORT", port.as_str()),
        ("INBOX_PATH", path.as_str()),
        ("WORK_MS", "10"),
        ("WORKERS", "16"),
        ("LEASE_MS", "1000"),
    ];
    let handled = Handled::default();
    let mut server = start(&env, &handled).await;
    let acked = Arc::new(AtomicUsize::new(0));
    let sending = tokio::spawn({
        let acked = Arc::clone(&acked);
        let port: u16 = port.parse().unwrap();
        async move { send_all(&[port], &acked).await }
    });
    wait_for_third(&acked).await;
    server.start_kill().unwrap();
    server.wait().await.unwrap();
    // What was running when it died: the only events that may run twice.
    let inbox = Inbox::from(SqliteInbox::inspect(&path).unwrap());
    let running = inbox
        .list(Filter::new().state(EventState::Running).limit(100_000))
        .await
        .unwrap()
        .len();
    let pending = inbox.stats().await.unwrap().pending;
    assert!(pending > 0, "the handlers lag behind at the kill");
    drop(inbox);
    let _server = start(&env, &handled).await;
    sending.await.unwrap();
    let inbox = Inbox::from(SqliteInbox::inspect(&path).unwrap());
    check(&handled, &inbox, running).await;
    let _ = std::fs::remove_dir_all(&dir);
}

#[cfg(feature = "postgres")]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_a_receiver_and_a_worker_killed_mid_run_lose_nothing() {
    let server = crate::postgres::Postgres::start();
    let url = server.database();
    // The tables exist before four processes race to make them.
    let inbox = Inbox::postgres(&url).await.unwrap();
    let handled = Handled::default();
    let (r1, r2) = (free_port(), free_port());
    let (p1, p2) = (r1.to_string(), r2.to_string());
    let common = [
        ("DATABASE_URL", url.as_str()),
        ("WORK_MS", "10"),
        ("WORKERS", "8"),
        ("LEASE_MS", "1000"),
    ];
    let with = |extra: &[(&'static str, &str)]| -> Vec<(String, String)> {
        common
            .iter()
            .chain(extra)
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    };
    let run = async |env: Vec<(String, String)>| {
        let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        start(&env, &handled).await
    };
    let mut receiver_1 = run(with(&[("INBOX_ROLE", "receive"), ("PORT", &p1)])).await;
    let _receiver_2 = run(with(&[("INBOX_ROLE", "receive"), ("PORT", &p2)])).await;
    let mut worker_1 = run(with(&[("INBOX_ROLE", "work"), ("PORT", "0")])).await;
    let _worker_2 = run(with(&[("INBOX_ROLE", "work"), ("PORT", "0")])).await;
    let acked = Arc::new(AtomicUsize::new(0));
    let sending = tokio::spawn({
        let acked = Arc::clone(&acked);
        async move { send_all(&[r1, r2], &acked).await }
    });
    wait_for_third(&acked).await;
    receiver_1.start_kill().unwrap();
    worker_1.start_kill().unwrap();
    receiver_1.wait().await.unwrap();
    worker_1.wait().await.unwrap();
    let running = inbox
        .list(Filter::new().state(EventState::Running).limit(100_000))
        .await
        .unwrap()
        .len();
    sending.await.unwrap();
    check(&handled, &inbox, running).await;
}
