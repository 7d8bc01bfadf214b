//! What a rejected delivery leaves in the server log: a reason code, the skew of a stale
//! timestamp, and a hint where a common mistake explains it, while the response stays an empty
//! 401 and no secret reaches the log. In the `logs` binary (see `main.rs`).

use std::convert::Infallible;

use crate::{
    capture::Captured,
    signer::{NOW, Preset, sign},
};
use bytes::Bytes;
use http::{Request, StatusCode, request::Parts};
use http_body_util::{BodyExt as _, Full};
use tower::{Layer as _, ServiceExt as _};
use tower_webhooks::{
    Keys, SignatureScheme, WebhookSignatureLayer,
    hmac_scheme::{Encoding, HmacScheme, KeyEncoding, SignatureFormat},
    layer::RequestBody,
};

/// Sends one delivery through the layer; asserts an empty 401 and returns the log it left.
async fn rejected(
    scheme: impl SignatureScheme,
    (head, body): (Parts, Bytes),
    log: &Captured,
) -> String {
    let service = WebhookSignatureLayer::new(scheme).layer(tower::service_fn(
        |_: Request<RequestBody>| async {
            Ok::<_, Infallible>(http::Response::new(Full::new(Bytes::new())))
        },
    ));
    let response = service
        .oneshot(Request::from_parts(head, Full::new(body)))
        .await
        .unwrap();
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
    log.take()
}

fn delivery(preset: Preset, secret: &str, body: &str, ts: u64) -> (Parts, Bytes) {
    let d = sign(preset, &[secret], body, ts, "msg_1");
    (d.head, d.body)
}

/// Standard Webhooks' layout with the key used as text, as a provider that skipped the decoding
/// would configure it.
fn stdwh_as_text(secret: &str) -> HmacScheme {
    HmacScheme::builder("acme")
        .signature_header("webhook-signature")
        .id_header("webhook-id")
        .timestamp_header("webhook-timestamp")
        .format(SignatureFormat::Tagged {
            separator: ' ',
            delimiter: ',',
            tag: "v1",
        })
        .encoding(Encoding::Base64)
        .signed_content("{id}.{timestamp}.{body}")
        .key_encoding(KeyEncoding::Utf8)
        .keys(secret)
        .build()
        .unwrap()
}

#[tokio::test(flavor = "current_thread")]
async fn rejections_are_logged_with_a_code_and_a_hint_and_without_secrets() {
    let log = Captured::default();
    let _guard = log.install(tracing::Level::INFO);

    const SLACK: &str = "slack-signing-secret-5ca1ab1e";
    let slack = || crate::signer::scheme(Preset::Slack, Keys::from(SLACK));

    // Missing and malformed headers.
    let (mut head, body) = delivery(Preset::Slack, SLACK, "{}", NOW);
    head.headers.remove("x-slack-signature");
    let line = rejected(slack(), (head, body.clone()), &log).await;
    assert!(
        line.contains("missing_header") && line.contains("x-slack-signature"),
        "{line}"
    );
    let (mut head, _) = delivery(Preset::Slack, SLACK, "{}", NOW);
    head.headers
        .insert("x-slack-signature", "v0=zz".parse().unwrap());
    let line = rejected(slack(), (head, body.clone()), &log).await;
    assert!(
        line.contains("malformed_header") && line.contains("not hex"),
        "{line}"
    );

    // A stale timestamp, with its skew.
    let line = rejected(
        slack(),
        delivery(Preset::Slack, SLACK, "{}", NOW - 3600),
        &log,
    )
    .await;
    assert!(
        line.contains("stale_timestamp") && line.contains("skew_secs=3600"),
        "{line}"
    );
    assert!(line.contains("3600 s old"), "{line}");

    // The secret was configured with a trailing newline (read from a file).
    let line = rejected(
        crate::signer::scheme(Preset::Slack, Keys::from(format!("{SLACK}\n"))),
        delivery(Preset::Slack, SLACK, "{}", NOW),
        &log,
    )
    .await;
    assert!(
        line.contains("signature_mismatch") && line.contains("whitespace"),
        "{line}"
    );

    // A `whsec_` secret used as text where the provider base64-decodes it...
    let whsec = crate::signer::secret(Preset::StandardWebhooks, 4);
    let line = rejected(
        stdwh_as_text(&whsec).with_clock(fixed()),
        delivery(Preset::StandardWebhooks, &whsec, "{}", NOW),
        &log,
    )
    .await;
    assert!(line.contains("KeyEncoding::StandardWebhooks"), "{line}");
    // ...and decoded where the provider uses it as text.
    let mut head = delivery(Preset::StandardWebhooks, &whsec, "{}", NOW).0;
    let as_text = stdwh_as_text(&whsec).with_clock(fixed());
    let (text_head, _) = {
        // Sign the way a text-keyed provider does: with the `whsec_…` string's bytes.
        let signature = crate::signer::b64(&crate::signer::hmac_sha256(
            whsec.as_bytes(),
            format!("msg_1.{NOW}.{{}}").as_bytes(),
        ));
        head.headers.insert(
            "webhook-signature",
            format!("v1,{signature}").parse().unwrap(),
        );
        (head.clone(), ())
    };
    assert!(
        as_text
            .verify(&text_head, &Bytes::from_static(b"{}"))
            .is_ok()
    );
    let line = rejected(
        crate::signer::scheme(Preset::StandardWebhooks, Keys::from(whsec.as_str())),
        (text_head, Bytes::from_static(b"{}")),
        &log,
    )
    .await;
    assert!(line.contains("KeyEncoding::Utf8"), "{line}");

    // A proxy in between, and the body changed.
    let (mut head, _) = delivery(Preset::Slack, SLACK, "{}", NOW);
    head.headers.insert("via", "1.1 proxy".parse().unwrap());
    let line = rejected(slack(), (head, Bytes::from_static(b"{ }")), &log).await;
    assert!(line.contains("proxy"), "{line}");

    // A form body that is not UTF-8 where Twilio needs text.
    let twilio = crate::signer::scheme(Preset::Twilio, Keys::from("twilio-token-c0ffee"));
    let (mut head, _) = delivery(Preset::Twilio, "twilio-token-c0ffee", "a=b", NOW);
    head.headers.insert(
        "x-twilio-signature",
        crate::signer::b64(&[0; 20]).parse().unwrap(),
    );
    let line = rejected(twilio, (head, Bytes::from_static(b"Body=\xff")), &log).await;
    assert!(
        line.contains("unverifiable_body") && line.contains("not valid UTF-8"),
        "{line}"
    );

    let everything = log.everything();
    assert_eq!(
        everything.matches("webhook delivery rejected").count(),
        8,
        "{everything}"
    );
    for secret in [
        SLACK,
        "5ca1ab1e",
        whsec.trim_start_matches("whsec_"),
        "c0ffee",
    ] {
        assert!(
            !everything.contains(secret),
            "{secret} leaked: {everything}"
        );
    }
}

fn fixed() -> tower_webhooks::Clock {
    tower_webhooks::Clock::fixed(std::time::UNIX_EPOCH + std::time::Duration::from_secs(NOW))
}
