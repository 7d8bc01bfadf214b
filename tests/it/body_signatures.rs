//! The providers that sign in the body (Mailgun's single-use tokens, Adyen's per-item HMACs and
//! its `[accepted]` answer) and the checks composed with `and` (a signature and a token), each
//! through a real route.

use std::time::{Duration, UNIX_EPOCH};

use axum::{Router, body::Body, http::StatusCode, routing::post};
use http::{Request, header};
use http_body_util::BodyExt as _;
use tower::ServiceExt as _;
use tower_webhooks::{
    Clock, RejectionKind, SignatureScheme, WebhookSignatureLayer,
    adyen::Adyen,
    github::GitHub,
    mailgun::Mailgun,
    test_util::{Provider, Signer},
    token::TokenScheme,
};

const AT: u64 = 1_700_000_000;

fn app(scheme: impl SignatureScheme, answer: (StatusCode, &'static str)) -> Router {
    Router::new()
        .route("/hook", post(move || async move { answer }))
        .route_layer(WebhookSignatureLayer::new(scheme))
}

async fn send(app: &Router, request: Request<Body>) -> (StatusCode, http::HeaderMap, Vec<u8>) {
    let response = app.clone().oneshot(request).await.unwrap();
    let (parts, body) = response.into_parts();
    let body = body.collect().await.unwrap().to_bytes().to_vec();
    (parts.status, parts.headers, body)
}

fn mailgun_signer(id: &str) -> Signer {
    Signer::new(Provider::Mailgun, "mailgun signing key")
        .url("https://example.com/hook")
        .at(UNIX_EPOCH + Duration::from_secs(AT))
        .id(id)
}

#[tokio::test]
async fn a_mailgun_token_is_accepted_once_and_only_fresh() {
    let clock = Clock::fixed(UNIX_EPOCH + Duration::from_secs(AT));
    let scheme = Mailgun::new("mailgun signing key").with_clock(clock);
    let app = app(scheme.clone(), (StatusCode::OK, "ok"));
    let body = r#"{"event":"delivered","id":"evt_1"}"#;
    let first = mailgun_signer("a").request(body).map(Body::from);
    assert_eq!(send(&app, first).await.0, StatusCode::OK);
    // The same signed delivery again is a replay.
    let again = mailgun_signer("a").request(body).map(Body::from);
    assert_eq!(send(&app, again).await.0, StatusCode::UNAUTHORIZED);
    let (head, bytes) = mailgun_signer("a").request(body).into_parts();
    assert_eq!(
        scheme.verify(&head, &bytes).unwrap_err().kind(),
        RejectionKind::Replayed
    );
    // Its signature object on other events is the same replay.
    let mut swapped: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
    swapped["event-data"]["event"] = "failed".into();
    let request = Request::post("/hook")
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(swapped.to_string()))
        .unwrap();
    assert_eq!(send(&app, request).await.0, StatusCode::UNAUTHORIZED);
    // Another token verifies; a wrong key or an old timestamp does not.
    let other = mailgun_signer("b").request(body).map(Body::from);
    assert_eq!(send(&app, other).await.0, StatusCode::OK);
    let forged = mailgun_signer("c").wrongly_signed(body).map(Body::from);
    assert_eq!(send(&app, forged).await.0, StatusCode::UNAUTHORIZED);
    let stale = mailgun_signer("d").stale(body).map(Body::from);
    assert_eq!(send(&app, stale).await.0, StatusCode::UNAUTHORIZED);
}

#[test]
fn a_mailgun_token_stays_single_use_under_an_unbounded_window() {
    let scheme = Mailgun::new("mailgun signing key")
        .with_replay_window(tower_webhooks::ReplayWindow::symmetric(Duration::MAX))
        .with_clock(Clock::fixed(UNIX_EPOCH + Duration::from_secs(AT)));
    let (head, body) = mailgun_signer("a").request("{}").into_parts();
    assert!(scheme.verify(&head, &body).is_ok());
    assert_eq!(
        scheme.verify(&head, &body).unwrap_err().kind(),
        RejectionKind::Replayed
    );
}

