//! Every provider's handshake, driven as the provider's docs show it (method, query, headers)
//! through a real axum route (`post(handler)` behind `route_layer`, so a `GET` reaches the
//! layer before axum's `405`), the answer checked byte for byte; a forged handshake is refused
//! where the provider signs it or sends a secret with it, and the handler never runs.

use std::sync::{
    Arc,
    atomic::{AtomicUsize, Ordering},
};

use axum::{Router, body::Body, http::StatusCode, routing::post};
use http::{Request, header};
use http_body_util::BodyExt as _;
use tower::ServiceExt as _;
use tower_webhooks::{
    SignatureScheme, WebhookSignatureLayer,
    dropbox::Dropbox,
    meta::Meta,
    microsoft_graph::MicrosoftGraph,
    okta::Okta,
    test_util::{Provider, Signer},
};

/// A route whose handler counts its calls, behind `scheme`.
fn app(scheme: impl SignatureScheme) -> (Router, Arc<AtomicUsize>) {
    let calls = Arc::new(AtomicUsize::new(0));
    let seen = Arc::clone(&calls);
    let router = Router::new()
        .route(
            "/hook",
            post(move || {
                seen.fetch_add(1, Ordering::SeqCst);
                async { "handled" }
            }),
        )
        .route_layer(WebhookSignatureLayer::new(scheme));
    (router, calls)
}

struct Answer {
    status: StatusCode,
    headers: http::HeaderMap,
    body: Vec<u8>,
}

async fn send(app: &Router, request: Request<Body>) -> Answer {
    let response = app.clone().oneshot(request).await.unwrap();
    let (parts, body) = response.into_parts();
    Answer {
        status: parts.status,
        headers: parts.headers,
        body: body.collect().await.unwrap().to_bytes().to_vec(),
    }
}

fn get(uri: &str) -> Request<Body> {
    Request::get(uri).body(Body::empty()).unwrap()
}

fn plain_text(answer: &Answer, body: &str) {
    assert_eq!(answer.status, StatusCode::OK);
    assert_eq!(answer.body, body.as_bytes());
    let content_type = answer.headers[header::CONTENT_TYPE].to_str().unwrap();
    assert!(content_type.starts_with("text/plain"), "{content_type}");
    assert_eq!(answer.headers["x-content-type-options"], "nosniff");
}

fn refused(answer: &Answer) {
    assert_eq!(answer.status, StatusCode::UNAUTHORIZED);
    assert!(answer.body.is_empty());
}

