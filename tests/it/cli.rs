//! The `tower-webhooks` command against real servers on 127.0.0.1: the crate's example servers
//! pass `itr` and `check`; deliberately broken servers fail them, with the failing case named;
//! `sign`, `send` and `verify` do what they say, with exit codes a script can use.
#![cfg(feature = "cli")]

use std::process::Output;

use crate::example_servers::start;
use axum::{
    Router,
    http::{StatusCode, header},
    response::IntoResponse,
    routing::post,
};
use tokio::process::Command;
use tower_webhooks::{ResponsePolicy, WebhookSignatureLayer, xero::Xero};

const XERO_KEY: &str = "cli-test-xero-webhook-key";

async fn cli(args: &[&str]) -> (i32, String) {
    let Output {
        status,
        stdout,
        stderr,
    } = Command::new(env!("CARGO_BIN_EXE_tower-webhooks"))
        .args(args)
        .env_remove("WEBHOOK_SECRET")
        .env_remove("XERO_WEBHOOK_KEY")
        .output()
        .await
        .unwrap();
    let stdout = String::from_utf8_lossy(&stdout).into_owned();
    println!(
        "$ tower-webhooks {}\n{stdout}{}",
        args.join(" "),
        String::from_utf8_lossy(&stderr)
    );
    (status.code().expect("exited"), stdout)
}

/// Serves `app` on 127.0.0.1; the URL of `/hook`.
async fn serve(app: Router) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    format!("http://{addr}/hook")
}

#[tokio::test]
async fn itr_and_check_pass_against_the_xero_example() {
    let (_server, url) = start("xero", &[("XERO_WEBHOOK_KEY", XERO_KEY)]).await;
    let (code, out) = cli(&["itr", &url, "--key", XERO_KEY]).await;
    assert_eq!(code, 0, "{out}");
    assert_eq!(
        out.lines()
            .filter(|l| l.starts_with("pass  intent to receive"))
            .count(),
        4
    );
    assert!(out.contains("Xero would accept"), "{out}");

    let (code, out) = cli(&["check", &url, "--provider", "xero", "--secret", XERO_KEY]).await;
    assert_eq!(code, 0, "{out}");
    for case in ["good", "wrong key", "oversize", "duplicate"] {
        assert!(out.contains(&format!("pass  {case}:")), "{case}: {out}");
    }
    assert!(out.contains("skip  stale:"), "{out}");

    // The wrong key on our side: the endpoint refuses the "good" delivery, and says so.
    let (code, out) = cli(&["itr", &url, "--key", "not-the-key"]).await;
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains("FAIL  intent to receive 1 (correctly signed)"),
        "{out}"
    );
}

#[tokio::test]
async fn the_tonic_example_passes_xeros_intent_to_receive() {
    let (_server, url) = start("tonic", &[("XERO_WEBHOOK_KEY", XERO_KEY)]).await;
    let (code, out) = cli(&["itr", &url, "--key", XERO_KEY]).await;
    assert_eq!(code, 0, "{out}");
    let (code, out) = cli(&["check", &url, "--provider", "xero", "--secret", XERO_KEY]).await;
    assert_eq!(code, 0, "{out}");
}

#[tokio::test]
async fn check_passes_against_the_seed_examples() {
    for (name, var, provider, secret) in [
        (
            "invoice_ahoy",
            "INVOICEAHOY_WEBHOOK_SECRET",
            "invoiceahoy",
            "ia_whsec_cli_0123456789",
        ),
        (
            "xemelgo",
            "XEMELGO_WEBHOOK_SECRET",
            "xemelgo",
            "a-xemelgo-secret-longer-than-24-characters",
        ),
    ] {
        let (_server, url) = start(name, &[(var, secret)]).await;
        let (code, out) = cli(&["check", &url, "--provider", provider, "--secret", secret]).await;
        assert_eq!(code, 0, "{name}: {out}");
        assert_eq!(
            out.lines().filter(|l| l.starts_with("pass  ")).count(),
            4,
            "{out}"
        );
    }
}

