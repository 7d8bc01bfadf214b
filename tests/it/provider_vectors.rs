//! Every catalogue vector of `fixtures/signatures.json` but the seed providers' (which
//! `vectors.rs` sends through a router, negative cases included): the vector's
//! delivery is accepted with the clock at its timestamp, reports what it signed, and is refused
//! once any one byte of it changes.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use bytes::Bytes;
use http::{Request, StatusCode, request::Parts};
use http_body_util::{BodyExt as _, Full};
use serde::Deserialize;
use serde_json::Value;
use tower::{Layer as _, ServiceExt as _};
use tower_webhooks::{
    Clock, Provider, RejectionKind, SignatureScheme, VerificationInfo, WebhookSignatureLayer,
    hmac_scheme::Algorithm, linear::Linear, standard_webhooks::StandardWebhooks, stripe::Stripe,
    svix::Svix, twilio::Twilio, zoom::Zoom,
};

#[derive(Deserialize)]
struct Fixtures {
    vectors: Vec<Vector>,
}

#[derive(Deserialize, Clone)]
struct Vector {
    id: String,
    scheme: String,
    /// The registry's name of the provider it belongs to, if the crate ships it.
    provider: Option<String>,
    source: String,
    #[serde(default)]
    secret: String,
    #[serde(default)]
    body: String,
    msg_id: Option<String>,
    timestamp: Option<Value>,
    /// When the delivery is verified, in seconds, where `timestamp` is not a number of
    /// seconds (an RFC 3339 time, milliseconds).
    clock: Option<u64>,
    /// The signed timestamp in milliseconds (HubSpot, Webflow).
    timestamp_ms: Option<u64>,
    timestamp_header: Option<serde_json::Map<String, Value>>,
    url: Option<String>,
    params: Option<serde_json::Map<String, Value>>,
    #[serde(rename = "plainToken")]
    plain_token: Option<String>,
    request_body: Option<String>,
    #[cfg_attr(not(feature = "ed25519"), allow(dead_code))]
    public_key: Option<String>,
    #[cfg_attr(not(feature = "ed25519"), allow(dead_code))]
    public_key_hex: Option<String>,
    public_key_b64: Option<String>,
    expected: Expected,
    signed_string: Option<String>,
    /// The body is not what is signed (Mailgun signs a token, Adyen named fields, the token
    /// providers nothing), so changing a byte of it need not be refused.
    #[serde(default)]
    unsigned_body: bool,
    /// The documents the provider serves for the vector's key (its certificate, its key set),
    /// by URL: pinned, never fetched.
    #[cfg_attr(not(feature = "fetch"), allow(dead_code))]
    key_documents: Option<serde_json::Map<String, Value>>,
}

#[derive(Deserialize, Clone)]
struct Expected {
    header: Option<String>,
    value: String,
}

fn fixtures() -> Vec<Vector> {
    let fixtures: Fixtures =
        serde_json::from_str(include_str!("../fixtures/signatures.json")).unwrap();
    fixtures
        .vectors
        .into_iter()
        .filter(|v| !matches!(v.scheme.as_str(), "xero" | "xemelgo" | "invoiceahoy"))
        .collect()
}

/// A delivery as the provider sent it: head and body.
struct Delivery {
    head: Parts,
    body: Bytes,
}

fn timestamp_of(vector: &Vector) -> u64 {
    match vector.timestamp.as_ref().expect("a timestamped vector") {
        Value::Number(n) => n.as_u64().unwrap(),
        Value::String(s) => s.parse().unwrap(),
        other => panic!("timestamp {other}"),
    }
}

fn clock_at(seconds: u64) -> Clock {
    Clock::fixed(UNIX_EPOCH + Duration::from_secs(seconds))
}

/// The clock a vector is verified at: its own time, where it has one.
fn clock_of(vector: &Vector) -> Clock {
    if let Some(ms) = vector.timestamp_ms {
        return Clock::fixed(UNIX_EPOCH + Duration::from_millis(ms));
    }
    match (vector.clock, &vector.timestamp) {
        (Some(seconds), _) => clock_at(seconds),
        (None, Some(_)) => clock_at(timestamp_of(vector)),
        // Zoom's and Linear's generated vectors, and those that sign no time.
        (None, None) => clock_at(1_700_000_000),
    }
}

