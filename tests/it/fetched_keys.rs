//! The providers whose keys are fetched (AWS SNS, PayPal, Google Pub/Sub) against a local HTTPS
//! key server with a test CA, under the providers' own host names (resolved to 127.0.0.1):
//! a key is fetched once and cached (the server counts), a URL a forger chose outside the
//! allow-list is refused without any fetch, and a key server that is down gives `503`, which
//! the providers retry, without being asked again by every delivery.

use std::{
    net::SocketAddr,
    sync::{
        Arc, Mutex,
        atomic::{AtomicBool, AtomicUsize, Ordering},
    },
};

use axum::{
    Router,
    body::Body,
    extract::{Request as AxumRequest, State},
    http::StatusCode,
    response::IntoResponse,
    routing::post,
};
use http::Request;
use http_body_util::BodyExt as _;
use tower::ServiceExt as _;
use tower_webhooks::{
    Provider, RejectionKind, SignatureScheme, WebhookSignatureLayer,
    aws_sns::AwsSns,
    fetch::KeyFetcher,
    test_util::{Signer, example_secret},
};

const KEY_SERVERS: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/fixtures/tls/key-servers"
);

/// A key server: serves `documents` by path, counts every request, answers `500` while down.
#[derive(Clone, Default)]
struct KeyServer {
    documents: Arc<Mutex<Vec<(String, bytes::Bytes)>>>,
    requests: Arc<Mutex<Vec<String>>>,
    down: Arc<AtomicBool>,
}

impl KeyServer {
    async fn start(documents: Vec<(String, bytes::Bytes)>) -> (Self, SocketAddr) {
        let server = Self::default();
        *server.documents.lock().unwrap() = documents;
        let app = Router::new().fallback(serve).with_state(server.clone());
        let addr = crate::common::serve_tls(app, KEY_SERVERS).await;
        (server, addr)
    }

    fn requests(&self) -> Vec<String> {
        self.requests.lock().unwrap().clone()
    }
}

