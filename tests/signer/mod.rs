//! Signs deliveries as each provider does, written from the providers' docs with the `hmac`
//! crate directly, independently of the crate's own scheme code, so a test that verifies what
//! this signs checks the crate against the docs rather than against itself.
#![allow(dead_code, unreachable_pub)]

use std::time::{Duration, UNIX_EPOCH};

use base64::Engine as _;
use bytes::Bytes;
use hmac::{Hmac, KeyInit as _, Mac};
use http::{Request, request::Parts};
use tower_webhooks::{
    Clock, Keys, SignatureScheme, github::GitHub, invoice_ahoy::InvoiceAhoy, linear::Linear,
    paddle::Paddle, shopify::Shopify, slack::Slack, square::Square,
    standard_webhooks::StandardWebhooks, stripe::Stripe, svix::Svix, twilio::Twilio,
    xemelgo::Xemelgo, xero::Xero, zoom::Zoom,
};

/// Every preset this crate ships.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Preset {
    StandardWebhooks,
    Svix,
    Stripe,
    GitHub,
    Slack,
    Shopify,
    Paddle,
    Linear,
    Zoom,
    Square,
    Twilio,
    Xero,
    InvoiceAhoy,
    Xemelgo,
}

pub const ALL: [Preset; 14] = [
    Preset::StandardWebhooks,
    Preset::Svix,
    Preset::Stripe,
    Preset::GitHub,
    Preset::Slack,
    Preset::Shopify,
    Preset::Paddle,
    Preset::Linear,
    Preset::Zoom,
    Preset::Square,
    Preset::Twilio,
    Preset::Xero,
    Preset::InvoiceAhoy,
    Preset::Xemelgo,
];

/// The time every signed delivery here claims, and the clock the schemes are given.
pub const NOW: u64 = 1_700_000_000;

pub const HOST: &str = "hooks.example.com";
pub const PATH: &str = "/webhooks/provider?tenant=7";

/// A secret of the form `preset` expects, distinct per `seed`.
pub fn secret(preset: Preset, seed: u8) -> String {
    match preset {
        Preset::StandardWebhooks | Preset::Svix => {
            format!("whsec_{}", b64(&[seed; 24]))
        }
        Preset::Stripe => format!("whsec_test_secret_{seed}"),
        Preset::Xemelgo => format!("xemelgo-secret-longer-than-24-chars-{seed}"),
        _ => format!("{preset:?}-secret-{seed}").to_lowercase(),
    }
}

/// The scheme for `preset` with `keys`, its clock at [`NOW`], its public URL `https://HOST`.
pub fn scheme(preset: Preset, keys: Keys) -> Box<dyn SignatureScheme> {
    let clock = Clock::fixed(UNIX_EPOCH + Duration::from_secs(NOW));
    let base = format!("https://{HOST}");
    match preset {
        Preset::StandardWebhooks => {
            Box::new(StandardWebhooks::new(keys).unwrap().with_clock(clock))
        }
        Preset::Svix => Box::new(Svix::new(keys).unwrap().with_clock(clock)),
        Preset::Stripe => Box::new(Stripe::with_keys(keys).unwrap().with_clock(clock)),
        Preset::GitHub => Box::new(GitHub::with_keys(keys).unwrap()),
        Preset::Slack => Box::new(Slack::with_keys(keys).unwrap().with_clock(clock)),
        Preset::Shopify => Box::new(Shopify::with_keys(keys).unwrap()),
        Preset::Paddle => Box::new(Paddle::with_keys(keys).unwrap().with_clock(clock)),
        Preset::Linear => Box::new(Linear::with_keys(keys).unwrap().with_clock(clock)),
        Preset::Zoom => Box::new(Zoom::with_keys(keys).unwrap().with_clock(clock)),
        Preset::Square => Box::new(
            Square::with_keys(keys)
                .unwrap()
                .with_public_base_url(&base)
                .unwrap(),
        ),
        Preset::Twilio => Box::new(
            Twilio::with_keys(keys)
                .unwrap()
                .with_public_base_url(&base)
                .unwrap(),
        ),
        Preset::Xero => Box::new(Xero::with_keys(keys).unwrap()),
        Preset::InvoiceAhoy => Box::new(InvoiceAhoy::with_keys(keys).unwrap()),
        Preset::Xemelgo => Box::new(Xemelgo::with_keys(keys).unwrap().raw_body_only()),
    }
}

/// What a test may alter in a delivery.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part {
    Signature,
    Timestamp,
    Id,
}

