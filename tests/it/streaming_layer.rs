//! Through the layer, a body in many frames is verified in one pass as it arrives, and with the
//! same verdict as in one frame; the handler gets exactly the bytes that were sent.

use std::{
    convert::Infallible,
    pin::Pin,
    task::{Context, Poll},
};

use crate::signer::{ALL, NOW, secret, sign};
use bytes::Bytes;
use http::{Request, StatusCode};
use http_body::{Body, Frame};
use http_body_util::BodyExt as _;
use tower::{Layer as _, ServiceExt as _};
use tower_webhooks::{Keys, WebhookSignatureLayer, layer::RequestBody};

/// A body that yields `size`-byte frames.
struct Frames(Vec<Bytes>);

impl Body for Frames {
    type Data = Bytes;
    type Error = Infallible;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        _: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Infallible>>> {
        if self.0.is_empty() {
            return Poll::Ready(None);
        }
        Poll::Ready(Some(Ok(Frame::data(self.0.remove(0)))))
    }
}

fn frames(body: &Bytes, size: usize) -> Frames {
    Frames(body.chunks(size).map(Bytes::copy_from_slice).collect())
}

#[tokio::test]
async fn every_preset_verifies_a_body_in_many_frames_as_in_one() {
    for preset in ALL {
        let key = secret(preset, 1);
        let body =
            crate::signer::body_for(preset, "a body long enough to arrive in several frames");
        let delivery = sign(preset, &[&key], &body, NOW, "msg_1");
        let service =
            WebhookSignatureLayer::new(crate::signer::scheme(preset, Keys::from(key.as_str())))
                .layer(tower::service_fn(
                    |request: Request<RequestBody>| async move {
                        let body = request.into_body().collect().await.unwrap().to_bytes();
                        Ok::<_, Infallible>(http::Response::new(http_body_util::Full::new(body)))
                    },
                ));
        let mut altered = delivery.body.to_vec();
        let last = altered.len() - 1;
        altered[last] ^= 1;
        for (body, expected) in [
            (delivery.body.clone(), StatusCode::OK),
            (Bytes::from(altered), StatusCode::UNAUTHORIZED),
        ] {
            for size in [1, 5, 64, body.len()] {
                let request = Request::from_parts(delivery.head.clone(), frames(&body, size));
                let response = service.clone().oneshot(request).await.unwrap();
                assert_eq!(
                    response.status(),
                    expected,
                    "{preset:?} in {size}-byte frames"
                );
                let echoed = response.into_body().collect().await.unwrap().to_bytes();
                if expected == StatusCode::OK && preset != crate::signer::Preset::Xero {
                    assert_eq!(echoed, body, "{preset:?}: the handler got the bytes sent");
                }
            }
        }
    }
}

#[test]
fn every_hmac_preset_streams_its_mac_as_the_body_arrives() {
    use tower_webhooks::SignatureScheme as _;
    // Twilio signs the sorted form parameters, which only the whole body gives.
    for preset in ALL
        .into_iter()
        .filter(|p| *p != crate::signer::Preset::Twilio)
    {
        let key = secret(preset, 1);
        let body = crate::signer::body_for(preset, "streamed");
        let delivery = sign(preset, &[&key], &body, NOW, "msg_1");
        let scheme = crate::signer::scheme(preset, Keys::from(key.as_str()));
        assert!(
            scheme.start_stream(&delivery.head).is_some(),
            "{preset:?} does not stream"
        );
    }
}

#[tokio::test]
async fn zoom_answers_its_challenge_when_the_body_arrives_in_frames() {
    let key = secret(crate::signer::Preset::Zoom, 1);
    let body = r#"{"event":"endpoint.url_validation","payload":{"plainToken":"qgg8vlvZRS6UYooatFL8Aw"},"event_ts":1700000000000}"#;
    let delivery = sign(crate::signer::Preset::Zoom, &[&key], body, NOW, "msg_1");
    let service = WebhookSignatureLayer::new(crate::signer::scheme(
        crate::signer::Preset::Zoom,
        Keys::from(key.as_str()),
    ))
    .layer(tower::service_fn(|_: Request<RequestBody>| async {
        Ok::<_, Infallible>(http::Response::new(http_body_util::Full::new(Bytes::from(
            "the handler must not see a challenge",
        ))))
    }));
    let expected = crate::signer::hex(&crate::signer::hmac_sha256(
        key.as_bytes(),
        b"qgg8vlvZRS6UYooatFL8Aw",
    ));
    for size in [1, 7, body.len()] {
        let request = Request::from_parts(delivery.head.clone(), frames(&delivery.body, size));
        let response = service.clone().oneshot(request).await.unwrap();
        assert_eq!(response.status(), StatusCode::OK, "{size}-byte frames");
        let answer = response.into_body().collect().await.unwrap().to_bytes();
        let answer: serde_json::Value = serde_json::from_slice(&answer).unwrap();
        assert_eq!(answer["plainToken"], "qgg8vlvZRS6UYooatFL8Aw");
        assert_eq!(
            answer["encryptedToken"],
            expected.as_str(),
            "{size}-byte frames"
        );
    }
}
