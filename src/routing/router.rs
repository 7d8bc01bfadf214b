//! [`EventRouter`]: which handler takes which event type, and the dispatch of a delivery's
//! events to them.

use std::{collections::HashMap, fmt, future::Future, sync::Arc};

use http::{HeaderMap, Request};
use serde_json::value::RawValue;

use super::{
    Attempt, DispatchError, DispatchErrorKind, Dispatched, EventHandler, EventKey,
    event::{Event, Fields},
    handler::{Erased, HandlerFuture, Typed},
};
use crate::{Verified, verified::HandledEvents};

/// What becomes of an event whose type no handler takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Unhandled {
    /// Accept it (the delivery can still succeed) and log its type at `info`. For providers
    /// that send every type to every endpoint. The default.
    Accept,
    /// Fail the delivery with `422` before any handler runs, so the provider keeps it and
    /// retries: for endpoints that must not lose an event they do not handle yet.
    Reject,
}

/// Sends each event of a verified delivery to the handler for its type. See the
/// [module docs](super).
#[derive(Clone)]
#[must_use]
pub struct EventRouter {
    key: EventKey,
    routes: Arc<HashMap<Arc<str>, Arc<dyn Erased>>>,
    unhandled: Unhandled,
    // A handler takes the event's text (`Box<RawValue>`): events are kept whole, not split
    // into their fields.
    whole_events: bool,
}

impl EventRouter {
    /// A router with no handlers, reading each event's type where `key` says, accepting
    /// types nobody handles.
    pub fn new(key: EventKey) -> Self {
        Self {
            key,
            routes: Arc::default(),
            unhandled: Unhandled::Accept,
            whole_events: false,
        }
    }

    /// Sends events of `event_type` to `handler`, an async function that takes the event
    /// deserialised as its payload type, and optionally the [`Attempt`] as a second argument.
    /// A payload of `Box<serde_json::value::RawValue>` receives the event's text as sent; to
    /// get the text, take it as exactly that type (a wrapper around it is parsed from the
    /// event's fields, which cannot give the text, and is refused).
    ///
    /// # Panics
    ///
    /// If `event_type` already has a handler: two handlers for one type is a mistake to
    /// catch at start-up, as axum does for overlapping routes.
    pub fn on<H, Args>(mut self, event_type: &str, handler: H) -> Self
    where
        H: EventHandler<Args>,
        Args: 'static,
    {
        let routes = Arc::make_mut(&mut self.routes);
        assert!(
            !routes.contains_key(event_type),
            "`EventRouter::on`: the event type `{event_type}` already has a handler"
        );
        let handler = Typed::new(handler);
        self.whole_events |= handler.reads_text();
        routes.insert(event_type.into(), Arc::new(handler));
        self
    }

    /// What becomes of events no handler takes.
    pub fn unhandled(mut self, unhandled: Unhandled) -> Self {
        self.unhandled = unhandled;
        self
    }

