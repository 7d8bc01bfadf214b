//! The signature headers each provider puts on a delivery, computed with `hmac`, `sha1`, `sha2`
//! and `ed25519-dalek` directly from the providers' documentation (cited in each scheme's
//! module), not through the crate's verifiers.

use std::time::{SystemTime, UNIX_EPOCH};

use base64::Engine as _;
use hmac::{Hmac, KeyInit as _, Mac};
use http::{HeaderMap, HeaderName, HeaderValue};

use super::{Provider, Signer};

impl Signer {
    /// The headers of a delivery of `body` to `url` (as `url_for` gives it)
    /// signed with `secret` at `at`.
    pub(super) fn sign(&self, url: &str, body: &[u8], secret: &[u8], at: SystemTime) -> HeaderMap {
        let ts = at
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_secs())
            .to_string();
        let ms = at
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_millis())
            .to_string();
        let id = self.id.as_str();
        let mut headers = HeaderMap::new();
        let mut put = |name: &'static str, text: String| {
            headers.insert(HeaderName::from_static(name), value(&text));
        };
        match self.provider {
            Provider::StandardWebhooks | Provider::Svix | Provider::Resend | Provider::Clerk => {
                let key = base64::engine::general_purpose::STANDARD
                    .decode(secret.strip_prefix(b"whsec_").unwrap_or(secret))
                    .unwrap_or_default();
                let tag = hmac256(&key, &[id.as_bytes(), b".", ts.as_bytes(), b".", body]);
                let prefix = if self.provider == Provider::StandardWebhooks {
                    "webhook"
                } else {
                    "svix"
                };
                let names: [&'static str; 3] = if prefix == "svix" {
                    ["svix-id", "svix-timestamp", "svix-signature"]
                } else {
                    ["webhook-id", "webhook-timestamp", "webhook-signature"]
                };
                put(names[0], id.to_owned());
                put(names[1], ts);
                put(names[2], format!("v1,{}", b64(&tag)));
            }
            Provider::Stripe => {
                let tag = hmac256(secret, &[ts.as_bytes(), b".", body]);
                put("stripe-signature", format!("t={ts},v1={}", hex(&tag)));
            }
            Provider::GitHub => {
                put(
                    "x-hub-signature-256",
                    format!("sha256={}", hex(&hmac256(secret, &[body]))),
                );
                put("x-github-delivery", id.to_owned());
            }
            Provider::GitHubSha1 => {
                let mut mac = Hmac::<sha1::Sha1>::new_from_slice(secret).expect("any key length");
                mac.update(body);
                put(
                    "x-hub-signature",
                    format!("sha1={}", hex(&mac.finalize().into_bytes())),
                );
                put("x-github-delivery", id.to_owned());
            }
            Provider::Slack | Provider::Zoom => {
                let tag = hmac256(secret, &[b"v0:", ts.as_bytes(), b":", body]);
                let (signature, timestamp) = if self.provider == Provider::Slack {
                    ("x-slack-signature", "x-slack-request-timestamp")
                } else {
                    ("x-zm-signature", "x-zm-request-timestamp")
                };
                put(signature, format!("v0={}", hex(&tag)));
                put(timestamp, ts);
            }
            Provider::Shopify => {
                put("x-shopify-hmac-sha256", b64(&hmac256(secret, &[body])));
                put("x-shopify-webhook-id", id.to_owned());
            }
            Provider::Paddle => {
                let tag = hmac256(secret, &[ts.as_bytes(), b":", body]);
                put("paddle-signature", format!("ts={ts};h1={}", hex(&tag)));
            }
            Provider::Linear => {
                put("linear-signature", hex(&hmac256(secret, &[body])));
                put("linear-delivery", id.to_owned());
            }
            Provider::Square => {
                let tag = hmac256(secret, &[url.as_bytes(), body]);
                put("x-square-hmacsha256-signature", b64(&tag));
            }
            Provider::Twilio => {
                let mut mac = Hmac::<sha1::Sha1>::new_from_slice(secret).expect("any key length");
                mac.update(url.as_bytes());
                if url.contains("bodySHA256=") {
                    // The body is pinned by its hash in the signed URL.
                    put("content-type", "application/json".to_owned());
                } else {
                    let mut params: Vec<(String, String)> = form_urlencoded::parse(body)
                        .map(|(k, v)| (k.into_owned(), v.into_owned()))
                        .collect();
                    params.sort();
                    params.dedup();
                    for (name, value) in &params {
                        mac.update(name.as_bytes());
                        mac.update(value.as_bytes());
                    }
                    put(
                        "content-type",
                        "application/x-www-form-urlencoded".to_owned(),
                    );
                }
                put("x-twilio-signature", b64(&mac.finalize().into_bytes()));
            }
            Provider::Xero => put("x-xero-signature", b64(&hmac256(secret, &[body]))),
            Provider::QuickBooks => put("intuit-signature", b64(&hmac256(secret, &[body]))),
            Provider::HubSpot => {
                let tag = hmac256(secret, &[b"POST", url.as_bytes(), body, ms.as_bytes()]);
                put("x-hubspot-signature-v3", b64(&tag));
                put("x-hubspot-request-timestamp", ms);
            }
            Provider::Typeform => {
                put(
                    "typeform-signature",
                    format!("sha256={}", b64(&hmac256(secret, &[body]))),
                );
            }
            Provider::Calendly | Provider::Mux => {
                let tag = hmac256(secret, &[ts.as_bytes(), b".", body]);
                let name = if self.provider == Provider::Mux {
                    "mux-signature"
                } else {
                    "calendly-webhook-signature"
                };
                put(name, format!("t={ts},v1={}", hex(&tag)));
            }
            Provider::Sentry => {
                put("sentry-hook-signature", hex(&hmac256(secret, &[body])));
                put("sentry-hook-resource", "issue".to_owned());
                put("sentry-hook-timestamp", ts);
                put("request-id", id.to_owned());
            }
            Provider::Vercel => put("x-vercel-signature", hex(&hmac1(secret, &[body]))),
            Provider::CoinbaseCommerce => {
                put("x-cc-webhook-signature", hex(&hmac256(secret, &[body])));
            }
            Provider::Razorpay => {
                put("x-razorpay-signature", hex(&hmac256(secret, &[body])));
                put("x-razorpay-event-id", id.to_owned());
            }
            Provider::Paystack => {
                let mut mac = Hmac::<sha2::Sha512>::new_from_slice(secret).expect("any key length");
                mac.update(body);
                put("x-paystack-signature", hex(&mac.finalize().into_bytes()));
            }
            Provider::LemonSqueezy => put("x-signature", hex(&hmac256(secret, &[body]))),
            Provider::Webflow => {
                let tag = hmac256(secret, &[ms.as_bytes(), b":", body]);
                put("x-webflow-signature", hex(&tag));
                put("x-webflow-timestamp", ms);
            }
            Provider::Bitbucket => {
                put(
                    "x-hub-signature",
                    format!("sha256={}", hex(&hmac256(secret, &[body]))),
                );
                put("x-request-uuid", id.to_owned());
            }
            Provider::Box => {
                let time = rfc3339(at);
                let tag = hmac256(secret, &[body, time.as_bytes()]);
                put("box-signature-primary", b64(&tag));
                put("box-delivery-timestamp", time);
                put("box-delivery-id", id.to_owned());
                put("box-signature-version", "1".to_owned());
                put("box-signature-algorithm", "HmacSHA256".to_owned());
            }
            Provider::WooCommerce => {
                put("x-wc-webhook-signature", b64(&hmac256(secret, &[body])));
                put("x-wc-webhook-delivery-id", id.to_owned());
            }
            Provider::Trello => {
                put(
                    "x-trello-webhook",
                    b64(&hmac1(secret, &[body, url.as_bytes()])),
                );
            }
            Provider::Intercom => {
                put(
                    "x-hub-signature",
                    format!("sha1={}", hex(&hmac1(secret, &[body]))),
                );
            }
            Provider::Twitch => {
                let time = rfc3339(at);
                let tag = hmac256(secret, &[id.as_bytes(), time.as_bytes(), body]);
                put(
                    "twitch-eventsub-message-signature",
                    format!("sha256={}", hex(&tag)),
                );
                put("twitch-eventsub-message-id", id.to_owned());
                put("twitch-eventsub-message-timestamp", time);
                put("twitch-eventsub-message-type", "notification".to_owned());
                put(
                    "twitch-eventsub-subscription-type",
                    "channel.follow".to_owned(),
                );
            }
            Provider::Dropbox => put("x-dropbox-signature", hex(&hmac256(secret, &[body]))),
            Provider::GitLab => {
                put(
                    "x-gitlab-token",
                    String::from_utf8_lossy(secret).into_owned(),
                );
                put("x-gitlab-event", "Push Hook".to_owned());
                put("x-gitlab-event-uuid", id.to_owned());
                put("idempotency-key", id.to_owned());
            }
            Provider::Telegram => {
                put(
                    "x-telegram-bot-api-secret-token",
                    String::from_utf8_lossy(secret).into_owned(),
                );
            }
            Provider::Postmark => put("authorization", format!("Basic {}", b64(secret))),
            Provider::Okta => put(
                "authorization",
                String::from_utf8_lossy(secret).into_owned(),
            ),
            #[cfg(feature = "ecdsa")]
            Provider::SendGrid => {
                use p256::ecdsa::signature::Signer as _;
                let message = [ts.as_bytes(), body].concat();
                let signature: p256::ecdsa::Signature = p256_signing_key(secret).sign(&message);
                put(
                    "x-twilio-email-event-webhook-signature",
                    b64(signature.to_der().as_bytes()),
                );
                put("x-twilio-email-event-webhook-timestamp", ts);
            }
            #[cfg(feature = "fetch")]
            Provider::PayPal => {
                let time = rfc3339(at);
                let crc = crc32(body).to_string();
                let signed = [id, "|", &time, "|", PAYPAL_WEBHOOK_ID, "|", &crc].concat();
                let signature = self.rsa_sign(secret, signed.as_bytes());
                put("paypal-transmission-id", id.to_owned());
                put("paypal-transmission-time", time);
                put("paypal-transmission-sig", b64(&signature));
                put("paypal-cert-url", PAYPAL_CERT_URL.to_owned());
                put("paypal-auth-algo", "SHA256withRSA".to_owned());
            }
            #[cfg(feature = "fetch")]
            Provider::GooglePubSub => {
                let seconds = at.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs());
                let b64url =
                    |bytes: &[u8]| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes);
                let header = b64url(br#"{"alg":"RS256","kid":"tower-webhooks-test","typ":"JWT"}"#);
                let claims = serde_json::json!({
                    "iss": "https://accounts.google.com", "aud": PUBSUB_AUDIENCE,
                    "email": PUBSUB_SERVICE_ACCOUNT, "email_verified": true,
                    "sub": "1234567890", "iat": seconds, "exp": seconds + 1800,
                });
                let input = format!("{header}.{}", b64url(claims.to_string().as_bytes()));
                let signature = self.rsa_sign(secret, input.as_bytes());
                put(
                    "authorization",
                    format!("Bearer {input}.{}", b64url(&signature)),
                );
            }
            #[cfg(feature = "fetch")]
            Provider::AwsSns => {
                put("content-type", "text/plain; charset=UTF-8".to_owned());
                put("x-amz-sns-message-type", "Notification".to_owned());
                put("x-amz-sns-topic-arn", SNS_TOPIC_ARN.to_owned());
            }
            // Signed in the body (`sign_body`): only the body's type is said here.
            Provider::Mailgun | Provider::Adyen | Provider::MicrosoftGraph => {
                put("content-type", "application/json".to_owned());
            }
            Provider::Meta => {
                put(
                    "x-hub-signature-256",
                    format!("sha256={}", hex(&hmac256(secret, &[body]))),
                );
            }
            Provider::InvoiceAhoy => put("x-ia-signature", hex(&hmac256(secret, &[body]))),
            Provider::Xemelgo => {
                put(
                    "xemelgo-signature",
                    format!("sha256={}", hex(&hmac256(secret, &[body]))),
                );
            }
            #[cfg(feature = "ed25519")]
            Provider::Discord => {
                let message = [ts.as_bytes(), body].concat();
                put("x-signature-ed25519", hex(&ed25519(secret, &message)));
                put("x-signature-timestamp", ts);
            }
            #[cfg(feature = "ed25519")]
            Provider::StandardWebhooksV1a => {
                let message = [id.as_bytes(), b".", ts.as_bytes(), b".", body].concat();
                put("webhook-id", id.to_owned());
                put("webhook-timestamp", ts);
                put(
                    "webhook-signature",
                    format!("v1a,{}", b64(&ed25519(secret, &message))),
                );
            }
        }
        headers
    }
}

