//! The 1 KiB Xero delivery the `layer` and `instructions` benchmarks share, and the four routes
//! both measure: ours with `VerifiedEvents` and with `EventRouter`, and the two references, no
//! verification and the middleware a user writes by hand from the seeds (`to_bytes`, HMAC,
//! decode the header, compare).

use std::hint::black_box;

use axum::{
    Router,
    body::{Body, Bytes, to_bytes},
    extract::Request,
    http::StatusCode,
    middleware::{self, Next},
    response::{IntoResponse, Response},
    routing::{post, post_service},
};
use base64::Engine as _;
use hmac::{Hmac, KeyInit as _, Mac};
use sha2::Sha256;
use tower_webhooks::{VerifiedEvents, WebhookSignatureLayer, routing::EventRouter, xero};

/// Where every route listens.
pub(crate) const PATH: &str = "/webhooks/xero";

pub(crate) const KEY: &str = "wJq0sWkq0yQzZ6Dk8Jm2Vb1n3Xo5Tq7Ue9Gr1Ht3Ky5Lz7Mx9Nc1Pv3Rb5Sd7Ff9Hg1Jh3Kk5Ll7Mm9Nn1Pp3Qq5Rr7Ss9Tt1Uu3Vv5Ww7==";

/// A Xero batch of four events, about 1 KiB.
pub(crate) fn body() -> String {
    let event = r#"{"resourceUrl":"https://api.xero.com/api.xro/2.0/Invoices/0d3a5e2c","resourceId":"0d3a5e2c","eventDateUtc":"2024-05-01T10:00:00.000","eventType":"CREATE","eventCategory":"INVOICE","tenantId":"tenant-a","tenantType":"ORGANISATION"}"#;
    let events = [event; 4].join(",");
    format!(
        r#"{{"events":[{events}],"firstEventSequence":1,"lastEventSequence":4,"entropy":"S0m3r4Nd0mt3xt"}}"#
    )
}

/// Xero's `x-xero-signature` for `body` under [`KEY`].
pub(crate) fn signature(body: &[u8]) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(KEY.as_bytes()).unwrap();
    mac.update(body);
    base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes())
}

/// The handler with no verification: the batch parsed from the bytes.
async fn unverified(body: Bytes) -> StatusCode {
    let envelope: xero::Envelope = serde_json::from_slice(&body).unwrap();
    black_box(envelope.events.len());
    StatusCode::OK
}

/// The middleware a user writes by hand: buffer, HMAC, decode the header, compare.
async fn hand_written(request: Request, next: Next) -> Response {
    let (parts, body) = request.into_parts();
    let Ok(bytes) = to_bytes(body, 1024 * 1024).await else {
        return StatusCode::PAYLOAD_TOO_LARGE.into_response();
    };
    let Some(tag) = parts.headers.get("x-xero-signature").and_then(|v| {
        base64::engine::general_purpose::STANDARD
            .decode(v.as_bytes())
            .ok()
    }) else {
        return StatusCode::UNAUTHORIZED.into_response();
    };
    let mut mac = Hmac::<Sha256>::new_from_slice(KEY.as_bytes()).unwrap();
    mac.update(&bytes);
    if mac.verify_slice(&tag).is_err() {
        return StatusCode::UNAUTHORIZED.into_response();
    }
    next.run(Request::from_parts(parts, Body::from(bytes)))
        .await
}

async fn verified(events: VerifiedEvents<xero::Event>) -> StatusCode {
    black_box(events.len());
    StatusCode::OK
}

/// The four routes, by the names the benchmarks report.
pub(crate) fn routers() -> [(&'static str, Router); 4] {
    [
        (
            "tower-webhooks layer + VerifiedEvents",
            Router::new()
                .route(PATH, post(verified))
                .route_layer(WebhookSignatureLayer::new(xero::Xero::new(KEY))),
        ),
        (
            "tower-webhooks layer + EventRouter",
            Router::new().route(
                PATH,
                post_service(EventRouter::new(xero::EVENT_KEY).on(
                    "INVOICE.CREATE",
                    |event: xero::Event| async move {
                        black_box(event);
                    },
                ))
                .layer(WebhookSignatureLayer::new(xero::Xero::new(KEY))),
            ),
        ),
        (
            "no verification (Bytes + serde_json)",
            Router::new().route(PATH, post(unverified)),
        ),
        (
            "hand-written middleware (to_bytes + hmac)",
            Router::new()
                .route(PATH, post(unverified))
                .route_layer(middleware::from_fn(hand_written)),
        ),
    ]
}
