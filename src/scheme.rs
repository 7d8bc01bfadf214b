//! [`SignatureScheme`]: how a provider signs its deliveries, and what it expects back.

use std::{sync::Arc, time::SystemTime};

use bytes::Bytes;
use http::{Response, request::Parts};

use crate::Rejection;

/// How a provider signs its deliveries.
///
/// The layer calls [`verify`](SignatureScheme::verify) with the request head and the whole
/// buffered body before the inner service runs. Implement it for a provider this crate does not
/// ship:
///
/// ```
/// use base64::Engine as _;
/// use bytes::Bytes;
/// use hmac::{Hmac, Mac};
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
/// The built-in schemes ([`Xero`](crate::xero::Xero),
/// [`InvoiceAhoy`](crate::invoice_ahoy::InvoiceAhoy), [`Xemelgo`](crate::xemelgo::Xemelgo)) are
/// written the same way.
pub trait SignatureScheme: Send + Sync + 'static {
    /// A short, stable name for logs, such as `"xero"`.
    fn name(&self) -> &'static str;

    /// Accepts or rejects one delivery.
    ///
    /// `body` is the whole body exactly as received. Compare signatures in constant time (a
    /// MAC's `verify_slice`), never with `==`. The [`Rejection`] is logged, never sent.
    fn verify(&self, head: &Parts, body: &Bytes) -> Result<Verification, Rejection>;

    /// Refuses a delivery from its head alone, before a byte of its body is read: a missing or
    /// unreadable signature header. The layer calls it first, so a client that sends no
    /// signature gets `401` at once and cannot make the server buffer its body. Default: no
    /// check (everything is left to [`verify`](SignatureScheme::verify)).
    fn check_head(&self, head: &Parts) -> Result<(), Rejection> {
        let _ = head;
        Ok(())
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
}

// One list of forwarded methods for every pointer type: a method left out would silently
// fall back to its default behind `Box<dyn SignatureScheme>`.
macro_rules! forward_scheme {
    ($($pointer:ident),+) => {$(
        impl<T: SignatureScheme + ?Sized> SignatureScheme for $pointer<T> {
            fn name(&self) -> &'static str {
                (**self).name()
            }
            fn start_stream(&self, head: &Parts) -> Option<SignedStream> {
                (**self).start_stream(head)
            }
            fn verify_stream(
                &self,
                head: &Parts,
                body: &Bytes,
                stream: SignedStream,
            ) -> Result<Verification, Rejection> {
                (**self).verify_stream(head, body, stream)
            }
            fn verify(&self, head: &Parts, body: &Bytes) -> Result<Verification, Rejection> {
                (**self).verify(head, body)
            }
            fn check_head(&self, head: &Parts) -> Result<(), Rejection> {
                (**self).check_head(head)
            }
            fn event_layout(&self) -> EventLayout {
                (**self).event_layout()
            }
            fn response_policy(&self) -> ResponsePolicy {
                (**self).response_policy()
            }
        }
    )+};
}

forward_scheme!(Arc, Box);

/// The MAC state of a verification fed frame by frame, from
/// [`SignatureScheme::start_stream`]. Opaque: only the crate's schemes make one.
pub struct SignedStream {
    /// One MAC per key, each keyed and past the signed content's prefix.
    pub(crate) macs: Vec<crate::hmac_scheme::MacState>,
}

impl SignedStream {
    /// Feeds the next piece of the body.
    pub fn update(&mut self, chunk: &[u8]) {
        for mac in &mut self.macs {
            mac.update(chunk);
        }
    }
}

impl std::fmt::Debug for SignedStream {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SignedStream")
            .field("keys", &self.macs.len())
            .finish()
    }
}

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
}

/// What a provider demands of the responses to its deliveries.
///
/// Xero, for instance, wants no body and no cookies, whatever the status:
///
/// ```
/// use tower_webhooks::ResponsePolicy;
///
/// let xero = ResponsePolicy::unchanged().strip_body(true).strip_cookies(true);
/// assert!(xero.strips_body() && xero.strips_cookies());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[must_use]
pub struct ResponsePolicy {
    strip_body: bool,
    strip_cookies: bool,
}

impl ResponsePolicy {
    /// Responses pass through as the inner service wrote them.
    pub const fn unchanged() -> Self {
        Self {
            strip_body: false,
            strip_cookies: false,
        }
    }

    /// Whether to replace every response body (and its `Content-Type`/`Content-Length`) with an
    /// empty one, keeping the status.
    pub const fn strip_body(mut self, strip: bool) -> Self {
        self.strip_body = strip;
        self
    }

    /// Whether to remove every `Set-Cookie` header from every response.
    pub const fn strip_cookies(mut self, strip: bool) -> Self {
        self.strip_cookies = strip;
        self
    }

    /// Whether bodies are stripped.
    #[must_use]
    pub const fn strips_body(&self) -> bool {
        self.strip_body
    }

    /// Whether cookies are stripped.
    #[must_use]
    pub const fn strips_cookies(&self) -> bool {
        self.strip_cookies
    }
}
