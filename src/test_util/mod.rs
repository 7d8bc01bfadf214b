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
//!
//! [`Provider::ALL`] lists every provider, and [`Signer::scheme`] builds the verifier that a
//! signer's requests pass, for tests that run every provider through one piece of code. The
//! signatures are computed from the providers' documentation, not by the crate's verifiers;
//! the crate's tests check them against the providers' published vectors and, on random
//! deliveries, against a second signer written apart from this one.

mod handshake;
mod sign;

use std::time::{Duration, SystemTime};

use bytes::Bytes;
use http::{HeaderMap, Request, Uri};

pub use crate::providers::{Provider, UnknownProvider};
pub use handshake::Handshake;
use sign::{hex, value};

use crate::{ConfigError, Secret, SignatureScheme};

/// A secret of the form `provider`'s scheme accepts, for tests that run every provider: a
/// `whsec_…` secret for Standard Webhooks and the senders that sign through Svix, an Ed25519
/// private key for Discord (hex) and Standard Webhooks `v1a` (`whsk_…`), whose verifiers take
/// [`Signer::public_key`], `user:password` for Postmark, a hex key for Adyen, and text longer
/// than 24 characters (Xemelgo's minimum) for the rest.
///
/// ```
/// use tower_webhooks::test_util::{Provider, Signer, example_secret};
///
/// for &provider in Provider::ALL {
///     assert!(Signer::new(provider, example_secret(provider)).scheme().is_ok(), "{provider}");
/// }
/// ```
#[must_use]
pub fn example_secret(provider: Provider) -> &'static str {
    match provider.name() {
        "standard-webhooks" | "svix" | "resend" | "clerk" => {
            "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
        }
        "discord" => "2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a",
        "standard-webhooks-v1a" => "whsk_AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=",
        // Basic credentials, and an HMAC key in hex as Adyen's Customer Area gives it.
        "postmark" => "hooks:a-provider-secret-longer-than-24-characters",
        "adyen" => "DFB1EB5485895CFA84146406857104ABB4CBCABDC8AAF103A624C8F6A3EAAB00",
        // RSA test keys (and certificates) whose public halves the kit serves as key documents.
        #[cfg(feature = "fetch")]
        "aws-sns" => include_str!("keys/aws-sns.pem"),
        #[cfg(feature = "fetch")]
        "paypal" => include_str!("keys/paypal.pem"),
        #[cfg(feature = "fetch")]
        "google-pubsub" => include_str!("keys/google-pubsub.pem"),
        // A P-256 private key (hex): the verifier takes `Signer::public_key`.
        "sendgrid" => "1f1e1d1c1b1a191817161514131211100f0e0d0c0b0a09080706050403020100",
        _ => "a-provider-secret-longer-than-24-characters",
    }
}

/// Signs bodies as a [`Provider`] does. See the [module docs](self).
#[derive(Debug, Clone)]
pub struct Signer {
    provider: Provider,
    secret: Secret,
    at: SystemTime,
    url: String,
    id: String,
    verify_token: Option<String>,
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
            verify_token: None,
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

