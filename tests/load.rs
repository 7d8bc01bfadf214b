//! Load and fault test: a real server on 127.0.0.1 behind `WebhookSignatureLayer` and the
//! idempotency stage, 32 concurrent clients, 20,000 Stripe deliveries of which 5% are forged,
//! 5% are duplicates (half of them sent at the same moment as their original), 1% oversize and
//! 1% trickled in too slowly. Every forged one must get 401, every valid one be handled exactly
//! once, and nothing else may get a 5xx. Then the same against Redis, killed and restarted in
//! the middle: clients retry a 503 as a provider would, and still nothing is handled twice and
//! nothing acknowledged is lost. `LOAD_DELIVERIES` changes the count (default 20,000).
//!
//! It prints its figures (`cargo test --all-features --test load -- --nocapture`).

mod signer;

use std::{
    collections::HashMap,
    sync::{
        Arc, Mutex,
        atomic::{AtomicUsize, Ordering},
    },
    time::{Duration, Instant, SystemTime, UNIX_EPOCH},
};

use axum::{Router, body::Bytes, http::StatusCode, routing::post};
use http_body_util::{BodyExt as _, Full};
use hyper_util::{client::legacy::Client, rt::TokioExecutor};
use tokio::{
    io::{AsyncReadExt as _, AsyncWriteExt as _},
    net::TcpStream,
    sync::Semaphore,
};
use tower_webhooks::{
    VerifiedJson, WebhookSignatureLayer,
    idempotency::{IdempotencyLayer, MemoryStore, Store},
    layer::MemoryBudget,
    stripe::Stripe,
    test_util::{Provider, Signer},
    twilio::Twilio,
    xemelgo::Xemelgo,
};

const SECRET: &str = "whsec_load_test_secret";
const XEMELGO_SECRET: &str = "a-load-test-xemelgo-secret-of-some-length";
const TWILIO_TOKEN: &str = "load-test-twilio-auth-token";
const CLIENTS: usize = 32;
const BODY_LIMIT: usize = 16 * 1024;
const BODY_TIMEOUT: Duration = Duration::from_millis(300);
const HEADER_READ_TIMEOUT: Duration = Duration::from_secs(1);
/// The memory budget of the attacked server's layers, and what the test allows on top of it
/// for itself (its clients, their connections, the runtime, the allocator).
const BUDGET: usize = 32 * 1024 * 1024;
const ALLOWANCE_MIB: u64 = 192;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Kind {
    Valid,
    Forged,
    Duplicate,
    Oversize,
    Slow,
}

#[derive(Debug, Clone)]
struct Delivery {
    kind: Kind,
    id: String,
    body: String,
    signature: String,
}

/// Handled event ids and how often each was handled.
type Handled = Arc<Mutex<HashMap<String, usize>>>;

fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

fn signed(id: &str, secret: &str, padding: usize) -> (String, String) {
    let body = format!(
        r#"{{"id":"{id}","type":"invoice.paid","data":{{"amount":1000,"pad":"{}"}}}}"#,
        "x".repeat(padding)
    );
    let ts = now();
    let mac = signer::hmac_sha256(secret.as_bytes(), format!("{ts}.{body}").as_bytes());
    (body, format!("t={ts},v1={}", signer::hex(&mac)))
}

/// The plan: which delivery is what, in sending order. Duplicates repeat an earlier valid id;
/// every other one of them goes out right beside its original.
fn plan(total: usize) -> Vec<Delivery> {
    let mut deliveries = Vec::with_capacity(total);
    let mut valid_ids = Vec::new();
    for i in 0..total {
        let kind = match i % 100 {
            0..=4 => Kind::Forged,
            5..=9 if !valid_ids.is_empty() => Kind::Duplicate,
            10 => Kind::Oversize,
            11 => Kind::Slow,
            _ => Kind::Valid,
        };
        let delivery = match kind {
            Kind::Duplicate => {
                // Every other duplicate repeats the delivery just sent, likely still in flight.
                let pick = if i % 2 == 0 {
                    valid_ids.len() - 1
                } else {
                    (i * 7919) % valid_ids.len()
                };
                let original: &Delivery = &deliveries[valid_ids[pick]];
                Delivery {
                    kind,
                    ..original.clone()
                }
            }
            _ => {
                let id = format!("evt_{i:06}");
                let (secret, padding) = match kind {
                    Kind::Forged => ("whsec_not_the_secret", 64),
                    Kind::Oversize => (SECRET, BODY_LIMIT + 1),
                    _ => (SECRET, 64),
                };
                let (body, signature) = signed(&id, secret, padding);
                Delivery {
                    kind,
                    id,
                    body,
                    signature,
                }
            }
        };
        if kind == Kind::Valid {
            valid_ids.push(deliveries.len());
        }
        deliveries.push(delivery);
    }
    deliveries
}