impl Signer {
    /// `body` with the signature or token put in it, for the providers that sign in the body;
    /// `body` itself for the rest.
    pub(super) fn sign_body(&self, body: &[u8], secret: &[u8], at: SystemTime) -> bytes::Bytes {
        use serde_json::{Value, json};
        let parsed = || serde_json::from_slice::<Value>(body).ok();
        let signed = match self.provider {
            Provider::Mailgun => {
                let ts = at
                    .duration_since(UNIX_EPOCH)
                    .map_or(0, |d| d.as_secs())
                    .to_string();
                // Fifty characters, as Mailgun's, and one per delivery id and time.
                let seed = [self.id.as_bytes(), b"@", ts.as_bytes()].concat();
                let token = hex(&<sha2::Sha256 as sha2::Digest>::digest(&seed))[..50].to_owned();
                let signature = hex(&hmac256(secret, &[ts.as_bytes(), token.as_bytes()]));
                let event_data = parsed()
                    .unwrap_or_else(|| Value::String(String::from_utf8_lossy(body).into_owned()));
                json!({
                    "signature": {"timestamp": ts, "token": token, "signature": signature},
                    "event-data": event_data,
                })
            }
            Provider::Adyen => {
                let key = unhex_key(secret);
                let mut notification = match parsed() {
                    Some(Value::Object(object)) if object.contains_key("notificationItems") => {
                        Value::Object(object)
                    }
                    Some(Value::Object(item)) => json!({
                        "live": "false",
                        "notificationItems": [{"NotificationRequestItem": item}],
                    }),
                    // Anything else travels as the item's (unsigned) `reason`, at its size.
                    _ => json!({
                        "live": "false",
                        "notificationItems": [{"NotificationRequestItem": {
                            "pspReference": self.id,
                            "merchantAccountCode": "TestMerchant",
                            "merchantReference": self.id,
                            "amount": {"value": 1000, "currency": "EUR"},
                            "eventCode": "AUTHORISATION",
                            "success": "true",
                            "reason": String::from_utf8_lossy(body),
                        }}],
                    }),
                };
                for wrapper in notification["notificationItems"]
                    .as_array_mut()
                    .into_iter()
                    .flatten()
                {
                    let item = &mut wrapper["NotificationRequestItem"];
                    let text = |value: &Value| match value {
                        Value::String(s) => s.clone(),
                        Value::Number(n) => n.to_string(),
                        _ => String::new(),
                    };
                    // Adyen's order, from its docs: eight fields joined by `:`, none escaped.
                    let signed = [
                        text(&item["pspReference"]),
                        text(&item["originalReference"]),
                        text(&item["merchantAccountCode"]),
                        text(&item["merchantReference"]),
                        text(&item["amount"]["value"]),
                        text(&item["amount"]["currency"]),
                        text(&item["eventCode"]),
                        text(&item["success"]),
                    ]
                    .join(":");
                    let signature = b64(&hmac256(&key, &[signed.as_bytes()]));
                    if !item["additionalData"].is_object() {
                        item["additionalData"] = json!({});
                    }
                    item["additionalData"]["hmacSignature"] = Value::String(signature);
                }
                notification
            }
            #[cfg(feature = "fetch")]
            Provider::AwsSns => {
                let message = String::from_utf8_lossy(body).into_owned();
                let timestamp = rfc3339(at);
                // The fields in the order SNS signs them (its docs): `Key\nvalue\n` each.
                let canonical = [
                    ("Message", message.as_str()),
                    ("MessageId", self.id.as_str()),
                    ("Timestamp", timestamp.as_str()),
                    ("TopicArn", SNS_TOPIC_ARN),
                    ("Type", "Notification"),
                ]
                .iter()
                .map(|(key, value)| format!("{key}\n{value}\n"))
                .collect::<String>();
                let signature = self.rsa_sign(secret, canonical.as_bytes());
                json!({
                    "Type": "Notification",
                    "MessageId": self.id,
                    "TopicArn": SNS_TOPIC_ARN,
                    "Message": message,
                    "Timestamp": timestamp,
                    "SignatureVersion": "2",
                    "Signature": b64(&signature),
                    "SigningCertURL": SNS_CERT_URL,
                    "UnsubscribeURL": format!("https://sns.us-east-1.amazonaws.com/?Action=Unsubscribe&SubscriptionArn={SNS_TOPIC_ARN}:1"),
                })
            }
            Provider::MicrosoftGraph => {
                let state = Value::String(String::from_utf8_lossy(secret).into_owned());
                let mut collection = match parsed() {
                    Some(Value::Object(object))
                        if object.get("value").is_some_and(Value::is_array) =>
                    {
                        Value::Object(object)
                    }
                    Some(Value::Object(notification)) => json!({"value": [notification]}),
                    // Anything else travels as the notification's `resource`, at its size.
                    _ => json!({"value": [{
                        "changeType": "created",
                        "resource": String::from_utf8_lossy(body),
                    }]}),
                };
                for notification in collection["value"].as_array_mut().into_iter().flatten() {
                    notification["clientState"] = state.clone();
                }
                collection
            }
            _ => return bytes::Bytes::copy_from_slice(body),
        };
        // Whitespace after the JSON is kept, so that a body padded to a size keeps it.
        let padding = body.len() - body.trim_ascii_end().len();
        let mut text = signed.to_string();
        text.extend(std::iter::repeat_n(' ', padding));
        bytes::Bytes::from(text)
    }
}

