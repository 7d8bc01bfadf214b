use std::{
    convert::Infallible,
    fmt,
    pin::Pin,
    task::{Context, Poll},
};

use bytes::Bytes;
use http_body::{Body, Frame, SizeHint};
use pin_project_lite::pin_project;

/// The request body the inner service receives: the verified bytes, in one frame.
///
/// It holds the same buffer the layer verified (and that [`Verified`](crate::Verified) holds),
/// so extracting it as `Bytes` does not copy.
#[derive(Debug, Default)]
pub struct RequestBody {
    data: Option<Bytes>,
}

impl RequestBody {
    pub(crate) fn new(data: Bytes) -> Self {
        Self {
            data: (!data.is_empty()).then_some(data),
        }
    }
}

impl Body for RequestBody {
    type Data = Bytes;
    type Error = Infallible;

    fn poll_frame(
        self: Pin<&mut Self>,
        _cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Infallible>>> {
        Poll::Ready(self.get_mut().data.take().map(|data| Ok(Frame::data(data))))
    }

    fn is_end_stream(&self) -> bool {
        self.data.is_none()
    }

    fn size_hint(&self) -> SizeHint {
        SizeHint::with_exact(self.data.as_ref().map_or(0, |data| data.len() as u64))
    }
}

pin_project! {
    /// The response body of [`WebhookSignature`](crate::layer::WebhookSignature): the inner
    /// service's body, or an empty one for rejections and where the scheme strips bodies.
    pub struct ResponseBody<B> {
        #[pin]
        inner: Inner<B>,
    }
}

pin_project! {
    #[project = InnerProj]
    enum Inner<B> {
        Passed { #[pin] body: B },
        Full { data: Option<Bytes> },
        Empty,
        // An early answer's body (empty for a rejection), ended only once the request's unread
        // body has been read and thrown away (within a bound): a client still sending gets to
        // read the answer instead of a reset connection.
        Draining { data: Option<Bytes>, drain: Drain },
    }
}

/// The unread body of a refused request, read and thrown away after the answer: at most
/// [`LINGER_BYTES`], for at most [`LINGER_TIME`], as nginx's lingering close does. Without it a
/// client that writes its whole body before reading (Node's `fetch`, hyper's client) sees the
/// connection reset instead of the `413` or `401`.
pub(crate) struct Drain {
    body: Pin<Box<dyn Discard + Send>>,
    left: usize,
    // Armed on the first poll, inside the runtime (the request may be refused outside one).
    deadline: Option<Pin<Box<tokio::time::Sleep>>>,
}

/// How much of a refused request's body is read and thrown away after the answer, at most.
pub(crate) const LINGER_BYTES: usize = 16 * 1024 * 1024;

/// How long a refused request's body is read and thrown away after the answer, at most.
pub(crate) const LINGER_TIME: std::time::Duration = std::time::Duration::from_secs(2);

impl Drain {
    pub(crate) fn new<B>(body: B) -> Self
    where
        B: Body + Send + 'static,
    {
        Self {
            body: Box::pin(body),
            left: LINGER_BYTES,
            deadline: None,
        }
    }

    /// Reads and throws away until the body ends, the bytes run out or the time is up.
    fn poll_drain(&mut self, cx: &mut Context<'_>) -> Poll<()> {
        let deadline = self
            .deadline
            .get_or_insert_with(|| Box::pin(tokio::time::sleep(LINGER_TIME)));
        if deadline.as_mut().poll(cx).is_ready() {
            return Poll::Ready(());
        }
        loop {
            match self.body.as_mut().poll_discard(cx) {
                Poll::Ready(Some(n)) if n < self.left => self.left -= n,
                Poll::Ready(_) => return Poll::Ready(()),
                Poll::Pending => return Poll::Pending,
            }
        }
    }
}

/// A request body read only to be thrown away, of any data type.
trait Discard {
    /// Reads and drops the next frame: its length, or `None` at the end or on an error.
    fn poll_discard(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<usize>>;
}

impl<B: Body> Discard for B {
    fn poll_discard(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<usize>> {
        use bytes::Buf as _;
        match std::task::ready!(self.poll_frame(cx)) {
            Some(Ok(frame)) => Poll::Ready(Some(frame.data_ref().map_or(0, |d| d.remaining()))),
            _ => Poll::Ready(None),
        }
    }
}

impl<B> ResponseBody<B> {
    pub(crate) fn passed(body: B) -> Self {
        Self {
            inner: Inner::Passed { body },
        }
    }

    pub(crate) fn full(data: Bytes) -> Self {
        Self {
            inner: Inner::Full { data: Some(data) },
        }
    }

    pub(crate) fn empty() -> Self {
        Self {
            inner: Inner::Empty,
        }
    }

    /// An empty body that ends once `drain` has read the request's rest.
    pub(crate) fn draining(drain: Drain) -> Self {
        Self {
            inner: Inner::Draining { data: None, drain },
        }
    }

    /// `data`, then the end once `drain` has read the request's rest.
    pub(crate) fn full_then_draining(data: Bytes, drain: Drain) -> Self {
        Self {
            inner: Inner::Draining {
                data: (!data.is_empty()).then_some(data),
                drain,
            },
        }
    }
}

impl<B> fmt::Debug for ResponseBody<B> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let variant = match self.inner {
            Inner::Passed { .. } => "Passed",
            Inner::Full { .. } => "Full",
            Inner::Empty => "Empty",
            Inner::Draining { .. } => "Draining",
        };
        f.debug_tuple("ResponseBody").field(&variant).finish()
    }
}

impl<B> Body for ResponseBody<B>
where
    B: Body,
    B::Data: From<Bytes>,
{
    type Data = B::Data;
    type Error = B::Error;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Self::Data>, Self::Error>>> {
        match self.project().inner.project() {
            InnerProj::Passed { body } => body.poll_frame(cx),
            InnerProj::Full { data } => {
                Poll::Ready(data.take().map(|data| Ok(Frame::data(B::Data::from(data)))))
            }
            InnerProj::Empty => Poll::Ready(None),
            InnerProj::Draining { data, drain } => match data.take() {
                Some(data) => Poll::Ready(Some(Ok(Frame::data(B::Data::from(data))))),
                None => drain.poll_drain(cx).map(|()| None),
            },
        }
    }

    fn is_end_stream(&self) -> bool {
        match &self.inner {
            Inner::Passed { body } => body.is_end_stream(),
            Inner::Full { data } => data.is_none(),
            Inner::Empty => true,
            Inner::Draining { .. } => false,
        }
    }

    fn size_hint(&self) -> SizeHint {
        match &self.inner {
            Inner::Passed { body } => body.size_hint(),
            Inner::Full { data } => {
                SizeHint::with_exact(data.as_ref().map_or(0, |data| data.len() as u64))
            }
            Inner::Empty => SizeHint::with_exact(0),
            // Not "exactly 0": that would let the server end the response, and close, without
            // polling the body that drains the request.
            Inner::Draining { .. } => SizeHint::new(),
        }
    }
}