/// The server: Stripe deliveries (with the idempotency stage) at `/webhooks/stripe`, and, for
/// the attacks, Xemelgo at `/webhooks/xemelgo` and Twilio (deduplicated too) at
/// `/webhooks/twilio`, every layer sharing one memory budget of [`BUDGET`].
async fn server(store: impl Store + Clone) -> (String, Handled, Arc<AtomicUsize>) {
    let handled = Handled::default();
    let record = {
        let handled = handled.clone();
        move |VerifiedJson(event): VerifiedJson<serde_json::Value>| {
            let handled = handled.clone();
            async move {
                let id = event["id"].as_str().unwrap_or_default().to_owned();
                *handled.lock().unwrap().entry(id).or_default() += 1;
                // Some work, as a real handler does: a duplicate sent right behind its original
                // then arrives while the original is still running.
                tokio::time::sleep(Duration::from_millis(2)).await;
                StatusCode::OK
            }
        }
    };
    let budget = MemoryBudget::new(BUDGET);
    let twilio_runs = Arc::new(AtomicUsize::new(0));
    let count_twilio = {
        let runs = Arc::clone(&twilio_runs);
        move || {
            runs.fetch_add(1, Ordering::SeqCst);
            async { StatusCode::OK }
        }
    };
    let app = Router::new()
        .route("/webhooks/stripe", post(record))
        // A short lease: a claim orphaned by a Redis kill (its reply lost) frees up in seconds.
        .route_layer(IdempotencyLayer::new(store.clone()).lease(Duration::from_secs(2)))
        .route_layer(
            WebhookSignatureLayer::new(Stripe::new(SECRET))
                .body_limit(BODY_LIMIT)
                .body_timeout(BODY_TIMEOUT)
                .memory_budget(budget.clone()),
        )
        .merge(
            Router::new()
                .route("/webhooks/xemelgo", post(|| async { StatusCode::OK }))
                .route_layer(
                    WebhookSignatureLayer::new(Xemelgo::new(XEMELGO_SECRET).unwrap())
                        .memory_budget(budget.clone()),
                ),
        )
        .merge(
            Router::new()
                .route("/webhooks/twilio", post(count_twilio))
                .route_layer(IdempotencyLayer::new(store))
                .route_layer(
                    WebhookSignatureLayer::new(Twilio::new(TWILIO_TOKEN)).memory_budget(budget),
                ),
        );
    (serve(app).await, handled, twilio_runs)
}

/// Serves `app` on a free loopback port as the example servers do: a header read timeout (1 s
/// here, to keep the test short), a 64 KiB head buffer, 32 HTTP/2 streams per connection.
async fn serve(app: Router) -> String {
    use hyper_util::{
        rt::{TokioIo, TokioTimer},
        server::conn::auto,
        service::TowerToHyperService,
    };
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let mut builder = auto::Builder::new(TokioExecutor::new());
    builder
        .http1()
        .timer(TokioTimer::new())
        .header_read_timeout(HEADER_READ_TIMEOUT)
        .max_buf_size(64 * 1024);
    builder
        .http2()
        .timer(TokioTimer::new())
        .max_concurrent_streams(32);
    tokio::spawn(async move {
        loop {
            let Ok((stream, _)) = listener.accept().await else {
                continue;
            };
            let (builder, service) = (builder.clone(), TowerToHyperService::new(app.clone()));
            tokio::spawn(async move {
                let _ = builder
                    .serve_connection(TokioIo::new(stream), service)
                    .await;
            });
        }
    });
    format!("127.0.0.1:{}", addr.port())
}

