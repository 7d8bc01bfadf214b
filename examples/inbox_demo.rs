//! The inbox's demo: `cargo run --example inbox_demo --features inbox`.
//!
//! With no set-up, starts the inbox example's receiver (this program again, in a process of
//! its own) on a free loopback port with a SQLite inbox in a temporary directory, slow handlers
//! (150 ms an event, 2 at a time) and one event that fails its first attempt. It sends signed
//! Xero batches, which are acknowledged in milliseconds, before they are handled; kills the
//! receiver with SIGKILL while most events wait; starts it again; and waits until every
//! acknowledged event is handled. Exits non-zero if one is lost.

use std::{
    collections::HashMap,
    process::{ExitCode, Stdio},
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};

use http_body_util::Full;
use hyper_util::{client::legacy::Client, rt::TokioExecutor};
use tokio::{
    io::{AsyncBufReadExt, BufReader},
    process::{Child, Command},
};
use tower_webhooks::test_util::{Provider, Signer};

#[path = "support/inbox_server.rs"]
mod inbox_server;
#[path = "support/serve.rs"]
mod support;

const DELIVERIES: usize = 12;
const FAILING: &str = "demo-3-1";

/// Handled events by resource, each with its attempts.
type Handled = Arc<Mutex<HashMap<String, Vec<u32>>>>;

#[tokio::main]
async fn main() -> ExitCode {
    if std::env::var_os("INBOX_DEMO_RECEIVER").is_some() {
        tracing_subscriber::fmt()
            .with_max_level(tracing::Level::INFO)
            .with_writer(std::io::stderr)
            .with_ansi(false)
            .init();
        return match inbox_server::run().await {
            Ok(()) => ExitCode::SUCCESS,
            Err(code) => code,
        };
    }
    demo().await
}

fn delivery(d: usize) -> String {
    let events: Vec<String> = (0..2)
        .map(|e| {
            format!(
                r#"{{"resourceUrl":"https://api.xero.com/api.xro/2.0/Invoices/demo-{d}-{e}","resourceId":"demo-{d}-{e}","eventDateUtc":"2026-12-01T10:00:00.000","eventType":"UPDATE","eventCategory":"INVOICE","tenantId":"demo-tenant","tenantType":"ORGANISATION"}}"#
            )
        })
        .collect();
    format!(
        r#"{{"events":[{}],"firstEventSequence":1,"lastEventSequence":2,"entropy":"D{d}"}}"#,
        events.join(",")
    )
}

/// Starts the receiver and returns once it listens; its handled events go into `handled`.
async fn receiver(env: &[(&str, String)], handled: &Handled) -> Child {
    let mut child = Command::new(std::env::current_exe().expect("this program's path"))
        .env("INBOX_DEMO_RECEIVER", "1")
        .envs(env.iter().map(|(k, v)| (*k, v.as_str())))
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .expect("the receiver starts");
    let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
    let handled = Arc::clone(handled);
    let (ready, listening) = tokio::sync::oneshot::channel();
    tokio::spawn(async move {
        let mut ready = Some(ready);
        while let Ok(Some(line)) = lines.next_line().await {
            let field = |name: &str| {
                let at = line.find(&format!("{name}="))? + name.len() + 1;
                line[at..].split_whitespace().next().map(str::to_owned)
            };
            if line.contains("listening on") {
                if let Some(ready) = ready.take() {
                    let _ = ready.send(());
                }
            } else if line.contains("simulated failure (FAIL_RESOURCE)") {
                println!(
                    "  receiver: {} failed on attempt 1 (a handler error): retried later",
                    field("resource").unwrap_or_default()
                );
            } else if line.contains("handled Xero event")
                && let (Some(resource), Some(attempt)) = (field("resource"), field("attempt"))
            {
                let attempt: u32 = attempt.parse().unwrap_or(0);
                if resource == FAILING {
                    println!("  receiver: {resource} handled on attempt {attempt}");
                } else if attempt > 1 {
                    println!(
                        "  receiver: {resource} handled on attempt {attempt} (it was running \
                             at the kill: taken again once its lease ran out)"
                    );
                }
                handled
                    .lock()
                    .unwrap()
                    .entry(resource)
                    .or_default()
                    .push(attempt);
            }
        }
    });
    tokio::time::timeout(Duration::from_secs(30), listening)
        .await
        .expect("the receiver listens within 30 s")
        .expect("the receiver listens");
    child
}

