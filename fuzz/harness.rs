//! What each fuzz target feeds the crate and what it asserts. Shared by the fuzz targets
//! (`fuzz/fuzz_targets/*.rs`, run with `cargo +nightly fuzz run <target>`) and by
//! `tests/it/fuzz_corpus.rs`, which replays the committed corpus under `cargo test`.
//!
//! Inputs are raw bytes, read as lines: the first lines are header values (each given to the
//! next name of [`HEADERS`]), an empty line ends them, and the rest is the body. A fuzzer that
//! finds `\n\n` finds bodies.
#![allow(dead_code, unreachable_pub)]

use std::{
    convert::Infallible,
    pin::Pin,
    sync::OnceLock,
    task::{Context, Poll},
    time::Duration,
};

use bytes::Bytes;
use http::{HeaderName, HeaderValue, Request, Response, StatusCode, request::Parts};
use http_body::{Body, Frame};
use tower::{Layer as _, ServiceExt as _};
use tower_webhooks::{
    Keys, Provider, SignatureScheme, WebhookSignatureLayer,
    hmac_scheme::{Algorithm, Encoding, HmacScheme, KeyEncoding, SignatureFormat},
    json_stringify::stringify_parsed,
    layer::RequestBody,
    test_util::{Signer, example_secret},
};

/// Every header any scheme reads, and a few that change how they read.
pub const HEADERS: [&str; 62] = [
    "webhook-signature",
    "webhook-id",
    "webhook-timestamp",
    "svix-signature",
    "svix-id",
    "svix-timestamp",
    "stripe-signature",
    "x-hub-signature-256",
    "x-hub-signature",
    "x-slack-signature",
    "x-slack-request-timestamp",
    "x-shopify-hmac-sha256",
    "paddle-signature",
    "linear-signature",
    "x-zm-signature",
    "x-zm-request-timestamp",
    "x-square-hmacsha256-signature",
    "x-twilio-signature",
    "x-xero-signature",
    "x-ia-signature",
    "xemelgo-signature",
    "x-signature-ed25519",
    "x-signature-timestamp",
    "content-type",
    "host",
    "x-forwarded-proto",
    // The providers added after the corpus was first made, after the older names so that the
    // corpus's inputs keep reading the headers they were kept for.
    "authorization",
    "intuit-signature",
    "x-hubspot-signature-v3",
    "x-hubspot-request-timestamp",
    "typeform-signature",
    "calendly-webhook-signature",
    "mux-signature",
    "sentry-hook-signature",
    "x-vercel-signature",
    "x-cc-webhook-signature",
    "x-razorpay-signature",
    "x-paystack-signature",
    "x-signature",
    "x-webflow-signature",
    "x-webflow-timestamp",
    "box-signature-primary",
    "box-signature-secondary",
    "box-delivery-timestamp",
    "x-wc-webhook-signature",
    "x-trello-webhook",
    "twitch-eventsub-message-signature",
    "twitch-eventsub-message-id",
    "twitch-eventsub-message-timestamp",
    "twitch-eventsub-message-type",
    "x-dropbox-signature",
    "x-gitlab-token",
    "x-telegram-bot-api-secret-token",
    "x-okta-verification-challenge",
    "x-twilio-email-event-webhook-signature",
    "x-twilio-email-event-webhook-timestamp",
    "paypal-transmission-id",
    "paypal-transmission-time",
    "paypal-transmission-sig",
    "paypal-cert-url",
    "paypal-auth-algo",
    "x-amz-sns-message-type",
];

/// Splits an input into a request head (with the given URI) and a body.
pub fn request(data: &[u8], uri: &str) -> (Parts, Bytes) {
    let mut request = Request::builder().method("POST").uri(uri);
    let mut rest = data;
    let mut index = 0;
    while let Some(end) = rest.iter().position(|&b| b == b'\n') {
        let line = &rest[..end];
        rest = &rest[end + 1..];
        if line.is_empty() {
            break;
        }
        if let Ok(value) = HeaderValue::from_bytes(line) {
            request = request.header(
                HeaderName::from_static(HEADERS[index % HEADERS.len()]),
                value,
            );
        }
        index += 1;
    }
    let (head, ()) = request
        .body(())
        .expect("a valid method and URI")
        .into_parts();
    (head, Bytes::copy_from_slice(rest))
}