/// The P-256 signing key a secret names: a 32-byte scalar in hex. A secret that is not one, as
/// a wrongly signed request's altered one may be, still names a key (derived from its bytes),
/// so it signs, wrongly.
#[cfg(feature = "ecdsa")]
fn p256_signing_key(secret: &[u8]) -> p256::ecdsa::SigningKey {
    use sha2::Digest as _;
    let from = |bytes: &[u8]| p256::ecdsa::SigningKey::from_slice(bytes).ok();
    let scalar = (secret.len() == 64)
        .then(|| unhex_key(secret))
        .filter(|bytes| bytes.len() == 32);
    scalar
        .as_deref()
        .and_then(from)
        .or_else(|| from(&sha2::Sha256::digest(secret)))
        .expect("a SHA-256 digest is a valid P-256 scalar but with negligible odds")
}

/// The verification key SendGrid shows for a signing key: base64 of its DER
/// SubjectPublicKeyInfo.
#[cfg(feature = "ecdsa")]
pub(super) fn p256_public_key(secret: &[u8]) -> String {
    use p256::pkcs8::EncodePublicKey as _;
    let public = p256_signing_key(secret).verifying_key().to_public_key_der();
    b64(public.expect("a P-256 key encodes").as_bytes())
}

/// The topic the kit's SNS messages come from.
#[cfg(feature = "fetch")]
pub(super) const SNS_TOPIC_ARN: &str = "arn:aws:sns:us-east-1:123456789012:tower-webhooks-test";
/// Where the kit's SNS certificate is served (SNS's host, a made-up name).
#[cfg(feature = "fetch")]
pub(super) const SNS_CERT_URL: &str =
    "https://sns.us-east-1.amazonaws.com/SimpleNotificationService-towerwebhookstest.pem";
