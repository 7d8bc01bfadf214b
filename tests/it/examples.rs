//! The example servers, started as users start them, driven over HTTP by a Node client that
//! signs as each provider's documentation does (`tests/node/seed_client.mjs`); and the demo.
//!
//! `cargo test` builds the examples before it runs this file; their binaries sit next to this
//! test's, in `target/<profile>/examples/`.

use std::time::Duration;

use crate::example_servers::{SECRET_VARS, command, start};
use tokio::process::Command;

async fn drive_with_node(provider: &str, url: &str, secret: &str) {
    let output = Command::new("node")
        .arg(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/node/seed_client.mjs"
        ))
        .args([provider, url, secret])
        .output()
        .await
        .expect("node is installed (it is on every machine this project runs on)");
    let stdout = String::from_utf8_lossy(&output.stdout);
    println!("{stdout}{}", String::from_utf8_lossy(&output.stderr));
    assert!(
        output.status.success(),
        "{provider}: the seed rules failed:\n{stdout}"
    );
    assert!(stdout.lines().filter(|l| l.starts_with("ok - ")).count() >= 6);
}

#[tokio::test]
async fn the_xero_example_passes_xeros_rules_and_intent_to_receive() {
    let key = "wJq0sWkq0yQzZ6Dk8Jm2Vb1n3Xo5Tq7Ue9Gr1Ht3Ky5Lz7Mx9Nc1Pv3Rb5Sd7Ff9Hg1Jh3Kk5Ll7Mm9Nn1Pp3Qq5Rr7Ss9Tt1Uu3Vv5Ww7==";
    let (_server, url) = start("xero", &[("XERO_WEBHOOK_KEY", key)]).await;
    assert!(url.ends_with("/webhooks/xero"));
    drive_with_node("xero", &url, key).await;
}

#[tokio::test]
async fn the_invoice_ahoy_example_passes_its_rules() {
    let secret = "ia_whsec_example_0123456789";
    let (_server, url) = start("invoice_ahoy", &[("INVOICEAHOY_WEBHOOK_SECRET", secret)]).await;
    assert!(url.ends_with("/webhooks/invoiceahoy"));
    drive_with_node("invoiceahoy", &url, secret).await;
}

#[tokio::test]
async fn the_xemelgo_example_passes_its_rules() {
    let secret = "your-secret-key-must-be-longer-than-24-characters";
    let (_server, url) = start("xemelgo", &[("XEMELGO_WEBHOOK_SECRET", secret)]).await;
    assert!(url.ends_with("/webhooks/xemelgo"));
    drive_with_node("xemelgo", &url, secret).await;
}

