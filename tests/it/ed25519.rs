//! Ed25519 schemes (the `ed25519` feature): Standard Webhooks `v1a` and Discord, signed here
//! with `ed25519-dalek` from fixed seeds.
#![cfg(feature = "ed25519")]

use std::time::{Duration, UNIX_EPOCH};

use base64::Engine as _;
use bytes::Bytes;
use ed25519_dalek::{Signer as _, SigningKey};
use http::{Request, StatusCode, request::Parts};
use http_body_util::{BodyExt as _, Full};
use tower::{Layer as _, ServiceExt as _};
use tower_webhooks::{
    Clock, Keys, RejectionKind, SignatureScheme, VerificationInfo, WebhookSignatureLayer,
    discord::Discord, standard_webhooks::StandardWebhooksV1a,
};

const NOW: u64 = 1_700_000_000;

fn clock() -> Clock {
    Clock::fixed(UNIX_EPOCH + Duration::from_secs(NOW))
}

fn key(seed: u8) -> SigningKey {
    SigningKey::from_bytes(&[seed; 32])
}

fn b64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn whpk(seed: u8) -> String {
    format!("whpk_{}", b64(key(seed).verifying_key().as_bytes()))
}

fn v1a(signers: &[u8], body: &str, ts: u64) -> (Parts, Bytes) {
    let message = format!("msg_1.{ts}.{body}");
    let signatures: Vec<String> = signers
        .iter()
        .map(|seed| {
            format!(
                "v1a,{}",
                b64(&key(*seed).sign(message.as_bytes()).to_bytes())
            )
        })
        .collect();
    let (head, ()) = Request::builder()
        .header("webhook-id", "msg_1")
        .header("webhook-timestamp", ts.to_string())
        .header("webhook-signature", signatures.join(" "))
        .body(())
        .unwrap()
        .into_parts();
    (head, Bytes::from(body.to_owned()))
}

fn discord(seed: u8, body: &str, ts: u64) -> (Parts, Bytes) {
    let signature = key(seed).sign(format!("{ts}{body}").as_bytes());
    let (head, ()) = Request::builder()
        .header("x-signature-ed25519", hex(&signature.to_bytes()))
        .header("x-signature-timestamp", ts.to_string())
        .body(())
        .unwrap()
        .into_parts();
    (head, Bytes::from(body.to_owned()))
}