/// The webhook id the kit's PayPal deliveries are for.
#[cfg(feature = "fetch")]
pub(super) const PAYPAL_WEBHOOK_ID: &str = "WH-TOWERWEBHOOKS-TEST-0001";
/// Where the kit's PayPal certificate is served (PayPal's sandbox host, a made-up name).
#[cfg(feature = "fetch")]
pub(super) const PAYPAL_CERT_URL: &str =
    "https://api.sandbox.paypal.com/v1/notifications/certs/CERT-towerwebhooks-test";
/// The audience the kit's Pub/Sub tokens are for (a subscription sets its own; the kit's is
/// fixed, so that a verifier can be given it before the endpoint's address is known).
#[cfg(feature = "fetch")]
pub(super) const PUBSUB_AUDIENCE: &str = "https://example.com/webhooks/google-pubsub";
/// The service account the kit's Pub/Sub tokens are for.
#[cfg(feature = "fetch")]
pub(super) const PUBSUB_SERVICE_ACCOUNT: &str = "push@tower-webhooks-test.iam.gserviceaccount.com";

#[cfg(feature = "fetch")]
impl Signer {
    /// RSASSA-PKCS1-v1_5 with SHA-256 of `message` with the PEM private key at the start of
    /// `secret`; with another secret (a wrongly signed request's), a signature of no key.
    fn rsa_sign(&self, secret: &[u8], message: &[u8]) -> Vec<u8> {
        use rsa::pkcs8::DecodePrivateKey as _;
        let key = (secret == self.secret.expose_secret())
            .then(|| std::str::from_utf8(secret).ok())
            .flatten()
            .and_then(|pem| rsa::RsaPrivateKey::from_pkcs8_pem(private_block(pem)).ok());
        match key {
            Some(key) => {
                let (hashed, padding) = crate::fetch::keys::RsaDigest::Sha256.digest(message);
                key.sign(padding, &hashed)
                    .expect("a 2048-bit key signs a SHA-256 digest")
            }
            None => vec![0x5a; 256],
        }
    }
}