/// Runs an example that must refuse to start; returns its stderr.
async fn refused(name: &str, env: &[(&str, &str)]) -> String {
    let output = tokio::time::timeout(Duration::from_secs(30), command(name, env).output())
        .await
        .expect("it exits promptly")
        .unwrap();
    assert!(
        !output.status.success(),
        "{name} must not start with {env:?}"
    );
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[tokio::test]
async fn the_examples_refuse_to_start_without_their_secret() {
    for (name, var) in [
        ("xero", SECRET_VARS[0]),
        ("invoice_ahoy", SECRET_VARS[1]),
        ("xemelgo", SECRET_VARS[2]),
    ] {
        let missing = refused(name, &[]).await;
        assert!(
            missing.contains(var) && missing.contains("not set"),
            "{name}: {missing}"
        );
        let empty = refused(name, &[(var, "")]).await;
        assert!(
            empty.contains(var) && empty.contains("empty"),
            "{name}: {empty}"
        );
    }
    let short = refused(
        "xemelgo",
        &[("XEMELGO_WEBHOOK_SECRET", "only-twenty-four-chars!!")],
    )
    .await;
    assert!(short.contains("longer than 24 characters"), "{short}");
    assert!(
        !short.contains("only-twenty-four-chars!!"),
        "the secret must not be echoed"
    );
}

#[tokio::test]
async fn the_demo_shows_intent_to_receive_and_an_accepted_batch() {
    let output = tokio::time::timeout(Duration::from_secs(60), command("demo", &[]).output())
        .await
        .expect("the demo finishes within 60 s")
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{stdout}");
    let lines: Vec<&str> = stdout.lines().filter(|l| l.starts_with("POST ")).collect();
    assert_eq!(lines.len(), 3, "{stdout}");
    assert!(
        lines[0].contains("Intent to receive") && lines[0].contains("200 OK"),
        "{stdout}"
    );
    assert!(
        lines[1].contains("Intent to receive") && lines[1].contains("401 Unauthorized"),
        "{stdout}"
    );
    assert!(
        lines[2].contains("batch") && lines[2].contains("200 OK") && lines[2].ends_with("accepted"),
        "{stdout}"
    );
    assert!(
        stdout.contains("The handler saw 3 verified events"),
        "{stdout}"
    );
}

#[cfg(feature = "inbox")]
#[tokio::test]
async fn the_inbox_demo_acknowledges_fast_retries_a_failure_and_loses_nothing_to_a_kill() {
    let output = tokio::time::timeout(Duration::from_secs(90), command("inbox_demo", &[]).output())
        .await
        .expect("the inbox demo finishes within 90 s")
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{stdout}");
    assert!(stdout.contains("-> 200 OK each"), "{stdout}");
    assert!(stdout.contains("demo-3-1 failed on attempt 1"), "{stdout}");
    assert!(stdout.contains("SIGKILL the receiver with"), "{stdout}");
    assert!(
        stdout.contains("24 of 24 acknowledged events handled, none lost"),
        "{stdout}"
    );
    assert!(
        stdout.contains("demo-3-1 failed once and was handled on its second attempt"),
        "{stdout}"
    );
}

/// Sends `request` over HTTP/1.1 to the server at `url`; the status and the body.
async fn post_http1(
    url: &str,
    request: http::Request<bytes::Bytes>,
) -> (http::StatusCode, bytes::Bytes) {
    use http_body_util::{BodyExt as _, Full};
    let client = hyper_util::client::legacy::Client::builder(hyper_util::rt::TokioExecutor::new())
        .build_http::<Full<bytes::Bytes>>();
    let (mut head, body) = request.into_parts();
    head.uri = url.parse().unwrap();
    let response = client
        .request(http::Request::from_parts(head, Full::new(body)))
        .await
        .unwrap();
    assert_eq!(response.version(), http::Version::HTTP_11);
    let status = response.status();
    (
        status,
        response.into_body().collect().await.unwrap().to_bytes(),
    )
}

#[tokio::test]
async fn the_tonic_example_serves_grpc_health_and_verified_webhooks_on_one_port() {
    use tonic_health::pb::{
        HealthCheckRequest, HealthCheckResponse, health_check_response::ServingStatus,
        health_client::HealthClient,
    };
    use tower_webhooks::test_util::{Provider, Signer};

    let key = "tonic-example-xero-key";
    let (_server, url) = start("tonic", &[("XERO_WEBHOOK_KEY", key)]).await;
    let origin = url.strip_suffix("/webhooks/xero").unwrap().to_owned();

    // A gRPC health check, over HTTP/2, goes through untouched.
    let channel = tonic::transport::Channel::from_shared(origin)
        .unwrap()
        .connect()
        .await
        .unwrap();
    let mut health = HealthClient::new(channel.clone());
    let check = || HealthCheckRequest {
        service: String::new(),
    };
    let answer = health.check(check()).await.unwrap().into_inner();
    assert_eq!(answer.status, ServingStatus::Serving as i32);

    // A signed Xero batch, over HTTP/1.1 to the same port, is verified and accepted.
    let signer = Signer::new(Provider::Xero, key).url(&url);
    let batch = r#"{"events":[{"resourceUrl":"https://api.xero.com/api.xro/2.0/Invoices/1","resourceId":"1","eventDateUtc":"2026-11-25T10:00:00.000","eventType":"UPDATE","eventCategory":"INVOICE","tenantId":"t1","tenantType":"ORGANISATION"}],"firstEventSequence":1,"lastEventSequence":1,"entropy":"S0m3r4Nd0mt3xt"}"#;
    let (status, body) = post_http1(&url, signer.request(batch)).await;
    assert_eq!((status.as_u16(), body.len()), (200, 0));
    let (status, body) = post_http1(&url, signer.wrongly_signed(batch)).await;
    assert_eq!((status.as_u16(), body.len()), (401, 0));

    // A gRPC call that lands on the webhook route unsigned gets a gRPC status, not a bare 401:
    // a trailers-only 200 with `grpc-status: 16`.
    let raw = http::Request::post(url.as_str())
        .header("content-type", "application/grpc")
        .header("te", "trailers")
        .body(tonic::body::Body::default())
        .unwrap();
    let answer = tower::ServiceExt::oneshot(channel.clone(), raw)
        .await
        .unwrap();
    assert_eq!(answer.status(), http::StatusCode::OK);
    assert_eq!(answer.headers()["grpc-status"], "16");
    assert_eq!(answer.headers()["content-type"], "application/grpc");
    // Which tonic's own client reads as `UNAUTHENTICATED`.
    let mut grpc = tonic::client::Grpc::new(channel);
    grpc.ready().await.unwrap();
    let refused: Result<tonic::Response<HealthCheckResponse>, tonic::Status> = grpc
        .unary(
            tonic::Request::new(check()),
            http::uri::PathAndQuery::from_static("/webhooks/xero"),
            tonic_prost::ProstCodec::default(),
        )
        .await;
    assert_eq!(refused.unwrap_err().code(), tonic::Code::Unauthenticated);

    // And the gRPC service is still there.
    let answer = health.check(check()).await.unwrap().into_inner();
    assert_eq!(answer.status, ServingStatus::Serving as i32);
}

/// Row 8 of the attack report: `axum::serve` set no header read timeout, so 200 connections
/// sending a request head a byte every 5 s were all still open after 45 s. The example servers
/// now close such a connection after their 10 s header read timeout, and keep serving.
#[tokio::test]
async fn the_example_servers_close_a_connection_whose_head_trickles_in() {
    use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
    let (_server, url) = start("xero", &[("XERO_WEBHOOK_KEY", "k")]).await;
    let authority = url
        .trim_start_matches("http://")
        .split('/')
        .next()
        .unwrap()
        .to_owned();
    let mut slow = tokio::net::TcpStream::connect(&authority).await.unwrap();
    slow.write_all(b"POST /webhooks/xero HTTP/1.1\r\nHost: x\r\n")
        .await
        .unwrap();
    let started = std::time::Instant::now();
    let closed = tokio::time::timeout(Duration::from_secs(20), async {
        let mut buf = [0u8; 256];
        loop {
            // One more byte of the head a second, as the attack sent them.
            tokio::time::sleep(Duration::from_secs(1)).await;
            if slow.write_all(b"X").await.is_err() {
                return;
            }
            let read = tokio::time::timeout(Duration::from_millis(10), slow.read(&mut buf)).await;
            if let Ok(Ok(0) | Err(_)) = read {
                return;
            }
        }
    })
    .await;
    assert!(closed.is_ok(), "the slow head was still open after 20 s");
    let held = started.elapsed();
    assert!(held >= Duration::from_secs(9), "closed after {held:?}");
    // A delivery on a new connection is still served.
    let mut fresh = tokio::net::TcpStream::connect(&authority).await.unwrap();
    fresh
        .write_all(b"POST /webhooks/xero HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\n{}")
        .await
        .unwrap();
    let mut answer = vec![0u8; 64];
    let n = fresh.read(&mut answer).await.unwrap();
    assert!(
        answer[..n].starts_with(b"HTTP/1.1 401"),
        "{:?}",
        String::from_utf8_lossy(&answer[..n])
    );
}

/// Row 12 of the attack report: the layer answered an oversize `Content-Length` (or a missing
/// signature) and closed without reading, so a client that writes its whole body before it
/// reads (Node's built-in `fetch`, hyper's client) saw a reset connection instead of the
/// answer. The rest of the body is now read and thrown away, within a bound, after the answer.
#[tokio::test]
async fn clients_that_write_their_whole_body_first_still_see_the_early_answer() {
    let (_server, url) = start("xero", &[("XERO_WEBHOOK_KEY", "k")]).await;
    let script = r#"
        const url = process.argv.at(-1);
        const tag = Buffer.alloc(32).toString('base64');
        for (const [name, headers, size] of [
            // Past what the sockets buffer on loopback, where the old layer's early close made
            // `fetch` fail with EPIPE (seen at 4 and 8 MiB).
            ['oversize 4 MiB', { 'x-xero-signature': tag }, 4 * 1024 * 1024],
            ['oversize 8 MiB', { 'x-xero-signature': tag }, 8 * 1024 * 1024],
            ['unsigned', {}, 512 * 1024],
        ]) {
            try {
                const body = Buffer.alloc(size, 0x20);
                const res = await fetch(url, { method: 'POST', headers, body });
                console.log(name, res.status);
            } catch (error) {
                console.log(name, 'failed', error.cause?.code ?? error.message);
            }
        }
    "#;
    let output = Command::new("node")
        .args(["--input-type=module", "-e", script, &url])
        .output()
        .await
        .expect("node is installed");
    let stdout = String::from_utf8_lossy(&output.stdout);
    for size in ["4", "8"] {
        assert!(
            stdout.contains(&format!("oversize {size} MiB 413")),
            "{stdout}{}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
    assert!(stdout.contains("unsigned 401"), "{stdout}");

    // hyper's own client, which writes the body before it reads too.
    let client = hyper_util::client::legacy::Client::builder(hyper_util::rt::TokioExecutor::new())
        .build_http::<http_body_util::Full<bytes::Bytes>>();
    let request = http::Request::post(url.as_str())
        .header("x-xero-signature", "A".repeat(43) + "=")
        .body(http_body_util::Full::new(bytes::Bytes::from(
            vec![b' '; 2 * 1024 * 1024],
        )))
        .unwrap();
    let response = client
        .request(request)
        .await
        .expect("an answer, not a reset");
    assert_eq!(response.status(), http::StatusCode::PAYLOAD_TOO_LARGE);
}

/// The example servers end every connection at its maximum age (60 s by default), so an idle
/// HTTP/2 or kept-alive HTTP/1 connection cannot be held for ever.
#[tokio::test]
async fn the_example_servers_close_a_connection_at_its_maximum_age() {
    use tokio::io::AsyncReadExt as _;
    let (_server, url) = start(
        "xero",
        &[("XERO_WEBHOOK_KEY", "k"), ("MAX_CONNECTION_AGE_SECS", "1")],
    )
    .await;
    let authority = url.trim_start_matches("http://").split('/').next().unwrap();
    let mut idle = tokio::net::TcpStream::connect(authority).await.unwrap();
    let mut buf = [0u8; 16];
    let closed = tokio::time::timeout(Duration::from_secs(10), idle.read(&mut buf)).await;
    assert!(
        matches!(closed, Ok(Ok(0) | Err(_))),
        "an idle connection is closed at its age: {closed:?}"
    );
}