#[tokio::test]
async fn meta_answers_its_subscription_check_only_with_the_verify_token() {
    // developers.facebook.com/docs/graph-api/webhooks/getting-started: the example request.
    let scheme = Meta::new("app secret")
        .with_verify_token("meatyhamhock")
        .unwrap();
    let (app, calls) = app(scheme);
    let check = "/hook?hub.mode=subscribe&hub.challenge=1158201444&hub.verify_token=meatyhamhock";
    plain_text(&send(&app, get(check)).await, "1158201444");
    for forged in [
        "/hook?hub.mode=subscribe&hub.challenge=1158201444&hub.verify_token=meatyhamhoc",
        "/hook?hub.mode=subscribe&hub.challenge=1158201444",
        "/hook?hub.mode=unsubscribe&hub.challenge=1158201444&hub.verify_token=meatyhamhock",
        "/hook?hub.mode=subscribe&hub.verify_token=meatyhamhock",
    ] {
        refused(&send(&app, get(forged)).await);
    }
    // Without a verify token configured, no check passes.
    let (bare, _) = self::app(Meta::new("app secret"));
    refused(&send(&bare, get(check)).await);
    // Deliveries are still verified, and reach the handler.
    let signer = Signer::new(Provider::Meta, "app secret").url("https://example.com/hook");
    let ok = send(&app, signer.request(r#"{"object":"page"}"#).map(Body::from)).await;
    assert_eq!(ok.status, StatusCode::OK);
    assert_eq!(calls.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn dropbox_echoes_its_challenge_as_plain_text_that_is_never_sniffed() {
    // dropbox.com/developers/reference/webhooks: `GET ?challenge=…`, echoed with `nosniff`.
    let (app, calls) = app(Dropbox::new("app secret"));
    plain_text(
        &send(&app, get("/hook?challenge=a%20b%3Cscript%3E")).await,
        "a b<script>",
    );
    refused(&send(&app, get("/hook")).await);
    let long = format!("/hook?challenge={}", "a".repeat(1025));
    refused(&send(&app, get(&long)).await);
    assert_eq!(calls.load(Ordering::SeqCst), 0);
}

#[tokio::test]
async fn microsoft_graph_answers_its_validation_token_decoded() {
    // learn.microsoft.com/graph/change-notifications-delivery-webhooks: a `POST` with the
    // token in the query, `Content-Type: text/plain`, answered with the decoded token.
    let (app, calls) = app(MicrosoftGraph::new("secretClientValue").unwrap());
    let request = Request::post(
        "/hook?validationToken=Validation%3A%20Testing%20client%20application%20reachability%20for%20subscription%20Request-Id%3A%2025ec6b4f-cd36-4d4c-a2f5-1e8b3f8e0a1b",
    )
    .header(header::CONTENT_TYPE, "text/plain; charset=utf-8")
    .body(Body::empty())
    .unwrap();
    plain_text(
        &send(&app, request).await,
        "Validation: Testing client application reachability for subscription Request-Id: 25ec6b4f-cd36-4d4c-a2f5-1e8b3f8e0a1b",
    );
    // A notification: every item must carry the state.
    let good = r#"{"value":[{"clientState":"secretClientValue","changeType":"created"},{"clientState":"secretClientValue","changeType":"updated"}]}"#;
    let mixed = r#"{"value":[{"clientState":"secretClientValue","changeType":"created"},{"clientState":"forged","changeType":"deleted"}]}"#;
    let post = |body: &'static str| Request::post("/hook").body(Body::from(body)).unwrap();
    assert_eq!(send(&app, post(good)).await.status, StatusCode::OK);
    refused(&send(&app, post(mixed)).await);
    refused(&send(&app, post(r#"{"value":[{"changeType":"created"}]}"#)).await);
    assert_eq!(calls.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn okta_answers_its_one_time_verification_as_json() {
    // developer.okta.com/docs/concepts/event-hooks: one `GET` with
    // `X-Okta-Verification-Challenge`, answered `{"verification": …}`.
    let (app, calls) = app(Okta::new("a secret I chose").unwrap());
    let request = Request::get("/hook")
        .header(
            "x-okta-verification-challenge",
            "2ZvGODgP1L0fOvBfBkJlZ1Rz\"x",
        )
        .body(Body::empty())
        .unwrap();
    let answer = send(&app, request).await;
    assert_eq!(answer.status, StatusCode::OK);
    assert_eq!(answer.headers[header::CONTENT_TYPE], "application/json");
    assert_eq!(
        answer.body,
        br#"{"verification":"2ZvGODgP1L0fOvBfBkJlZ1Rz\"x"}"#
    );
    refused(&send(&app, get("/hook")).await);
    // A delivery needs the secret header.
    let delivery = |auth: &'static str| {
        Request::post("/hook")
            .header(header::AUTHORIZATION, auth)
            .body(Body::from(r#"{"data":{"events":[]}}"#))
            .unwrap()
    };
    assert_eq!(
        send(&app, delivery("a secret I chose")).await.status,
        StatusCode::OK
    );
    refused(&send(&app, delivery("a secret I chose!")).await);
    assert_eq!(calls.load(Ordering::SeqCst), 1);
}

/// A provider whose handshake is a signed delivery: the signed one is answered by the scheme,
/// a forged one refused, and neither reaches the handler.
async fn signed_challenge(
    provider: Provider,
    body: &str,
    adjust: impl Fn(&mut Request<Body>),
    expected: &str,
) {
    let secret = tower_webhooks::test_util::example_secret(provider);
    let signer = Signer::new(provider, secret).url("https://example.com/hook");
    let (app, calls) = app(signer.scheme().unwrap());
    let mut request = signer.request(body.to_owned()).map(Body::from);
    adjust(&mut request);
    plain_text(&send(&app, request).await, expected);
    let mut forged = signer.wrongly_signed(body.to_owned()).map(Body::from);
    adjust(&mut forged);
    refused(&send(&app, forged).await);
    assert_eq!(calls.load(Ordering::SeqCst), 0, "{provider}");
}

#[tokio::test]
async fn slack_answers_a_signed_url_verification_and_refuses_a_forged_one() {
    // docs.slack.dev/reference/events/url_verification: the example event.
    signed_challenge(
        Provider::Slack,
        r#"{"token":"Jhj5dZrVaK7ZwHHjRyZWjbDl","challenge":"3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P","type":"url_verification"}"#,
        |_| {},
        "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P",
    )
    .await;
}

#[tokio::test]
async fn twitch_answers_a_signed_verification_and_refuses_a_forged_one() {
    // dev.twitch.tv/docs/eventsub/handling-webhook-events: the verification message.
    signed_challenge(
        Provider::Twitch,
        r#"{"challenge":"pogchamp-kappa-360noscope-vohiyo","subscription":{"id":"f1c2a387-161a-49f9-a165-0f21d7a4e1c4","status":"webhook_callback_verification_pending","type":"channel.follow","version":"1"}}"#,
        |request| {
            request.headers_mut().insert(
                "twitch-eventsub-message-type",
                http::HeaderValue::from_static("webhook_callback_verification"),
            );
        },
        "pogchamp-kappa-360noscope-vohiyo",
    )
    .await;
}
