//! [`Verified`]: the proof, in a request's extensions, that its body was verified.

use std::fmt;

use bytes::Bytes;

use crate::EventLayout;

/// Put in the request extensions by [`WebhookSignatureLayer`](crate::WebhookSignatureLayer)
/// once a delivery's signature has been verified, and by nothing else: it has no public
/// constructor, so holding one means the layer checked these bytes.
///
/// The extractors ([`VerifiedEvents`](crate::VerifiedEvents),
/// [`VerifiedJson`](crate::VerifiedJson)) read it; a handler or middleware can too:
///
/// ```
/// # fn handler(request: http::Request<tower_webhooks::layer::RequestBody>) {
/// if let Some(verified) = request.extensions().get::<tower_webhooks::Verified>() {
///     println!("{} bytes verified by the {} scheme", verified.body().len(), verified.scheme());
/// }
/// # }
/// ```
#[derive(Clone)]
pub struct Verified {
    body: Bytes,
    scheme: &'static str,
    layout: EventLayout,
}

impl Verified {
    pub(crate) fn new(body: Bytes, scheme: &'static str, layout: EventLayout) -> Self {
        Self {
            body,
            scheme,
            layout,
        }
    }

    /// The bytes the provider signed: the raw body, or for a scheme that signs a derived form
    /// (Xemelgo's `JSON.stringify` fallback) that form. The same buffer the inner service's
    /// body holds.
    #[must_use]
    pub fn body(&self) -> &Bytes {
        &self.body
    }

    /// The [`SignatureScheme::name`](crate::SignatureScheme::name) that verified it.
    #[must_use]
    pub fn scheme(&self) -> &'static str {
        self.scheme
    }

    /// Where the events are in [`body`](Self::body).
    #[must_use]
    pub fn event_layout(&self) -> EventLayout {
        self.layout
    }
}

impl fmt::Debug for Verified {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Verified")
            .field("scheme", &self.scheme)
            .field("layout", &self.layout)
            .field("body_len", &self.body.len())
            .finish()
    }
}
