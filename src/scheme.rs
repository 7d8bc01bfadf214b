//! [`SignatureScheme`]: how a provider signs its deliveries, and what it expects back.

use std::{future::Future, pin::Pin, sync::Arc, time::SystemTime};

use bytes::Bytes;
use http::{Response, request::Parts};

use crate::{Rejection, ResponsePolicy, SignedStream};

/// How a provider signs its deliveries.
///
/// The layer calls [`verify`](SignatureScheme::verify) with the request head and the whole
/// buffered body before the inner service runs. Implement it for a provider this crate does not
/// ship:
///
/// ```
/// use base64::Engine as _;
/// use bytes::Bytes;
/// use hmac::{Hmac, KeyInit as _, Mac};
/// use http::{HeaderName, request::Parts};
/// use sha2::Sha256;
/// use tower_webhooks::{Rejection, Secret, SignatureScheme, Verification};
///
/// /// Acme sends base64(HMAC-SHA256(secret, raw body)) in `x-acme-signature`.
/// struct Acme {
///     secret: Secret,
/// }
///
/// const HEADER: HeaderName = HeaderName::from_static("x-acme-signature");
///
/// impl SignatureScheme for Acme {
///     fn name(&self) -> &'static str {
///         "acme"
///     }
///
///     fn verify(&self, head: &Parts, body: &Bytes) -> Result<Verification, Rejection> {
///         let value = head
///             .headers
///             .get(&HEADER)
///             .ok_or_else(|| Rejection::missing_header(HEADER))?;
///         let tag = base64::engine::general_purpose::STANDARD
///             .decode(value.as_bytes())
///             .map_err(|_| Rejection::malformed_header(HEADER, "not base64"))?;
///         let mut mac = Hmac::<Sha256>::new_from_slice(self.secret.expose_secret())
///             .expect("HMAC takes keys of any length");
///         mac.update(body);
///         // `verify_slice` compares in constant time; never compare tags with `==`.
///         mac.verify_slice(&tag)
///             .map_err(|_| Rejection::signature_mismatch())?;
///         Ok(Verification::raw_body())
///     }
/// }
/// ```
///
/// Most built-in schemes are not written by hand: they are presets of
/// [`HmacScheme`](crate::hmac_scheme::HmacScheme), which describes a provider by its facts
/// (header, signed content, encoding, replay window) and streams the MAC as the body arrives.
/// Try that first for a new HMAC provider. Twilio (sorted form parameters) and the Ed25519
/// schemes (Discord, Standard Webhooks `v1a`) implement the trait directly.
pub trait SignatureScheme: Send + Sync + 'static {
    /// A short, stable name for logs, such as `"xero"`.
    fn name(&self) -> &'static str;

    /// Accepts or rejects one delivery.
    ///
    /// `body` is the whole body exactly as received. Compare signatures in constant time (a
    /// MAC's `verify_slice`), never with `==`. The [`Rejection`] is logged, never sent.
    fn verify(&self, head: &Parts, body: &Bytes) -> Result<Verification, Rejection>;

    /// Answers a provider's handshake that can be told from the request's head alone (method,
    /// query, headers), before anything else: Meta's and Dropbox's `GET` challenges, Microsoft
    /// Graph's `validationToken`, Okta's one-time verification. `Some(Ok(response))` is sent as
    /// it is (whatever the [`ResponsePolicy`]) and the inner service is not called;
    /// `Some(Err(rejection))` refuses a handshake that fails the provider's check (a wrong
    /// verify token); `None`, the default, means the request is a delivery, verified as usual.
    /// The body of a request answered here is neither buffered, verified nor passed on (what
    /// is sent of it is read and thrown away, within a bound, so the client gets its answer).
    ///
    /// A handshake carried in a signed body (Slack's `url_verification`, Twitch's
    /// `webhook_callback_verification`, Zoom's `endpoint.url_validation`) is verified first and
    /// answered with [`Verification::answer`] instead.
    ///
    /// ```
    /// use bytes::Bytes;
    /// use http::{Request, Response, request::Parts};
    /// use tower_webhooks::{Rejection, SignatureScheme, Verification};
    ///
    /// /// Answers `GET ?ping` with `pong`; every delivery is refused.
    /// struct Ping;
    ///
    /// impl SignatureScheme for Ping {
    ///     fn name(&self) -> &'static str {
    ///         "ping"
    ///     }
    ///     fn handshake(&self, head: &Parts) -> Option<Result<Response<Bytes>, Rejection>> {
    ///         (head.method == http::Method::GET && head.uri.query() == Some("ping"))
    ///             .then(|| Ok(Response::new(Bytes::from_static(b"pong"))))
    ///     }
    ///     fn verify(&self, _: &Parts, _: &Bytes) -> Result<Verification, Rejection> {
    ///         Err(Rejection::signature_mismatch())
    ///     }
    /// }
    ///
    /// let (head, ()) = Request::get("/hooks?ping").body(()).unwrap().into_parts();
    /// assert_eq!(Ping.handshake(&head).unwrap().unwrap().body(), "pong");
    /// ```
    fn handshake(&self, head: &Parts) -> Option<Result<Response<Bytes>, Rejection>> {
        let _ = head;
        None
    }

    /// Refuses a delivery from its head alone, before a byte of its body is read: a missing or
    /// unreadable signature header. The layer calls it first, so a client that sends no
    /// signature gets `401` at once and cannot make the server buffer its body. Default: no
    /// check (everything is left to [`verify`](SignatureScheme::verify)).
    fn check_head(&self, head: &Parts) -> Result<(), Rejection> {
        let _ = head;
        Ok(())
    }

    /// Gets what [`verify`](SignatureScheme::verify) needs from elsewhere before it runs: the
    /// provider's public key that the delivery names and this scheme has not cached yet (AWS
    /// SNS's `SigningCertURL`, Google's keys by `kid`). The layer calls it once the body is
    /// complete, awaits the future, then verifies; an error refuses the delivery (a key that
    /// cannot be had is `503`, so the provider retries). `None`, the default, when nothing is
    /// needed. A scheme that fetches bounds what a forger can make it fetch: hosts on an
    /// allow-list only, a cache, and a bound on fetches per second (see [`fetch`](crate#features)).
    fn fetch_keys(&self, head: &Parts, body: &Bytes) -> Option<KeyFetch> {
        let _ = (head, body);
        None
    }

    /// Starts verifying as the body arrives: the layer feeds every body frame to the returned
    /// [`SignedStream`] while it buffers, then calls
    /// [`verify_stream`](SignatureScheme::verify_stream), so the HMAC is one pass over bytes
    /// that are still in cache. `None` (the default, and for schemes whose signed bytes depend
    /// on the whole body) keeps to [`verify`](SignatureScheme::verify). The built-in HMAC
    /// schemes stream.
    fn start_stream(&self, head: &Parts) -> Option<SignedStream> {
        let _ = head;
        None
    }

    /// Finishes a verification started with [`start_stream`](SignatureScheme::start_stream),
    /// with the whole body at hand for what comes after the MAC (the replay window, hints). It
    /// must accept and refuse exactly what [`verify`](SignatureScheme::verify) does. Default:
    /// `verify`.
    fn verify_stream(
        &self,
        head: &Parts,
        body: &Bytes,
        stream: SignedStream,
    ) -> Result<Verification, Rejection> {
        let _ = stream;
        self.verify(head, body)
    }

    /// Where the delivery's events are in its JSON body. Default: the body is one event.
    fn event_layout(&self) -> EventLayout {
        EventLayout::Single
    }

    /// What the provider demands of responses. Default: responses pass through unchanged.
    fn response_policy(&self) -> ResponsePolicy {
        ResponsePolicy::unchanged()
    }

    /// This scheme and `other`, both: a delivery passes only when each accepts it, as when a
    /// route demands a signature and a token (Xemelgo's signature and its OAuth bearer token).
    /// See [`Both`](crate::Both).
    ///
    /// ```
    /// use tower_webhooks::{SignatureScheme, WebhookSignatureLayer, token::TokenScheme, xemelgo::Xemelgo};
    ///
    /// let scheme = Xemelgo::new("a-secret-longer-than-24-characters")?
    ///     .and(TokenScheme::bearer("xemelgo", "static-token")?);
    /// let layer = WebhookSignatureLayer::new(scheme);
    /// # let _ = layer;
    /// # Ok::<(), tower_webhooks::ConfigError>(())
    /// ```
    fn and<T: SignatureScheme>(self, other: T) -> crate::Both<Self, T>
    where
        Self: Sized,
    {
        crate::Both::new(self, other)
    }
}

