//! SendGrid's event webhook: `X-Twilio-Email-Event-Webhook-Signature`, an ECDSA P-256
//! signature of the timestamp and the body, checked with the public key SendGrid shows.
//!
//! | | |
//! |---|---|
//! | headers | `X-Twilio-Email-Event-Webhook-Signature` (base64 of a DER ECDSA signature), `X-Twilio-Email-Event-Webhook-Timestamp` (seconds) |
//! | signed content | `{timestamp}{raw body}`, no separator (SendGrid's bodies end in `\r\n`, which is signed too) |
//! | algorithm | ECDSA over P-256 with SHA-256 |
//! | key | the verification key from the Mail Settings' *Signed Event Webhook*: base64 of its SubjectPublicKeyInfo (DER), as shown; not secret |
//! | replay window | none by default, as in SendGrid's SDKs (the timestamp is signed: set one with [`SendGrid::with_replay_window`]) |
//! | events | a JSON array of events, each with `event` (`delivered`, `bounce`, `open`) and `sg_event_id`: duplicates are recognised per event |
//! | rotation | a regenerated key replaces the old at once; [`SendGrid::with_keys`] accepts both while deliveries signed with the old drain |
//!
//! Feature `ecdsa`. Sources: docs.sendgrid.com/for-developers/tracking-events/getting-started-event-webhook-security-features;
//! sendgrid/sendgrid-nodejs `packages/eventwebhook/src/eventwebhook.js` and its
//! `eventwebhook.spec.js` (the vectors in `tests/fixtures/signatures.json`).
//!
//! ```
//! use axum::{Router, routing::post};
//! use tower_webhooks::{VerifiedEvents, WebhookSignatureLayer, sendgrid::SendGrid};
//!
//! async fn handle(events: VerifiedEvents<serde_json::Value>) {
//!     for event in &events {
//!         let _ = &event["event"];
//!     }
//! }
//!
//! let key = "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE83T4O/n84iotIvIW4mdBgQ/7dAfSmpqIM8kF9mN1flpVKS3GRqe62gw+2fNNRaINXvVpiglSI8eNEc6wEA3F+g==";
//! let app: Router = Router::new()
//!     .route("/webhooks/sendgrid", post(handle))
//!     .route_layer(WebhookSignatureLayer::new(SendGrid::new(key)?));
//! # Ok::<(), tower_webhooks::ConfigError>(())
//! ```

use std::{
    sync::Arc,
    time::{Duration, UNIX_EPOCH},
};

use base64::Engine as _;
use bytes::Bytes;
use http::{HeaderName, request::Parts};
use p256::{
    ecdsa::{Signature, VerifyingKey, signature::Verifier as _},
    pkcs8::DecodePublicKey as _,
};

use crate::{
    Clock, ConfigError, EventLayout, Keys, Rejection, ReplayWindow, SignatureScheme, Verification,
    routing::EventKey,
    scheme_kit::header::{parse_digits, single_value},
};

/// Where a SendGrid event says its type: `event` (`delivered`). See
/// [`routing`](crate::routing).
pub const EVENT_KEY: EventKey = EventKey::field("event");

/// The header SendGrid puts its signature in.
pub const SIGNATURE_HEADER: HeaderName =
    HeaderName::from_static("x-twilio-email-event-webhook-signature");

/// The header SendGrid puts its timestamp in.
pub const TIMESTAMP_HEADER: HeaderName =
    HeaderName::from_static("x-twilio-email-event-webhook-timestamp");

/// Verifies SendGrid's signed event webhook. See the [module docs](crate::sendgrid).
#[derive(Debug, Clone)]
pub struct SendGrid {
    keys: Arc<[(Option<Arc<str>>, VerifyingKey)]>,
    window: Option<ReplayWindow>,
    clock: Clock,
}

impl SendGrid {
    /// Verifies with the verification key, base64 of its DER SubjectPublicKeyInfo. Fails when
    /// it is not a P-256 public key.
    pub fn new(key: impl Into<Keys>) -> Result<Self, ConfigError> {
        Self::with_keys(key.into())
    }