/// Builds the scheme for a vector through the registry, as a user choosing the provider by
/// name would, with the clock at the vector's own time.
fn scheme_for(vector: &Vector) -> Option<Box<dyn SignatureScheme>> {
    scheme_at(vector, clock_of(vector))
}

fn scheme_at(vector: &Vector, clock: Clock) -> Option<Box<dyn SignatureScheme>> {
    let provider: Provider = match (vector.provider.as_deref(), vector.scheme.as_str()) {
        (Some(name), _) => name.parse().unwrap(),
        // GitLab's signing token is Standard Webhooks by another name.
        (None, "gitlab_signing_token") => Provider::StandardWebhooks,
        _ => return None,
    };
    let keys = match provider.name() {
        "standard-webhooks-v1a" => vector.public_key.clone()?,
        "discord" => vector.public_key_hex.clone()?,
        "sendgrid" => vector.public_key_b64.clone()?,
        _ => vector.secret.clone(),
    };
    let mut config = provider.configure(keys.as_str()).clock(clock);
    #[cfg(feature = "fetch")]
    if let Some(documents) = &vector.key_documents {
        let fetcher = documents
            .iter()
            .fold(
                tower_webhooks::fetch::KeyFetcher::builder(),
                |builder, (url, document)| builder.pin(url, document.as_str().unwrap().to_owned()),
            )
            .build()
            .unwrap();
        config = config.fetcher(fetcher);
    }
    if let Some(url) = vector.url.as_deref().filter(|_| provider.signs_url()) {
        let uri: http::Uri = url.parse().unwrap();
        let base = format!(
            "{}://{}",
            uri.scheme_str().unwrap(),
            uri.authority().unwrap()
        );
        config = config.public_base_url(&base);
    }
    Some(config.build().unwrap())
}

fn delivery_for(vector: &Vector) -> Delivery {
    let mut request = Request::builder().method("POST");
    let mut body = vector.body.clone();
    if let Some(url) = &vector.url {
        let uri: http::Uri = url.parse().unwrap();
        request = request
            .uri(uri.path_and_query().unwrap().as_str())
            .header("host", uri.authority().unwrap().as_str());
    } else {
        request = request.uri("/webhook");
    }
    if vector.scheme == "twilio" {
        let params = vector.params.as_ref().unwrap();
        if body.is_empty() {
            body = crate::signer::twilio_form(params);
            request = request.header("content-type", "application/x-www-form-urlencoded");
        } else {
            request = request.header("content-type", "application/json");
        }
    }
    if let Some(challenge) = &vector.request_body {
        body = challenge.clone();
        // The challenge is signed like any Zoom event; the catalogue gives only the answer.
        let signed = format!("v0:1700000000:{body}");
        let tag = Algorithm::HmacSha256.tag_len();
        let mac = hmac_sha256(vector.secret.as_bytes(), signed.as_bytes());
        assert_eq!(mac.len(), tag);
        request = request
            .header("x-zm-signature", format!("v0={}", hex(&mac)))
            .header("x-zm-request-timestamp", "1700000000");
    } else if let Some(header) = vector.expected.header.as_deref() {
        request = request.header(header, vector.expected.value.as_str());
    }
    if let Some(id) = &vector.msg_id {
        let prefix = if vector.scheme == "svix" {
            "svix"
        } else {
            "webhook"
        };
        request = request.header(format!("{prefix}-id"), id.as_str()).header(
            format!("{prefix}-timestamp"),
            timestamp_of(vector).to_string(),
        );
    }
    for (name, value) in vector.timestamp_header.iter().flatten() {
        request = request.header(name.as_str(), value.as_str().unwrap());
    }
    let (head, ()) = request.body(()).unwrap().into_parts();
    Delivery {
        head,
        body: Bytes::from(body),
    }
}