    /// The verify token of a provider whose handshake carries one of its own (Meta's
    /// `hub.verify_token`), for [`handshake`](Self::handshake); [`scheme`](Self::scheme) is
    /// given it too.
    #[must_use]
    pub fn verify_token(mut self, token: &str) -> Self {
        self.verify_token = Some(token.to_owned());
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

    /// The headers a correctly signed delivery of `body` carries. For the providers that sign
    /// in the body (see [`body`](Self::body)), pass the body that gives.
    pub fn headers(&self, body: &[u8]) -> HeaderMap {
        self.sign(
            &self.url_for(body),
            body,
            self.secret.expose_secret(),
            self.at,
        )
    }

    /// The body a correctly signed delivery of `body` carries: `body` itself, but for the
    /// providers whose signature or token is in the body. Mailgun: `body` becomes the
    /// `event-data` beside a `signature` object. Adyen: each `NotificationRequestItem` of a
    /// notification gets its `hmacSignature` (an object that is no notification becomes its one
    /// item). Microsoft Graph: each notification of `value` gets the `clientState` (an object
    /// that is no collection becomes its one notification).
    ///
    /// ```
    /// use tower_webhooks::test_util::{Provider, Signer};
    ///
    /// let signer = Signer::new(Provider::Mailgun, "signing key");
    /// let body = signer.body(br#"{"event":"delivered"}"#);
    /// let sent: serde_json::Value = serde_json::from_slice(&body).unwrap();
    /// assert_eq!(sent["event-data"]["event"], "delivered");
    /// assert_eq!(sent["signature"]["signature"].as_str().unwrap().len(), 64);
    /// ```
    pub fn body(&self, body: &[u8]) -> Bytes {
        self.sign_body(body, self.secret.expose_secret(), self.at)
    }

    /// What the verifier takes where it is not the secret: for an asymmetric provider, the
    /// public key in the verifier's format (`whpk_…` for Standard Webhooks `v1a`, hex for
    /// Discord, base64 DER for SendGrid); for the fetched-key providers, what a delivery must be
    /// for (the topic ARN for AWS SNS, the webhook id for PayPal, the service account and the
    /// audience for Google Pub/Sub); `None` for the HMAC and token providers, whose verifier takes the secret itself.
    #[must_use]
    pub fn public_key(&self) -> Option<String> {
        #[cfg(feature = "ed25519")]
        {
            let public = sign::signing_key(self.secret.expose_secret())
                .verifying_key()
                .to_bytes();
            match self.provider {
                Provider::Discord => return Some(hex(&public)),
                Provider::StandardWebhooksV1a => {
                    return Some(format!("whpk_{}", sign::b64(&public)));
                }
                _ => {}
            }
        }
        #[cfg(feature = "ecdsa")]
        if self.provider == Provider::SendGrid {
            return Some(sign::p256_public_key(self.secret.expose_secret()));
        }
        // What the verifiers of the fetched-key providers are given: no key, but what a
        // delivery must be for.
        #[cfg(feature = "fetch")]
        match self.provider {
            Provider::AwsSns => return Some(sign::SNS_TOPIC_ARN.to_owned()),
            Provider::PayPal => return Some(sign::PAYPAL_WEBHOOK_ID.to_owned()),
            Provider::GooglePubSub => {
                return Some(format!(
                    "{} {}",
                    sign::PUBSUB_SERVICE_ACCOUNT,
                    sign::PUBSUB_AUDIENCE
                ));
            }
            _ => {}
        }
        None
    }

    /// For the providers whose public keys are fetched (AWS SNS, PayPal, Google Pub/Sub), the
    /// documents the provider would serve for this signer's key, by URL: its certificate, or
    /// its key set. A test serves them from a local key server, or pins them
    /// ([`KeyFetcherBuilder::pin`](crate::fetch::KeyFetcherBuilder::pin)), as
    /// [`scheme`](Self::scheme) does. Empty for the other providers.
    #[cfg(feature = "fetch")]
    #[must_use]
    pub fn key_documents(&self) -> Vec<(String, Bytes)> {
        sign::key_documents(self.provider, self.secret.expose_secret())
    }

    /// The crate's verifier for what this signer signs: the same secret (for Ed25519, the
    /// [public key](Self::public_key)), its clock stopped at [`at`](Self::at), and for Square
    /// and Twilio the origin of [`url`](Self::url) as the public base URL. For tests that run
    /// every provider through one piece of code, and for the command line's `verify`.
    ///
    /// Fails as the scheme's constructor does: a Xemelgo secret of 24 characters or fewer,
    /// a `whsec_` secret that is not base64, a URL with no origin.
    ///
    /// ```
    /// use tower_webhooks::test_util::{Provider, Signer, example_secret};
    ///
    /// for &provider in Provider::ALL {
    ///     let signer = Signer::new(provider, example_secret(provider));
    ///     let body = if provider == Provider::Twilio { "Body=hi" } else { r#"{"webhookTimestamp":0}"# };
    ///     let (head, body) = signer.request(body).into_parts();
    ///     let verdict = signer.scheme().unwrap().verify(&head, &body);
    ///     // Linear's timestamp is the body's, and this one is from 1970.
    ///     assert_eq!(verdict.is_ok(), provider != Provider::Linear, "{provider}");
    /// }
    /// ```
    pub fn scheme(&self) -> Result<Box<dyn SignatureScheme>, ConfigError> {
        // Built through the registry, as a user choosing the provider by name would.
        let mut config = match self.provider {
            _ if self.public_key().is_some() => self
                .provider
                .configure(self.public_key().expect("an asymmetric provider")),
            _ => self.provider.configure(self.secret.clone()),
        }
        .clock(self.clock());
        if let Some(token) = &self.verify_token {
            config = config.verify_token(token.as_str());
        }
        #[cfg(feature = "fetch")]
        {
            let documents = self.key_documents();
            if !documents.is_empty() {
                let fetcher = documents
                    .into_iter()
                    .fold(
                        crate::fetch::KeyFetcher::builder(),
                        |builder, (url, document)| builder.pin(&url, document),
                    )
                    .build()?;
                config = config.fetcher(fetcher);
            }
        }
        if self.provider.signs_url() {
            let uri = self.url.parse::<Uri>().ok();
            match uri.as_ref().map(|uri| (uri.scheme_str(), uri.authority())) {
                Some((Some(scheme), Some(authority))) => {
                    config = config.public_base_url(&format!("{scheme}://{authority}"));
                }
                _ => {
                    return Err(ConfigError::invalid_setting(
                        "test_util::Signer",
                        format_args!("the URL {:?} has no origin", self.url),
                    ));
                }
            }
        }
        config.build()
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
        let body = self.sign_body(&body, secret, at);
        let url = self.url_for(&body);
        let uri: Uri = url.parse().expect("a valid URL");
        let mut request = Request::post(uri.path_and_query().map_or("/", |p| p.as_str()))
            .body(body)
            .expect("a valid request");
        if let Some(authority) = uri.authority() {
            request
                .headers_mut()
                .insert(http::header::HOST, value(authority.as_str()));
        }
        let headers = self.sign(&url, request.body(), secret, at);
        request.headers_mut().extend(headers);
        request
    }
}