/// Sends a delivery byte by byte, slower than the body deadline; returns the status.
async fn send_slowly(addr: &str, delivery: &Delivery) -> u16 {
    let mut stream = TcpStream::connect(addr).await.unwrap();
    let head = format!(
        "POST /webhooks/stripe HTTP/1.1\r\nhost: {addr}\r\ncontent-type: application/json\r\nstripe-signature: {}\r\ncontent-length: {}\r\n\r\n",
        delivery.signature,
        delivery.body.len()
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    let mut response = Vec::new();
    for chunk in delivery.body.as_bytes().chunks(16) {
        if stream.write_all(chunk).await.is_err() {
            break;
        }
        let mut buf = [0u8; 512];
        if let Ok(Ok(n)) =
            tokio::time::timeout(Duration::from_millis(60), stream.read(&mut buf)).await
        {
            response.extend_from_slice(&buf[..n]);
            break;
        }
    }
    if response.is_empty() {
        let mut buf = [0u8; 512];
        let n = tokio::time::timeout(Duration::from_secs(5), stream.read(&mut buf))
            .await
            .expect("an answer to the slow client")
            .unwrap();
        response.extend_from_slice(&buf[..n]);
    }
    let text = String::from_utf8_lossy(&response);
    text.get(9..12).and_then(|s| s.parse().ok()).unwrap_or(0)
}

#[derive(Debug, Default)]
struct Figures {
    by_outcome: HashMap<(Kind, u16), usize>,
    latencies: Vec<Duration>,
    retries_503: usize,
    conflicts_409: usize,
}

/// Sends every delivery with `CLIENTS` in flight; a 503 or 409 (or a dropped connection) is
/// retried as a provider would, up to 200 times, 50 ms apart. Returns what came back.
async fn run(
    addr: &str,
    deliveries: Vec<Delivery>,
    mid_way: impl FnOnce() + Send + 'static,
) -> Figures {
    let client: Client<_, Full<Bytes>> = Client::builder(TokioExecutor::new()).build_http();
    let gate = Arc::new(Semaphore::new(CLIENTS));
    let figures = Arc::new(Mutex::new(Figures::default()));
    let half = deliveries.len() / 2;
    let mut mid_way = Some(mid_way);
    let mut tasks = Vec::with_capacity(deliveries.len());
    for (n, delivery) in deliveries.into_iter().enumerate() {
        if n == half
            && let Some(hook) = mid_way.take()
        {
            hook();
        }
        let permit = Arc::clone(&gate).acquire_owned().await.unwrap();
        let (client, figures, addr) = (client.clone(), Arc::clone(&figures), addr.to_owned());
        tasks.push(tokio::spawn(async move {
            let _permit = permit;
            let started = Instant::now();
            let mut status;
            let mut attempts = 0;
            loop {
                status = if delivery.kind == Kind::Slow {
                    send_slowly(&addr, &delivery).await
                } else {
                    let request = http::Request::post(format!("http://{addr}/webhooks/stripe"))
                        .header("content-type", "application/json")
                        .header("stripe-signature", &delivery.signature)
                        .body(Full::new(Bytes::from(delivery.body.clone())))
                        .unwrap();
                    match client.request(request).await {
                        Ok(response) => {
                            let status = response.status().as_u16();
                            let _ = response.into_body().collect().await;
                            status
                        }
                        Err(_) => 0, // the connection was closed under us: count it, retry
                    }
                };
                attempts += 1;
                if matches!(status, 503 | 409 | 0) && attempts < 200 {
                    match status {
                        503 => figures.lock().unwrap().retries_503 += 1,
                        409 => figures.lock().unwrap().conflicts_409 += 1,
                        _ => {}
                    }
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
                break;
            }
            let mut figures = figures.lock().unwrap();
            *figures
                .by_outcome
                .entry((delivery.kind, status))
                .or_default() += 1;
            figures.latencies.push(started.elapsed());
        }));
    }
    for task in tasks {
        task.await.unwrap();
    }
    Arc::into_inner(figures).unwrap().into_inner().unwrap()
}

fn peak_rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
        })
        .unwrap_or(0)
}

