//! Through the layer, a body in many frames is verified in one pass as it arrives, and with the
//! same verdict as in one frame; the handler gets exactly the bytes that were sent.

mod signer;

use std::{
    convert::Infallible,
    pin::Pin,
    task::{Context, Poll},
};

use bytes::Bytes;
use http::{Request, StatusCode};
use http_body::{Body, Frame};
use http_body_util::BodyExt as _;
use signer::{ALL, NOW, secret, sign};
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
        let body = signer::body_for(preset, "a body long enough to arrive in several frames");
        let delivery = sign(preset, &[&key], &body, NOW, "msg_1");
        let service = WebhookSignatureLayer::new(signer::scheme(preset, Keys::from(key.as_str())))
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
                if expected == StatusCode::OK && preset != signer::Preset::Xero {
                    assert_eq!(echoed, body, "{preset:?}: the handler got the bytes sent");
                }
            }
        }
    }
}
