//! Hostile clients against a real server on 127.0.0.1, spoken to in raw HTTP/1.1 over a socket:
//! no signature (401 before the body is sent), an oversize `Content-Length` (413 before the body
//! is sent), a body trickled in too slowly (408 and the connection closed), and a handler that
//! panics (an empty 500, and the server keeps serving).

use std::time::{Duration, Instant};

use crate::signer::{NOW, Preset};
use axum::{Router, routing::post};
use tokio::{
    io::{AsyncReadExt as _, AsyncWriteExt as _},
    net::TcpStream,
};
use tower_webhooks::{Clock, WebhookSignatureLayer, slack::Slack, xero::Xero};

const SECRET: &str = "slack-hostile-secret";
const BODY_TIMEOUT: Duration = Duration::from_millis(400);

async fn server() -> String {
    let slack = Slack::new(SECRET).with_clock(Clock::fixed(
        std::time::UNIX_EPOCH + Duration::from_secs(NOW),
    ));
    async fn ok() -> &'static str {
        "handled"
    }
    async fn boom() -> &'static str {
        panic!("the handler failed")
    }
    let layer = WebhookSignatureLayer::new(slack)
        .body_limit(1024)
        .body_timeout(BODY_TIMEOUT);
    let xero = WebhookSignatureLayer::new(Xero::new(SECRET));
    let app = Router::new()
        .route("/hook", post(ok))
        .route("/boom", post(boom))
        .route_layer(layer)
        .merge(
            Router::new()
                .route("/xero-boom", post(boom))
                .route_layer(xero),
        );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    addr.to_string()
}

/// Reads one response head (and whatever body came with it) within `limit`.
async fn read_response(stream: &mut TcpStream, limit: Duration) -> String {
    let mut buf = vec![0u8; 4096];
    let mut got = Vec::new();
    let deadline = Instant::now() + limit;
    while !String::from_utf8_lossy(&got).contains("\r\n\r\n") {
        let left = deadline.saturating_duration_since(Instant::now());
        let n = tokio::time::timeout(left, stream.read(&mut buf))
            .await
            .expect("a response within the limit")
            .unwrap();
        assert!(
            n > 0,
            "connection closed before a response: {:?}",
            String::from_utf8_lossy(&got)
        );
        got.extend_from_slice(&buf[..n]);
    }
    String::from_utf8_lossy(&got).into_owned()
}

fn slack_headers(body: &str) -> String {
    let d = crate::signer::sign(Preset::Slack, &[SECRET], body, NOW, "msg_1");
    d.head
        .headers
        .iter()
        .filter(|(name, _)| name.as_str().starts_with("x-slack"))
        .map(|(name, value)| format!("{name}: {}\r\n", value.to_str().unwrap()))
        .collect()
}

#[tokio::test]
async fn a_missing_signature_is_refused_before_the_body_is_sent() {
    let addr = server().await;
    let mut stream = TcpStream::connect(&addr).await.unwrap();
    // Headers only: a 1000-byte body is announced and never sent.
    stream
        .write_all(b"POST /hook HTTP/1.1\r\nhost: x\r\ncontent-length: 1000\r\n\r\n")
        .await
        .unwrap();
    let response = read_response(&mut stream, Duration::from_secs(5)).await;
    assert!(response.starts_with("HTTP/1.1 401"), "{response}");
}

