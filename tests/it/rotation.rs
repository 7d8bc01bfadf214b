//! Key rotation for every preset: with keys `[old, new]`, a delivery signed by either passes and
//! one signed by neither fails, and the id of the key that matched reaches the handler.

use crate::signer::{ALL, NOW, Preset, scheme, secret, sign};
use axum::{Router, routing::post};
use http::StatusCode;
use http_body_util::{BodyExt as _, Full};
use tower::ServiceExt as _;
use tower_webhooks::{Keys, RejectionKind, VerificationInfo, WebhookSignatureLayer};

fn keys(preset: Preset) -> Keys {
    Keys::new()
        .key("old", secret(preset, 1))
        .key("new", secret(preset, 2))
}

#[test]
fn either_key_passes_and_neither_fails() {
    for preset in ALL {
        let scheme = scheme(preset, keys(preset));
        let body = crate::signer::body_for(preset, "rotation");
        for (seed, expected) in [(1, Some("old")), (2, Some("new")), (3, None)] {
            let key = secret(preset, seed);
            let delivery = sign(preset, &[&key], &body, NOW, "msg_1");
            match (scheme.verify(&delivery.head, &delivery.body), expected) {
                (Ok(verification), Some(_)) => {
                    let _ = verification;
                }
                (Err(rejection), None) => {
                    assert_eq!(
                        rejection.kind(),
                        RejectionKind::SignatureMismatch,
                        "{preset:?}"
                    );
                }
                (verdict, expected) => {
                    panic!("{preset:?} key {seed}: expected {expected:?}, got {verdict:?}")
                }
            }
        }
    }
}

#[test]
fn headers_with_several_signatures_pass_when_any_matches_any_key() {
    for preset in [
        Preset::StandardWebhooks,
        Preset::Svix,
        Preset::Stripe,
        Preset::Paddle,
    ] {
        let scheme = scheme(preset, keys(preset));
        let body = crate::signer::body_for(preset, "several");
        let stranger = secret(preset, 9);
        let new = secret(preset, 2);
        let both = sign(preset, &[&stranger, &new], &body, NOW, "msg_2");
        assert!(scheme.verify(&both.head, &both.body).is_ok(), "{preset:?}");
        let neither = sign(
            preset,
            &[&stranger, &secret(preset, 8)],
            &body,
            NOW,
            "msg_2",
        );
        assert!(
            scheme.verify(&neither.head, &neither.body).is_err(),
            "{preset:?}"
        );
    }
}

#[tokio::test]
async fn the_matched_key_id_reaches_the_handler() {
    async fn handler(info: VerificationInfo) -> String {
        format!("{}:{}", info.scheme(), info.key_id().unwrap_or("-"))
    }
    for preset in ALL {
        let app = Router::new()
            .route("/webhooks/provider", post(handler))
            .route_layer(WebhookSignatureLayer::new(scheme(preset, keys(preset))));
        let body = crate::signer::body_for(preset, "who signed");
        for (seed, id) in [(1, "old"), (2, "new")] {
            let delivery = sign(preset, &[&secret(preset, seed)], &body, NOW, "msg_3");
            let request = http::Request::from_parts(delivery.head, Full::new(delivery.body));
            let response = app.clone().oneshot(request).await.unwrap();
            let status = response.status();
            let text = response.into_body().collect().await.unwrap().to_bytes();
            if preset == Preset::Xero {
                // Xero's responses carry no body, by Xero's rule; the status still says it passed.
                assert_eq!(status, StatusCode::OK);
                assert!(text.is_empty());
                continue;
            }
            assert_eq!(status, StatusCode::OK, "{preset:?}");
            let text = String::from_utf8(text.to_vec()).unwrap();
            assert!(text.ends_with(&format!(":{id}")), "{preset:?}: {text}");
        }
    }
}