/// The `PRIVATE KEY` block of a PEM bundle.
#[cfg(feature = "fetch")]
fn private_block(pem: &str) -> &str {
    pem.split("-----BEGIN CERTIFICATE-----")
        .next()
        .unwrap_or(pem)
}

/// What the provider would serve for the kit's key in `secret`, by URL.
#[cfg(feature = "fetch")]
pub(super) fn key_documents(provider: Provider, secret: &[u8]) -> Vec<(String, bytes::Bytes)> {
    let pem = String::from_utf8_lossy(secret);
    let certificate = || {
        pem.find("-----BEGIN CERTIFICATE-----")
            .map(|at| bytes::Bytes::from(pem[at..].to_owned()))
    };
    match provider {
        Provider::AwsSns => certificate()
            .map(|cert| vec![(SNS_CERT_URL.to_owned(), cert)])
            .unwrap_or_default(),
        Provider::PayPal => certificate()
            .map(|cert| vec![(PAYPAL_CERT_URL.to_owned(), cert)])
            .unwrap_or_default(),
        Provider::GooglePubSub => {
            use rsa::{pkcs8::DecodePrivateKey as _, traits::PublicKeyParts as _};
            let Ok(key) = rsa::RsaPrivateKey::from_pkcs8_pem(private_block(&pem)) else {
                return Vec::new();
            };
            let b64url =
                |bytes: &[u8]| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes);
            let set = serde_json::json!({"keys": [{
                "kty": "RSA", "alg": "RS256", "use": "sig", "kid": "tower-webhooks-test",
                "n": b64url(&key.n().to_bytes_be()), "e": b64url(&key.e().to_bytes_be()),
            }]});
            let url = crate::google_pubsub::GOOGLE_KEYS_URL.to_owned();
            vec![(url, bytes::Bytes::from(set.to_string()))]
        }
        _ => Vec::new(),
    }
}

