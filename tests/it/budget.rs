//! Row 4 of the attack report: nothing capped the bytes buffered at once (500 connections each
//! sending a wrongly signed 1 MiB body held 752 MiB). The layer's memory budget refuses a
//! delivery that does not fit with `503` and `Connection: close`, before reading its body.

use std::{
    convert::Infallible,
    pin::Pin,
    task::{Context, Poll},
};

use bytes::Bytes;
use http::{Request, Response, StatusCode, header};
use http_body::{Body, Frame};
use http_body_util::{BodyExt as _, Full};
use tokio::sync::mpsc;
use tower::{Layer as _, ServiceExt as _};
use tower_webhooks::{
    Rejection, RejectionKind, WebhookSignatureLayer,
    layer::{MemoryBudget, RequestBody},
    test_util::{Provider, Signer},
    xero::Xero,
};

/// A body whose frames arrive when the test sends them.
struct Trickle(mpsc::Receiver<Bytes>);

impl Body for Trickle {
    type Data = Bytes;
    type Error = Infallible;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Infallible>>> {
        self.0
            .poll_recv(cx)
            .map(|frame| frame.map(|data| Ok(Frame::data(data))))
    }
}

fn service(
    budget: MemoryBudget,
) -> impl tower::Service<
    Request<Trickle>,
    Response = Response<tower_webhooks::layer::ResponseBody<Full<Bytes>>>,
    Error = Infallible,
    Future: Send,
> + Clone {
    WebhookSignatureLayer::new(Xero::new("budget-key"))
        .memory_budget(budget)
        .layer(tower::service_fn(
            |request: Request<RequestBody>| async move {
                let _ = request.into_body().collect().await;
                Ok::<_, Infallible>(Response::new(Full::new(Bytes::new())))
            },
        ))
}

/// A Xero request signed for `body`, whose body the test then sends as it likes.
fn request(body: &str, declared: bool) -> (Request<Trickle>, mpsc::Sender<Bytes>) {
    let signer = Signer::new(Provider::Xero, "budget-key").url("https://example.com/hooks");
    let (mut head, _) = signer.request(body.to_owned()).into_parts();
    if declared {
        head.headers
            .insert(header::CONTENT_LENGTH, body.len().into());
    } else {
        head.headers.remove(header::CONTENT_LENGTH);
    }
    let (sender, receiver) = mpsc::channel(16);
    (Request::from_parts(head, Trickle(receiver)), sender)
}

fn overloaded(response: &Response<impl Body>) {
    assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(response.headers()[header::CONNECTION], "close");
    let rejection = response.extensions().get::<Rejection>().unwrap();
    assert_eq!(rejection.kind(), RejectionKind::Overloaded);
}

#[tokio::test]
async fn a_delivery_that_does_not_fit_the_budget_is_refused_before_its_body_is_read() {
    let budget = MemoryBudget::new(100);
    let body = format!(r#"{{"events":[],"entropy":"{}"}}"#, "x".repeat(60));
    // The first holds 84 bytes while its body trickles in.
    let (first, first_body) = request(&body, true);
    let running = tokio::spawn(service(budget.clone()).oneshot(first));
    while budget.in_use() == 0 {
        tokio::task::yield_now().await;
    }
    assert_eq!(budget.in_use(), body.len());
    // A second declared delivery does not fit: refused at once, its body never read.
    // (The test never sends its body: the answer cannot have waited for it.)
    let (second, _second_body) = request(&body, true);
    let refused = service(budget.clone()).oneshot(second).await.unwrap();
    overloaded(&refused);
    // The first completes, and gives its share back.
    first_body.send(Bytes::from(body.clone())).await.unwrap();
    drop(first_body);
    assert_eq!(running.await.unwrap().unwrap().status(), StatusCode::OK);
    assert_eq!(budget.in_use(), 0);
    // Now the same delivery fits.
    let (third, third_body) = request(&body, true);
    third_body.send(Bytes::from(body.clone())).await.unwrap();
    drop(third_body);
    assert_eq!(
        service(budget.clone())
            .oneshot(third)
            .await
            .unwrap()
            .status(),
        StatusCode::OK
    );
}

#[tokio::test]
async fn a_body_of_unknown_length_is_refused_when_it_outgrows_the_budget() {
    let budget = MemoryBudget::new(100);
    let body = format!(r#"{{"events":[],"entropy":"{}"}}"#, "x".repeat(200));
    let (request, sender) = request(&body, false);
    let responding = tokio::spawn(service(budget.clone()).oneshot(request));
    for chunk in body.as_bytes().chunks(50) {
        if sender.send(Bytes::copy_from_slice(chunk)).await.is_err() {
            break; // the layer stopped reading
        }
    }
    drop(sender);
    let response = responding.await.unwrap().unwrap();
    overloaded(&response);
    assert_eq!(budget.in_use(), 0);
}