/// Every provider of the crate's registry, so that a new one is fuzzed with no change here, and
/// Square once more with a configured public URL (the other way it reads the URL it signed).
fn schemes_under_test() -> &'static Vec<Box<dyn SignatureScheme>> {
    static SCHEMES: OnceLock<Vec<Box<dyn SignatureScheme>>> = OnceLock::new();
    SCHEMES.get_or_init(|| {
        let secret = "fuzz-secret-that-is-longer-than-24-characters";
        let mut schemes: Vec<Box<dyn SignatureScheme>> = Provider::ALL
            .iter()
            .map(|&provider| {
                // The fetched-key providers with the test kit's keys pinned: their whole
                // verification runs, offline.
                let kit = Signer::new(provider, example_secret(provider));
                if !kit.key_documents().is_empty() {
                    return kit.scheme().unwrap();
                }
                let key = match provider.name() {
                    "standard-webhooks-v1a" => "whpk_A6EHv/POEL4dcN0Y50vAmWfk1jCbpQ1fHdyGZBJVMbg=",
                    "discord" => "79b5562e8fe654f94078b112e8a98ba7901f853ae695bed7e0e3910bad049664",
                    "sendgrid" => {
                        "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE83T4O/n84iotIvIW4mdBgQ/7dAfSmpqIM8kF9mN1flpVKS3GRqe62gw+2fNNRaINXvVpiglSI8eNEc6wEA3F+g=="
                    }
                    // The forms the providers demand: `whsec_`, Basic credentials, hex.
                    "standard-webhooks" | "svix" | "resend" | "clerk" => {
                        "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
                    }
                    "postmark" => "fuzz:secret-that-is-longer-than-24-characters",
                    "adyen" => "DFB1EB5485895CFA84146406857104ABB4CBCABDC8AAF103A624C8F6A3EAAB00",
                    _ => secret,
                };
                provider
                    .scheme(key)
                    .unwrap_or_else(|error| panic!("{provider}: {error}"))
            })
            .collect();
        schemes.push(
            Provider::Square
                .configure(secret)
                .public_base_url("https://example.com")
                .build()
                .unwrap(),
        );
        schemes
    })
}

/// Every header parser of every scheme: nothing panics, and nothing the fuzzer makes up
/// verifies (it would have to forge an HMAC or an Ed25519 signature). A head that passes
/// `check_head` is one `verify` can read.
pub fn schemes(data: &[u8]) {
    let (head, body) = request(data, "/webhooks/fuzz?x=1");
    for scheme in schemes_under_test() {
        let head_ok = scheme.check_head(&head);
        let verdict = scheme.verify(&head, &body);
        assert!(
            verdict.is_err(),
            "{} verified a made-up delivery",
            scheme.name()
        );
        if let Err(rejection) = verdict {
            // `check_head` refusing means `verify` refuses for the same reason.
            if let Err(early) = &head_ok {
                assert_eq!(
                    early.kind(),
                    rejection.kind(),
                    "{}: check_head said {early} but verify said {rejection}",
                    scheme.name()
                );
            }
            let _ = rejection.to_string();
        }
    }
}

/// The `JSON.stringify` emulation: never panics, and what it prints is JSON that prints to
/// itself again.
pub fn json_stringify(data: &[u8]) {
    if let Ok(once) = stringify_parsed(data) {
        serde_json::from_slice::<serde::de::IgnoredAny>(&once).unwrap_or_else(|e| {
            panic!(
                "printed invalid JSON {:?}: {e}",
                String::from_utf8_lossy(&once)
            )
        });
        let twice = stringify_parsed(&once).expect("its own output parses");
        assert_eq!(once, twice, "not idempotent");
    }
}