/// The CRC-32 PayPal signs (IEEE, as zlib's), written apart from the verifier's.
#[cfg(feature = "fetch")]
fn crc32(data: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &byte in data {
        crc ^= u32::from(byte);
        for _ in 0..8 {
            let mask = (crc & 1).wrapping_neg();
            crc = (crc >> 1) ^ (0xEDB8_8320 & mask);
        }
    }
    !crc
}

/// Adyen's key, hex-decoded; a secret that is not hex, as a wrongly signed request's altered one
/// may be, is used as it is (and signs wrongly).
fn unhex_key(secret: &[u8]) -> Vec<u8> {
    let pairs = secret.chunks_exact(2);
    let decoded: Option<Vec<u8>> = secret
        .len()
        .is_multiple_of(2)
        .then(|| {
            pairs
                .map(|pair| u8::from_str_radix(std::str::from_utf8(pair).ok()?, 16).ok())
                .collect()
        })
        .flatten();
    decoded.unwrap_or_else(|| secret.to_vec())
}

/// The signing key a secret names: a hex seed (Discord) or `whsk_` + base64 (Standard
/// Webhooks). A secret that is neither, as a wrongly signed request's altered one may be, still
/// names a key, derived from its bytes, so it signs, wrongly.
#[cfg(feature = "ed25519")]
pub(super) fn signing_key(secret: &[u8]) -> ed25519_dalek::SigningKey {
    use sha2::Digest as _;
    let text = secret.strip_prefix(b"whsk_").unwrap_or(secret);
    let decoded = if secret.starts_with(b"whsk_") {
        base64::engine::general_purpose::STANDARD.decode(text).ok()
    } else {
        unhex(text)
    };
    let seed: [u8; 32] = match decoded {
        Some(bytes) if bytes.len() == 32 || bytes.len() == 64 => {
            bytes[..32].try_into().expect("32 bytes")
        }
        _ => sha2::Sha256::digest(secret).into(),
    };
    ed25519_dalek::SigningKey::from_bytes(&seed)
}