/// The secret `check` signs with as `provider`, and the one the server verifies with (for the
/// Ed25519 providers, the public key).
fn secrets_of(provider: tower_webhooks::Provider) -> (String, String) {
    use tower_webhooks::test_util::example_secret;
    use tower_webhooks::{Provider, test_util::Signer};
    let secret = match provider {
        Provider::Xero => XERO_KEY.to_owned(),
        // Where the form is plain text, a secret of each provider's own, so that a route
        // mounted with another's secret fails; else the form the provider demands.
        _ if example_secret(provider) == example_secret(Provider::Xero) => {
            format!("{}-cli-secret-longer-than-24-characters", provider.name())
        }
        _ => example_secret(provider).to_owned(),
    };
    let server = Signer::new(provider, secret.as_str())
        .public_key()
        .unwrap_or_else(|| secret.clone());
    (secret, server)
}

/// The example mounts every provider of the registry: a provider added without its route (or
/// with one that does not verify as its signer signs) fails here.
#[tokio::test]
async fn check_passes_for_every_provider_of_the_multi_provider_example() {
    use tower_webhooks::Provider;
    let vars: Vec<(String, String)> = Provider::ALL
        .iter()
        .map(|&provider| {
            (
                format!(
                    "WEBHOOK_SECRET_{}",
                    provider.name().to_uppercase().replace('-', "_")
                ),
                secrets_of(provider).1,
            )
        })
        .chain([(
            "WEBHOOK_VERIFY_TOKEN_META".to_owned(),
            "cli-verify-token".to_owned(),
        )])
        .collect();
    let env: Vec<(&str, &str)> = vars
        .iter()
        .map(|(var, secret)| (var.as_str(), secret.as_str()))
        .collect();
    // The fetched-key providers' keys, as their key servers would serve them: pinned.
    let documents: serde_json::Map<String, serde_json::Value> = Provider::ALL
        .iter()
        .flat_map(|&provider| {
            tower_webhooks::test_util::Signer::new(provider, secrets_of(provider).0).key_documents()
        })
        .map(|(url, document)| (url, String::from_utf8(document.to_vec()).unwrap().into()))
        .collect();
    let documents_file =
        std::env::temp_dir().join(format!("tw-key-documents-{}.json", std::process::id()));
    std::fs::write(
        &documents_file,
        serde_json::Value::Object(documents).to_string(),
    )
    .unwrap();
    let mut env = env;
    let documents_path = documents_file.to_str().unwrap().to_owned();
    env.push(("WEBHOOK_KEY_DOCUMENTS", documents_path.as_str()));
    let (_server, url) = start("multi_provider", &env).await;
    let origin = &url[..url.find("/webhooks/").unwrap()];
    for &provider in Provider::ALL {
        let name = provider.name();
        let (secret, _) = secrets_of(provider);
        let url = format!("{origin}/webhooks/{name}");
        let (code, out) = cli(&[
            "check",
            &url,
            "--provider",
            name,
            "--secret",
            &secret,
            "--verify-token",
            "cli-verify-token",
        ])
        .await;
        assert_eq!(code, 0, "{name}: {out}");
        let stale = if out.contains("skip  stale:") { 0 } else { 1 };
        // The handshake, and the forged one where the provider signs it or sends a secret.
        let handshake = match name {
            "slack" | "twitch" | "zoom" | "discord" | "meta" => 2,
            "dropbox" | "microsoft-graph" | "okta" => 1,
            _ => 0,
        };
        assert_eq!(
            out.lines().filter(|l| l.starts_with("pass  ")).count(),
            4 + stale + handshake,
            "{name}: {out}"
        );
    }
}

#[tokio::test]
async fn a_server_that_accepts_a_bad_signature_fails_by_name() {
    let url = serve(Router::new().route("/hook", post(|| async { StatusCode::OK }))).await;
    let (code, out) = cli(&["check", &url, "--provider", "stripe", "--secret", "whsec_x"]).await;
    assert_eq!(code, 1, "{out}");
    for case in ["wrong key", "stale", "oversize"] {
        assert!(
            out.contains(&format!("FAIL  {case}: answered 200 OK")),
            "{case}: {out}"
        );
    }
    assert!(out.contains("pass  good:"), "{out}");
    assert!(
        out.lines()
            .last()
            .unwrap()
            .starts_with("failed: wrong key, stale, oversize"),
        "{out}"
    );

    let (code, out) = cli(&["itr", &url, "--key", XERO_KEY]).await;
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains(
            "FAIL  intent to receive 2 (wrongly signed): answered 200 OK, it must get 401"
        ),
        "{out}"
    );
}

