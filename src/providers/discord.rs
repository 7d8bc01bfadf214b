//! Discord interactions: `X-Signature-Ed25519` over `{timestamp}{body}`, and PING answered for
//! you. Needs the `ed25519` feature.
//!
//! | | |
//! |---|---|
//! | headers | `X-Signature-Ed25519: <hex>`, `X-Signature-Timestamp: <seconds>` |
//! | signed content | `{timestamp}{raw body}` |
//! | signature | Ed25519, 64 bytes, hex |
//! | key | the application's public key, 32 bytes in hex (Developer Portal, General Information) |
//! | replay window | 300 s each way (Discord's libraries check none; interactions must be answered within 3 s, so older ones are replays) |
//! | rotation | [`Discord::new`] takes [`Keys`]: any of several public keys |
//!
//! Discord validates an endpoint by sending a PING (`{"type":1}`) that must be answered
//! `{"type":1}`, and by sending deliberately bad signatures that must get `401`. [`Discord`]
//! answers a verified PING itself; the handler sees only real interactions. Source:
//! discord.com/developers/docs/interactions/overview#setting-up-an-endpoint.
//!
//! ```
//! use axum::{Json, Router, routing::post};
//! use tower_webhooks::{VerifiedJson, WebhookSignatureLayer, discord::Discord};
//!
//! async fn interaction(VerifiedJson(i): VerifiedJson<serde_json::Value>) -> Json<serde_json::Value> {
//!     let _ = &i["data"]["name"];
//!     Json(serde_json::json!({ "type": 4, "data": { "content": "pong" } }))
//! }
//!
//! let discord = Discord::new("79b5562e8fe654f94078b112e8a98ba7901f853ae695bed7e0e3910bad049664")?;
//! let app: Router = Router::new()
//!     .route("/interactions", post(interaction))
//!     .route_layer(WebhookSignatureLayer::new(discord));
//! # Ok::<(), tower_webhooks::ConfigError>(())
//! ```

use std::time::{Duration, UNIX_EPOCH};

use bytes::Bytes;
use ed25519_dalek::Signature;
use http::{HeaderName, Response, header, request::Parts};

use crate::{
    Clock, ConfigError, Keys, Rejection, ReplayWindow, SignatureScheme, Verification,
    hmac_scheme::Encoding,
    scheme_kit::ed25519::PublicKeys,
    scheme_kit::header::{parse_digits, single_value},
};

/// The header with the signature.
pub const SIGNATURE_HEADER: HeaderName = HeaderName::from_static("x-signature-ed25519");
/// The header with the signed timestamp.
pub const TIMESTAMP_HEADER: HeaderName = HeaderName::from_static("x-signature-timestamp");
/// The replay window used by default.
pub const DEFAULT_TOLERANCE: Duration = Duration::from_secs(300);

/// Verifies Discord interactions and answers PING. See the [module docs](crate::discord).
#[derive(Debug, Clone)]
pub struct Discord {
    keys: PublicKeys,
    window: ReplayWindow,
    clock: Clock,
}

impl Discord {
    /// Verifies with the application's public key in hex (or any of [`Keys`]). Fails when a key
    /// is not hex of a 32-byte Ed25519 public key, or there is none.
    pub fn new(public_keys: impl Into<Keys>) -> Result<Self, ConfigError> {
        Self::with_keys(public_keys.into())
    }

    /// Verifies with any of several public keys in hex. Fails when a key is not hex of a
    /// 32-byte Ed25519 public key, or there is none.
    pub fn with_keys(public_keys: Keys) -> Result<Self, ConfigError> {
        let keys = PublicKeys::new("discord", public_keys, "hex of 32 bytes", |text| {
            Encoding::Hex.decode_tag(text)?.as_slice().try_into().ok()
        })?;
        Ok(Self {
            keys,
            window: ReplayWindow::symmetric(DEFAULT_TOLERANCE),
            clock: Clock::system(),
        })
    }

    /// Replaces the replay window.
    #[must_use]
    pub fn with_replay_window(mut self, window: ReplayWindow) -> Self {
        self.window = window;
        self
    }

    /// Replaces the clock the replay window is checked against.
    #[must_use]
    pub fn with_clock(mut self, clock: Clock) -> Self {
        self.clock = clock;
        self
    }
}

#[derive(serde::Deserialize)]
struct Interaction {
    #[serde(rename = "type")]
    kind: Option<u64>,
}

/// The signature, and the timestamp as sent and in seconds.
fn read_head(head: &Parts) -> Result<(Signature, &[u8], i64), Rejection> {
    let text = single_value(head, &SIGNATURE_HEADER)?;
    let signature = Encoding::Hex
        .decode_tag(text)
        .and_then(|tag| Signature::from_slice(tag.as_slice()).ok())
        .ok_or_else(|| {
            Rejection::malformed_header(SIGNATURE_HEADER, "not hex of a 64-byte Ed25519 signature")
        })?;
    let timestamp = single_value(head, &TIMESTAMP_HEADER)?;
    let seconds = parse_digits(timestamp).ok_or_else(|| {
        Rejection::malformed_header(TIMESTAMP_HEADER, "the timestamp is not plain digits")
    })?;
    Ok((signature, timestamp, seconds))
}

impl SignatureScheme for Discord {
    fn name(&self) -> &'static str {
        "discord"
    }

    /// The signature decodes to 64 bytes and the timestamp is plain digits.
    fn check_head(&self, head: &Parts) -> Result<(), Rejection> {
        read_head(head).map(|_| ())
    }

    fn verify(&self, head: &Parts, body: &Bytes) -> Result<Verification, Rejection> {
        let (signature, timestamp, seconds) = read_head(head)?;
        let mut message = Vec::with_capacity(timestamp.len() + body.len());
        message.extend_from_slice(timestamp);
        message.extend_from_slice(body);
        let key_id = self
            .keys
            .verify_any(&message, &[signature])
            .ok_or_else(Rejection::signature_mismatch)?;
        self.window
            .check(&self.clock, seconds.saturating_mul(1000))?;
        let verification = Verification::raw_body()
            .maybe_key_id(key_id)
            .signed_at(UNIX_EPOCH + Duration::from_secs(seconds.unsigned_abs()));
        match serde_json::from_slice::<Interaction>(body) {
            Ok(Interaction { kind: Some(1) }) => {
                let pong = Response::builder()
                    .header(header::CONTENT_TYPE, "application/json")
                    .body(Bytes::from_static(br#"{"type":1}"#))
                    .expect("a static header on a fresh response");
                Ok(verification.answer(pong))
            }
            _ => Ok(verification),
        }
    }
}