#[cfg(feature = "ed25519")]
fn ed25519(secret: &[u8], message: &[u8]) -> Vec<u8> {
    use ed25519_dalek::Signer as _;
    signing_key(secret).sign(message).to_bytes().to_vec()
}

#[cfg(feature = "ed25519")]
fn unhex(text: &[u8]) -> Option<Vec<u8>> {
    if !text.len().is_multiple_of(2) {
        return None;
    }
    text.chunks(2)
        .map(|pair| u8::from_str_radix(std::str::from_utf8(pair).ok()?, 16).ok())
        .collect()
}

pub(super) fn value(text: &str) -> HeaderValue {
    HeaderValue::from_str(text).expect("signature headers are visible ASCII")
}

pub(super) fn hmac256(key: &[u8], parts: &[&[u8]]) -> Vec<u8> {
    let mut mac = Hmac::<sha2::Sha256>::new_from_slice(key).expect("any key length");
    for part in parts {
        mac.update(part);
    }
    mac.finalize().into_bytes().to_vec()
}

fn hmac1(key: &[u8], parts: &[&[u8]]) -> Vec<u8> {
    let mut mac = Hmac::<sha1::Sha1>::new_from_slice(key).expect("any key length");
    for part in parts {
        mac.update(part);
    }
    mac.finalize().into_bytes().to_vec()
}

/// `at` as RFC 3339 in UTC with milliseconds (`2023-07-19T14:56:51.634Z`), as Twitch and Box
/// write their timestamps; written apart from the verifiers' reader.
fn rfc3339(at: SystemTime) -> String {
    let since = at.duration_since(UNIX_EPOCH).unwrap_or_default();
    let secs = since.as_secs();
    let (days, rest) = (secs / 86_400, secs % 86_400);
    // The civil date of a day count (the inverse of days-from-civil, in the same public
    // algorithm's terms: eras of 400 years, years starting in March).
    let z = days as i64 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}.{:03}Z",
        rest / 3600,
        rest / 60 % 60,
        rest % 60,
        since.subsec_millis()
    )
}

pub(super) fn b64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

pub(super) fn hex(bytes: &[u8]) -> String {
    crate::hmac_scheme::Encoding::Hex.encode(bytes)
}
