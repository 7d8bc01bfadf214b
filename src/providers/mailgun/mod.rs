//! Mailgun: the signature is in the body, `signature: {timestamp, token, signature}`, an
//! HMAC-SHA256 of the timestamp and the token; each token is accepted once.
//!
//! | | |
//! |---|---|
//! | where | the JSON body's `signature` object: `{"timestamp": "<seconds>", "token": "<50 characters>", "signature": "<hex>"}`, beside `event-data`; form-encoded deliveries (legacy webhooks, routes' `forward()`) carry `timestamp`, `token` and `signature` as form fields |
//! | signed content | `{timestamp}{token}`, no separator: **not the body** |
//! | MAC, encoding | HMAC-SHA256, hex |
//! | key | the HTTP webhook signing key, as text |
//! | replay window | 300 s each way (Mailgun advises a freshness check but gives no figure); and each token is accepted once, as Mailgun advises |
//! | type | `event-data.event` (`delivered`, `failed`, `opened`) |
//! | rotation | [`Mailgun::with_keys`] accepts several keys, while you change the signing key |
//!
//! **What the signature does not cover.** Mailgun signs a timestamp and a random token, not
//! `event-data`: whoever holds one signed `signature` object can attach it to any body. The
//! token check refuses a second use of it within the window, which is what keeps a captured
//! delivery from being replayed with other events; a delivery changed on its way (TLS
//! broken or terminated by someone else) is not detected. The tokens seen are kept in this
//! scheme's memory (up to [`MAX_TOKENS`], for as long as the replay window would still accept
//! them), so several instances behind a balancer each keep their own: put an
//! [`IdempotencyLayer`](crate::idempotency::IdempotencyLayer) with a shared store in front,
//! which keys Mailgun deliveries on the signed token.
//!
//! Sources: documentation.mailgun.com/docs/mailgun/user-manual/webhooks/securing-webhooks
//! (the signed string, token caching, freshness); mailgun/mailgun-php
//! `tests/Api/WebhookTest.php` (the vector in `tests/fixtures/signatures.json`).
//!
//! ```
//! use axum::{Router, routing::post};
//! use tower_webhooks::{VerifiedJson, WebhookSignatureLayer, mailgun::Mailgun};
//!
//! async fn handle(VerifiedJson(delivery): VerifiedJson<serde_json::Value>) {
//!     let _ = &delivery["event-data"]["event"];
//! }
//!
//! let app: Router = Router::new()
//!     .route("/webhooks/mailgun", post(handle))
//!     .route_layer(WebhookSignatureLayer::new(Mailgun::new("webhook signing key")));
//! ```

mod tokens;

use std::{sync::Arc, time::Duration};

use bytes::Bytes;
use http::{header, request::Parts};
use serde::Deserialize;

use crate::{
    Clock, ConfigError, Keys, Rejection, ReplayWindow, Secret, SignatureScheme, Verification,
    hmac_scheme::{Algorithm, Encoding},
    keys::Key,
    routing::EventKey,
    scheme_kit::header::parse_digits,
};
use tokens::UsedTokens;

pub use tokens::MAX_TOKENS;

/// Where a Mailgun delivery says its type: `event-data.event` (`delivered`). See
/// [`routing`](crate::routing).
pub const EVENT_KEY: EventKey = EventKey::path(&["event-data", "event"]);

/// The replay window used by default: five minutes each way.
pub const DEFAULT_TOLERANCE: Duration = Duration::from_secs(300);

/// The longest token accepted: Mailgun's are 50 characters.
const MAX_TOKEN: usize = 256;

/// Verifies Mailgun deliveries. See the [module docs](crate::mailgun).
#[derive(Debug, Clone)]
pub struct Mailgun {
    keys: Arc<[Key]>,
    window: ReplayWindow,
    clock: Clock,
    used: Arc<UsedTokens>,
}

impl Mailgun {
    /// Verifies with the HTTP webhook signing key.
    pub fn new(key: impl Into<Secret>) -> Self {
        Self::with_keys(Keys::from(key.into())).expect("one key")
    }

    /// Verifies with any of several signing keys. Fails only when `keys` is empty.
    pub fn with_keys(keys: Keys) -> Result<Self, ConfigError> {
        if keys.is_empty() {
            return Err(ConfigError::no_keys("mailgun"));
        }
        Ok(Self {
            keys: keys.into_vec().into(),
            window: ReplayWindow::symmetric(DEFAULT_TOLERANCE),
            clock: Clock::system(),
            used: Arc::new(UsedTokens::new()),
        })
    }