/// A signed delivery, and which header carries which part.
#[derive(Debug, Clone)]
pub struct Delivery {
    pub head: Parts,
    pub body: Bytes,
    pub parts: Vec<(Part, &'static str)>,
}

/// The signature header of a provider that signs the raw body alone (Xero, InvoiceAhoy,
/// Xemelgo), as its documentation computes it: HMAC-SHA256, in base64 for Xero and in hex for
/// the others (Xemelgo's with `sha256=`).
pub fn raw_body_signature(preset: Preset, key: &[u8], body: &[u8]) -> (&'static str, String) {
    let tag = hmac_sha256(key, body);
    match preset {
        Preset::Xero => ("x-xero-signature", b64(&tag)),
        Preset::InvoiceAhoy => ("x-ia-signature", hex(&tag)),
        Preset::Xemelgo => ("xemelgo-signature", format!("sha256={}", hex(&tag))),
        other => panic!("{other:?} signs more than the raw body"),
    }
}

/// A body `preset` can carry: Linear's must hold its timestamp, Twilio's is a form.
pub fn body_for(preset: Preset, text: &str) -> String {
    match preset {
        Preset::Linear => format!(
            r#"{{"action":"create","data":{{"title":{}}},"webhookTimestamp":{}}}"#,
            serde_json::Value::from(text),
            NOW * 1000
        ),
        Preset::Twilio => form_urlencoded::Serializer::new(String::new())
            .append_pair("Body", text)
            .append_pair("From", "+15005550006")
            .finish(),
        _ => text.to_owned(),
    }
}

/// Signs `body` as `preset` does, with each of `secrets` (several for a header that carries
/// several signatures; the others use only the first).
pub fn sign(preset: Preset, secrets: &[&str], body: &str, timestamp: u64, id: &str) -> Delivery {
    let ts = timestamp.to_string();
    let mut request = Request::builder()
        .method("POST")
        .uri(PATH)
        .header("host", HOST);
    let first = secrets[0].as_bytes();
    let each = |message: &[u8], f: &dyn Fn(Vec<u8>) -> String, key: &dyn Fn(&str) -> Vec<u8>| {
        secrets
            .iter()
            .map(|s| f(hmac_sha256(&key(s), message)))
            .collect::<Vec<_>>()
    };
    let utf8 = |s: &str| s.as_bytes().to_vec();
    let parts = match preset {
        Preset::StandardWebhooks | Preset::Svix => {
            let prefix = if preset == Preset::Svix {
                "svix"
            } else {
                "webhook"
            };
            let message = format!("{id}.{ts}.{body}");
            let decode = |s: &str| {
                base64::engine::general_purpose::STANDARD
                    .decode(s.trim_start_matches("whsec_"))
                    .unwrap()
            };
            let signatures = each(
                message.as_bytes(),
                &|mac| format!("v1,{}", b64(&mac)),
                &decode,
            );
            let (sig, ts_name, id_name) = match prefix {
                "svix" => ("svix-signature", "svix-timestamp", "svix-id"),
                _ => ("webhook-signature", "webhook-timestamp", "webhook-id"),
            };
            request = request
                .header(sig, signatures.join(" "))
                .header(ts_name, &ts)
                .header(id_name, id);
            vec![
                (Part::Signature, sig),
                (Part::Timestamp, ts_name),
                (Part::Id, id_name),
            ]
        }
        Preset::Stripe => {
            let signatures = each(
                format!("{ts}.{body}").as_bytes(),
                &|mac| format!("v1={}", hex(&mac)),
                &utf8,
            );
            request = request.header(
                "stripe-signature",
                format!("t={ts},{}", signatures.join(",")),
            );
            vec![(Part::Signature, "stripe-signature")]
        }
        Preset::Paddle => {
            let signatures = each(
                format!("{ts}:{body}").as_bytes(),
                &|mac| format!("h1={}", hex(&mac)),
                &utf8,
            );
            request = request.header(
                "paddle-signature",
                format!("ts={ts};{}", signatures.join(";")),
            );
            vec![(Part::Signature, "paddle-signature")]
        }
        Preset::GitHub => {
            request = request
                .header(
                    "x-hub-signature-256",
                    format!("sha256={}", hex(&hmac_sha256(first, body.as_bytes()))),
                )
                .header("x-github-delivery", id);
            vec![(Part::Signature, "x-hub-signature-256")]
        }
        Preset::Slack | Preset::Zoom => {
            let (sig, ts_name) = if preset == Preset::Slack {
                ("x-slack-signature", "x-slack-request-timestamp")
            } else {
                ("x-zm-signature", "x-zm-request-timestamp")
            };
            let mac = hmac_sha256(first, format!("v0:{ts}:{body}").as_bytes());
            request = request
                .header(sig, format!("v0={}", hex(&mac)))
                .header(ts_name, &ts);
            vec![(Part::Signature, sig), (Part::Timestamp, ts_name)]
        }
        Preset::Shopify => {
            request = request
                .header(
                    "x-shopify-hmac-sha256",
                    b64(&hmac_sha256(first, body.as_bytes())),
                )
                .header("x-shopify-webhook-id", id);
            vec![(Part::Signature, "x-shopify-hmac-sha256")]
        }
        Preset::Linear => {
            request = request
                .header(
                    "linear-signature",
                    hex(&hmac_sha256(first, body.as_bytes())),
                )
                .header("linear-delivery", id);
            vec![(Part::Signature, "linear-signature")]
        }
        Preset::Square => {
            let message = format!("https://{HOST}{PATH}{body}");
            request = request.header(
                "x-square-hmacsha256-signature",
                b64(&hmac_sha256(first, message.as_bytes())),
            );
            vec![(Part::Signature, "x-square-hmacsha256-signature")]
        }
        Preset::Twilio => {
            let mut params: Vec<(String, String)> = form_urlencoded::parse(body.as_bytes())
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect();
            params.sort();
            params.dedup();
            let mut message = format!("https://{HOST}{PATH}");
            for (k, v) in params {
                message.push_str(&k);
                message.push_str(&v);
            }
            let mut mac = Hmac::<sha1::Sha1>::new_from_slice(first).unwrap();
            mac.update(message.as_bytes());
            request = request
                .header("x-twilio-signature", b64(&mac.finalize().into_bytes()))
                .header("content-type", "application/x-www-form-urlencoded");
            vec![(Part::Signature, "x-twilio-signature")]
        }
        Preset::Xero | Preset::InvoiceAhoy | Preset::Xemelgo => {
            let (name, value) = raw_body_signature(preset, first, body.as_bytes());
            request = request.header(name, value);
            vec![(Part::Signature, name)]
        }
    };
    let (head, ()) = request.body(()).unwrap().into_parts();
    Delivery {
        head,
        body: Bytes::from(body.to_owned()),
        parts,
    }
}

/// The test kit's name for `preset`, for tests that sign with the kit (as users' tests do) and
/// for checking the kit against this independent signer.
pub fn kit(preset: Preset) -> tower_webhooks::test_util::Provider {
    use tower_webhooks::test_util::Provider;
    match preset {
        Preset::StandardWebhooks => Provider::StandardWebhooks,
        Preset::Svix => Provider::Svix,
        Preset::Stripe => Provider::Stripe,
        Preset::GitHub => Provider::GitHub,
        Preset::Slack => Provider::Slack,
        Preset::Shopify => Provider::Shopify,
        Preset::Paddle => Provider::Paddle,
        Preset::Linear => Provider::Linear,
        Preset::Zoom => Provider::Zoom,
        Preset::Square => Provider::Square,
        Preset::Twilio => Provider::Twilio,
        Preset::Xero => Provider::Xero,
        Preset::InvoiceAhoy => Provider::InvoiceAhoy,
        Preset::Xemelgo => Provider::Xemelgo,
    }
}

/// Whether `preset` writes its tags in hex (where a letter's case does not change the tag).
pub fn hex_tags(preset: Preset) -> bool {
    matches!(
        preset,
        Preset::Stripe
            | Preset::Paddle
            | Preset::GitHub
            | Preset::Slack
            | Preset::Zoom
            | Preset::Linear
            | Preset::InvoiceAhoy
            | Preset::Xemelgo
    )
}

/// Whether `preset` signs a timestamp (and so has a replay window).
pub fn timestamped(preset: Preset) -> bool {
    matches!(
        preset,
        Preset::StandardWebhooks
            | Preset::Svix
            | Preset::Stripe
            | Preset::Slack
            | Preset::Paddle
            | Preset::Linear
            | Preset::Zoom
    )
}

pub fn hmac_sha256(key: &[u8], message: &[u8]) -> Vec<u8> {
    let mut mac = Hmac::<sha2::Sha256>::new_from_slice(key).unwrap();
    mac.update(message);
    mac.finalize().into_bytes().to_vec()
}

pub fn b64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Form-encodes Twilio's parameters, a repeated one once per value.
pub fn twilio_form(params: &serde_json::Map<String, serde_json::Value>) -> String {
    let mut form = form_urlencoded::Serializer::new(String::new());
    for (name, value) in params {
        match value {
            serde_json::Value::Array(values) => {
                for v in values {
                    form.append_pair(name, v.as_str().unwrap());
                }
            }
            v => {
                form.append_pair(name, v.as_str().unwrap());
            }
        }
    }
    form.finish()
}
