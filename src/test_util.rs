//! Signed requests for your handler's tests (the `test-util` feature): [`Signer`] signs a body
//! the way each provider does, so a test is one line.
//!
//! ```
//! use std::time::{Duration, UNIX_EPOCH};
//! use axum::{Router, body::Body, http::StatusCode, routing::post};
//! use tower::ServiceExt as _;
//! use tower_webhooks::{
//!     WebhookSignatureLayer, stripe::Stripe,
//!     test_util::{Provider, Signer},
//! };
//!
//! # #[tokio::main(flavor = "current_thread")] async fn main() {
//! let signer = Signer::new(Provider::Stripe, "whsec_test")
//!     .url("https://example.com/webhooks/stripe")
//!     .at(UNIX_EPOCH + Duration::from_secs(1_700_000_000));
//! let app = Router::new()
//!     .route("/webhooks/stripe", post(|| async { StatusCode::OK }))
//!     .route_layer(WebhookSignatureLayer::new(Stripe::new("whsec_test").with_clock(signer.clock())));
//!
//! let ok = app.clone().oneshot(signer.request(r#"{"id":"evt_1"}"#).map(Body::from)).await.unwrap();
//! assert_eq!(ok.status(), StatusCode::OK);
//! let forged = app.clone().oneshot(signer.wrongly_signed("{}").map(Body::from)).await.unwrap();
//! assert_eq!(forged.status(), StatusCode::UNAUTHORIZED);
//! let replayed = app.oneshot(signer.stale("{}").map(Body::from)).await.unwrap();
//! assert_eq!(replayed.status(), StatusCode::UNAUTHORIZED);
//! # }
//! ```

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64::Engine as _;
use bytes::Bytes;
use hmac::{Hmac, Mac};
use http::{HeaderMap, HeaderName, HeaderValue, Request, Uri};

use crate::Secret;

/// The providers a [`Signer`] signs as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Provider {
    /// `webhook-id`, `webhook-timestamp`, `webhook-signature: v1,…` (the secret is `whsec_…`).
    StandardWebhooks,
    /// The same with `svix-*` headers.
    Svix,
    /// `Stripe-Signature: t=…,v1=…`.
    Stripe,
    /// `X-Hub-Signature-256: sha256=…` and `X-GitHub-Delivery`.
    GitHub,
    /// GitHub's legacy `X-Hub-Signature: sha1=…`, for `GitHub::legacy_sha1`.
    GitHubSha1,
    /// `X-Slack-Signature: v0=…`, `X-Slack-Request-Timestamp`.
    Slack,
    /// `X-Shopify-Hmac-Sha256`.
    Shopify,
    /// `Paddle-Signature: ts=…;h1=…`.
    Paddle,
    /// `Linear-Signature` (the body's `webhookTimestamp` is the body's business).
    Linear,
    /// `x-zm-signature: v0=…`, `x-zm-request-timestamp`.
    Zoom,
    /// `x-square-hmacsha256-signature` over the URL and the body.
    Square,
    /// `X-Twilio-Signature` over the URL and the sorted form parameters of the body. A JSON
    /// body (one that starts with `{` or `[`) is signed as Twilio signs one: its SHA-256 goes
    /// into the URL as `bodySHA256`, and the URL alone is signed.
    Twilio,
    /// `x-xero-signature`.
    Xero,
    /// `x-ia-signature`.
    InvoiceAhoy,
    /// `xemelgo-signature: sha256=…`.
    Xemelgo,
    /// Discord interactions: `X-Signature-Ed25519` over `{timestamp}{body}`. The secret is the
    /// application's Ed25519 private key seed in hex (64 digits); the verifier takes
    /// [`Signer::public_key`].
    #[cfg(feature = "ed25519")]
    Discord,
    /// Standard Webhooks `v1a` (Ed25519): `webhook-signature: v1a,…`. The secret is `whsk_` +
    /// base64 of the 32-byte seed (or of the 64-byte seed and public key); the verifier takes
    /// [`Signer::public_key`].
    #[cfg(feature = "ed25519")]
    StandardWebhooksV1a,
}

/// Signs bodies as a [`Provider`] does. See the [module docs](self).
#[derive(Debug, Clone)]
pub struct Signer {
    provider: Provider,
    secret: Secret,
    at: SystemTime,
    url: String,
    id: String,
}

impl Signer {
    /// Signs as `provider` with `secret`, now, for `https://example.com/webhooks`, with the
    /// delivery id `msg_test`.
    pub fn new(provider: Provider, secret: impl Into<Secret>) -> Self {
        Self {
            provider,
            secret: secret.into(),
            at: SystemTime::now(),
            url: "https://example.com/webhooks".to_owned(),
            id: "msg_test".to_owned(),
        }
    }

    /// Signs as of `at` (give the scheme under test [`clock`](Self::clock)).
    #[must_use]
    pub fn at(mut self, at: SystemTime) -> Self {
        self.at = at;
        self
    }

    /// The URL the request goes to (its path, and for Twilio and Square what is signed).
    #[must_use]
    pub fn url(mut self, url: &str) -> Self {
        self.url = url.to_owned();
        self
    }

