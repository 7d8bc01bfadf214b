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
        "quickbooks" => ("intuit-signature", None),
        "hubspot" => (
            "x-hubspot-signature-v3",
            Some(Header("x-hubspot-request-timestamp")),
        ),
        "typeform" => ("typeform-signature", None),
        "calendly" => ("calendly-webhook-signature", Some(Entry("t="))),
        "mux" => ("mux-signature", Some(Entry("t="))),
        "sentry" => ("sentry-hook-signature", None),
        "vercel" => ("x-vercel-signature", None),
        "coinbase-commerce" => ("x-cc-webhook-signature", None),
        "razorpay" => ("x-razorpay-signature", None),
        "paystack" => ("x-paystack-signature", None),
        "lemonsqueezy" => ("x-signature", None),
        "webflow" => ("x-webflow-signature", Some(Header("x-webflow-timestamp"))),
        "bitbucket" => ("x-hub-signature", None),
        "box" => (
            "box-signature-primary",
            Some(Header("box-delivery-timestamp")),
        ),
        "woocommerce" => ("x-wc-webhook-signature", None),
        "trello" => ("x-trello-webhook", None),
        "intercom" => ("x-hub-signature", None),
        "resend" | "clerk" => ("svix-signature", Some(Header("svix-timestamp"))),
        "twitch" => (
            "twitch-eventsub-message-signature",
            Some(Header("twitch-eventsub-message-timestamp")),
        ),
        "dropbox" => ("x-dropbox-signature", None),
        "meta" => ("x-hub-signature-256", None),
        "paypal" => ("paypal-transmission-sig", None),
        "google-pubsub" => ("authorization", None),
        "sendgrid" => (
            "x-twilio-email-event-webhook-signature",
            Some(Header("x-twilio-email-event-webhook-timestamp")),
        ),
        // Tokens: their check is all in the head (see `a_wrong_token_is_refused_from_the_head`).
        "gitlab" => ("x-gitlab-token", None),
        "telegram" => ("x-telegram-bot-api-secret-token", None),
        "postmark" | "okta" => ("authorization", None),
        other => panic!("no wire facts for `{other}`: add them here"),
    }
}

#[derive(Clone, Copy)]
enum Timestamp {
    Header(&'static str),
    Entry(&'static str),
}

/// The providers whose signature or token is in the body: their head holds nothing to check.
const SIGNED_IN_THE_BODY: [&str; 4] = ["mailgun", "adyen", "microsoft-graph", "aws-sns"];

/// The providers that send a token, not a signature.
const TOKENS: [&str; 4] = ["gitlab", "telegram", "postmark", "okta"];

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
        if SIGNED_IN_THE_BODY.contains(&provider.name()) || TOKENS.contains(&provider.name()) {
            continue;
        }
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

#[test]
fn a_wrong_token_is_refused_from_the_head() {
    for name in TOKENS {
        let provider: Provider = name.parse().unwrap();
        let signer = Signer::new(provider, crate::common::kit_secret(provider));
        let scheme = signer.scheme().unwrap();
        let (head, body) = signer.request("{}").into_parts();
        assert!(scheme.check_head(&head).is_ok(), "{name}");
        assert!(scheme.verify(&head, &body).is_ok(), "{name}");
        let (header, _) = wire(provider);
        for garbage in ["x", "", "Basic !!", "Bearer x"] {
            let mut bad = head.clone();
            bad.headers
                .insert(header, HeaderValue::from_static(garbage));
            let early = scheme.check_head(&bad).expect_err(name);
            let late = scheme.verify(&bad, &body).expect_err(name);
            assert_eq!(early.kind(), late.kind(), "{name}: {garbage:?}");
        }
        let mut missing = head.clone();
        missing.headers.remove(header);
        assert_eq!(
            scheme.check_head(&missing).unwrap_err().kind(),
            RejectionKind::MissingHeader,
            "{name}"
        );
    }
}