#[test]
fn v1a_rotation_any_signature_under_any_key() {
    let scheme = StandardWebhooksV1a::new(Keys::new().key("old", whpk(1)).key("new", whpk(2)))
        .unwrap()
        .with_clock(clock());
    for (signers, ok) in [
        (&[1][..], true),
        (&[2], true),
        (&[3, 2], true),
        (&[3], false),
        (&[3, 4], false),
    ] {
        let (head, body) = v1a(signers, r#"{"a":1}"#, NOW);
        assert_eq!(scheme.verify(&head, &body).is_ok(), ok, "{signers:?}");
    }
    // A `v1` (HMAC) entry beside a good `v1a` is ignored, not an error.
    let (mut head, body) = v1a(&[2], "{}", NOW);
    let value = format!(
        "v1,AAAA {}",
        head.headers["webhook-signature"].to_str().unwrap()
    );
    head.headers
        .insert("webhook-signature", value.parse().unwrap());
    assert!(scheme.verify(&head, &body).is_ok());
}

#[test]
fn v1a_refuses_changes_and_stale_timestamps() {
    let scheme = StandardWebhooksV1a::new(whpk(1))
        .unwrap()
        .with_clock(clock());
    let (head, body) = v1a(&[1], r#"{"a":1}"#, NOW);
    assert!(scheme.verify(&head, &body).is_ok());
    for at in 0..body.len() {
        let mut changed = body.to_vec();
        changed[at] ^= 1;
        assert!(scheme.verify(&head, &Bytes::from(changed)).is_err());
    }
    for name in ["webhook-id", "webhook-timestamp"] {
        let mut changed = head.clone();
        let value = head.headers[name].to_str().unwrap().replace('1', "2");
        changed.headers.insert(name, value.parse().unwrap());
        assert!(scheme.verify(&changed, &body).is_err(), "{name}");
    }
    let (head, body) = v1a(&[1], "{}", NOW - 301);
    let rejection = scheme.verify(&head, &body).unwrap_err();
    assert_eq!(rejection.kind(), RejectionKind::StaleTimestamp);
    assert_eq!(rejection.skew_secs(), Some(301));
}

#[test]
fn keys_that_are_not_public_keys_are_refused_at_start_up() {
    for bad in ["whpk_", "whpk_AAAA", "not base64!"] {
        assert!(StandardWebhooksV1a::new(bad).is_err(), "{bad}");
    }
    assert!(Discord::new("abcd").is_err());
    assert!(Discord::new(Keys::new()).is_err());
}

#[tokio::test]
async fn discord_answers_ping_and_refuses_bad_probes() {
    let public = hex(key(5).verifying_key().as_bytes());
    let scheme = Discord::new(Keys::new().key("app", public))
        .unwrap()
        .with_clock(clock());
    let service = WebhookSignatureLayer::new(scheme).layer(tower::service_fn(
        |request: Request<tower_webhooks::layer::RequestBody>| async move {
            let info = request
                .extensions()
                .get::<VerificationInfo>()
                .unwrap()
                .clone();
            assert_eq!(info.key_id(), Some("app"));
            let body = http::Response::new(Full::new(Bytes::from_static(b"handled")));
            Ok::<_, std::convert::Infallible>(body)
        },
    ));
    let call = |(head, body): (Parts, Bytes)| {
        let service = service.clone();
        async move {
            let response = service
                .oneshot(Request::from_parts(head, Full::new(body)))
                .await
                .unwrap();
            let status = response.status();
            (
                status,
                response.into_body().collect().await.unwrap().to_bytes(),
            )
        }
    };
    assert_eq!(
        call(discord(5, r#"{"type":1}"#, NOW)).await,
        (StatusCode::OK, Bytes::from_static(br#"{"type":1}"#))
    );
    assert_eq!(
        call(discord(5, r#"{"type":2,"data":{"name":"hi"}}"#, NOW)).await,
        (StatusCode::OK, Bytes::from_static(b"handled"))
    );
    // Discord's deliberate probes: a signature by another key, and a changed body.
    assert_eq!(
        call(discord(6, r#"{"type":1}"#, NOW)).await.0,
        StatusCode::UNAUTHORIZED
    );
    let (head, _) = discord(5, r#"{"type":1}"#, NOW);
    assert_eq!(
        call((head, Bytes::from_static(br#"{"type":1} "#))).await.0,
        StatusCode::UNAUTHORIZED
    );
}

mod properties {
    use proptest::prelude::*;

    use super::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(128))]

        /// Sign-then-verify passes, and a change to any one byte of the body, the signature,
        /// the timestamp or the id is refused, for both Ed25519 schemes.
        #[test]
        fn signed_verifies_and_any_changed_byte_is_refused(
            body in "[a-zA-Z0-9 {}\":,é☃]{0,120}",
            discord_scheme in any::<bool>(),
            part in 0usize..4,
            at in any::<prop::sample::Index>(),
            flip in 1u8..=255,
        ) {
            let (scheme, (head, body)): (Box<dyn SignatureScheme>, _) = if discord_scheme {
                let public = hex(key(5).verifying_key().as_bytes());
                (Box::new(Discord::new(public).unwrap().with_clock(clock())), discord(5, &body, NOW))
            } else {
                (Box::new(StandardWebhooksV1a::new(whpk(5)).unwrap().with_clock(clock())), v1a(&[5], &body, NOW))
            };
            prop_assert!(scheme.verify(&head, &body).is_ok());
            let header = match (discord_scheme, part) {
                (_, 0) => None,
                (true, 1 | 3) => Some("x-signature-ed25519"),
                (true, _) => Some("x-signature-timestamp"),
                (false, 1) => Some("webhook-signature"),
                (false, 2) => Some("webhook-timestamp"),
                (false, _) => Some("webhook-id"),
            };
            match header {
                None => {
                    prop_assume!(!body.is_empty());
                    let mut changed = body.to_vec();
                    let at = at.index(changed.len());
                    changed[at] ^= flip;
                    prop_assert!(scheme.verify(&head, &Bytes::from(changed)).is_err());
                }
                Some(name) => {
                    let mut changed = head.headers[name].as_bytes().to_vec();
                    let at = at.index(changed.len());
                    changed[at] ^= flip;
                    // Hex signatures are case-insensitive: `a` and `A` are no change.
                    prop_assume!(!(name == "x-signature-ed25519" && flip == 0x20 && changed[at].is_ascii_alphabetic()));
                    let Ok(value) = http::HeaderValue::from_bytes(&changed) else {
                        return Ok(());
                    };
                    let mut head = head.clone();
                    head.headers.insert(name, value);
                    prop_assert!(scheme.verify(&head, &body).is_err(), "{} byte {} ^ {:#x}", name, at, flip);
                }
            }
        }
    }
}

/// `v1a` signs the `webhook-id` as `v1` does, so it is the delivery's idempotency key too.
#[tokio::test]
async fn the_v1a_webhook_id_is_the_idempotency_key() {
    use tower::ServiceExt as _;
    use tower_webhooks::{
        VerificationInfo, WebhookSignatureLayer,
        test_util::{Provider, Signer},
    };
    let signer = Signer::new(
        Provider::StandardWebhooksV1a,
        "whsk_AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=",
    )
    .id("msg_v1a_key");
    let app = axum::Router::new()
        .route(
            "/",
            axum::routing::post(|info: VerificationInfo| async move {
                info.idempotency_key().unwrap_or_default().to_owned()
            }),
        )
        .route_layer(WebhookSignatureLayer::new(signer.scheme().unwrap()));
    let request = signer
        .request(r#"{"type":"a"}"#)
        .map(axum::body::Body::from);
    let (head, body) = request.into_parts();
    let mut head = head;
    head.uri = "/".parse().unwrap();
    let response = app
        .oneshot(http::Request::from_parts(head, body))
        .await
        .unwrap();
    assert_eq!(response.status(), http::StatusCode::OK);
    let key = http_body_util::BodyExt::collect(response.into_body())
        .await
        .unwrap()
        .to_bytes();
    assert_eq!(key, "msg_v1a_key");
}