async fn serve(State(server): State<KeyServer>, request: AxumRequest) -> impl IntoResponse {
    let host = request
        .headers()
        .get(http::header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let target = request
        .uri()
        .path_and_query()
        .map_or("/", |p| p.as_str())
        .to_owned();
    server
        .requests
        .lock()
        .unwrap()
        .push(format!("{host}{target}"));
    if server.down.load(Ordering::SeqCst) {
        return (StatusCode::INTERNAL_SERVER_ERROR, bytes::Bytes::new());
    }
    let documents = server.documents.lock().unwrap();
    match documents
        .iter()
        .find(|(url, _)| url.ends_with(&format!("{host}{target}")))
    {
        Some((_, document)) => (StatusCode::OK, document.clone()),
        None => (StatusCode::NOT_FOUND, bytes::Bytes::new()),
    }
}

/// A fetcher that trusts the test CA and reaches the providers' key hosts on `addr`.
fn fetcher(addr: SocketAddr) -> KeyFetcher {
    let ca = std::fs::read(format!("{KEY_SERVERS}/ca.pem")).unwrap();
    [
        "sns.us-east-1.amazonaws.com",
        "sns.eu-west-1.amazonaws.com",
        "api.sandbox.paypal.com",
        "www.googleapis.com",
        "evil.example.com",
    ]
    .into_iter()
    .fold(
        KeyFetcher::builder().root_certificates(&ca),
        |builder, host| builder.resolve(host, addr),
    )
    .build()
    .unwrap()
}

/// The provider's signer, and a route behind its scheme that fetches with `fetcher`; the
/// handler's calls are counted.
fn route(provider: Provider, fetcher: KeyFetcher) -> (Signer, Router, Arc<AtomicUsize>) {
    let signer = Signer::new(provider, example_secret(provider)).url("https://example.com/hook");
    let scheme = provider
        .configure(signer.public_key().unwrap())
        .clock(signer.clock())
        .fetcher(fetcher)
        .build()
        .unwrap();
    let calls = Arc::new(AtomicUsize::new(0));
    let seen = Arc::clone(&calls);
    let app = Router::new()
        .route(
            "/hook",
            post(move || {
                seen.fetch_add(1, Ordering::SeqCst);
                async { StatusCode::OK }
            }),
        )
        .route_layer(WebhookSignatureLayer::new(scheme));
    (signer, app, calls)
}

async fn status(app: &Router, request: Request<bytes::Bytes>) -> StatusCode {
    let response = app.clone().oneshot(request.map(Body::from)).await.unwrap();
    let status = response.status();
    assert!(
        response
            .into_body()
            .collect()
            .await
            .unwrap()
            .to_bytes()
            .is_empty()
            || status == StatusCode::OK
    );
    status
}

const FETCHED: [Provider; 3] = [Provider::AwsSns, Provider::PayPal, Provider::GooglePubSub];

#[tokio::test]
async fn a_key_is_fetched_once_and_cached() {
    for provider in FETCHED {
        let documents = Signer::new(provider, example_secret(provider)).key_documents();
        let (server, addr) = KeyServer::start(documents).await;
        let fetcher = fetcher(addr);
        let (signer, app, calls) = route(provider, fetcher.clone());
        for n in 0..5 {
            let signer = signer.clone().id(&format!("msg_{n}"));
            let body = format!(r#"{{"id":"evt_{n}","event_type":"TEST"}}"#);
            assert_eq!(
                status(&app, signer.request(body)).await,
                StatusCode::OK,
                "{provider}"
            );
        }
        assert_eq!(calls.load(Ordering::SeqCst), 5, "{provider}");
        assert_eq!(
            server.requests().len(),
            1,
            "{provider}: {:?}",
            server.requests()
        );
        assert_eq!(fetcher.fetches(), 1, "{provider}");
        // A forgery with the key at hand costs no fetch either.
        let forged = signer.wrongly_signed(r#"{"id":"evt_x"}"#);
        assert_eq!(
            status(&app, forged).await,
            StatusCode::UNAUTHORIZED,
            "{provider}"
        );
        assert_eq!(server.requests().len(), 1, "{provider}");
    }
}

#[tokio::test]
async fn a_key_server_that_is_down_gives_503_and_is_not_asked_by_every_delivery() {
    for provider in FETCHED {
        let documents = Signer::new(provider, example_secret(provider)).key_documents();
        let (server, addr) = KeyServer::start(documents).await;
        server.down.store(true, Ordering::SeqCst);
        let (signer, app, calls) = route(provider, fetcher(addr));
        let request = signer.request(r#"{"id":"evt_1"}"#);
        let (head, body) = request.into_parts();
        assert_eq!(
            status(&app, Request::from_parts(head.clone(), body.clone())).await,
            StatusCode::SERVICE_UNAVAILABLE,
            "{provider}"
        );
        // Within a few seconds the failure is remembered: no second request.
        assert_eq!(
            status(&app, Request::from_parts(head, body)).await,
            StatusCode::SERVICE_UNAVAILABLE
        );
        assert_eq!(
            server.requests().len(),
            1,
            "{provider}: {:?}",
            server.requests()
        );
        assert_eq!(calls.load(Ordering::SeqCst), 0);
    }
    // No key server at all: the same clear rejection, from the scheme.
    let closed: SocketAddr = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap()
    };
    let signer = Signer::new(Provider::AwsSns, example_secret(Provider::AwsSns));
    let scheme = AwsSns::new(signer.public_key().unwrap())
        .unwrap()
        .with_fetcher(fetcher(closed));
    let (head, body) = signer.request("hello").into_parts();
    let fetch = scheme.fetch_keys(&head, &body).expect("a fetch");
    assert_eq!(
        fetch.await.unwrap_err().kind(),
        RejectionKind::KeyUnavailable
    );
    assert_eq!(
        scheme.verify(&head, &body).unwrap_err().status(),
        StatusCode::SERVICE_UNAVAILABLE
    );
}

#[tokio::test]
async fn an_sns_certificate_url_outside_sns_is_refused_without_any_fetch() {
    let provider = Provider::AwsSns;
    let documents = Signer::new(provider, example_secret(provider)).key_documents();
    let (server, addr) = KeyServer::start(documents).await;
    let fetcher = fetcher(addr);
    let (signer, app, _) = route(provider, fetcher.clone());
    let (head, body) = signer.request("hello").into_parts();
    for forged in [
        "https://evil.example.com/SimpleNotificationService-towerwebhookstest.pem",
        "http://sns.us-east-1.amazonaws.com/SimpleNotificationService-towerwebhookstest.pem",
        "https://sns.us-east-1.amazonaws.com.evil.example.com/cert.pem",
        "https://sns.us-east-1.amazonaws.com:8443/cert.pem",
        "https://user@sns.us-east-1.amazonaws.com/cert.pem",
    ] {
        let mut message: serde_json::Value = serde_json::from_slice(&body).unwrap();
        message["SigningCertURL"] = forged.into();
        let request = Request::from_parts(head.clone(), bytes::Bytes::from(message.to_string()));
        assert_eq!(
            status(&app, request).await,
            StatusCode::UNAUTHORIZED,
            "{forged}"
        );
    }
    // A topic not configured is refused before any fetch, too.
    let mut message: serde_json::Value = serde_json::from_slice(&body).unwrap();
    message["TopicArn"] = "arn:aws:sns:us-east-1:999999999999:someone-else".into();
    let request = Request::from_parts(head.clone(), bytes::Bytes::from(message.to_string()));
    assert_eq!(status(&app, request).await, StatusCode::UNAUTHORIZED);
    assert!(server.requests().is_empty(), "{:?}", server.requests());
    assert_eq!(fetcher.fetches(), 0);
    // A URL on SNS's hosts that serves nothing is fetched (within the bound) and refused: 503,
    // since a provider's own key server failing is worth a retry.
    let mut message: serde_json::Value = serde_json::from_slice(&body).unwrap();
    message["SigningCertURL"] =
        "https://sns.eu-west-1.amazonaws.com/SimpleNotificationService-missing.pem".into();
    let request = Request::from_parts(head, bytes::Bytes::from(message.to_string()));
    assert_eq!(status(&app, request).await, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(fetcher.fetches(), 1);
}

#[tokio::test]
async fn a_paypal_certificate_url_outside_paypal_is_refused_without_any_fetch() {
    let provider = Provider::PayPal;
    let documents = Signer::new(provider, example_secret(provider)).key_documents();
    let (server, addr) = KeyServer::start(documents).await;
    let fetcher = fetcher(addr);
    let (signer, app, _) = route(provider, fetcher.clone());
    for forged in [
        "https://evil.example.com/v1/notifications/certs/CERT-towerwebhooks-test",
        "http://api.sandbox.paypal.com/v1/notifications/certs/CERT-towerwebhooks-test",
        "https://api.sandbox.paypal.com.evil.example.com/cert",
    ] {
        let mut request = signer.request(r#"{"id":"WH-1"}"#);
        request
            .headers_mut()
            .insert("paypal-cert-url", http::HeaderValue::from_static(forged));
        assert_eq!(
            status(&app, request).await,
            StatusCode::UNAUTHORIZED,
            "{forged}"
        );
    }
    assert!(server.requests().is_empty(), "{:?}", server.requests());
    assert_eq!(fetcher.fetches(), 0);
}

#[tokio::test]
async fn an_unknown_google_key_id_is_fetched_again_at_most_once_a_minute() {
    let provider = Provider::GooglePubSub;
    let documents = Signer::new(provider, example_secret(provider)).key_documents();
    let (server, addr) = KeyServer::start(documents).await;
    let (signer, app, _) = route(provider, fetcher(addr));
    assert_eq!(status(&app, signer.request("{}")).await, StatusCode::OK);
    // A token naming a kid Google never published: refused, and the fresh key set is not
    // fetched again for it.
    let mut request = signer.request("{}");
    let token = request.headers()["authorization"]
        .to_str()
        .unwrap()
        .to_owned();
    let (_, rest) = token.split_once('.').unwrap();
    let header = base64::Engine::encode(
        &base64::engine::general_purpose::URL_SAFE_NO_PAD,
        br#"{"alg":"RS256","kid":"made-up","typ":"JWT"}"#,
    );
    request.headers_mut().insert(
        "authorization",
        http::HeaderValue::from_str(&format!("Bearer {header}.{rest}")).unwrap(),
    );
    for _ in 0..3 {
        let (head, body) = request.clone_parts();
        assert_eq!(
            status(&app, Request::from_parts(head, body)).await,
            StatusCode::UNAUTHORIZED
        );
    }
    assert_eq!(server.requests().len(), 1);
    // `none` and other algorithms are refused before anything.
    let none = base64::Engine::encode(
        &base64::engine::general_purpose::URL_SAFE_NO_PAD,
        br#"{"alg":"none"}"#,
    );
    let mut request = signer.request("{}");
    request.headers_mut().insert(
        "authorization",
        http::HeaderValue::from_str(&format!("Bearer {none}.{rest}")).unwrap(),
    );
    assert_eq!(status(&app, request).await, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn an_sns_subscription_is_confirmed_by_visiting_its_signed_subscribe_url() {
    // docs.aws.amazon.com/sns/latest/dg/SendMessageToHttp.prepare.html: SNS posts a signed
    // SubscriptionConfirmation; visiting its SubscribeURL confirms.
    let provider = Provider::AwsSns;
    let signer = Signer::new(provider, example_secret(provider));
    let (server, addr) = KeyServer::start(signer.key_documents()).await;
    let fetcher = fetcher(addr);
    let fixtures: serde_json::Value =
        serde_json::from_str(include_str!("../fixtures/signatures.json")).unwrap();
    let vector = fixtures["vectors"]
        .as_array()
        .unwrap()
        .iter()
        .find(|v| v["id"] == "aws-sns-subscription-confirmation-generated")
        .unwrap();
    let scheme = AwsSns::new(vector["secret"].as_str().unwrap())
        .unwrap()
        .with_fetcher(fetcher.clone());
    let request = Request::post("/hook")
        .header("x-amz-sns-message-type", "SubscriptionConfirmation")
        .body(bytes::Bytes::from(
            vector["body"].as_str().unwrap().to_owned(),
        ))
        .unwrap();
    let (head, body) = request.into_parts();
    scheme.fetch_keys(&head, &body).unwrap().await.unwrap();
    let _verified = scheme.verify(&head, &body).unwrap();
    let message: serde_json::Value = serde_json::from_slice(&body).unwrap();
    // The confirmation goes to the SubscribeURL, on SNS's host; a made-up one elsewhere does not.
    let _ = scheme.confirm(&message).await;
    assert!(
        server
            .requests()
            .iter()
            .any(|r| r.starts_with("sns.us-east-1.amazonaws.com/?Action=ConfirmSubscription")),
        "{:?}",
        server.requests()
    );
    let mut elsewhere = message.clone();
    elsewhere["SubscribeURL"] = "https://evil.example.com/?Action=ConfirmSubscription".into();
    let before = server.requests().len();
    assert!(scheme.confirm(&elsewhere).await.is_err());
    assert_eq!(server.requests().len(), before);
}

trait CloneParts {
    fn clone_parts(&self) -> (http::request::Parts, bytes::Bytes);
}

impl CloneParts for Request<bytes::Bytes> {
    fn clone_parts(&self) -> (http::request::Parts, bytes::Bytes) {
        let mut builder = Request::builder().method(self.method()).uri(self.uri());
        for (name, value) in self.headers() {
            builder = builder.header(name, value);
        }
        builder.body(self.body().clone()).unwrap().into_parts()
    }
}

#[tokio::test]
async fn spellings_of_one_certificate_url_are_one_fetch() {
    let provider = Provider::AwsSns;
    let documents = Signer::new(provider, example_secret(provider)).key_documents();
    let (server, addr) = KeyServer::start(documents).await;
    let (signer, app, calls) = route(provider, fetcher(addr));
    for (n, spelling) in [
        "https://sns.us-east-1.amazonaws.com/SimpleNotificationService-towerwebhookstest.pem",
        "https://SNS.us-east-1.amazonaws.com/SimpleNotificationService-towerwebhookstest.pem",
        "https://sns.us-east-1.amazonaws.com:443/SimpleNotificationService-towerwebhookstest.pem",
        "https://sns.us-east-1.amazonaws.com:0443/SimpleNotificationService-towerwebhookstest.pem",
    ]
    .into_iter()
    .enumerate()
    {
        let (head, body) = signer
            .clone()
            .id(&format!("m{n}"))
            .request("hello")
            .into_parts();
        let mut message: serde_json::Value = serde_json::from_slice(&body).unwrap();
        message["SigningCertURL"] = spelling.into();
        let request = Request::from_parts(head, bytes::Bytes::from(message.to_string()));
        assert_eq!(status(&app, request).await, StatusCode::OK, "{spelling}");
    }
    assert_eq!(calls.load(Ordering::SeqCst), 4);
    assert_eq!(server.requests().len(), 1, "{:?}", server.requests());
}

#[tokio::test]
async fn a_google_token_for_another_service_account_is_refused() {
    // Anyone with a Google Cloud project can have Google sign a token for any audience: only
    // the service account says it is the subscription's.
    let provider = Provider::GooglePubSub;
    let signer = Signer::new(provider, example_secret(provider));
    let (_server, addr) = KeyServer::start(signer.key_documents()).await;
    let audience = signer.public_key().unwrap();
    let (_, audience) = audience.split_once(' ').unwrap();
    let scheme = tower_webhooks::google_pubsub::GooglePubSub::new(
        "someone-else@evil.iam.gserviceaccount.com",
        audience,
    )
    .unwrap()
    .with_clock(signer.clock())
    .with_fetcher(fetcher(addr));
    let (head, body) = signer.request("{}").into_parts();
    scheme.fetch_keys(&head, &body).unwrap().await.unwrap();
    let refused = scheme.verify(&head, &body).unwrap_err();
    assert_eq!(refused.kind(), RejectionKind::SignatureMismatch);
    assert_eq!(
        refused.hint(),
        Some("the token is for another service account")
    );
}