fn hmac_sha256(key: &[u8], message: &[u8]) -> Vec<u8> {
    use hmac::Mac as _;
    let mut mac = <hmac::Hmac<sha2::Sha256> as hmac::KeyInit>::new_from_slice(key).unwrap();
    mac.update(message);
    mac.finalize().into_bytes().to_vec()
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Schemes in the catalogue that this crate does not verify (yet), each for a stated reason.
const NOT_PRESETS: [&str; 0] = [];

/// Ed25519 schemes, verified only with the `ed25519` feature.
const ED25519: [&str; 3] = ["standard_webhooks_v1a", "discord", "sendgrid"];

#[test]
fn every_vector_is_accepted_with_its_clock() {
    let mut checked = 0;
    for vector in fixtures() {
        assert!(!vector.source.is_empty(), "{} names its source", vector.id);
        let Some(scheme) = scheme_for(&vector) else {
            assert!(
                NOT_PRESETS.contains(&vector.scheme.as_str())
                    || ED25519.contains(&vector.scheme.as_str()),
                "{} ({}) has no scheme",
                vector.id,
                vector.scheme
            );
            continue;
        };
        let delivery = delivery_for(&vector);
        let verification = scheme.verify(&delivery.head, &delivery.body);
        assert!(
            verification.is_ok(),
            "{}: {:?}",
            vector.id,
            verification.err()
        );
        checked += 1;
    }
    let expected = if cfg!(feature = "ed25519") { 60 } else { 51 };
    assert_eq!(
        checked, expected,
        "every vector of a shipped scheme was checked"
    );
}

#[test]
fn every_vector_is_refused_once_one_byte_changes() {
    for vector in fixtures() {
        let Some(scheme) = scheme_for(&vector) else {
            continue;
        };
        let delivery = delivery_for(&vector);
        // The body, one byte at a time (every position for short bodies, a sample otherwise).
        let step = (delivery.body.len() / 64).max(1);
        let body_len = if vector.unsigned_body {
            0
        } else {
            delivery.body.len()
        };
        for at in (0..body_len).step_by(step) {
            let mut body = delivery.body.to_vec();
            body[at] ^= 0x01;
            let verdict = scheme.verify(&delivery.head, &Bytes::from(body));
            assert!(verdict.is_err(), "{}: body byte {at} changed", vector.id);
        }
        // Every header value the delivery carries, one byte at a time.
        for (name, value) in &delivery.head.headers {
            // With a public base URL set, as here, `Host` is not what is signed.
            if name == "content-type" || name == "host" {
                continue;
            }
            for at in 0..value.len() {
                let mut bytes = value.as_bytes().to_vec();
                bytes[at] = if bytes[at] == b'0' { b'1' } else { b'0' };
                let Ok(changed) = http::HeaderValue::from_bytes(&bytes) else {
                    continue;
                };
                if changed == value {
                    continue;
                }
                let mut head = delivery.head.clone();
                head.headers.insert(name, changed);
                let verdict = scheme.verify(&head, &delivery.body);
                // Twilio tries the URL with and without the default port: `:443` → `:043`
                // is a different URL, so this stays an error too.
                assert!(
                    verdict.is_err(),
                    "{}: header {name} byte {at} changed and still verified",
                    vector.id
                );
            }
        }
    }
}

#[test]
fn timestamped_vectors_are_stale_outside_their_window() {
    let windows = [
        ("standard_webhooks_v1", 300),
        ("svix", 300),
        ("stripe", 300),
        ("slack", 300),
        ("paddle", 5),
        ("calendly", 180),
        ("mux", 300),
        ("webflow", 300),
        ("resend", 300),
        ("clerk", 300),
    ];
    for vector in fixtures() {
        let Some((_, window)) = windows.iter().find(|(s, _)| *s == vector.scheme) else {
            continue;
        };
        let signed = timestamp_of(&vector);
        let delivery = delivery_for(&vector);
        for (now, ok) in [
            (signed + window, true),
            (signed - window, true),
            (signed + window + 1, false),
            (signed - window - 1, false),
        ] {
            let scheme = rebuild_with_clock(&vector, clock_at(now));
            let verdict = scheme.verify(&delivery.head, &delivery.body);
            match (ok, verdict) {
                (true, Ok(_)) => {}
                (false, Err(rejection)) => {
                    assert_eq!(
                        rejection.kind(),
                        RejectionKind::StaleTimestamp,
                        "{}",
                        vector.id
                    );
                    let skew = i64::try_from(now).unwrap() - i64::try_from(signed).unwrap();
                    assert_eq!(rejection.skew_secs(), Some(skew), "{}", vector.id);
                }
                (ok, verdict) => {
                    panic!("{} at {now}: expected ok={ok}, got {verdict:?}", vector.id)
                }
            }
        }
    }
}

fn rebuild_with_clock(vector: &Vector, clock: Clock) -> Box<dyn SignatureScheme> {
    scheme_at(vector, clock).expect("a shipped scheme")
}

#[test]
fn linear_reads_its_time_from_the_body_in_milliseconds() {
    let vector = fixtures()
        .into_iter()
        .find(|v| v.scheme == "linear")
        .unwrap();
    let delivery = delivery_for(&vector);
    for (now_ms, ok) in [
        (1_700_000_060_000, true),
        (1_699_999_940_000, true),
        (1_700_000_060_001, false),
        (1_699_999_939_999, false),
    ] {
        let scheme = Linear::new(vector.secret.as_str())
            .with_clock(Clock::fixed(UNIX_EPOCH + Duration::from_millis(now_ms)));
        let verdict = scheme.verify(&delivery.head, &delivery.body);
        assert_eq!(verdict.is_ok(), ok, "now {now_ms}: {verdict:?}");
    }
}

#[test]
fn the_signed_string_of_each_vector_is_what_the_scheme_signs() {
    // A scheme that verifies a vector must sign exactly the catalogue's signed string: check it
    // by re-signing that string the way the catalogue says and comparing with the vector.
    for vector in fixtures() {
        let (Some(signed), Some(header)) = (&vector.signed_string, &vector.expected.header) else {
            continue;
        };
        let value = vector.expected.value.as_str();
        let key: Vec<u8> = match vector.scheme.as_str() {
            "standard_webhooks_v1" | "svix" | "gitlab_signing_token" => {
                use base64::Engine as _;
                base64::engine::general_purpose::STANDARD
                    .decode(vector.secret.trim_start_matches("whsec_"))
                    .unwrap()
            }
            "stripe" | "github_sha256" | "slack" | "shopify" | "paddle" | "zoom" | "linear"
            | "square" => vector.secret.as_bytes().to_vec(),
            _ => continue,
        };
        let mac = hmac_sha256(&key, signed.as_bytes());
        use base64::Engine as _;
        let b64 = base64::engine::general_purpose::STANDARD.encode(&mac);
        assert!(
            value.contains(&hex(&mac)) || value.contains(&b64),
            "{} ({header}): {value} is not over the signed string",
            vector.id
        );
    }
}

#[test]
fn verification_info_reports_time_and_delivery_id() {
    let vector = fixtures()
        .into_iter()
        .find(|v| v.id == "stdwh-official-1")
        .unwrap();
    let delivery = delivery_for(&vector);
    let scheme =
        StandardWebhooks::new(tower_webhooks::Keys::new().key("2021", vector.secret.as_str()))
            .unwrap()
            .with_clock(clock_at(1_614_265_330));
    let service = WebhookSignatureLayer::new(scheme).layer(tower::service_fn(
        |request: Request<tower_webhooks::layer::RequestBody>| async move {
            let info = request
                .extensions()
                .get::<VerificationInfo>()
                .unwrap()
                .clone();
            assert_eq!(info.scheme(), "standard-webhooks");
            assert_eq!(info.key_id(), Some("2021"));
            assert_eq!(info.delivery_id(), Some("msg_p5jXN8AQM9LWM0D4loKWxJek"));
            assert_eq!(
                info.signed_at(),
                Some(UNIX_EPOCH + Duration::from_secs(1_614_265_330))
            );
            Ok::<_, std::convert::Infallible>(http::Response::new(Full::new(Bytes::new())))
        },
    ));
    let request = Request::from_parts(delivery.head, Full::new(delivery.body));
    let response = futures_executor(service.oneshot(request)).unwrap();
    assert_eq!(response.status(), StatusCode::OK);
}

#[tokio::test]
async fn zoom_answers_its_url_validation_challenge_itself() {
    let vector = fixtures()
        .into_iter()
        .find(|v| v.scheme == "zoom_url_validation")
        .unwrap();
    let delivery = delivery_for(&vector);
    let scheme = Zoom::new(vector.secret.as_str()).with_clock(clock_at(1_700_000_000));
    let service = WebhookSignatureLayer::new(scheme).layer(tower::service_fn(
        |_: Request<tower_webhooks::layer::RequestBody>| async move {
            panic!("the handler must not see the challenge");
            #[allow(unreachable_code)]
            Ok::<_, std::convert::Infallible>(http::Response::new(Full::new(Bytes::new())))
        },
    ));
    let request = Request::from_parts(delivery.head.clone(), Full::new(delivery.body.clone()));
    let response = service.clone().oneshot(request).await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()["content-type"], "application/json");
    let body = response.into_body().collect().await.unwrap().to_bytes();
    let answer: Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(answer["plainToken"], vector.plain_token.as_deref().unwrap());
    assert_eq!(answer["encryptedToken"], vector.expected.value.as_str());

    // An unsigned challenge gets no answer.
    let mut head = delivery.head.clone();
    head.headers.remove("x-zm-signature");
    let request = Request::from_parts(head, Full::new(delivery.body));
    let response = service.oneshot(request).await.unwrap();
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    assert!(
        response
            .into_body()
            .collect()
            .await
            .unwrap()
            .to_bytes()
            .is_empty()
    );
}

