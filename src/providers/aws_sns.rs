//! AWS SNS (HTTP/S subscriptions): an RSA signature in the JSON body over the message's
//! canonical fields, checked with the certificate SNS names in `SigningCertURL`, fetched from
//! SNS's own hosts only.
//!
//! | | |
//! |---|---|
//! | where | the JSON body: `Signature` (base64), `SignatureVersion` (`1`: SHA1withRSA, `2`: SHA256withRSA), `SigningCertURL`; header `x-amz-sns-message-type` |
//! | signed content | `Key\nvalue\n` for, in order, `Message`, `MessageId`, `Subject` (if present), `Timestamp`, `TopicArn`, `Type` (a `Notification`); `Message`, `MessageId`, `SubscribeURL`, `Timestamp`, `Token`, `TopicArn`, `Type` (a `SubscriptionConfirmation` or `UnsubscribeConfirmation`) |
//! | key | fetched: the certificate at `SigningCertURL`, which must be `https://sns.<region>.amazonaws.com/…` (or `.amazonaws.com.cn`); anything else is refused before any fetch |
//! | what you configure | the topic ARNs you subscribed to: AWS signs every topic's messages, so a message from a topic not yours is refused (before any fetch too) |
//! | replay window | none: SNS retries a message with its first `Timestamp`; duplicates are recognised by the signed `MessageId` |
//! | type | `Type` (`Notification`, `SubscriptionConfirmation`, `UnsubscribeConfirmation`) |
//!
//! **The handshake.** Subscribing an endpoint makes SNS post a signed
//! `SubscriptionConfirmation` whose `SubscribeURL` must be visited. It reaches the handler
//! verified (its type in `Type`); [`AwsSns::confirm`] visits the URL, on SNS's hosts only.
//!
//! Feature `fetch` (keys are fetched by [`KeyFetcher`], within its bounds). Sources:
//! docs.aws.amazon.com/sns/latest/dg/sns-verify-signature-of-message.html (the fields signed,
//! the versions), docs.aws.amazon.com/sns/latest/dg/sns-message-and-json-formats.html (the
//! messages); aws/aws-js-sns-message-validator (the certificate host's pattern).
//!
//! ```
//! use axum::{Router, routing::post};
//! use tower_webhooks::{VerifiedJson, WebhookSignatureLayer, aws_sns::AwsSns};
//!
//! async fn handle(VerifiedJson(message): VerifiedJson<serde_json::Value>) {
//!     let _ = (&message["Type"], &message["Message"]);
//! }
//!
//! let sns = AwsSns::new("arn:aws:sns:us-east-1:123456789012:orders")?;
//! let app: Router = Router::new()
//!     .route("/webhooks/sns", post(handle))
//!     .route_layer(WebhookSignatureLayer::new(sns));
//! # Ok::<(), tower_webhooks::ConfigError>(())
//! ```

use std::{
    borrow::Cow,
    time::{Duration, UNIX_EPOCH},
};

use base64::Engine as _;
use bytes::Bytes;
use http::{HeaderName, Request, request::Parts};
use serde::Deserialize;

use crate::{
    ConfigError, KeyFetch, Keys, Rejection, SignatureScheme, Verification,
    fetch::{Certificates, KeyFetcher},
    routing::EventKey,
    token::Digests,
};

/// Where an SNS message says its type: `Type` (`Notification`). See
/// [`routing`](crate::routing).
pub const EVENT_KEY: EventKey = EventKey::field("Type");

/// The header SNS names the message's type in (not signed; the body's `Type` is).
pub const MESSAGE_TYPE_HEADER: HeaderName = HeaderName::from_static("x-amz-sns-message-type");

/// Verifies AWS SNS messages. See the [module docs](crate::aws_sns).
#[derive(Debug, Clone)]
pub struct AwsSns {
    topics: Digests,
    certificates: Certificates,
}

impl AwsSns {
    /// Accepts the messages of the topic `topic_arn`. Fails when it is empty.
    pub fn new(topic_arn: impl Into<Keys>) -> Result<Self, ConfigError> {
        Self::with_keys(topic_arn.into())
    }

    /// Accepts the messages of any of these topics (their ARNs). Fails when there is none.
    pub fn with_keys(topics: Keys) -> Result<Self, ConfigError> {
        Ok(Self {
            topics: Digests::new("aws-sns", topics)?,
            certificates: Certificates::default(),
        })
    }

    /// Fetches the certificates with `fetcher` (to share its cache and bound, trust a test CA,
    /// or pin certificates).
    #[must_use]
    pub fn with_fetcher(mut self, fetcher: KeyFetcher) -> Self {
        self.certificates = Certificates::new(fetcher);
        self
    }

    /// Confirms a verified `SubscriptionConfirmation` (as the handler received it) by visiting
    /// its `SubscribeURL`, which must be on SNS's hosts; through this scheme's fetcher, within
    /// its bounds.
    pub async fn confirm(&self, message: &serde_json::Value) -> Result<(), Rejection> {
        // `https://sns.<region>.amazonaws.com/?Action=ConfirmSubscription&…`: the host and path
        // checked as a certificate URL's are, the query kept.
        let url = message["SubscribeURL"]
            .as_str()
            .and_then(|url| {
                let (base, query) = url.split_once('?')?;
                let base = crate::fetch::allowed_url(base, sns_host, |path| path == "/")?;
                format!("{base}?{query}").parse::<http::Uri>().ok()
            })
            .ok_or(Rejection::unverifiable_body(
                "no SubscribeURL on SNS's hosts",
            ))?;
        let request = Request::get(url)
            .body(Bytes::new())
            .expect("a valid request");
        self.certificates.fetcher().fetch(request).await.map(drop)
    }
}