// Through the one forwarding macro every wrapping scheme uses: a method left out would
// silently fall back to its default behind `Box<dyn SignatureScheme>`.
crate::scheme_kit::forward::forward_scheme!(impl[T: SignatureScheme + ?Sized] Arc<T> => |this| &**this);
crate::scheme_kit::forward::forward_scheme!(impl[T: SignatureScheme + ?Sized] Box<T> => |this| &**this);

/// What [`SignatureScheme::fetch_keys`] returns: fetching a key, to await before verifying.
pub type KeyFetch = Pin<Box<dyn Future<Output = Result<(), Rejection>> + Send + 'static>>;

/// A successful verification: which bytes were signed, and what the handler may want to know
/// about the signature.
///
/// Almost every provider signs the raw body ([`Verification::raw_body`]). A provider that signs
/// bytes derived from the body (Xemelgo's `JSON.stringify` form) returns
/// [`Verification::derived_body`]; the layer then hands **those** bytes to the inner service, so
/// a handler never reads a byte nobody signed.
///
/// The rest reaches the handler as [`VerificationInfo`](crate::VerificationInfo):
///
/// ```
/// use std::time::{Duration, UNIX_EPOCH};
/// use tower_webhooks::Verification;
///
/// let verification = Verification::raw_body()
///     .key_id("2026-rotation")
///     .signed_at(UNIX_EPOCH + Duration::from_secs(1_700_000_000))
///     .delivery_id("msg_p5jXN8AQM9LWM0D4loKWxJek");
/// # let _ = verification;
/// ```
#[derive(Debug, Clone)]
#[must_use]
pub struct Verification {
    pub(crate) signed_body: Option<Bytes>,
    pub(crate) key_id: Option<Arc<str>>,
    pub(crate) signed_at: Option<SystemTime>,
    pub(crate) delivery_id: Option<Arc<str>>,
    pub(crate) idempotency_key: Option<Arc<str>>,
    pub(crate) idempotency_field: Option<&'static str>,
    /// One idempotency key per event, from the signed part of each (Adyen's items sign eight
    /// fields of many): where whole events would hash unsigned bytes too.
    pub(crate) event_keys: Option<Arc<[Box<str>]>>,
    /// Which of the scheme's keys matched, for a scheme that answers with it (Zoom's challenge).
    pub(crate) key_index: Option<usize>,
    // Boxed: rare, and a `Response` would triple the size of every `Verification` moved.
    pub(crate) answer: Option<Box<Response<Bytes>>>,
}