fn futures_executor<F: std::future::Future>(future: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
        .unwrap()
        .block_on(future)
}

#[test]
fn twilio_accepts_the_url_with_or_without_the_default_port() {
    let vector = fixtures()
        .into_iter()
        .find(|v| v.id == "twilio-sdk")
        .unwrap();
    let delivery = delivery_for(&vector);
    for base in ["https://mycompany.com", "https://mycompany.com:443"] {
        let scheme = Twilio::new("12345").with_public_base_url(base).unwrap();
        assert!(
            scheme.verify(&delivery.head, &delivery.body).is_ok(),
            "{base}"
        );
    }
    let scheme = Twilio::new("12345")
        .with_public_base_url("https://mycompany.com:8443")
        .unwrap();
    assert_eq!(
        scheme
            .verify(&delivery.head, &delivery.body)
            .unwrap_err()
            .kind(),
        RejectionKind::SignatureMismatch
    );
}

#[test]
fn twilio_checks_a_json_body_against_the_signed_hash() {
    let vector = fixtures()
        .into_iter()
        .find(|v| v.id == "twilio-sdk-json-body")
        .unwrap();
    let delivery = delivery_for(&vector);
    let scheme = scheme_for(&vector).unwrap();
    assert!(scheme.verify(&delivery.head, &delivery.body).is_ok());
    // The URL (and so the signature) is intact, but the body is not the one hashed.
    let other = Bytes::from_static(br#"{"property": "value", "boolean": false}"#);
    let rejection = scheme.verify(&delivery.head, &other).unwrap_err();
    assert_eq!(rejection.kind(), RejectionKind::SignatureMismatch);
    assert!(rejection.hint().unwrap().contains("bodySHA256"));
}

#[test]
fn a_far_future_clock_is_no_overflow() {
    let vector = fixtures()
        .into_iter()
        .find(|v| v.scheme == "stripe")
        .unwrap();
    let delivery = delivery_for(&vector);
    let far = SystemTime::UNIX_EPOCH + Duration::from_secs(u64::from(u32::MAX) * 1000);
    let scheme = Stripe::new(vector.secret.as_str()).with_clock(Clock::fixed(far));
    let rejection = scheme.verify(&delivery.head, &delivery.body).unwrap_err();
    assert_eq!(rejection.kind(), RejectionKind::StaleTimestamp);
}

#[test]
fn a_malformed_timestamp_is_reported_under_the_header_that_carried_it() {
    let vector = fixtures().into_iter().find(|v| v.scheme == "svix").unwrap();
    let scheme = Svix::new(vector.secret.as_str()).unwrap();
    for family in ["svix", "webhook"] {
        let (head, ()) = Request::builder()
            .header(format!("{family}-id"), "msg_1")
            .header(format!("{family}-timestamp"), "17e8")
            .header(
                format!("{family}-signature"),
                vector.expected.value.as_str(),
            )
            .body(())
            .unwrap()
            .into_parts();
        let rejection = scheme
            .verify(&head, &Bytes::from_static(b"{}"))
            .unwrap_err();
        assert_eq!(rejection.kind(), RejectionKind::MalformedHeader);
        assert_eq!(
            rejection.header().unwrap().as_str(),
            format!("{family}-timestamp")
        );
    }
}

/// Verifies as the layer does when the scheme streams: the body fed in `chunk`-byte pieces.
fn verify_streamed(
    scheme: &dyn SignatureScheme,
    head: &Parts,
    body: &Bytes,
    chunk: usize,
) -> Option<Result<tower_webhooks::Verification, tower_webhooks::Rejection>> {
    let mut stream = scheme.start_stream(head)?;
    for piece in body.chunks(chunk.max(1)) {
        stream.update(piece);
    }
    Some(scheme.verify_stream(head, body, stream))
}

#[test]
fn streamed_and_buffered_verification_agree_on_every_vector() {
    let mut streamed = 0;
    for vector in fixtures() {
        let Some(scheme) = scheme_for(&vector) else {
            continue;
        };
        let delivery = delivery_for(&vector);
        let mut altered = delivery.body.to_vec();
        if let Some(first) = altered.first_mut() {
            *first ^= 1;
        }
        for body in [delivery.body.clone(), Bytes::from(altered)] {
            let buffered = scheme.verify(&delivery.head, &body);
            for chunk in [1, 3, 64, body.len()] {
                let Some(stream) = verify_streamed(scheme.as_ref(), &delivery.head, &body, chunk)
                else {
                    continue;
                };
                streamed += 1;
                match (&buffered, &stream) {
                    (Ok(a), Ok(b)) => {
                        assert_eq!(format!("{a:?}"), format!("{b:?}"), "{}", vector.id)
                    }
                    (Err(a), Err(b)) => assert_eq!(a, b, "{}", vector.id),
                    _ => panic!(
                        "{} chunk {chunk}: buffered {buffered:?}, streamed {stream:?}",
                        vector.id
                    ),
                }
            }
        }
    }
    // Every HMAC preset streams; Twilio, Zoom's challenge and the Ed25519 schemes do not.
    assert!(
        streamed >= 13 * 2 * 4,
        "only {streamed} streamed verifications"
    );
}

#[test]
fn box_reads_both_signatures_and_a_bad_one_does_not_hide_the_good() {
    let vector = fixtures()
        .into_iter()
        .find(|v| v.id == "box-node-sdk-secondary")
        .unwrap();
    let delivery = delivery_for(&vector);
    let scheme = scheme_for(&vector).unwrap();
    assert!(scheme.verify(&delivery.head, &delivery.body).is_ok());
    // The secondary signature verifies beside an empty or garbled primary one.
    for junk in ["", "!!!", "sha256=x"] {
        let mut head = delivery.head.clone();
        head.headers.insert(
            "box-signature-primary",
            http::HeaderValue::from_static(junk),
        );
        assert!(scheme.check_head(&head).is_ok(), "{junk:?}");
        assert!(scheme.verify(&head, &delivery.body).is_ok(), "{junk:?}");
    }
    // Alone, a garbled signature is a malformed header; no signature at all, a missing one.
    let mut head = delivery.head.clone();
    head.headers.remove("box-signature-secondary");
    head.headers.insert(
        "box-signature-primary",
        http::HeaderValue::from_static("!!!"),
    );
    let refused = scheme.verify(&head, &delivery.body).unwrap_err();
    assert_eq!(refused.kind(), RejectionKind::MalformedHeader);
    head.headers.remove("box-signature-primary");
    let refused = scheme.check_head(&head).unwrap_err();
    assert_eq!(refused.kind(), RejectionKind::MissingHeader);
    assert_eq!(refused.header().unwrap(), "box-signature-primary");
}