/// `HmacScheme` described from fuzzed text: the first line is the signed-content template,
/// the second the prefix (a `Single` format, 0 or 1 selects hex or base64), the rest a
/// delivery. Building never panics; a built scheme never panics and never verifies.
pub fn hmac_scheme(data: &[u8]) {
    let mut lines = data.splitn(3, |&b| b == b'\n');
    let template = String::from_utf8_lossy(lines.next().unwrap_or_default()).into_owned();
    let options = lines.next().unwrap_or_default();
    let rest = lines.next().unwrap_or_default();
    let encoding = match options.first().map(|b| b % 3) {
        Some(0) => Encoding::Hex,
        Some(1) => Encoding::Base64,
        _ => Encoding::Base64Url,
    };
    let algorithm = match options.get(1).map(|b| b % 3) {
        Some(0) => Algorithm::HmacSha256,
        Some(1) => Algorithm::HmacSha512,
        _ => Algorithm::HmacSha1,
    };
    let key_encoding = if options.get(2).is_some_and(|b| b % 2 == 0) {
        KeyEncoding::Utf8
    } else {
        KeyEncoding::StandardWebhooks
    };
    let format = if options.get(3).is_some_and(|b| b % 2 == 0) {
        SignatureFormat::Single { prefix: "v1=" }
    } else {
        SignatureFormat::Tagged {
            separator: ' ',
            delimiter: ',',
            tag: "v1",
        }
    };
    let built = HmacScheme::builder("fuzz")
        .signature_header("webhook-signature")
        .timestamp_header("webhook-timestamp")
        .id_header("webhook-id")
        .format(format)
        .encoding(encoding)
        .algorithm(algorithm)
        .key_encoding(key_encoding)
        .signed_content(&template)
        .keys(
            Keys::new()
                .key("a", "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")
                .secret("second key"),
        )
        .build();
    if let Ok(scheme) = built {
        let (head, body) = request(rest, "/");
        let _ = scheme.check_head(&head);
        assert!(
            scheme.verify(&head, &body).is_err(),
            "a made-up delivery verified"
        );
    }
}

/// A body that yields the given chunks, one frame each.
struct Chunks(Vec<Bytes>);

