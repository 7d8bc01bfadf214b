//! The signature headers each provider puts on a delivery, computed with `hmac`, `sha1`, `sha2`
//! and `ed25519-dalek` directly from the providers' documentation (cited in each scheme's
//! module), not through the crate's verifiers.

use std::time::{SystemTime, UNIX_EPOCH};

use base64::Engine as _;
use hmac::{Hmac, Mac};
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
        let id = self.id.as_str();
        let mut headers = HeaderMap::new();
        let mut put = |name: &'static str, text: String| {
            headers.insert(HeaderName::from_static(name), value(&text));
        };
        match self.provider {
            Provider::StandardWebhooks | Provider::Svix => {
                let key = base64::engine::general_purpose::STANDARD
                    .decode(secret.strip_prefix(b"whsec_").unwrap_or(secret))
                    .unwrap_or_default();
                let tag = hmac256(&key, &[id.as_bytes(), b".", ts.as_bytes(), b".", body]);
                let prefix = if self.provider == Provider::Svix {
                    "svix"
                } else {
                    "webhook"
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

fn hmac256(key: &[u8], parts: &[&[u8]]) -> Vec<u8> {
    let mut mac = Hmac::<sha2::Sha256>::new_from_slice(key).expect("any key length");
    for part in parts {
        mac.update(part);
    }
    mac.finalize().into_bytes().to_vec()
}

pub(super) fn b64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

pub(super) fn hex(bytes: &[u8]) -> String {
    crate::hmac_scheme::Encoding::Hex.encode(bytes)
}