impl Verification {
    /// The raw body, as received, is what was signed.
    pub fn raw_body() -> Self {
        Self {
            signed_body: None,
            key_id: None,
            signed_at: None,
            delivery_id: None,
            idempotency_key: None,
            idempotency_field: None,
            event_keys: None,
            key_index: None,
            answer: None,
        }
    }

    /// `signed` (derived from the raw body) is what was signed; the inner service receives it in
    /// place of the raw body.
    pub fn derived_body(signed: Bytes) -> Self {
        Self {
            signed_body: Some(signed),
            ..Self::raw_body()
        }
    }

    /// The id of the key that matched (see [`Keys`](crate::Keys)).
    pub fn key_id(mut self, id: impl Into<Arc<str>>) -> Self {
        self.key_id = Some(id.into());
        self
    }

    pub(crate) fn maybe_key_id(mut self, id: Option<&Arc<str>>) -> Self {
        self.key_id = id.cloned();
        self
    }

    /// When the provider says it signed the delivery (its signed timestamp).
    pub fn signed_at(mut self, at: SystemTime) -> Self {
        self.signed_at = Some(at);
        self
    }

    /// The provider's id for the delivery (`webhook-id`, `X-GitHub-Delivery`, ...).
    pub fn delivery_id(mut self, id: impl Into<Arc<str>>) -> Self {
        self.delivery_id = Some(id.into());
        self
    }

    /// A key that names this delivery across the provider's retries and is covered by the
    /// signature (Standard Webhooks' `webhook-id`, Stripe's event id in the body), for
    /// [`Idempotency`](crate::idempotency). Without one, the verified bytes' hash is used.
    pub fn idempotency_key(mut self, key: impl Into<Arc<str>>) -> Self {
        self.idempotency_key = Some(key.into());
        self
    }

    /// This verification, with what it leaves unsaid taken from `other`'s (for [`Both`](crate::Both)).
    pub(crate) fn filled_from(self, other: Verification) -> Self {
        Self {
            signed_body: self.signed_body.or(other.signed_body),
            key_id: self.key_id.or(other.key_id),
            signed_at: self.signed_at.or(other.signed_at),
            delivery_id: self.delivery_id.or(other.delivery_id),
            idempotency_key: self.idempotency_key.or(other.idempotency_key),
            idempotency_field: self.idempotency_field.or(other.idempotency_field),
            event_keys: self.event_keys.or(other.event_keys),
            key_index: self.key_index,
            answer: self.answer.or(other.answer),
        }
    }

    /// The scheme answers this verified delivery itself with `response`, and the inner service
    /// is not called: a provider's handshake, such as Zoom's `endpoint.url_validation`
    /// challenge. The response is sent as it is, whatever the scheme's
    /// [`ResponsePolicy`].
    pub fn answer(mut self, response: Response<Bytes>) -> Self {
        self.answer = Some(Box::new(response));
        self
    }
}

/// Where the events of a delivery are in its JSON body, for
/// [`VerifiedEvents`](crate::VerifiedEvents).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum EventLayout {
    /// The body is one event (InvoiceAhoy, Xemelgo, most providers).
    Single,
    /// The body is an object whose field of this name is an array of events (Xero: `events`).
    Field(&'static str),
    /// The body is an array of events.
    Array,
    /// The events are an array reached through nested objects by these field names: Okta's
    /// `&["data", "events"]` (`{"data": {"events": [...]}}`). `Path(&["events"])` is
    /// `Field("events")`.
    Path(&'static [&'static str]),
}
