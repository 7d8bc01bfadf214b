//! The load of `benches/loopback/inbox.sh`: CONNECTIONS keep-alive HTTP/1.1 connections to
//! 127.0.0.1, each POSTing Xero batches signed on the fly, every one different (so that an
//! inbox stores each), for DURATION seconds. Prints one line: requests/s, p50 and p99 in ms,
//! how many answers were not 200, and how many were 200.
//!
//! `durable_load <url> <key> <connections> <seconds>`

use std::{
    sync::atomic::{AtomicU64, Ordering},
    time::{Duration, Instant},
};

use tokio::{
    io::{AsyncReadExt, AsyncWriteExt},
    net::TcpStream,
};
use tower_webhooks::test_util::{Provider, Signer};

static NEXT: AtomicU64 = AtomicU64::new(0);

fn body() -> String {
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    let events: Vec<String> = (0..4)
        .map(|e| {
            format!(
                r#"{{"resourceUrl":"https://api.xero.com/api.xro/2.0/Invoices/{n}-{e}","resourceId":"{n}-{e}","eventDateUtc":"2026-12-01T10:00:00.000","eventType":"UPDATE","eventCategory":"INVOICE","tenantId":"tenant-a","tenantType":"ORGANISATION"}}"#
            )
        })
        .collect();
    format!(
        r#"{{"events":[{}],"firstEventSequence":1,"lastEventSequence":4,"entropy":"E{n}"}}"#,
        events.join(",")
    )
}

/// Reads one response; its status, or `None` if the connection closed.
async fn response(stream: &mut TcpStream, buffer: &mut Vec<u8>) -> Option<u16> {
    loop {
        if let Some(end) = buffer.windows(4).position(|w| w == b"\r\n\r\n") {
            let head = std::str::from_utf8(&buffer[..end])
                .ok()?
                .to_ascii_lowercase();
            let status = head.split_whitespace().nth(1)?.parse().ok()?;
            let length: usize = head
                .lines()
                .find_map(|line| line.strip_prefix("content-length:"))
                .map_or(0, |v| v.trim().parse().unwrap_or(0));
            let total = end + 4 + length;
            while buffer.len() < total {
                let mut chunk = [0; 4096];
                let n = stream.read(&mut chunk).await.ok()?;
                if n == 0 {
                    return None;
                }
                buffer.extend_from_slice(&chunk[..n]);
            }
            buffer.drain(..total);
            return Some(status);
        }
        let mut chunk = [0; 4096];
        let n = stream.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        buffer.extend_from_slice(&chunk[..n]);
    }
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let args: Vec<String> = std::env::args().collect();
    let [_, url, key, connections, seconds] = &args[..] else {
        eprintln!("usage: durable_load <url> <key> <connections> <seconds>");
        std::process::exit(2);
    };
    let url: http::Uri = url.parse().expect("a URL");
    let address = format!("{}:{}", url.host().unwrap(), url.port_u16().unwrap());
    let path = url.path().to_owned();
    let connections: usize = connections.parse().expect("a number of connections");
    let until = Instant::now() + Duration::from_secs(seconds.parse().expect("seconds"));
    let signer = Signer::new(Provider::Xero, key.as_str());
    let tasks: Vec<_> = (0..connections)
        .map(|_| {
            let (address, path, signer) = (address.clone(), path.clone(), signer.clone());
            tokio::spawn(async move {
                let mut latencies = Vec::new();
                let mut failed = 0u64;
                let mut stream = TcpStream::connect(&address).await.unwrap();
                stream.set_nodelay(true).unwrap();
                let mut buffer = Vec::new();
                while Instant::now() < until {
                    let request = signer.request(body());
                    let mut bytes = format!(
                        "POST {path} HTTP/1.1\r\nhost: {address}\r\ncontent-type: application/json\r\ncontent-length: {}\r\n",
                        request.body().len()
                    )
                    .into_bytes();
                    for (name, value) in request.headers() {
                        bytes.extend_from_slice(name.as_str().as_bytes());
                        bytes.extend_from_slice(b": ");
                        bytes.extend_from_slice(value.as_bytes());
                        bytes.extend_from_slice(b"\r\n");
                    }
                    bytes.extend_from_slice(b"\r\n");
                    bytes.extend_from_slice(request.body());
                    let sent = Instant::now();
                    if stream.write_all(&bytes).await.is_err() {
                        break;
                    }
                    match response(&mut stream, &mut buffer).await {
                        Some(200) => latencies.push(sent.elapsed()),
                        Some(_) => failed += 1,
                        None => break,
                    }
                }
                (latencies, failed)
            })
        })
        .collect();
    let began = Instant::now();
    let mut latencies = Vec::new();
    let mut failed = 0;
    for task in tasks {
        let (mine, my_failed) = task.await.unwrap();
        latencies.extend(mine);
        failed += my_failed;
    }
    let elapsed = began.elapsed().as_secs_f64();
    latencies.sort_unstable();
    let at = |q: f64| {
        latencies
            .get(((latencies.len() as f64 * q) as usize).min(latencies.len().saturating_sub(1)))
            .map_or(0.0, |d| d.as_secs_f64() * 1000.0)
    };
    println!(
        "{:.0} {:.2} {:.2} {} {}",
        latencies.len() as f64 / elapsed,
        at(0.50),
        at(0.99),
        failed,
        latencies.len()
    );
}
