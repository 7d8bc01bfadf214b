//! Xemelgo's JSON.stringify fallback against Node's own output (`fixtures/xemelgo/`, made by
//! `generate.mjs` in that folder).

use crate::common::{Provider, Seen, recording_app, send, signed_request};
use axum::http::StatusCode;
use base64::Engine as _;
use serde::Deserialize;
use tower_webhooks::json_stringify::{StringifyErrorKind, stringify_parsed};

#[derive(Deserialize)]
struct Fixtures {
    secret: String,
    cases: Vec<Case>,
}

#[derive(Deserialize)]
struct Case {
    name: String,
    raw_base64: String,
    stringified_base64: Option<String>,
    #[serde(default)]
    lone_surrogate: bool,
    signature: Option<String>,
    error: Option<String>,
}

fn decode(text: &str) -> Vec<u8> {
    base64::engine::general_purpose::STANDARD
        .decode(text)
        .unwrap()
}

fn fixtures() -> Fixtures {
    serde_json::from_str(include_str!("../fixtures/xemelgo/stringify.json")).unwrap()
}

#[test]
fn stringify_matches_node_byte_for_byte_or_fails_closed() {
    let fixtures = fixtures();
    assert!(fixtures.cases.len() >= 40);
    for case in &fixtures.cases {
        let raw = decode(&case.raw_base64);
        let ours = stringify_parsed(&raw);
        match (&case.stringified_base64, &case.error) {
            (Some(_), _) if case.lone_surrogate => {
                assert_eq!(
                    ours.unwrap_err().kind(),
                    StringifyErrorKind::LoneSurrogate,
                    "{}",
                    case.name
                );
            }
            (Some(expected), _) => {
                let ours = ours.unwrap_or_else(|e| panic!("{}: {e}", case.name));
                assert_eq!(
                    String::from_utf8_lossy(&ours),
                    String::from_utf8_lossy(&decode(expected)),
                    "{}",
                    case.name
                );
            }
            (None, Some(_)) => {
                assert_eq!(
                    ours.unwrap_err().kind(),
                    StringifyErrorKind::InvalidJson,
                    "{}",
                    case.name
                );
            }
            (None, None) => panic!("{}: fixture has neither output nor error", case.name),
        }
    }
}

#[test]
fn the_fixtures_cover_every_trap_the_issue_lists() {
    let names: Vec<String> = fixtures().cases.into_iter().map(|c| c.name).collect();
    for needle in [
        "whitespace",
        "key order",
        "array-index",
        "duplicate keys",
        "unicode escapes",
        "escaped solidus",
        "non-ASCII",
        "emoji",
        "1.50",
        "1e2",
        "negative zero",
        "1e21",
        "1e-7",
        "large integers",
        "nested arrays and objects",
        "lone",
    ] {
        assert!(
            names.iter().any(|n| n.contains(needle)),
            "no fixture for {needle}"
        );
    }
}

/// A sender that signs `JSON.stringify(body)` and sends the raw (differently formatted) bytes:
/// the delivery is accepted and the handler gets the stringified bytes, never the raw ones.
#[tokio::test]
async fn when_only_the_stringified_form_matches_the_handler_gets_those_bytes() {
    let fixtures = fixtures();
    assert_eq!(fixtures.secret, crate::common::XEMELGO_SECRET);
    let mut differing = 0;
    let mut failed_closed = 0;
    for case in &fixtures.cases {
        let (Some(stringified), Some(signature)) = (&case.stringified_base64, &case.signature)
        else {
            continue;
        };
        let raw = decode(&case.raw_base64);
        let stringified = decode(stringified);
        let seen = Seen::default();
        let app = recording_app(Provider::Xemelgo.layer(), seen.clone());
        let reply = send(
            app,
            signed_request("/raw", "xemelgo-signature", signature, raw.clone()),
        )
        .await;
        if case.lone_surrogate {
            if raw == stringified {
                // The raw bytes themselves were signed: no emulation needed, nothing to refuse.
                assert_eq!(reply.status, StatusCode::OK, "{}", case.name);
                assert_eq!(seen.last().unwrap(), raw, "{}", case.name);
            } else {
                assert_eq!(
                    reply.status,
                    StatusCode::UNAUTHORIZED,
                    "{}: fails closed",
                    case.name
                );
                assert_eq!(seen.calls(), 0, "{}", case.name);
                failed_closed += 1;
            }
            continue;
        }
        assert_eq!(reply.status, StatusCode::OK, "{}", case.name);
        assert_eq!(
            seen.last().unwrap(),
            stringified,
            "{}: handler sees the signed bytes",
            case.name
        );
        if raw != stringified {
            differing += 1;
        }
    }
    assert!(
        differing >= 25,
        "most fixtures exercise the fallback ({differing})"
    );
    assert!(
        failed_closed >= 2,
        "lone surrogates that need the fallback fail closed"
    );
}

#[tokio::test]
async fn the_large_integer_a_sender_could_swap_is_never_handed_on() {
    // 12345678901234567891 and ...892 are the same double: both stringify to ...7000. A body
    // signed in stringified form and sent with either literal reaches the handler as ...7000.
    let signed = br#"{"id":12345678901234567000}"#;
    let signature = Provider::Xemelgo.signature(signed);
    for sent in [
        &br#"{"id":12345678901234567891}"#[..],
        br#"{"id":12345678901234567892}"#,
    ] {
        let seen = Seen::default();
        let app = recording_app(Provider::Xemelgo.layer(), seen.clone());
        let reply = send(
            app,
            signed_request("/raw", "xemelgo-signature", &signature, sent.to_vec()),
        )
        .await;
        assert_eq!(reply.status, StatusCode::OK);
        assert_eq!(seen.last().unwrap(), &signed[..]);
    }
}

#[tokio::test]
async fn raw_body_only_refuses_the_stringified_form() {
    use tower_webhooks::{SignatureScheme, WebhookSignatureLayer, xemelgo::Xemelgo};
    let raw = b"{ \"a\" : 1.50 }";
    let signature = Provider::Xemelgo.signature(br#"{"a":1.5}"#);
    let strict: Box<dyn SignatureScheme> = Box::new(
        Xemelgo::new(crate::common::XEMELGO_SECRET)
            .unwrap()
            .raw_body_only(),
    );
    let seen = Seen::default();
    let app = recording_app(WebhookSignatureLayer::new(strict), seen.clone());
    let reply = send(
        app,
        signed_request("/raw", "xemelgo-signature", &signature, raw.to_vec()),
    )
    .await;
    assert_eq!(reply.status, StatusCode::UNAUTHORIZED);
    assert_eq!(seen.calls(), 0);
    // The default scheme accepts the same delivery.
    let reply = send(
        recording_app(Provider::Xemelgo.layer(), Seen::default()),
        signed_request("/raw", "xemelgo-signature", &signature, raw.to_vec()),
    )
    .await;
    assert_eq!(reply.status, StatusCode::OK);
}
