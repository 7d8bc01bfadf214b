//! Row 10 of the attack report: `check_head` let some malformed heads through (a Twilio
//! signature `x`, a Standard Webhooks `webhook-timestamp: abc`, a Stripe `t=abc,v1=…`), so a
//! client sending `Expect: 100-continue` got `100 Continue` and had its body buffered before the
//! `401`. Every scheme now refuses from the head alone whatever `verify` would refuse from it.

use http::{HeaderValue, request::Parts};
use tower_webhooks::{Provider, RejectionKind, SignatureScheme, test_util::Signer};

/// The header each provider signs in, and where its timestamp is: its own header, or an entry
/// of the signature header (`t=` for Stripe, `ts=` for Paddle).
fn wire(provider: Provider) -> (&'static str, Option<Timestamp>) {
    use Timestamp::{Entry, Header};
    match provider.name() {
        "standard-webhooks" | "standard-webhooks-v1a" => {
            ("webhook-signature", Some(Header("webhook-timestamp")))
        }
        "svix" => ("svix-signature", Some(Header("svix-timestamp"))),
        "stripe" => ("stripe-signature", Some(Entry("t="))),
        "github" => ("x-hub-signature-256", None),
        "github-sha1" => ("x-hub-signature", None),
        "slack" => (
            "x-slack-signature",
            Some(Header("x-slack-request-timestamp")),
        ),
        "shopify" => ("x-shopify-hmac-sha256", None),
        "paddle" => ("paddle-signature", Some(Entry("ts="))),
        "linear" => ("linear-signature", None),
        "zoom" => ("x-zm-signature", Some(Header("x-zm-request-timestamp"))),
        "square" => ("x-square-hmacsha256-signature", None),
        "twilio" => ("x-twilio-signature", None),
        "xero" => ("x-xero-signature", None),
        "invoiceahoy" => ("x-ia-signature", None),
        "xemelgo" => ("xemelgo-signature", None),
        "discord" => ("x-signature-ed25519", Some(Header("x-signature-timestamp"))),
        other => panic!("no wire facts for `{other}`: add them here"),
    }
}

#[derive(Clone, Copy)]
enum Timestamp {
    Header(&'static str),
    Entry(&'static str),
}

/// `check_head` refuses `head`, and `verify` refuses it for a header reason too.
fn refused(scheme: &dyn SignatureScheme, head: &Parts, what: &str) {
    let early = scheme
        .check_head(head)
        .expect_err(&format!("{}: check_head let {what} through", scheme.name()));
    assert!(
        matches!(
            early.kind(),
            RejectionKind::MalformedHeader | RejectionKind::MissingHeader
        ),
        "{}: {what}: {early}",
        scheme.name()
    );
    let late = scheme.verify(head, &bytes::Bytes::new()).unwrap_err();
    assert_eq!(late.kind(), early.kind(), "{}: {what}", scheme.name());
}

#[test]
fn every_scheme_refuses_a_malformed_head_before_reading_the_body() {
    for &provider in Provider::ALL {
        let signer = Signer::new(provider, crate::common::kit_secret(provider))
            .url("https://example.com/hooks");
        let scheme = signer.scheme().unwrap();
        let body = if provider == Provider::Twilio {
            "Body=hi"
        } else {
            r#"{"type":"a"}"#
        };
        let (head, _) = signer.request(body).into_parts();
        scheme
            .check_head(&head)
            .unwrap_or_else(|e| panic!("{provider}: a good head refused: {e}"));
        let (signature, timestamp) = wire(provider);
        for garbage in ["x", "", "!!!!", "sha256=zz", "v1,", "t=1,v1=zz"] {
            let mut bad = head.clone();
            bad.headers
                .insert(signature, HeaderValue::from_static(garbage));
            refused(&*scheme, &bad, &format!("the signature {garbage:?}"));
        }
        match timestamp {
            Some(Timestamp::Header(name)) => {
                for garbage in ["abc", "-1", "1.5", " 17"] {
                    let mut bad = head.clone();
                    bad.headers.insert(name, HeaderValue::from_static(garbage));
                    refused(&*scheme, &bad, &format!("the timestamp {garbage:?}"));
                }
            }
            Some(Timestamp::Entry(entry)) => {
                let value = head.headers[signature].to_str().unwrap();
                let start = value.find(entry).unwrap() + entry.len();
                let end = value[start..]
                    .find(|c: char| !c.is_ascii_digit())
                    .map_or(value.len(), |n| start + n);
                let forged = format!("{}abc{}", &value[..start], &value[end..]);
                let mut bad = head.clone();
                bad.headers
                    .insert(signature, HeaderValue::from_str(&forged).unwrap());
                refused(
                    &*scheme,
                    &bad,
                    &format!("the timestamp entry in {forged:?}"),
                );
            }
            None => {}
        }
    }
}