#[tokio::test]
async fn an_oversize_content_length_is_refused_before_the_body_is_sent() {
    let addr = server().await;
    let mut stream = TcpStream::connect(&addr).await.unwrap();
    let head = format!(
        "POST /hook HTTP/1.1\r\nhost: x\r\ncontent-length: 1000000\r\n{}\r\n",
        slack_headers("{}")
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    let response = read_response(&mut stream, Duration::from_secs(5)).await;
    assert!(response.starts_with("HTTP/1.1 413"), "{response}");
}

#[tokio::test]
async fn a_body_that_trickles_in_gets_408_and_the_connection_is_closed() {
    let addr = server().await;
    let body = "{\"text\":\"slow\"}";
    let mut stream = TcpStream::connect(&addr).await.unwrap();
    let head = format!(
        "POST /hook HTTP/1.1\r\nhost: x\r\ncontent-length: {}\r\n{}\r\n",
        body.len(),
        slack_headers(body)
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    let started = Instant::now();
    // One byte every 100 ms: the whole body would take 1.5 s, past the 400 ms deadline.
    let mut response = String::new();
    for byte in body.bytes() {
        if stream.write_all(&[byte]).await.is_err() {
            break;
        }
        let mut buf = [0u8; 1024];
        if let Ok(Ok(n)) =
            tokio::time::timeout(Duration::from_millis(100), stream.read(&mut buf)).await
        {
            response.push_str(&String::from_utf8_lossy(&buf[..n]));
            break;
        }
    }
    if response.is_empty() {
        response = read_response(&mut stream, Duration::from_secs(5)).await;
    }
    let elapsed = started.elapsed();
    assert!(response.starts_with("HTTP/1.1 408"), "{response}");
    assert!(
        response.to_ascii_lowercase().contains("connection: close"),
        "{response}"
    );
    assert!(elapsed >= BODY_TIMEOUT, "answered after {elapsed:?}");
    // The server closes the connection: reads end (0 bytes, or a reset).
    let mut rest = [0u8; 64];
    let closed = tokio::time::timeout(Duration::from_secs(5), stream.read(&mut rest)).await;
    assert!(
        matches!(closed, Ok(Ok(0)) | Ok(Err(_))),
        "still open: {closed:?}"
    );
}

#[tokio::test]
async fn a_complete_body_within_the_deadline_is_handled() {
    let addr = server().await;
    let body = "{\"text\":\"fast\"}";
    let mut stream = TcpStream::connect(&addr).await.unwrap();
    let request = format!(
        "POST /hook HTTP/1.1\r\nhost: x\r\ncontent-length: {}\r\n{}\r\n{body}",
        body.len(),
        slack_headers(body)
    );
    stream.write_all(request.as_bytes()).await.unwrap();
    let response = read_response(&mut stream, Duration::from_secs(5)).await;
    assert!(response.starts_with("HTTP/1.1 200"), "{response}");
}

#[tokio::test]
async fn a_panicking_handler_gives_an_empty_500_and_the_server_keeps_serving() {
    let addr = server().await;
    for path in ["/boom", "/xero-boom"] {
        let body = "{\"events\":[]}";
        let headers = if path == "/boom" {
            slack_headers(body)
        } else {
            let d = crate::signer::sign(Preset::Xero, &[SECRET], body, NOW, "");
            format!(
                "x-xero-signature: {}\r\n",
                d.head.headers["x-xero-signature"].to_str().unwrap()
            )
        };
        let mut stream = TcpStream::connect(&addr).await.unwrap();
        let request = format!(
            "POST {path} HTTP/1.1\r\nhost: x\r\ncontent-length: {}\r\n{headers}\r\n{body}",
            body.len()
        );
        stream.write_all(request.as_bytes()).await.unwrap();
        let response = read_response(&mut stream, Duration::from_secs(5)).await;
        assert!(response.starts_with("HTTP/1.1 500"), "{path}: {response}");
        assert!(
            response.to_ascii_lowercase().contains("content-length: 0"),
            "{path}: {response}"
        );
        assert!(
            response.ends_with("\r\n\r\n"),
            "{path}: a body was sent: {response}"
        );
    }
    // The same server still answers.
    let body = "{}";
    let mut stream = TcpStream::connect(&addr).await.unwrap();
    let request = format!(
        "POST /hook HTTP/1.1\r\nhost: x\r\ncontent-length: {}\r\n{}\r\n{body}",
        body.len(),
        slack_headers(body)
    );
    stream.write_all(request.as_bytes()).await.unwrap();
    assert!(
        read_response(&mut stream, Duration::from_secs(5))
            .await
            .starts_with("HTTP/1.1 200")
    );
}