async fn demo() -> ExitCode {
    let dir =
        std::env::temp_dir().join(format!("tower-webhooks-inbox-demo-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("a temporary directory");
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .expect("a free loopback port")
        .port();
    let key = format!("demo-key-{}-{:?}", std::process::id(), Instant::now());
    let env = [
        ("XERO_WEBHOOK_KEY", key.clone()),
        ("PORT", port.to_string()),
        ("INBOX_PATH", dir.join("webhooks.db").display().to_string()),
        ("WORK_MS", "150".into()),
        ("WORKERS", "2".into()),
        ("LEASE_MS", "2000".into()),
        ("RETRY_DELAY_MS", "300".into()),
        ("FAIL_RESOURCE", FAILING.into()),
    ];
    let handled = Handled::default();
    let mut child = receiver(&env, &handled).await;
    println!("Xero receiver with a SQLite inbox on http://127.0.0.1:{port}/webhooks/xero");
    println!("(handlers take 150 ms an event, 2 at a time; {FAILING} fails its first attempt)\n");

    let client = Client::builder(TokioExecutor::new()).build_http::<Full<bytes::Bytes>>();
    let signer = Signer::new(Provider::Xero, key.as_str());
    let mut slowest = Duration::ZERO;
    for d in 0..DELIVERIES {
        let (mut parts, body) = signer.request(delivery(d)).into_parts();
        parts.uri = format!("http://127.0.0.1:{port}/webhooks/xero")
            .parse()
            .unwrap();
        let sent = Instant::now();
        let response = client
            .request(http::Request::from_parts(parts, Full::new(body)))
            .await
            .expect("the receiver answers");
        slowest = slowest.max(sent.elapsed());
        assert_eq!(response.status(), http::StatusCode::OK);
    }
    let events = DELIVERIES * 2;
    println!(
        "POST {DELIVERIES} signed batches ({events} events) -> 200 OK each, the slowest in {:.1} ms: stored, not yet handled",
        slowest.as_secs_f64() * 1000.0
    );
    tokio::time::sleep(Duration::from_millis(700)).await;
    let before = handled.lock().unwrap().len();
    child.start_kill().expect("SIGKILL");
    let _ = child.wait().await;
    println!("SIGKILL the receiver with {before} of {events} events handled; the rest are on disk");
    let mut child = receiver(&env, &handled).await;
    println!("started it again on the same inbox\n");

    let deadline = Instant::now() + Duration::from_secs(60);
    while handled.lock().unwrap().len() < events && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let _ = Command::new("kill")
        .arg(child.id().map_or(String::new(), |id| id.to_string()))
        .status()
        .await;
    let _ = tokio::time::timeout(Duration::from_secs(15), child.wait()).await;
    let handled = handled.lock().unwrap().clone();
    let _ = std::fs::remove_dir_all(&dir);
    let twice = handled
        .values()
        .filter(|attempts| attempts.len() > 1)
        .count();
    let retried = handled
        .get(FAILING)
        .is_some_and(|attempts| attempts.contains(&2));
    println!(
        "{} of {events} acknowledged events handled, none lost; {twice} handled again after the kill (at least once: they were running when it died)",
        handled.len()
    );
    if handled.len() == events && retried {
        println!("{FAILING} failed once and was handled on its second attempt");
        ExitCode::SUCCESS
    } else {
        eprintln!("error: events were lost, or the failing one was not retried");
        ExitCode::FAILURE
    }
}