#[tokio::test]
async fn a_form_encoded_mailgun_delivery_is_verified_too() {
    // Legacy webhooks and routes' `forward()` post the three fields as form fields.
    let app = app(
        Mailgun::new("key-3ax6xnjp29jd6fds4gc373sgvjxteol0").with_clock(Clock::fixed(
            UNIX_EPOCH + Duration::from_secs(1_403_645_220),
        )),
        (StatusCode::OK, "ok"),
    );
    // mailgun/mailgun-php tests/Api/WebhookTest.php: testVerifyWebhookGood.
    let form = "timestamp=1403645220&token=5egbgr1vjgqxtrnp65xfznchgdccwh5d6i09vijqi3whgowmn6\
                &signature=9cfc5c41582e51246e73c88d34db3af0a3a2692a76fbab81492842f000256d33\
                &recipient=alice%40example.com&event=delivered";
    let post = |body: String| {
        Request::post("/hook")
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(body))
            .unwrap()
    };
    assert_eq!(send(&app, post(form.to_owned())).await.0, StatusCode::OK);
    // testVerifyWebhookBad: another token under the same signature.
    let bad = form.replace(
        "5egbgr1vjgqxtrnp65xfznchgdccwh5d6i09vijqi3whgowmn6",
        "owyldpe6nxhmrn78epljl6bj0orrki1u3d2v5e6cnlmmuox8jr",
    );
    assert_eq!(send(&app, post(bad)).await.0, StatusCode::UNAUTHORIZED);
    let twice = format!("{form}&token=5egbgr1vjgqxtrnp65xfznchgdccwh5d6i09vijqi3whgowmn6");
    assert_eq!(send(&app, post(twice)).await.0, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn adyen_answers_accepted_and_every_item_must_verify() {
    let key = "DFB1EB5485895CFA84146406857104ABB4CBCABDC8AAF103A624C8F6A3EAAB00";
    let signer = Signer::new(Provider::Adyen, key).url("https://example.com/hook");
    let app = app(
        Adyen::new(key).unwrap(),
        (StatusCode::OK, "handled, thanks"),
    );
    let item = |psp: &str| {
        serde_json::json!({"NotificationRequestItem": {
            "pspReference": psp, "merchantAccountCode": "Shop", "merchantReference": "order-1",
            "amount": {"value": 1000, "currency": "EUR"}, "eventCode": "AUTHORISATION",
            "success": "true",
        }})
    };
    let notification = serde_json::json!({
        "live": "false",
        "notificationItems": [item("8815000000000001"), item("8815000000000002")],
    });
    let signed = signer.body(notification.to_string().as_bytes());
    let post = |body: Vec<u8>| Request::post("/hook").body(Body::from(body)).unwrap();
    let (status, headers, body) = send(&app, post(signed.to_vec())).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body, b"[accepted]");
    assert!(
        headers[header::CONTENT_TYPE]
            .to_str()
            .unwrap()
            .starts_with("text/plain")
    );
    // One item changed after signing: the whole delivery is refused.
    let mut altered: serde_json::Value = serde_json::from_slice(&signed).unwrap();
    altered["notificationItems"][1]["NotificationRequestItem"]["amount"]["value"] = 1.into();
    let (status, _, body) = send(&app, post(altered.to_string().into_bytes())).await;
    assert_eq!((status, body.len()), (StatusCode::UNAUTHORIZED, 0));
    // An item without a signature is refused too, beside a good one.
    let mut unsigned: serde_json::Value = serde_json::from_slice(&signed).unwrap();
    unsigned["notificationItems"][1]["NotificationRequestItem"]["additionalData"] =
        serde_json::json!({});
    let (status, ..) = send(&app, post(unsigned.to_string().into_bytes())).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    // A failing handler's answer is not turned into an acceptance.
    let failing = self::app(
        Adyen::new(key).unwrap(),
        (StatusCode::INTERNAL_SERVER_ERROR, "try later"),
    );
    let (status, _, body) = send(&failing, post(signed.to_vec())).await;
    assert_eq!(
        (status, body.as_slice()),
        (StatusCode::INTERNAL_SERVER_ERROR, &b"try later"[..])
    );
}