/// `/SimpleNotificationService-<name>.pem`, the only certificates SNS signs with.
fn certificate_path(path: &str) -> bool {
    path.strip_prefix("/SimpleNotificationService-")
        .and_then(|rest| rest.strip_suffix(".pem"))
        .is_some_and(|name| {
            (1..=64).contains(&name.len()) && name.bytes().all(|b| b.is_ascii_alphanumeric())
        })
}

/// `sns.<region>.amazonaws.com` (or `.com.cn`), as AWS's own validators accept.
fn sns_host(host: &str) -> bool {
    let Some(rest) = host.strip_prefix("sns.") else {
        return false;
    };
    let region = rest
        .strip_suffix(".amazonaws.com")
        .or_else(|| rest.strip_suffix(".amazonaws.com.cn"));
    region.is_some_and(|region| {
        region.len() >= 3
            && region
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
    })
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Message<'a> {
    #[serde(borrow, rename = "Type")]
    kind: Cow<'a, str>,
    #[serde(borrow)]
    message_id: Cow<'a, str>,
    #[serde(borrow)]
    topic_arn: Cow<'a, str>,
    #[serde(borrow)]
    subject: Option<Cow<'a, str>>,
    #[serde(borrow)]
    message: Cow<'a, str>,
    #[serde(borrow)]
    timestamp: Cow<'a, str>,
    #[serde(borrow)]
    token: Option<Cow<'a, str>>,
    #[serde(borrow, rename = "SubscribeURL")]
    subscribe_url: Option<Cow<'a, str>>,
    #[serde(borrow)]
    signature_version: Cow<'a, str>,
    #[serde(borrow)]
    signature: Cow<'a, str>,
    #[serde(borrow, rename = "SigningCertURL")]
    signing_cert_url: Cow<'a, str>,
}

impl Message<'_> {
    /// The canonical string SNS signs.
    fn canonical(&self) -> Result<String, Rejection> {
        let mut out = String::new();
        let mut field = |name: &str, value: &str| {
            out.push_str(name);
            out.push('\n');
            out.push_str(value);
            out.push('\n');
        };
        field("Message", &self.message);
        field("MessageId", &self.message_id);
        match &*self.kind {
            "Notification" => {
                if let Some(subject) = &self.subject {
                    field("Subject", subject);
                }
            }
            "SubscriptionConfirmation" | "UnsubscribeConfirmation" => {
                let (Some(url), Some(token)) = (&self.subscribe_url, &self.token) else {
                    return Err(Rejection::unverifiable_body(
                        "a confirmation without SubscribeURL and Token",
                    ));
                };
                field("SubscribeURL", url);
                field("Timestamp", &self.timestamp);
                field("Token", token);
                field("TopicArn", &self.topic_arn);
                field("Type", &self.kind);
                return Ok(out);
            }
            _ => {
                return Err(Rejection::unverifiable_body(
                    "an SNS message of an unknown Type",
                ));
            }
        }
        field("Timestamp", &self.timestamp);
        field("TopicArn", &self.topic_arn);
        field("Type", &self.kind);
        Ok(out)
    }
}

/// The message, with its topic and certificate URL checked: everything a forger could name
/// is refused here, before a fetch.
fn read<'b>(scheme: &AwsSns, body: &'b [u8]) -> Result<(Message<'b>, http::Uri), Rejection> {
    let message: Message<'_> = serde_json::from_slice(body)
        .map_err(|_| Rejection::unverifiable_body("not an SNS message"))?;
    if scheme
        .topics
        .matching(message.topic_arn.as_bytes())
        .is_none()
    {
        return Err(
            Rejection::signature_mismatch().with_hint("the message is from a topic not configured")
        );
    }
    let url = crate::fetch::allowed_url(&message.signing_cert_url, sns_host, certificate_path)
        .ok_or_else(|| {
            Rejection::signature_mismatch()
                .with_hint("SigningCertURL is not an https URL on SNS's hosts")
        })?;
    Ok((message, url))
}

impl SignatureScheme for AwsSns {
    fn name(&self) -> &'static str {
        "aws-sns"
    }

    fn fetch_keys(&self, _head: &Parts, body: &Bytes) -> Option<KeyFetch> {
        self.certificates
            .fetch(read(self, body).map(|(_, url)| url))
    }

    fn verify(&self, _head: &Parts, body: &Bytes) -> Result<Verification, Rejection> {
        let (message, url) = read(self, body)?;
        let key = self.certificates.key(&url)?;
        let signature = base64::engine::general_purpose::STANDARD
            .decode(message.signature.as_bytes())
            .map_err(|_| Rejection::unverifiable_body("Signature is not base64"))?;
        let canonical = message.canonical()?;
        let good = match &*message.signature_version {
            "1" => crate::fetch::keys::pkcs1v15(
                crate::fetch::keys::RsaDigest::Sha1,
                &key,
                canonical.as_bytes(),
                &signature,
            ),
            "2" => crate::fetch::keys::pkcs1v15(
                crate::fetch::keys::RsaDigest::Sha256,
                &key,
                canonical.as_bytes(),
                &signature,
            ),
            _ => return Err(Rejection::unverifiable_body("an unknown SignatureVersion")),
        };
        if !good {
            return Err(Rejection::signature_mismatch());
        }
        let mut verification = Verification::raw_body()
            .delivery_id(&*message.message_id)
            .idempotency_key(&*message.message_id);
        if let Some(ms) = crate::scheme_kit::rfc3339::parse_millis(message.timestamp.as_bytes())
            .and_then(|ms| u64::try_from(ms).ok())
        {
            verification = verification.signed_at(UNIX_EPOCH + Duration::from_millis(ms));
        }
        Ok(verification)
    }
}