    /// Handles the events of `request`, which a
    /// [`WebhookSignatureLayer`](crate::WebhookSignatureLayer) verified. For calling the
    /// router from a handler of your own; as a `Service` it does this itself.
    ///
    /// The future owns what it needs: `request` need not outlive it.
    pub fn dispatch<B>(
        &self,
        request: &Request<B>,
    ) -> impl Future<Output = Result<Dispatched, DispatchError>> + Send + 'static {
        let planned = self.plan(request);
        async move {
            let (jobs, mut outcome) = planned?;
            for job in jobs {
                if let Err(source) = job.running.await {
                    let error = DispatchError::new(DispatchErrorKind::HandlerFailed)
                        .at(job.index, Some(&job.event_type))
                        .because(source);
                    tracing::error!(%error, "webhook event handler failed: the delivery fails");
                    return Err(error);
                }
                outcome.handled += 1;
            }
            Ok(outcome)
        }
    }

    /// Reads every event, finds its handler and parses its payload, before any handler runs.
    fn plan<B>(&self, request: &Request<B>) -> Result<(Vec<Job>, Dispatched), DispatchError> {
        let Some(verified) = request.extensions().get::<Verified>() else {
            crate::verified::missing_layer("EventRouter");
            return Err(DispatchError::new(DispatchErrorKind::MissingLayer));
        };
        let handled_before = request.extensions().get::<HandledEvents>();
        let headers: &HeaderMap = request.headers();
        let scheme = verified.scheme();
        let body = verified.body();
        let layout = verified.event_layout();
        let refused = |source: serde_json::Error| {
            invalid(
                scheme,
                DispatchError::new(DispatchErrorKind::InvalidEvent).because(source),
            )
        };
        // A key read from top-level fields: the batch is split into each event's fields, and
        // the type and the payload both come from those. Events that are not objects fall
        // back to whole events, so what is refused, and why, stays the same.
        let split = match self.key.top_level_names() {
            Some(_) if !self.whole_events => crate::events::events::<Fields<'_>>(body, layout).ok(),
            _ => None,
        };
        let raw: Vec<&RawValue>;
        let events: Vec<Event<'_>> = match &split {
            Some(split) => split
                .iter()
                .map(|fields| Event::Fields(&fields.0))
                .collect(),
            None => {
                raw = crate::events::events(body, layout).map_err(refused)?;
                raw.iter().copied().map(Event::Raw).collect()
            }
        };
        let mut jobs = Vec::with_capacity(events.len());
        let mut outcome = Dispatched::default();
        for (index, event) in events.into_iter().enumerate() {
            if handled_before.is_some_and(|handled| handled.contains(index)) {
                outcome.skipped += 1;
                continue;
            }
            match self.route(scheme, index, event, headers, Attempt::FIRST)? {
                Some(job) => jobs.push(job),
                None => outcome.unhandled += 1,
            }
        }
        Ok((jobs, outcome))
    }

    /// Finds the handler of one event and starts it: `None` when no handler takes its type
    /// and such events are accepted.
    fn route(
        &self,
        scheme: &str,
        index: usize,
        event: Event<'_>,
        headers: &HeaderMap,
        attempt: Attempt,
    ) -> Result<Option<Job>, DispatchError> {
        let event_type = match event {
            Event::Raw(raw) => self.key.read(raw, headers),
            Event::Fields(fields) => self.key.read_from_fields(fields),
        };
        let Some(event_type) = event_type else {
            let error = DispatchError::new(DispatchErrorKind::InvalidEvent)
                .at(index, None)
                .because(format!(
                    "the event does not say its type where {:?} reads it",
                    self.key
                ));
            return Err(invalid(scheme, error));
        };
        // The route's own key names the event from here on: an `Arc`, not a new string.
        let Some((route_type, handler)) = self.routes.get_key_value(&*event_type) else {
            return match self.unhandled {
                Unhandled::Accept => {
                    tracing::info!(
                        scheme,
                        index,
                        event_type = &*event_type,
                        "no handler for this event type: accepted"
                    );
                    Ok(None)
                }
                Unhandled::Reject => Err(invalid(
                    scheme,
                    DispatchError::new(DispatchErrorKind::Unhandled).at(index, Some(&event_type)),
                )),
            };
        };
        let running = handler.call(event, attempt).map_err(|source| {
            invalid(
                scheme,
                DispatchError::new(DispatchErrorKind::InvalidEvent)
                    .at(index, Some(&event_type))
                    .because(source),
            )
        })?;
        Ok(Some(Job {
            index,
            event_type: Arc::clone(route_type),
            running,
        }))
    }

    /// Handles one event stored in an inbox: `Ok(false)` when no handler takes it and such
    /// events are accepted.
    #[cfg(feature = "inbox")]
    pub(crate) async fn dispatch_stored(
        &self,
        scheme: &str,
        event: &RawValue,
        headers: &HeaderMap,
        attempt: Attempt,
    ) -> Result<bool, DispatchError> {
        let Some(job) = self.route(scheme, 0, Event::Raw(event), headers, attempt)? else {
            return Ok(false);
        };
        job.running.await.map_err(|source| {
            DispatchError::new(DispatchErrorKind::HandlerFailed)
                .at(0, Some(&job.event_type))
                .because(source)
        })?;
        Ok(true)
    }
}

fn invalid(scheme: &str, error: DispatchError) -> DispatchError {
    tracing::warn!(scheme, %error, "webhook delivery refused before any handler ran");
    error
}

struct Job {
    index: usize,
    event_type: Arc<str>,
    running: HandlerFuture,
}

impl fmt::Debug for EventRouter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut types: Vec<&str> = self.routes.keys().map(|t| &**t).collect();
        types.sort_unstable();
        f.debug_struct("EventRouter")
            .field("key", &self.key)
            .field("types", &types)
            .field("unhandled", &self.unhandled)
            .finish()
    }
}