fn check(name: &str, plan: &[Delivery], figures: &mut Figures, handled: &Handled) -> Duration {
    let count = |kind: Kind, status: u16| {
        figures
            .by_outcome
            .get(&(kind, status))
            .copied()
            .unwrap_or(0)
    };
    let planned = |kind: Kind| plan.iter().filter(|d| d.kind == kind).count();
    figures.latencies.sort();
    let p = |q: f64| figures.latencies[((figures.latencies.len() - 1) as f64 * q) as usize];
    let mut outcomes: Vec<_> = figures.by_outcome.iter().collect();
    outcomes.sort_by_key(|((kind, status), _)| (format!("{kind:?}"), *status));
    println!("== {name}: {} deliveries, {CLIENTS} clients", plan.len());
    for ((kind, status), n) in outcomes {
        println!("   {kind:?} -> {status}: {n}");
    }
    println!(
        "   latency p50 {:?}, p99 {:?}; retried: {} after 503, {} after 409 (a duplicate beside its running original); peak RSS {} MiB",
        p(0.50),
        p(0.99),
        figures.retries_503,
        figures.conflicts_409,
        peak_rss_kib() / 1024
    );

    assert_eq!(
        count(Kind::Forged, 401),
        planned(Kind::Forged),
        "{name}: every forged one is 401"
    );
    assert_eq!(
        count(Kind::Oversize, 413),
        planned(Kind::Oversize),
        "{name}: oversize is 413"
    );
    assert_eq!(
        count(Kind::Slow, 408),
        planned(Kind::Slow),
        "{name}: slow is 408"
    );
    assert_eq!(
        count(Kind::Valid, 200),
        planned(Kind::Valid),
        "{name}: every valid one acknowledged"
    );
    // A duplicate is acknowledged (200) or, beside its running original, told to retry (409).
    assert_eq!(
        count(Kind::Duplicate, 200) + count(Kind::Duplicate, 409),
        planned(Kind::Duplicate),
        "{name}: duplicates"
    );
    let handled = handled.lock().unwrap();
    let valid: Vec<&Delivery> = plan.iter().filter(|d| d.kind == Kind::Valid).collect();
    for delivery in &valid {
        assert_eq!(
            handled.get(&delivery.id),
            Some(&1),
            "{name}: {} handled once",
            delivery.id
        );
    }
    assert_eq!(
        handled.len(),
        valid.len(),
        "{name}: nothing but valid deliveries handled"
    );
    let server_errors: usize = figures
        .by_outcome
        .iter()
        .filter(|((_, status), _)| *status >= 500 || *status == 0)
        .map(|(_, n)| n)
        .sum();
    assert_eq!(server_errors, 0, "{name}: no 5xx left after retries");
    p(0.99)
}

/// What the attackers saw.
#[derive(Debug, Default)]
struct Attack {
    forged: usize,
    forged_accepted: usize,
    reencodings: usize,
    reencodings_acknowledged: usize,
    slow_heads: usize,
    slow_heads_closed: usize,
    h2_streams: usize,
    h2_refused: usize,
    h2_accepted: usize,
}