    /// Replaces the replay window (default [`DEFAULT_TOLERANCE`] each way). Tokens are kept
    /// as long as the window would accept their timestamp.
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

/// The signed part of a delivery, as sent.
struct Signed<'a> {
    timestamp: std::borrow::Cow<'a, str>,
    token: std::borrow::Cow<'a, str>,
    signature: std::borrow::Cow<'a, str>,
}

#[derive(Deserialize)]
struct Envelope<'a> {
    #[serde(borrow)]
    signature: SignatureObject<'a>,
}

#[derive(Deserialize)]
struct SignatureObject<'a> {
    #[serde(borrow)]
    timestamp: TextOrNumber<'a>,
    #[serde(borrow)]
    token: std::borrow::Cow<'a, str>,
    #[serde(borrow)]
    signature: std::borrow::Cow<'a, str>,
}

/// Mailgun's docs give the timestamp as a number, its deliveries send a string: either.
#[derive(Deserialize)]
#[serde(untagged)]
enum TextOrNumber<'a> {
    #[serde(borrow)]
    Text(std::borrow::Cow<'a, str>),
    Number(u64),
}

/// The signed fields, from a JSON body or a form.
fn signed_part<'b>(head: &Parts, body: &'b [u8]) -> Result<Signed<'b>, Rejection> {
    let form = head.headers.get(header::CONTENT_TYPE).is_some_and(|t| {
        t.as_bytes()
            .starts_with(b"application/x-www-form-urlencoded")
    });
    if form {
        let (mut timestamp, mut token, mut signature) = (None, None, None);
        for (name, value) in form_urlencoded::parse(body) {
            let slot = match &*name {
                "timestamp" => &mut timestamp,
                "token" => &mut token,
                "signature" => &mut signature,
                _ => continue,
            };
            if slot.replace(value).is_some() {
                return Err(Rejection::unverifiable_body("a signature field sent twice"));
            }
        }
        return match (timestamp, token, signature) {
            (Some(timestamp), Some(token), Some(signature)) => Ok(Signed {
                timestamp,
                token,
                signature,
            }),
            _ => Err(Rejection::unverifiable_body(
                "a form without timestamp, token and signature",
            )),
        };
    }
    let envelope: Envelope<'_> = serde_json::from_slice(body)
        .map_err(|_| Rejection::unverifiable_body("not a JSON body with a `signature` object"))?;
    let SignatureObject {
        timestamp,
        token,
        signature,
    } = envelope.signature;
    Ok(Signed {
        timestamp: match timestamp {
            TextOrNumber::Text(text) => text,
            TextOrNumber::Number(n) => n.to_string().into(),
        },
        token,
        signature,
    })
}

impl SignatureScheme for Mailgun {
    fn name(&self) -> &'static str {
        "mailgun"
    }

    fn verify(&self, head: &Parts, body: &Bytes) -> Result<Verification, Rejection> {
        let signed = signed_part(head, body)?;
        let seconds = parse_digits(signed.timestamp.as_bytes()).ok_or(
            Rejection::unverifiable_body("the timestamp is not plain digits"),
        )?;
        if signed.token.is_empty() || signed.token.len() > MAX_TOKEN {
            return Err(Rejection::unverifiable_body("an empty or oversized token"));
        }
        let tag = Encoding::Hex
            .decode_tag(signed.signature.as_bytes())
            .filter(|tag| tag.as_slice().len() == Algorithm::HmacSha256.tag_len())
            .ok_or(Rejection::unverifiable_body(
                "the signature is not hex of an HMAC-SHA256",
            ))?;
        let message = [signed.timestamp.as_bytes(), signed.token.as_bytes()];
        let key = self
            .keys
            .iter()
            .find(|key| {
                Algorithm::HmacSha256.matches_any(
                    key.secret.expose_secret(),
                    &message,
                    std::slice::from_ref(&tag),
                )
            })
            .ok_or_else(Rejection::signature_mismatch)?;
        let signed_ms = seconds.saturating_mul(1000);
        self.window.check(&self.clock, signed_ms)?;
        // Only a token with a good signature and a fresh timestamp is remembered: a forger
        // cannot fill the memory, and a token is kept just while the window would accept it.
        let past = i64::try_from(self.window.past().as_millis()).unwrap_or(i64::MAX);
        let keep_until = signed_ms.saturating_add(past);
        if !self
            .used
            .first_use(&signed.token, keep_until, self.clock.now_unix_millis())
        {
            return Err(Rejection::replayed());
        }
        let mut verification = Verification::raw_body()
            .maybe_key_id(key.id.as_ref())
            .idempotency_key(format!("token:{}", signed.token));
        if let Ok(ms) = u64::try_from(signed_ms) {
            verification =
                verification.signed_at(std::time::UNIX_EPOCH + Duration::from_millis(ms));
        }
        Ok(verification)
    }
}
