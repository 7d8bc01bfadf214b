//! [`DispatchError`]: why a delivery's events were not all handled.

use std::{error::Error as StdError, fmt};

use http::StatusCode;

/// What a handler's error becomes: anything that converts into a boxed error (`std` errors,
/// `anyhow::Error`, `String`, `&str`).
pub type BoxError = Box<dyn StdError + Send + Sync>;

/// Why [`EventRouter::dispatch`](super::EventRouter::dispatch) did not handle a delivery.
/// The delivery fails as a whole: the provider is answered [`status`](Self::status) and
/// retries it.
#[derive(Debug)]
pub struct DispatchError {
    kind: DispatchErrorKind,
    index: Option<usize>,
    event_type: Option<String>,
    source: Option<BoxError>,
}

/// The reason in a [`DispatchError`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum DispatchErrorKind {
    /// No [`WebhookSignatureLayer`](crate::WebhookSignatureLayer) verified the request: the
    /// route is not protected. `500`.
    MissingLayer,
    /// The verified body does not hold events where the scheme says, an event does not say
    /// its type, or it is not of the type its handler takes. `400`; no handler ran.
    InvalidEvent,
    /// No handler takes this event's type and the router was told to
    /// [`Unhandled::Reject`](super::Unhandled::Reject) such events. `422`; no handler ran.
    Unhandled,
    /// A handler returned an error. `500`; the events before it were handled, those after it
    /// were not.
    HandlerFailed,
}

impl DispatchError {
    pub(super) fn new(kind: DispatchErrorKind) -> Self {
        Self {
            kind,
            index: None,
            event_type: None,
            source: None,
        }
    }

    pub(super) fn at(mut self, index: usize, event_type: Option<&str>) -> Self {
        self.index = Some(index);
        self.event_type = event_type.map(str::to_owned);
        self
    }

    pub(super) fn because(mut self, source: impl Into<BoxError>) -> Self {
        self.source = Some(source.into());
        self
    }

    /// What went wrong.
    #[must_use]
    pub fn kind(&self) -> DispatchErrorKind {
        self.kind
    }

    /// The position in the delivery of the event it went wrong at.
    #[must_use]
    pub fn index(&self) -> Option<usize> {
        self.index
    }

    /// That event's type, if it said one.
    #[must_use]
    pub fn event_type(&self) -> Option<&str> {
        self.event_type.as_deref()
    }

    /// The status the delivery is answered with.
    #[must_use]
    pub fn status(&self) -> StatusCode {
        match self.kind {
            DispatchErrorKind::MissingLayer | DispatchErrorKind::HandlerFailed => {
                StatusCode::INTERNAL_SERVER_ERROR
            }
            DispatchErrorKind::InvalidEvent => StatusCode::BAD_REQUEST,
            DispatchErrorKind::Unhandled => StatusCode::UNPROCESSABLE_ENTITY,
        }
    }
}

impl fmt::Display for DispatchError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.kind {
            DispatchErrorKind::MissingLayer => {
                f.write_str("`EventRouter` needs `WebhookSignatureLayer` in front of the route")?;
            }
            DispatchErrorKind::InvalidEvent => {
                f.write_str("the verified delivery holds an invalid event")?
            }
            DispatchErrorKind::Unhandled => f.write_str("no handler takes the event")?,
            DispatchErrorKind::HandlerFailed => f.write_str("the handler failed")?,
        }
        if let Some(index) = self.index {
            write!(f, " at index {index}")?;
        }
        if let Some(event_type) = &self.event_type {
            write!(f, " (type `{event_type}`)")?;
        }
        if let Some(source) = &self.source {
            write!(f, ": {source}")?;
        }
        Ok(())
    }
}

impl StdError for DispatchError {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        self.source
            .as_deref()
            .map(|e| e as &(dyn StdError + 'static))
    }
}

#[cfg(feature = "axum")]
impl axum_core::response::IntoResponse for DispatchError {
    /// The status alone: the provider gains nothing from the details, which are logged.
    fn into_response(self) -> axum_core::response::Response {
        self.status().into_response()
    }
}