/// Attackers beside the legitimate traffic, each bounded in count: forged Xemelgo bodies of
/// nested arrays (the `JSON.stringify` fallback's worst case, under and over its size limit),
/// forged Twilio forms of the most parameters it takes and more, re-encodings of one captured
/// Twilio request, request heads trickled in a byte at a time, and one h2c connection opening
/// hundreds of streams of forged Stripe deliveries.
async fn attack(addr: String) -> Attack {
    let http1: Client<_, Full<Bytes>> = Client::builder(TokioExecutor::new()).build_http();
    let h2c: Client<_, Full<Bytes>> = Client::builder(TokioExecutor::new())
        .http2_only(true)
        .build_http();
    let post = |client: &Client<_, Full<Bytes>>,
                path: &str,
                headers: Vec<(String, String)>,
                body: Vec<u8>| {
        let mut request = http::Request::post(format!("http://{addr}{path}"));
        for (name, value) in headers {
            request = request.header(name, value);
        }
        let request = request.body(Full::new(Bytes::from(body))).unwrap();
        let client = client.clone();
        async move {
            match client.request(request).await {
                Ok(response) => {
                    let status = response.status().as_u16();
                    let _ = response.into_body().collect().await;
                    status
                }
                Err(_) => 0,
            }
        }
    };
    let mut figures = Attack::default();

    // Forged Xemelgo and Twilio bodies, 8 at a time.
    let nested = |size: usize| {
        let unit = format!("{}{},", "[ ".repeat(126), "]".repeat(126));
        let mut body = String::from("[");
        while body.len() + unit.len() < size {
            body.push_str(&unit);
        }
        body.pop();
        body.push(']');
        body.into_bytes()
    };
    let form = |params: usize| vec!["a=1"; params].join("&").into_bytes();
    let mut forged = Vec::new();
    for n in 0..300 {
        forged.push(match n % 4 {
            0 => (
                "/webhooks/xemelgo",
                ("xemelgo-signature", format!("sha256={}", "0".repeat(64))),
                nested(60 * 1024),
            ),
            1 => (
                "/webhooks/xemelgo",
                ("xemelgo-signature", format!("sha256={}", "0".repeat(64))),
                nested(512 * 1024),
            ),
            2 => (
                "/webhooks/twilio",
                ("x-twilio-signature", "A".repeat(27) + "="),
                form(127),
            ),
            _ => (
                "/webhooks/twilio",
                ("x-twilio-signature", "A".repeat(27) + "="),
                form(5_000),
            ),
        });
    }
    for batch in forged.chunks(8) {
        let sends = batch.iter().map(|(path, (name, value), body)| {
            let headers = vec![
                (name.to_string(), value.clone()),
                (
                    "content-type".into(),
                    "application/x-www-form-urlencoded".into(),
                ),
            ];
            post(&http1, path, headers, body.clone())
        });
        for status in futures_join(sends).await {
            figures.forged += 1;
            figures.forged_accepted += usize::from((200..300).contains(&status));
        }
    }

    // One captured Twilio request, re-encoded: the same delivery every time.
    let signer =
        Signer::new(Provider::Twilio, TWILIO_TOKEN).url(&format!("http://{addr}/webhooks/twilio"));
    let body = "Body=hello+world&From=%2B15005550006&To=%2B15005550001";
    let signature = signer.headers(body.as_bytes())["x-twilio-signature"]
        .to_str()
        .unwrap()
        .to_owned();
    for reencoded in [
        body,
        "To=%2B15005550001&From=%2B15005550006&Body=hello+world",
        "Body=hell%6F+world&From=%2B15005550006&To=%2B15005550001",
        "Body=hello+world&From=%2b15005550006&To=%2B15005550001",
        "Body=hello+world&From=%2B15005550006&To=%2B15005550001&To=%2B15005550001",
    ]
    .iter()
    .cycle()
    .take(50)
    {
        let headers = vec![
            ("x-twilio-signature".into(), signature.clone()),
            (
                "content-type".into(),
                "application/x-www-form-urlencoded".into(),
            ),
        ];
        let status = post(
            &http1,
            "/webhooks/twilio",
            headers,
            reencoded.as_bytes().to_vec(),
        )
        .await;
        figures.reencodings += 1;
        figures.reencodings_acknowledged += usize::from(status == 200);
    }

    // Heads trickled in a byte every 100 ms: the header read timeout closes them.
    let slow: Vec<_> = (0..40)
        .map(|_| {
            let addr = addr.clone();
            tokio::spawn(async move {
                let mut stream = TcpStream::connect(&addr).await.unwrap();
                let _ = stream
                    .write_all(b"POST /webhooks/stripe HTTP/1.1\r\nHost: x\r\n")
                    .await;
                let started = Instant::now();
                while started.elapsed() < HEADER_READ_TIMEOUT * 4 {
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    if stream.write_all(b"X").await.is_err() {
                        return true;
                    }
                    let mut buf = [0u8; 64];
                    if let Ok(Ok(0) | Err(_)) =
                        tokio::time::timeout(Duration::from_millis(5), stream.read(&mut buf)).await
                    {
                        return true;
                    }
                }
                false
            })
        })
        .collect();

    // Hundreds of streams on one h2c connection, all forged.
    let streams = (0..400).map(|n| {
        let (_, signature) = signed(&format!("evt_h2_{n}"), "whsec_not_the_secret", 64);
        post(
            &h2c,
            "/webhooks/stripe",
            vec![("stripe-signature".into(), signature)],
            vec![b'{'; 1024],
        )
    });
    for status in futures_join(streams).await {
        figures.h2_streams += 1;
        figures.h2_refused += usize::from(status == 401);
        figures.h2_accepted += usize::from((200..300).contains(&status));
    }
    for task in slow {
        figures.slow_heads += 1;
        figures.slow_heads_closed += usize::from(task.await.unwrap());
    }
    figures
}