    /// The delivery id, for providers that send one.
    #[must_use]
    pub fn id(mut self, id: &str) -> Self {
        self.id = id.to_owned();
        self
    }

    /// A correctly signed `POST` of `body`.
    pub fn request(&self, body: impl Into<Bytes>) -> Request<Bytes> {
        self.build(body.into(), self.secret.expose_secret(), self.at)
    }

    /// The same, signed with another key: the verifier must refuse it.
    pub fn wrongly_signed(&self, body: impl Into<Bytes>) -> Request<Bytes> {
        let mut other = self.secret.expose_secret().to_vec();
        if let Some(last) = other.last_mut() {
            // A digit stays in the base64 and hex alphabets, and unlike a letter cannot be the
            // same digit in another case, which a hex decoder would read as the same key.
            *last = if *last == b'0' { b'1' } else { b'0' };
        }
        self.build(body.into(), &other, self.at)
    }

    /// The same, signed an hour before [`at`](Self::at): a replay that a timestamped scheme
    /// must refuse. (For schemes that sign no timestamp it verifies.)
    pub fn stale(&self, body: impl Into<Bytes>) -> Request<Bytes> {
        let at = self.at - Duration::from_secs(3600);
        self.build(body.into(), self.secret.expose_secret(), at)
    }

    /// The same delivery again, byte for byte, as a provider retries it: what an
    /// [`IdempotencyLayer`](crate::idempotency::IdempotencyLayer) must recognise. (It is
    /// [`request`](Self::request) by another name, so a test says what it means.)
    pub fn replayed(&self, body: impl Into<Bytes>) -> Request<Bytes> {
        self.request(body)
    }

    /// A clock stopped at [`at`](Self::at), for the scheme under test: `with_clock(signer.clock())`.
    #[must_use]
    pub fn clock(&self) -> crate::Clock {
        crate::Clock::fixed(self.at)
    }

    /// The headers a correctly signed delivery of `body` carries.
    pub fn headers(&self, body: &[u8]) -> HeaderMap {
        self.sign(body, self.secret.expose_secret(), self.at)
    }

    /// For an Ed25519 provider, the public key its verifier takes, in the verifier's format
    /// (`whpk_…` for Standard Webhooks `v1a`, hex for Discord); `None` for the HMAC providers,
    /// whose verifier takes the secret itself.
    #[must_use]
    pub fn public_key(&self) -> Option<String> {
        #[cfg(feature = "ed25519")]
        {
            let public = signing_key(self.secret.expose_secret())
                .verifying_key()
                .to_bytes();
            match self.provider {
                Provider::Discord => return Some(hex(&public)),
                Provider::StandardWebhooksV1a => return Some(format!("whpk_{}", b64(&public))),
                _ => {}
            }
        }
        None
    }

    /// The URL the request goes to: for a Twilio JSON body, with its `bodySHA256`.
    fn url_for(&self, body: &[u8]) -> std::borrow::Cow<'_, str> {
        let json = body
            .iter()
            .find(|b| !b.is_ascii_whitespace())
            .is_some_and(|b| matches!(b, b'{' | b'['));
        if self.provider != Provider::Twilio || !json || self.url.contains("bodySHA256=") {
            return self.url.as_str().into();
        }
        let separator = if self.url.contains('?') { '&' } else { '?' };
        let hash = hex(&<sha2::Sha256 as sha2::Digest>::digest(body));
        format!("{}{separator}bodySHA256={hash}", self.url).into()
    }

    fn build(&self, body: Bytes, secret: &[u8], at: SystemTime) -> Request<Bytes> {
        let uri: Uri = self.url_for(&body).parse().expect("a valid URL");
        let mut request = Request::post(uri.path_and_query().map_or("/", |p| p.as_str()))
            .body(body)
            .expect("a valid request");
        if let Some(authority) = uri.authority() {
            request
                .headers_mut()
                .insert(http::header::HOST, value(authority.as_str()));
        }
        let headers = self.sign(request.body(), secret, at);
        request.headers_mut().extend(headers);
        request
    }

    fn sign(&self, body: &[u8], secret: &[u8], at: SystemTime) -> HeaderMap {
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
                let tag = hmac256(secret, &[self.url.as_bytes(), body]);
                put("x-square-hmacsha256-signature", b64(&tag));
            }
            Provider::Twilio => {
                let url = self.url_for(body);
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
fn signing_key(secret: &[u8]) -> ed25519_dalek::SigningKey {
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
    if text.len() % 2 != 0 {
        return None;
    }
    text.chunks(2)
        .map(|pair| u8::from_str_radix(std::str::from_utf8(pair).ok()?, 16).ok())
        .collect()
}

fn value(text: &str) -> HeaderValue {
    HeaderValue::from_str(text).expect("signature headers are visible ASCII")
}

fn hmac256(key: &[u8], parts: &[&[u8]]) -> Vec<u8> {
    let mut mac = Hmac::<sha2::Sha256>::new_from_slice(key).expect("any key length");
    for part in parts {
        mac.update(part);
    }
    mac.finalize().into_bytes().to_vec()
}

fn b64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