    /// Verifies with any of several verification keys. Fails when `keys` is empty or one is
    /// not a P-256 public key.
    pub fn with_keys(keys: Keys) -> Result<Self, ConfigError> {
        if keys.is_empty() {
            return Err(ConfigError::no_keys("sendgrid"));
        }
        let keys = keys
            .into_vec()
            .into_iter()
            .map(|key| {
                let der = base64::engine::general_purpose::STANDARD
                    .decode(key.secret.expose_secret().trim_ascii())
                    .map_err(|_| {
                        ConfigError::invalid_secret("sendgrid", "the key is not base64")
                    })?;
                let public = VerifyingKey::from_public_key_der(&der).map_err(|_| {
                    ConfigError::invalid_secret(
                        "sendgrid",
                        "the key is not a P-256 public key (DER)",
                    )
                })?;
                Ok((key.id, public))
            })
            .collect::<Result<Vec<_>, ConfigError>>()?;
        Ok(Self {
            keys: keys.into(),
            window: None,
            clock: Clock::system(),
        })
    }

    /// Refuses deliveries signed further from now than `window`.
    #[must_use]
    pub fn with_replay_window(mut self, window: ReplayWindow) -> Self {
        self.window = Some(window);
        self
    }

    /// Replaces the clock the replay window is checked against.
    #[must_use]
    pub fn with_clock(mut self, clock: Clock) -> Self {
        self.clock = clock;
        self
    }
}

/// The signature and the timestamp, as sent and in seconds.
fn read_head(head: &Parts) -> Result<(Signature, &[u8], i64), Rejection> {
    let text = single_value(head, &SIGNATURE_HEADER)?;
    // A DER ECDSA signature over P-256 is at most 72 bytes: anything longer is refused before
    // it is decoded.
    if text.len() > 128 {
        return Err(Rejection::malformed_header(
            SIGNATURE_HEADER,
            "longer than any signature",
        ));
    }
    let signature = base64::engine::general_purpose::STANDARD
        .decode(text)
        .ok()
        .and_then(|der| Signature::from_der(&der).ok())
        .ok_or_else(|| {
            Rejection::malformed_header(SIGNATURE_HEADER, "not base64 of a DER ECDSA signature")
        })?;
    let timestamp = single_value(head, &TIMESTAMP_HEADER)?;
    let seconds = parse_digits(timestamp).ok_or_else(|| {
        Rejection::malformed_header(TIMESTAMP_HEADER, "the timestamp is not plain digits")
    })?;
    Ok((signature, timestamp, seconds))
}

impl SignatureScheme for SendGrid {
    fn name(&self) -> &'static str {
        "sendgrid"
    }

    fn check_head(&self, head: &Parts) -> Result<(), Rejection> {
        read_head(head).map(drop)
    }

    fn verify(&self, head: &Parts, body: &Bytes) -> Result<Verification, Rejection> {
        let (signature, timestamp, seconds) = read_head(head)?;
        let message = [timestamp, body.as_ref()].concat();
        // SendGrid's SDKs accept the signature as sent; a high-S one is normalised first, as
        // theirs (OpenSSL, Node's crypto) accept either.
        let signature = signature.normalize_s().unwrap_or(signature);
        let (id, _) = self
            .keys
            .iter()
            .find(|(_, key)| key.verify(&message, &signature).is_ok())
            .ok_or_else(Rejection::signature_mismatch)?;
        if let Some(window) = &self.window {
            window.check(&self.clock, seconds.saturating_mul(1000))?;
        }
        Ok(Verification::raw_body()
            .maybe_key_id(id.as_ref())
            .signed_at(UNIX_EPOCH + Duration::from_secs(seconds.unsigned_abs())))
    }

    fn event_layout(&self) -> EventLayout {
        EventLayout::Array
    }
}