/// Runs every future at once and collects their outputs, in order.
async fn futures_join<F: std::future::Future<Output = u16> + Send + 'static>(
    futures: impl IntoIterator<Item = F>,
) -> Vec<u16> {
    let tasks: Vec<_> = futures.into_iter().map(tokio::spawn).collect();
    let mut out = Vec::with_capacity(tasks.len());
    for task in tasks {
        out.push(task.await.unwrap());
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn load_and_faults() {
    let total: usize = std::env::var("LOAD_DELIVERIES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(20_000);
    let rss_before = peak_rss_kib();

    let plan_memory = plan(total);
    let (addr, handled, _) = server(Arc::new(MemoryStore::default())).await;
    let mut figures = run(&addr, plan_memory.clone(), || {}).await;
    let calm_p99 = check("in memory", &plan_memory, &mut figures, &handled);
    assert!(
        figures.conflicts_409 > 0,
        "some duplicates arrived while their original was running"
    );
    let growth_mib = peak_rss_kib().saturating_sub(rss_before) / 1024;
    assert!(growth_mib < 256, "peak memory grew {growth_mib} MiB");

    // The same legitimate traffic with the attackers beside it.
    let plan_attacked = plan(total);
    let (addr, handled, twilio_runs) = server(Arc::new(MemoryStore::default())).await;
    let attackers = tokio::spawn(attack(addr.clone()));
    let mut figures = run(&addr, plan_attacked.clone(), || {}).await;
    let attack = attackers.await.unwrap();
    let attacked_p99 = check(
        "in memory, under attack",
        &plan_attacked,
        &mut figures,
        &handled,
    );
    let growth_mib = peak_rss_kib().saturating_sub(rss_before) / 1024;
    println!(
        "   attack: {} forged Xemelgo/Twilio bodies, {} accepted; {} Twilio re-encodings, {} acknowledged, handled {} time(s); {}/{} slow heads closed; {}/{} h2c streams refused 401\n   legitimate p99 {attacked_p99:?} under attack, {calm_p99:?} without; peak RSS growth {growth_mib} MiB (budget {} MiB + allowance {ALLOWANCE_MIB} MiB)",
        attack.forged,
        attack.forged_accepted,
        attack.reencodings,
        attack.reencodings_acknowledged,
        twilio_runs.load(Ordering::SeqCst),
        attack.slow_heads_closed,
        attack.slow_heads,
        attack.h2_refused,
        attack.h2_streams,
        BUDGET >> 20,
    );
    assert_eq!(attack.forged_accepted, 0, "no forged delivery accepted");
    assert_eq!(attack.reencodings_acknowledged, attack.reencodings);
    assert_eq!(
        twilio_runs.load(Ordering::SeqCst),
        1,
        "one Twilio delivery, handled once"
    );
    assert_eq!(
        attack.slow_heads_closed, attack.slow_heads,
        "every slow head closed"
    );
    // Each stream is a forgery: none may be accepted. (Nearly all get their 401; on a loaded
    // machine the client may give up on a few streams first.)
    assert_eq!(attack.h2_accepted, 0, "no forged h2c stream accepted");
    assert!(attack.h2_refused > 0, "the h2c streams were answered");
    assert!(
        growth_mib < (BUDGET >> 20) as u64 + ALLOWANCE_MIB,
        "peak memory grew {growth_mib} MiB"
    );

    #[cfg(feature = "redis")]
    {
        let server_process = Arc::new(Mutex::new(redis::Redis::start()));
        let url = server_process.lock().unwrap().url();
        let store = tower_webhooks::idempotency::RedisStore::connect(&url)
            .await
            .unwrap();
        let plan_redis = plan(total);
        let (addr, handled, _) = server(store).await;
        let killer = Arc::clone(&server_process);
        let mut figures = run(&addr, plan_redis.clone(), move || {
            // Kill Redis mid-way and bring it back 300 ms later, while deliveries keep coming.
            std::thread::spawn(move || {
                killer.lock().unwrap().kill();
                std::thread::sleep(Duration::from_millis(300));
                killer.lock().unwrap().restart();
            });
        })
        .await;
        assert!(
            figures.retries_503 > 0,
            "Redis was down for a while: some deliveries saw 503"
        );
        check(
            "redis, killed and restarted mid-way",
            &plan_redis,
            &mut figures,
            &handled,
        );
    }
}

#[cfg(feature = "redis")]
mod redis;
