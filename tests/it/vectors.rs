//! The catalogue's vectors for the seed providers (Xero, InvoiceAhoy, Xemelgo: those of
//! `fixtures/signatures.json` with a negative case and a body that differs on the wire), sent
//! through a real router.

use crate::common::{Provider, Seen, recording_app, send, signed_request};
use axum::http::StatusCode;
use serde::Deserialize;

struct Fixtures {
    vectors: Vec<Vector>,
}

#[derive(Deserialize)]
struct Vector {
    id: String,
    scheme: String,
    source: String,
    secret: String,
    body: String,
    /// Where the bytes on the wire differ from the signed ones (Xemelgo's JSON.stringify case).
    raw_body_on_wire: Option<String>,
    expected: Expected,
    #[serde(default)]
    negative: bool,
    signed_string: Option<String>,
}

#[derive(Deserialize)]
struct Expected {
    header: String,
    value: String,
}

/// The vectors of the providers `crate::common::Provider` signs.
fn seed_vectors() -> Fixtures {
    let all: serde_json::Value =
        serde_json::from_str(include_str!("../fixtures/signatures.json")).unwrap();
    let vectors = all["vectors"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|v| Provider::from_name(v["scheme"].as_str().unwrap()).is_some())
        .map(|v| serde_json::from_value(v.clone()).unwrap())
        .collect();
    Fixtures { vectors }
}

#[tokio::test]
async fn every_seed_provider_vector_gives_the_expected_outcome() {
    let fixtures = seed_vectors();
    assert_eq!(
        fixtures.vectors.len(),
        7,
        "all seed-provider vectors are present"
    );
    for vector in fixtures.vectors {
        let provider = Provider::from_name(&vector.scheme).unwrap();
        assert_eq!(
            vector.expected.header.to_ascii_lowercase(),
            provider.header(),
            "{}",
            vector.id
        );
        assert!(!vector.source.is_empty());
        let seen = Seen::default();
        let app = recording_app(provider.layer_with(&vector.secret), seen.clone());
        let wire = vector
            .raw_body_on_wire
            .clone()
            .unwrap_or_else(|| vector.body.clone());
        let request = signed_request(
            "/raw",
            &vector.expected.header,
            &vector.expected.value,
            wire,
        );
        let reply = send(app, request).await;
        if vector.negative {
            assert_eq!(reply.status, StatusCode::UNAUTHORIZED, "{}", vector.id);
            assert!(reply.body.is_empty(), "{}", vector.id);
            assert_eq!(seen.calls(), 0, "{}", vector.id);
        } else {
            assert_eq!(reply.status, StatusCode::OK, "{}", vector.id);
            let signed = vector.signed_string.unwrap();
            assert_eq!(
                seen.last().unwrap(),
                signed.as_bytes(),
                "{}: the handler gets the signed bytes",
                vector.id
            );
        }
    }
}

#[tokio::test]
async fn our_signatures_reproduce_the_vectors() {
    let fixtures = seed_vectors();
    for vector in fixtures.vectors.iter().filter(|v| !v.negative) {
        let provider = Provider::from_name(&vector.scheme).unwrap();
        let signed = vector.signed_string.as_deref().unwrap();
        assert_eq!(
            provider.signature_with(&vector.secret, signed.as_bytes()),
            vector.expected.value,
            "{}",
            vector.id
        );
    }
}
