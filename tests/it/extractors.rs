//! `VerifiedEvents` and `VerifiedJson`: typed events per provider, the Xero envelope, and the
//! two ways extraction fails.

use crate::common::{Provider, XERO_BATCH, send, signed_request};
use axum::{
    Json, Router,
    http::{Request, StatusCode},
    routing::post,
};
use tower_webhooks::{VerifiedEvents, VerifiedJson, invoice_ahoy, xemelgo, xero};

fn app<H, T>(provider: Provider, handler: H) -> Router
where
    H: axum::handler::Handler<T, ()>,
    T: 'static,
{
    Router::new()
        .route("/", post(handler))
        .route_layer(provider.layer())
}

async fn deliver(provider: Provider, app: Router, body: &str) -> crate::common::Reply {
    let signature = provider.signature(body.as_bytes());
    send(
        app,
        signed_request("/", provider.header(), &signature, body.to_owned()),
    )
    .await
}

#[tokio::test]
async fn a_xero_batch_yields_every_event_across_tenants() {
    async fn handler(events: VerifiedEvents<xero::Event>) -> Json<Vec<String>> {
        Json(
            events
                .iter()
                .map(|e| {
                    format!(
                        "{} {} {} {}",
                        e.tenant_id, e.event_category, e.event_type, e.resource_id
                    )
                })
                .collect(),
        )
    }
    // Xero strips bodies, so read what the handler saw through a policy-free layer.
    let layer = Provider::Xero
        .layer()
        .response_policy(tower_webhooks::ResponsePolicy::unchanged());
    let app = Router::new().route("/", post(handler)).route_layer(layer);
    let reply = deliver(Provider::Xero, app, XERO_BATCH).await;
    assert_eq!(reply.status, StatusCode::OK);
    let seen: Vec<String> = serde_json::from_slice(&reply.body).unwrap();
    assert_eq!(
        seen,
        [
            "tenant-a INVOICE CREATE 0d3a5e2c",
            "tenant-b CONTACT UPDATE 7f1b"
        ]
    );
}

#[tokio::test]
async fn an_intent_to_receive_delivery_has_no_events() {
    async fn handler(events: VerifiedEvents<xero::Event>) -> StatusCode {
        if events.is_empty() {
            StatusCode::OK
        } else {
            StatusCode::CONFLICT
        }
    }
    let body = r#"{"events":[],"firstEventSequence":0,"lastEventSequence":0,"entropy":"NLDZEGWUXNHESAQVGLYF"}"#;
    let reply = deliver(Provider::Xero, app(Provider::Xero, handler), body).await;
    assert_eq!(reply.status, StatusCode::OK);
    assert!(reply.body.is_empty());
}

#[tokio::test]
async fn the_xero_envelope_is_reachable_beside_the_events() {
    async fn handler(
        VerifiedJson(envelope): VerifiedJson<xero::Envelope>,
        events: VerifiedEvents<xero::Event>,
    ) -> StatusCode {
        let ok = envelope.first_event_sequence == 11
            && envelope.last_event_sequence == 12
            && envelope.entropy == "S0m3r4Nd0mt3xt"
            && envelope.events.as_slice() == &*events;
        if ok {
            StatusCode::OK
        } else {
            StatusCode::CONFLICT
        }
    }
    let reply = deliver(Provider::Xero, app(Provider::Xero, handler), XERO_BATCH).await;
    assert_eq!(reply.status, StatusCode::OK);
}

#[tokio::test]
async fn single_event_providers_yield_one_typed_event() {
    async fn ahoy(events: VerifiedEvents<invoice_ahoy::Event>) -> String {
        let [event] = &*events else {
            return "wrong count".into();
        };
        format!(
            "{} {} {}",
            event.event_type, event.payload.id, event.payload.fields["total"]
        )
    }
    let reply = deliver(
        Provider::InvoiceAhoy,
        app(Provider::InvoiceAhoy, ahoy),
        Provider::InvoiceAhoy.sample_body(),
    )
    .await;
    assert_eq!(reply.body, "invoice.updated SIuAFUNKdSYHZF2w 12.5");

    async fn xemelgo(events: VerifiedEvents<xemelgo::Event>) -> String {
        let event = events.into_inner().pop().unwrap();
        format!(
            "{} {} {}",
            event.topic, event.event_timestamp, event.data["qty"]
        )
    }
    let reply = deliver(
        Provider::Xemelgo,
        app(Provider::Xemelgo, xemelgo),
        Provider::Xemelgo.sample_body(),
    )
    .await;
    assert_eq!(reply.body, "inventory.cycle_count 1765572297000 3");
}

#[tokio::test]
async fn signed_but_invalid_json_is_400_and_the_handler_does_not_run() {
    async fn handler(_: VerifiedEvents<invoice_ahoy::Event>) -> StatusCode {
        StatusCode::IM_A_TEAPOT
    }
    for body in [
        "not json",
        r#"{"id":"x"}"#,
        r#"{"events":[]}"#,
        "[]",
        r#"{"id":"x","type":"invoice.created","payload":{"id":"p"}} trailing"#,
    ] {
        let reply = deliver(
            Provider::InvoiceAhoy,
            app(Provider::InvoiceAhoy, handler),
            body,
        )
        .await;
        assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{body}");
    }
}

#[tokio::test]
async fn a_xero_batch_of_the_wrong_shape_is_400_with_no_body() {
    async fn handler(_: VerifiedEvents<xero::Event>) -> StatusCode {
        StatusCode::IM_A_TEAPOT
    }
    for body in [
        r#"{"firstEventSequence":0}"#,
        r#"{"events":{}}"#,
        r#"{"events":[{"resourceId":"only"}]}"#,
        r#"{"events":[],"events":[]}"#,
        r#"{"events":[]} {}"#,
    ] {
        let reply = deliver(Provider::Xero, app(Provider::Xero, handler), body).await;
        assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{body}");
        assert!(
            reply.body.is_empty(),
            "Xero's policy strips the rejection's body too"
        );
    }
}

#[tokio::test]
async fn the_extractors_without_the_layer_are_500() {
    async fn events(_: VerifiedEvents<xero::Event>) -> StatusCode {
        StatusCode::OK
    }
    async fn json(_: VerifiedJson<xero::Envelope>) -> StatusCode {
        StatusCode::OK
    }
    let unprotected = Router::new()
        .route("/events", post(events))
        .route("/json", post(json));
    for path in ["/events", "/json"] {
        let signature = Provider::Xero.signature(XERO_BATCH.as_bytes());
        let request: Request<axum::body::Body> =
            signed_request(path, "x-xero-signature", &signature, XERO_BATCH);
        let reply = send(unprotected.clone(), request).await;
        assert_eq!(reply.status, StatusCode::INTERNAL_SERVER_ERROR, "{path}");
        assert!(String::from_utf8_lossy(&reply.body).contains("not configured"));
    }
}