#[tokio::test]
async fn a_server_that_sets_a_cookie_or_answers_with_a_body_fails_xeros_rules() {
    // Verifies correctly, but the handler's cookie and body get through: the policy that
    // strips them for Xero is switched off.
    let app = Router::new().route(
        "/hook",
        post(|| async { ([(header::SET_COOKIE, "session=1")], "thanks").into_response() }).layer(
            WebhookSignatureLayer::new(Xero::new(XERO_KEY))
                .response_policy(ResponsePolicy::unchanged()),
        ),
    );
    let url = serve(app).await;
    let (code, out) = cli(&["itr", &url, "--key", XERO_KEY]).await;
    assert_eq!(code, 1, "{out}");
    let first = out
        .lines()
        .find(|l| l.contains("intent to receive 1"))
        .unwrap();
    assert!(
        first.starts_with("FAIL")
            && first.contains("sets a cookie")
            && first.contains("has a body (6 bytes)"),
        "{out}"
    );
    // The refusals are the layer's own, empty and cookieless: those pass.
    assert!(
        out.contains("pass  intent to receive 2 (wrongly signed)"),
        "{out}"
    );
}

#[tokio::test]
async fn sign_send_and_verify_with_usable_exit_codes() {
    let dir = std::env::temp_dir().join(format!("tower-webhooks-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let body = dir.join("body.json");
    let headers = dir.join("headers.txt");
    std::fs::write(&body, r#"{"id":"evt_1","type":"invoice.created"}"#).unwrap();
    let body = body.to_str().unwrap();

    let (code, signed) = cli(&[
        "sign",
        "--provider",
        "stripe",
        "--secret",
        "whsec_abc",
        "--at",
        "1700000000",
        "--body",
        body,
    ])
    .await;
    assert_eq!(code, 0);
    assert!(
        signed.starts_with("stripe-signature: t=1700000000,v1="),
        "{signed}"
    );
    std::fs::write(
        &headers,
        format!("POST /webhooks/stripe HTTP/1.1\nHost: example.com\n{signed}"),
    )
    .unwrap();
    let headers = headers.to_str().unwrap();

    let verify = |secret: &'static str, at: &'static str, body: String| {
        let headers = headers.to_owned();
        async move {
            cli(&[
                "verify",
                "--provider",
                "stripe",
                "--secret",
                secret,
                "--headers",
                &headers,
                "--body",
                &body,
                "--at",
                at,
            ])
            .await
        }
    };
    let (code, out) = verify("whsec_abc", "1700000010", body.to_owned()).await;
    assert_eq!(
        (code, out.trim()),
        (0, "verified: a genuine stripe delivery")
    );
    let (code, out) = verify("whsec_other", "1700000010", body.to_owned()).await;
    assert_eq!(code, 1, "{out}");
    assert!(
        out.starts_with("not verified: no signature matches the body (signature_mismatch)"),
        "{out}"
    );
    // Checked now, the capture is stale, and the explanation says what to do.
    let (code, out) = verify("whsec_abc", "1700009000", body.to_owned()).await;
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains("stale_timestamp") && out.contains("--at"),
        "{out}"
    );
    // A newline the capture added.
    let with_newline = dir.join("body-newline.json");
    std::fs::write(
        &with_newline,
        format!("{}\n", std::fs::read_to_string(body).unwrap()),
    )
    .unwrap();
    let (code, out) = verify(
        "whsec_abc",
        "1700000010",
        with_newline.to_str().unwrap().to_owned(),
    )
    .await;
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("ends with a newline"), "{out}");
    // Twilio signs the URL: without --url, the captured request line and Host give it.
    let form = dir.join("form.txt");
    std::fs::write(&form, "Body=Hello&From=%2B15005550006").unwrap();
    let form = form.to_str().unwrap();
    let (code, signed) = cli(&[
        "sign",
        "--provider",
        "twilio",
        "--secret",
        "twilio-token",
        "--body",
        form,
        "--signed-url",
        "https://hooks.example.com/twilio/sms?x=1",
    ])
    .await;
    assert_eq!(code, 0);
    for (host, expected) in [("hooks.example.com", 0), ("elsewhere.example.com", 1)] {
        let captured = dir.join(format!("twilio-{host}.txt"));
        std::fs::write(
            &captured,
            format!("POST /twilio/sms?x=1 HTTP/1.1\nHost: {host}\n{signed}"),
        )
        .unwrap();
        let (code, out) = cli(&[
            "verify",
            "--provider",
            "twilio",
            "--secret",
            "twilio-token",
            "--headers",
            captured.to_str().unwrap(),
            "--body",
            form,
        ])
        .await;
        assert_eq!(code, expected, "{host}: {out}");
    }
    // Usage errors are 2, an endpoint nobody answers at is 3.
    let (code, _) = cli(&["sign", "--provider", "xero", "--secret", ""]).await;
    assert_eq!(code, 2, "an empty secret is refused");
    let (code, _) = cli(&[
        "verify",
        "--provider",
        "stripe",
        "--secret",
        "whsec_abc",
        "--headers",
        "/nonexistent",
        "--body",
        body,
    ])
    .await;
    assert_eq!(code, 2);
    let (code, _) = cli(&[
        "send",
        "http://127.0.0.1:9/hook",
        "--provider",
        "xero",
        "--secret",
        XERO_KEY,
    ])
    .await;
    assert_eq!(code, 3);
    let (code, _) = cli(&[
        "check",
        "http://127.0.0.1:9/hook",
        "--provider",
        "nobody",
        "--secret",
        "x",
    ])
    .await;
    assert_eq!(code, 2);

    let (_server, url) = start("xero", &[("XERO_WEBHOOK_KEY", XERO_KEY)]).await;
    let (code, out) = cli(&["send", &url, "--provider", "xero", "--secret", XERO_KEY]).await;
    assert_eq!(code, 0, "{out}");
    assert!(out.starts_with("200 OK"), "{out}");
    let (code, out) = cli(&["send", &url, "--provider", "xero", "--secret", "wrong"]).await;
    assert_eq!(code, 1, "{out}");
    assert!(out.starts_with("401 Unauthorized"), "{out}");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[tokio::test]
async fn check_passes_for_the_ed25519_providers() {
    use tower_webhooks::test_util::{Provider, Signer};

    for (provider, private) in [
        (Provider::Discord, "2a".repeat(32)),
        (
            Provider::StandardWebhooksV1a,
            "whsk_AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=".to_owned(),
        ),
    ] {
        // The server verifies with the public key (the kit's verifier for this signer, its
        // clock stopped now); the command signs with the private key.
        let scheme = Signer::new(provider, private.as_str()).scheme().unwrap();
        let url = serve(Router::new().route(
            "/hook",
            post(|| async { StatusCode::OK }).layer(WebhookSignatureLayer::new(scheme)),
        ))
        .await;
        let name = provider.name();
        let (code, out) = cli(&["check", &url, "--provider", name, "--secret", &private]).await;
        assert_eq!(code, 0, "{name}: {out}");
        // Discord's PING is its handshake, answered and a forged one refused.
        let handshake = if provider == Provider::Discord { 2 } else { 0 };
        assert_eq!(
            out.lines().filter(|l| l.starts_with("pass  ")).count(),
            5 + handshake,
            "{name}: {out}"
        );
    }
}

/// Serves `app` over TLS on 127.0.0.1 with the test certificate (`tests/fixtures/tls`); the
/// `https://` URL of `/hook`.
async fn serve_tls(app: Router) -> String {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/tls");
    format!("https://{}/hook", crate::common::serve_tls(app, dir).await)
}

#[tokio::test]
async fn itr_and_check_work_over_https_with_the_servers_ca() {
    let app = Router::new().route(
        "/hook",
        post(|| async { StatusCode::OK }).layer(WebhookSignatureLayer::new(Xero::new(XERO_KEY))),
    );
    let url = serve_tls(app).await;
    let ca = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/tls/ca.pem");

    let (code, out) = cli(&["itr", &url, "--key", XERO_KEY, "--ca-cert", ca]).await;
    assert_eq!(code, 0, "{out}");
    let (code, out) = cli(&[
        "check",
        &url,
        "--provider",
        "xero",
        "--secret",
        XERO_KEY,
        "--ca-cert",
        ca,
    ])
    .await;
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("pass  oversize: 413"), "{out}");

    // Without the CA the certificate is not trusted: the endpoint cannot be reached.
    let (code, out) = cli(&["itr", &url, "--key", XERO_KEY]).await;
    assert_eq!(code, 3, "{out}");
    // A file with no certificate in it is a usage error.
    let (code, _) = cli(&[
        "itr",
        &url,
        "--key",
        XERO_KEY,
        "--ca-cert",
        concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/tls/README.md"),
    ])
    .await;
    assert_eq!(code, 2);
}

/// `tower-webhooks inbox` beside a running receiver: `stats`, `list --state dead`, `show`, then
/// `retry --dead` brings the dead event back, and a worker handles it; `purge` and a missing file.
#[tokio::test]
async fn the_inbox_command_shows_and_replays_dead_events() {
    use std::time::Duration;
    use tower_webhooks::{
        inbox::{EventState, Inbox, NewEvent, Retries, Worker},
        routing::{EventKey, EventRouter},
    };
    let dir = std::env::temp_dir().join(format!("tower-webhooks-cli-inbox-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("webhooks.db");
    let db = path.to_str().unwrap();
    let inbox = Inbox::sqlite(&path).unwrap();
    let fail = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(true));
    let router = EventRouter::new(EventKey::field("type")).on("job", {
        let fail = fail.clone();
        move |_: serde_json::Value| {
            let failing = fail.load(std::sync::atomic::Ordering::SeqCst);
            async move {
                if failing {
                    Err("the API is down")
                } else {
                    Ok(())
                }
            }
        }
    });
    let worker = Worker::new(inbox.clone(), router).retries(Retries::default().max_attempts(1));
    inbox
        .store(vec![NewEvent::new(
            "test",
            "k1",
            br#"{"type":"job"}"#.to_vec(),
        )])
        .await
        .unwrap();
    assert_eq!(worker.run_due().await.unwrap(), 1);

    let (code, stats) = cli(&["inbox", "--db", db, "stats"]).await;
    assert_eq!(code, 0);
    assert!(stats.contains("dead      1"), "{stats}");
    let (code, list) = cli(&["inbox", "--db", db, "list", "--state", "dead"]).await;
    assert_eq!(code, 0);
    assert!(
        list.contains("dead") && list.contains("the API is down"),
        "{list}"
    );
    let id = inbox.list(Default::default()).await.unwrap()[0]
        .id
        .to_string();
    let (code, show) = cli(&["inbox", "--db", db, "show", &id]).await;
    assert_eq!(code, 0);
    assert!(
        show.contains("last error  ") && show.contains(r#"{"type":"job"}"#),
        "{show}"
    );

    let (code, retried) = cli(&["inbox", "--db", db, "retry", "--dead"]).await;
    assert_eq!((code, retried.trim()), (0, "1 dead events are due now"));
    let event = inbox.event(id.parse().unwrap()).await.unwrap().unwrap();
    assert_eq!((event.state, event.attempts), (EventState::Pending, 0));
    fail.store(false, std::sync::atomic::Ordering::SeqCst);
    assert_eq!(worker.run_due().await.unwrap(), 1);
    assert_eq!(inbox.stats().await.unwrap().handled, 1);

    let (code, _) = cli(&["inbox", "--db", db, "retry", &id]).await;
    assert_eq!(code, 1, "a handled event is not retried");
    tokio::time::sleep(Duration::from_millis(5)).await;
    let (code, purged) = cli(&["inbox", "--db", db, "purge", "--older-than", "0s"]).await;
    assert_eq!((code, purged.trim()), (0, "1 events purged"));
    let missing = dir.join("none.db");
    let (code, _) = cli(&["inbox", "--db", missing.to_str().unwrap(), "stats"]).await;
    assert_eq!(code, 2);
    assert!(!missing.exists(), "inspecting creates nothing");
    drop(inbox);
    let _ = std::fs::remove_dir_all(&dir);
}
