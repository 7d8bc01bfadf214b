//! [`HmacScheme`]: describe a provider that signs with an HMAC in a few lines, without
//! implementing [`SignatureScheme`](crate::SignatureScheme).
//!
//! A scheme keys its MAC once per key, when it is built, and clones that keyed state for each
//! delivery: a delivery pays for the MAC over its bytes, not for hashing the key again (see
//! [`Secret`](crate::Secret) for how long that state lives and how it is wiped).
//!
//! Most providers sign with an HMAC and differ only in where they put it: the header, the
//! algorithm, the encoding, a prefix, what exactly is signed, and whether a timestamp is signed
//! too. [`HmacScheme::builder`] takes exactly those facts:
//!
//! ```
//! use std::time::Duration;
//! use tower_webhooks::{
//!     ReplayWindow, WebhookSignatureLayer,
//!     hmac_scheme::{Encoding, HmacScheme, SignatureFormat},
//! };
//!
//! // Acme: `X-Acme-Signature: v1=<hex of HMAC-SHA256("{timestamp}.{body}")>` with the time in
//! // `X-Acme-Timestamp`, at most five minutes old.
//! let acme = HmacScheme::builder("acme")
//!     .signature_header("x-acme-signature")
//!     .format(SignatureFormat::Single { prefix: "v1=" })
//!     .encoding(Encoding::Hex)
//!     .signed_content("{timestamp}.{body}")
//!     .timestamp_header("x-acme-timestamp")
//!     .replay_window(ReplayWindow::symmetric(Duration::from_secs(300)))
//!     .keys("acme signing secret")
//!     .build()?;
//! let layer = WebhookSignatureLayer::new(acme);
//! # let _ = layer;
//! # Ok::<(), tower_webhooks::ConfigError>(())
//! ```
//!
//! Every built-in preset that fits (Standard Webhooks, Svix, Stripe, GitHub, Slack, Shopify,
//! Paddle, Linear, Zoom, Square, Xero, InvoiceAhoy) is an `HmacScheme` underneath.
//!
//! ## What it checks, in order
//!
//! 1. The signature header is present once and parses ([`SignatureFormat`]); every signature
//!    decodes ([`Encoding`]) to the algorithm's tag length.
//! 2. The timestamp and id, where the signed content needs them, are present; the timestamp is
//!    plain digits.
//! 3. Some signature matches the signed content under some key ([`Keys`](crate::Keys)), each
//!    comparison in constant time.
//! 4. The signed timestamp is inside the [`ReplayWindow`].
//!
//! The timestamp is checked after the signature, so a `stale_timestamp` in the log always means
//! a genuine delivery that is too old (or a clock that is off), never a forgery.

mod algorithm;
mod builder;
mod format;
mod hints;
mod stream;
mod template;
mod verify;

use http::HeaderName;

pub use algorithm::{Algorithm, Encoding};
pub use builder::HmacSchemeBuilder;
pub use format::{KeyEncoding, SignatureFormat, Timestamp, TimestampUnit};
pub use stream::SignedStream;

use crate::{
    Clock, ConfigError, EventLayout, ReplayWindow, ResponsePolicy, keys::Key,
    scheme_kit::request_url::PublicBaseUrl,
};
use stream::MacState;
use template::Template;

/// A signature scheme described by its facts. See the [module docs](self).
#[derive(Debug, Clone)]
pub struct HmacScheme {
    name: &'static str,
    signature_headers: Vec<HeaderName>,
    every_signature_header: bool,
    format: SignatureFormat,
    algorithm: Algorithm,
    encoding: Encoding,
    template: Template,
    timestamp: Option<(Timestamp, TimestampUnit)>,
    timestamp_headers: Vec<HeaderName>,
    id_headers: Vec<HeaderName>,
    window: Option<ReplayWindow>,
    clock: Clock,
    keys: Vec<Key>,
    /// A MAC keyed with each of `keys`, in order, cloned for each delivery (see [`MacState`]).
    macs: std::sync::Arc<[MacState]>,
    /// Keys a common mistake would have produced instead, tried only after a mismatch to say
    /// which mistake it was.
    near_misses: Vec<hints::NearMiss>,
    /// Bounds how often the near misses are tried.
    hint_gate: crate::scheme_kit::gate::Gate,
    url: PublicBaseUrl,
    layout: EventLayout,
    policy: ResponsePolicy,
    idempotency_field: Option<&'static str>,
}

impl HmacScheme {
    /// Starts describing a scheme; `name` is its
    /// [`SignatureScheme::name`](crate::SignatureScheme::name) in logs.
    pub fn builder(name: &'static str) -> HmacSchemeBuilder {
        HmacSchemeBuilder::new(name)
    }

    /// Replaces the replay window.
    #[must_use]
    pub fn with_replay_window(mut self, window: ReplayWindow) -> Self {
        self.window = Some(window);
        self
    }

    /// Turns the replay window off: a delivery signed at any time is accepted. Only for
    /// providers whose timestamp is not meant as a freshness check.
    #[must_use]
    pub fn without_replay_window(mut self) -> Self {
        self.window = None;
        self
    }

    /// Replaces the clock the replay window is checked against (tests inject a fixed one).
    #[must_use]
    pub fn with_clock(mut self, clock: Clock) -> Self {
        self.clock = clock;
        self
    }

    /// The public URL the provider calls, up to the path (`https://example.com` or
    /// `https://example.com/api`), for schemes that sign `{url}`. Behind a proxy or a tunnel
    /// the URL the server sees is not the one the provider signed. Without it, the URL is
    /// rebuilt from `X-Forwarded-Proto` (else `http`), the `Host` header and the request path.
    pub fn with_public_base_url(mut self, base: &str) -> Result<Self, ConfigError> {
        self.url = PublicBaseUrl::parse(self.name, base)?;
        Ok(self)
    }

    /// The replay window, if the scheme checks one.
    #[must_use]
    pub fn replay_window(&self) -> Option<ReplayWindow> {
        self.window
    }

    /// The key a [`Verification`](crate::Verification) of this scheme matched.
    pub(crate) fn matched_key(&self, verification: &crate::Verification) -> Option<&Key> {
        self.keys.get(verification.key_index?)
    }

    /// How many keys it accepts.
    #[must_use]
    pub fn key_count(&self) -> usize {
        self.keys.len()
    }
}
