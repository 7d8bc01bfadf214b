//! The loopback comparison's baseline: the Xero route with no verification at all (a `Bytes`
//! handler that parses the batch), on `127.0.0.1:$PORT`, on the same runtime as the example
//! (`#[tokio::main]`, as many workers as cores it may use).

use axum::{Router, body::Bytes, http::StatusCode, routing::post};

async fn receive(body: Bytes) -> StatusCode {
    match serde_json::from_slice::<tower_webhooks::xero::Envelope>(&body) {
        Ok(envelope) => {
            std::hint::black_box(envelope.events.len());
            StatusCode::OK
        }
        Err(_) => StatusCode::BAD_REQUEST,
    }
}

fn main() {
    let port: u16 = std::env::var("PORT")
        .ok()
        .and_then(|p| p.parse().ok())
        .unwrap_or(3001);
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("a runtime")
        .block_on(async move {
            let listener = tokio::net::TcpListener::bind(("127.0.0.1", port))
                .await
                .expect("bind");
            eprintln!(
                "listening on http://{}/webhooks/xero",
                listener.local_addr().unwrap()
            );
            let app = Router::new().route("/webhooks/xero", post(receive));
            axum::serve(listener, app).await.expect("serve");
        });
}
