//! The layer over plain hyper, with `hyper::body::Incoming` request bodies and no axum: a real
//! socket on 127.0.0.1, a good delivery, a forged one, and an oversize one.

use std::convert::Infallible;

use bytes::Bytes;
use http::{Request, Response, StatusCode, header};
use http_body_util::{BodyExt as _, Full};
use hyper_util::{
    client::legacy::Client,
    rt::{TokioExecutor, TokioIo},
    service::TowerToHyperService,
};
use tower::ServiceBuilder;
use tower_webhooks::{
    Verified, WebhookSignatureLayer, invoice_ahoy::InvoiceAhoy, layer::RequestBody,
};

const SECRET: &str = "ia_whsec_example_0123456789";

async fn echo(request: Request<RequestBody>) -> Result<Response<Full<Bytes>>, Infallible> {
    let verified = request.extensions().get::<Verified>().is_some();
    let body = request.into_body().collect().await.unwrap().to_bytes();
    let answer = format!("verified={verified} bytes={}", body.len());
    Ok(Response::new(Full::new(Bytes::from(answer))))
}

async fn serve_one_listener() -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/", listener.local_addr().unwrap());
    tokio::spawn(async move {
        loop {
            let (stream, _) = listener.accept().await.unwrap();
            let service = ServiceBuilder::new()
                .layer(WebhookSignatureLayer::new(InvoiceAhoy::new(SECRET)).body_limit(64 * 1024))
                .service_fn(echo);
            tokio::spawn(async move {
                let _ = hyper::server::conn::http1::Builder::new()
                    .serve_connection(TokioIo::new(stream), TowerToHyperService::new(service))
                    .await;
            });
        }
    });
    url
}

fn sign(body: &[u8]) -> String {
    use hmac::{Hmac, KeyInit as _, Mac};
    let mut mac = Hmac::<sha2::Sha256>::new_from_slice(SECRET.as_bytes()).unwrap();
    mac.update(body);
    mac.finalize()
        .into_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[tokio::test]
async fn verifies_hyper_incoming_bodies_over_a_real_socket() {
    let url = serve_one_listener().await;
    let client = Client::builder(TokioExecutor::new()).build_http::<Full<Bytes>>();
    let send = |body: Vec<u8>, signature: String| {
        let request = Request::post(&url)
            .header("x-ia-signature", signature)
            .header(header::CONTENT_TYPE, "application/json")
            .body(Full::new(Bytes::from(body)))
            .unwrap();
        let client = client.clone();
        async move {
            let response = client.request(request).await.unwrap();
            let status = response.status();
            (
                status,
                response.into_body().collect().await.unwrap().to_bytes(),
            )
        }
    };

    let body = br#"{"id":"a056V7R7NmNRjl70","type":"invoice.updated","payload":{"id":"SIuAFUNKdSYHZF2w"}}"#.to_vec();
    let (status, answer) = send(body.clone(), sign(&body)).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(answer, format!("verified=true bytes={}", body.len()));

    let (status, answer) = send(body.clone(), sign(b"something else")).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert!(answer.is_empty());

    let big = vec![b' '; 64 * 1024 + 1];
    let (status, answer) = send(big.clone(), sign(&big)).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    assert!(answer.is_empty());
}