impl Body for Chunks {
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

/// The whole layer: fuzzed headers (and a fuzzed `Content-Length`), the body split into frames
/// at every `0xFE`, through a 4 KiB limit. The answer is always a refusal with an empty body
/// (401, 413 or 400), the inner service never runs, and nothing panics.
pub fn layer(data: &[u8]) {
    static RUNTIME: OnceLock<tokio::runtime::Runtime> = OnceLock::new();
    let runtime = RUNTIME.get_or_init(|| {
        tokio::runtime::Builder::new_current_thread()
            .enable_time()
            .build()
            .expect("a runtime")
    });
    let Some((&selector, data)) = data.split_first() else {
        return;
    };
    let (mut head, body) = request(data, "/");
    if selector & 0x80 != 0 {
        head.headers.insert(
            http::header::CONTENT_LENGTH,
            HeaderValue::from(u32::from(selector) * 40),
        );
    }
    let chunks: Vec<Bytes> = body
        .split(|&b| b == 0xFE)
        .map(Bytes::copy_from_slice)
        .collect();
    let schemes = schemes_under_test();
    let scheme = &schemes[usize::from(selector) % schemes.len()];
    let inner = tower::service_fn(|_: Request<RequestBody>| async {
        // The layer turns a panic into a 500, which the status check below catches.
        panic!("the inner service ran for a made-up delivery");
        #[allow(unreachable_code)]
        Ok::<_, Infallible>(Response::new(Chunks(Vec::new())))
    });
    let service = WebhookSignatureLayer::new(SchemeRef(scheme.as_ref()))
        .body_limit(4096)
        .body_timeout(Duration::from_secs(5))
        .layer(inner);
    let request = Request::from_parts(head, Chunks(chunks));
    let response = runtime
        .block_on(service.oneshot(request))
        .unwrap_or_else(|never| match never {});
    assert!(
        matches!(
            response.status(),
            StatusCode::UNAUTHORIZED | StatusCode::PAYLOAD_TOO_LARGE | StatusCode::BAD_REQUEST
        ),
        "status {}",
        response.status()
    );
    // A refusal's body is empty (after an early one, it ends once the request's rest has
    // been read and thrown away).
    let mut body = std::pin::pin!(response.into_body());
    let mut bytes = 0;
    runtime.block_on(std::future::poll_fn(|cx| {
        loop {
            match body.as_mut().poll_frame(cx) {
                Poll::Ready(Some(Ok(frame))) => bytes += frame.data_ref().map_or(0, Bytes::len),
                Poll::Ready(Some(Err(never))) => match never {},
                Poll::Ready(None) => return Poll::Ready(()),
                Poll::Pending => return Poll::Pending,
            }
        }
    }));
    assert_eq!(bytes, 0, "a refusal has an empty body");
}

/// A borrowed scheme, so one set of schemes serves every input.
struct SchemeRef(&'static dyn SignatureScheme);

impl SignatureScheme for SchemeRef {
    fn name(&self) -> &'static str {
        self.0.name()
    }
    fn verify(
        &self,
        head: &Parts,
        body: &Bytes,
    ) -> Result<tower_webhooks::Verification, tower_webhooks::Rejection> {
        self.0.verify(head, body)
    }
    fn check_head(&self, head: &Parts) -> Result<(), tower_webhooks::Rejection> {
        self.0.check_head(head)
    }
}

/// The schemes that sign in the body, the body fuzzed (Mailgun as JSON and as a form, Adyen,
/// Microsoft Graph, AWS SNS with the kit's certificate pinned): nothing panics, nothing the
/// fuzzer makes up verifies.
pub fn body_signatures(data: &[u8]) {
    static SCHEMES: OnceLock<Vec<Box<dyn SignatureScheme>>> = OnceLock::new();
    let schemes = SCHEMES.get_or_init(|| {
        ["mailgun", "adyen", "microsoft-graph", "aws-sns"]
            .into_iter()
            .map(|name| {
                let provider: Provider = name.parse().unwrap();
                Signer::new(provider, example_secret(provider))
                    .scheme()
                    .unwrap()
            })
            .collect()
    });
    let body = Bytes::copy_from_slice(data);
    for content_type in ["application/json", "application/x-www-form-urlencoded"] {
        let (head, ()) = Request::post("/hook")
            .header("content-type", content_type)
            .body(())
            .unwrap()
            .into_parts();
        for scheme in schemes {
            let verdict = scheme.verify(&head, &body);
            assert!(
                verdict.is_err(),
                "{} verified a made-up body",
                scheme.name()
            );
        }
    }
}

/// Google Pub/Sub's token, fuzzed as the bearer token (its keys pinned): nothing panics,
/// nothing verifies, and a token `check_head` refuses `verify` refuses the same way.
pub fn jwt(data: &[u8]) {
    static SCHEME: OnceLock<Box<dyn SignatureScheme>> = OnceLock::new();
    let scheme = SCHEME.get_or_init(|| {
        Signer::new(
            Provider::GooglePubSub,
            example_secret(Provider::GooglePubSub),
        )
        .scheme()
        .unwrap()
    });
    let mut value = b"Bearer ".to_vec();
    value.extend_from_slice(data);
    let Ok(value) = HeaderValue::from_bytes(&value) else {
        return;
    };
    let (head, ()) = Request::post("/hook")
        .header("authorization", value)
        .body(())
        .unwrap()
        .into_parts();
    let early = scheme.check_head(&head);
    let verdict = scheme.verify(&head, &Bytes::new());
    let rejection = verdict.expect_err("a made-up token verified");
    if let Err(early) = early {
        assert_eq!(early.kind(), rejection.kind(), "{early} / {rejection}");
    }
}