#[tokio::test]
async fn a_route_can_demand_a_signature_and_a_token() {
    let scheme =
        GitHub::new("webhook secret").and(TokenScheme::bearer("github", "proxy token").unwrap());
    assert_eq!(scheme.name(), "github");
    let app = app(scheme, (StatusCode::OK, "ok"));
    let signer = Signer::new(Provider::GitHub, "webhook secret").url("https://example.com/hook");
    let body = r#"{"zen":"Keep it logically awesome."}"#;
    let with_token = |mut request: Request<Body>, token: &'static str| {
        request
            .headers_mut()
            .insert(header::AUTHORIZATION, http::HeaderValue::from_static(token));
        request
    };
    let both = with_token(signer.request(body).map(Body::from), "Bearer proxy token");
    assert_eq!(send(&app, both).await.0, StatusCode::OK);
    let no_token = signer.request(body).map(Body::from);
    assert_eq!(send(&app, no_token).await.0, StatusCode::UNAUTHORIZED);
    let wrong_token = with_token(signer.request(body).map(Body::from), "Bearer proxy");
    assert_eq!(send(&app, wrong_token).await.0, StatusCode::UNAUTHORIZED);
    let forged = with_token(
        signer.wrongly_signed(body).map(Body::from),
        "Bearer proxy token",
    );
    assert_eq!(send(&app, forged).await.0, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn an_adyen_item_changed_where_it_is_unsigned_is_still_a_duplicate() {
    use std::sync::{
        Arc,
        atomic::{AtomicUsize, Ordering},
    };
    use tower_webhooks::idempotency::{IdempotencyLayer, MemoryStore};

    let key = "DFB1EB5485895CFA84146406857104ABB4CBCABDC8AAF103A624C8F6A3EAAB00";
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
        .route_layer(IdempotencyLayer::new(Arc::new(MemoryStore::default())))
        .route_layer(WebhookSignatureLayer::new(Adyen::new(key).unwrap()));
    let signer = Signer::new(Provider::Adyen, key).url("https://example.com/hook");
    let item = serde_json::json!({
        "pspReference": "8815000000000001", "merchantAccountCode": "Shop",
        "merchantReference": "order-1", "amount": {"value": 1000, "currency": "EUR"},
        "eventCode": "CAPTURE", "success": "true", "reason": "first",
    });
    let signed = signer.body(item.to_string().as_bytes());
    let post = |body: String| Request::post("/hook").body(Body::from(body)).unwrap();
    let (status, _, body) = send(&app, post(String::from_utf8(signed.to_vec()).unwrap())).await;
    assert_eq!(
        (status, body.as_slice()),
        (StatusCode::OK, &b"[accepted]"[..])
    );
    // The same capture, its unsigned `reason` and `eventDate` changed: it still verifies, and
    // is the same event, so the handler does not capture twice.
    let mut replayed: serde_json::Value = serde_json::from_slice(&signed).unwrap();
    let again = &mut replayed["notificationItems"][0]["NotificationRequestItem"];
    again["reason"] = "changed".into();
    again["eventDate"] = "2030-01-01T00:00:00+01:00".into();
    let (status, _, body) = send(&app, post(replayed.to_string())).await;
    assert_eq!(
        (status, body.as_slice()),
        (StatusCode::OK, &b"[accepted]"[..])
    );
    assert_eq!(calls.load(Ordering::SeqCst), 1);
}
