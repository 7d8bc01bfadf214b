//! The inbox's rows: [`NewEvent`] going in, [`EventRecord`] coming out for inspection, and
//! what a worker claims.

use std::{fmt, time::SystemTime};

/// An event to store: the scheme that verified it, the key it is de-duplicated on (the signed
/// key the idempotency stage uses), and its verified bytes. [`Accept`](super::Accept) makes
/// these from a verified delivery; build them yourself only to store events another way.
#[derive(Clone)]
pub struct NewEvent {
    pub(crate) scheme: String,
    pub(crate) dedup_key: String,
    pub(crate) order_key: Option<String>,
    pub(crate) payload: Vec<u8>,
    pub(crate) headers: String,
    pub(crate) key_id: Option<String>,
    pub(crate) provider_id: Option<String>,
    pub(crate) signed_at_ms: Option<i64>,
}

impl NewEvent {
    /// An event verified by `scheme`, de-duplicated on `dedup_key`.
    pub fn new(scheme: &str, dedup_key: &str, payload: Vec<u8>) -> Self {
        Self {
            scheme: scheme.to_owned(),
            dedup_key: dedup_key.to_owned(),
            order_key: None,
            payload,
            headers: String::new(),
            key_id: None,
            provider_id: None,
            signed_at_ms: None,
        }
    }

    /// Handles this event only after every earlier stored event with the same `key` (see
    /// [ordering](super#ordering)).
    #[must_use]
    pub fn ordered_by(mut self, key: impl Into<String>) -> Self {
        self.order_key = Some(key.into());
        self
    }
}

impl fmt::Debug for NewEvent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The payload is the provider's data: its size, not its bytes.
        f.debug_struct("NewEvent")
            .field("scheme", &self.scheme)
            .field("dedup_key", &self.dedup_key)
            .field("order_key", &self.order_key)
            .field("payload_len", &self.payload.len())
            .finish_non_exhaustive()
    }
}

/// Where a stored event is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum EventState {
    /// Waiting to be handled: new, or failed and waiting for its next attempt.
    Pending,
    /// Claimed by a worker, whose handler is running it under a lease.
    Running,
    /// Handled; kept until retention purges it, so a late retry of it is still recognised.
    Handled,
    /// Failed every attempt (or can never succeed): kept, for a person to look at and retry.
    Dead,
}

impl EventState {
    /// The name the database and the command line use: `pending`, `running`, `handled`,
    /// `dead`.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Running => "running",
            Self::Handled => "handled",
            Self::Dead => "dead",
        }
    }

    pub(crate) fn parse(name: &str) -> Option<Self> {
        [Self::Pending, Self::Running, Self::Handled, Self::Dead]
            .into_iter()
            .find(|state| state.as_str() == name)
    }
}

impl fmt::Display for EventState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for EventState {
    type Err = String;
    fn from_str(name: &str) -> Result<Self, String> {
        Self::parse(name)
            .ok_or_else(|| format!("`{name}` is not a state: pending, running, handled or dead"))
    }
}

/// A stored event as [`Inbox::event`](super::Inbox::event) and
/// [`Inbox::list`](super::Inbox::list) show it.
#[derive(Clone)]
#[non_exhaustive]
pub struct EventRecord {
    /// The inbox's id of the event.
    pub id: i64,
    /// The inbox's id of the delivery it came in, which its events share: in SQLite the id of
    /// its first new event; in PostgreSQL the smallest id given out to the delivery's events,
    /// which may have been one of an event stored already.
    pub delivery_id: i64,
    /// The scheme that verified it (`xero`, `stripe`, ...).
    pub scheme: String,
    /// The signed key it is de-duplicated on.
    pub dedup_key: String,
    /// The key it is ordered by, if any.
    pub order_key: Option<String>,
    /// Where it is in its life.
    pub state: EventState,
    /// How many times a worker has started it.
    pub attempts: u32,
    /// When it was stored.
    pub received_at: SystemTime,
    /// When a pending event may next be tried.
    pub next_attempt_at: Option<SystemTime>,
    /// Until when a running event's lease holds.
    pub lease_until: Option<SystemTime>,
    /// When it was handled, or given up as dead.
    pub finished_at: Option<SystemTime>,
    /// The last attempt's error.
    pub last_error: Option<String>,
    /// The id of the key that verified it.
    pub key_id: Option<String>,
    /// The provider's own id of the delivery, where it sends one.
    pub provider_id: Option<String>,
    /// The verified bytes of the event.
    pub payload: Vec<u8>,
}

impl fmt::Debug for EventRecord {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EventRecord")
            .field("id", &self.id)
            .field("delivery_id", &self.delivery_id)
            .field("scheme", &self.scheme)
            .field("state", &self.state)
            .field("attempts", &self.attempts)
            .field("last_error", &self.last_error)
            .field("payload_len", &self.payload.len())
            .finish_non_exhaustive()
    }
}

/// Which events [`Inbox::list`](super::Inbox::list) shows: newest first.
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct Filter {
    /// Only events in this state.
    pub state: Option<EventState>,
    /// At most this many (default 50).
    pub limit: Option<u32>,
}

impl Filter {
    /// Every event, the newest 50.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// Only events in `state`.
    #[must_use]
    pub fn state(mut self, state: EventState) -> Self {
        self.state = Some(state);
        self
    }

    /// At most `limit` events.
    #[must_use]
    pub fn limit(mut self, limit: u32) -> Self {
        self.limit = Some(limit);
        self
    }

    pub(crate) fn limit_or_default(&self) -> u32 {
        self.limit.unwrap_or(50)
    }
}

/// What [`Inbox::stats`](super::Inbox::stats) counts: gauges to scrape or log.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct Stats {
    /// Every event stored (and not purged).
    pub events: u64,
    /// Waiting to be handled, new or to be retried.
    pub pending: u64,
    /// Of the pending, those that failed before and wait for their next attempt.
    pub retrying: u64,
    /// Running now, under a lease.
    pub running: u64,
    /// Handled, kept for de-duplication until retention purges them.
    pub handled: u64,
    /// Dead: failed every attempt, kept for a person.
    pub dead: u64,
    /// Attempts made at the events still stored.
    pub attempts: u64,
    /// How long the oldest event not yet handled (pending or running) has waited, in
    /// milliseconds; 0 when there is none.
    pub oldest_pending_age_ms: u64,
}

/// What a store did: the delivery's events are durable, `new_events` of them for the first
/// time (the others were stored by an earlier attempt of the provider's).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Stored {
    /// Events stored by this call; the rest of the delivery's were stored already.
    pub new_events: usize,
}

/// An event a worker has claimed: the claim is named by the event's id and its count of
/// claims, which only ever grows (attempts go back down when an event is handed back or
/// retried by hand), so a worker whose lease ran out cannot settle another's claim.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct ClaimId {
    pub(crate) id: i64,
    pub(crate) seq: i64,
}

/// A claimed event, with what its handler needs.
#[derive(Debug)]
pub(crate) struct Claimed {
    pub(crate) claim: ClaimId,
    /// Which attempt at the event this is: 1 the first time.
    pub(crate) attempt: u32,
    pub(crate) delivery_id: i64,
    pub(crate) scheme: String,
    pub(crate) payload: Vec<u8>,
    pub(crate) headers: String,
}

/// How a claimed attempt ended.
#[derive(Debug, Clone)]
pub(crate) enum Outcome {
    Handled,
    /// Failed; pending again from `at_ms`.
    Retry {
        at_ms: i64,
        error: String,
    },
    /// Failed for good.
    Dead {
        error: String,
    },
    /// Not run to its end (shutdown): pending again now, the attempt not counted.
    Released,
}

pub(crate) fn to_time(ms: i64) -> SystemTime {
    if ms >= 0 {
        SystemTime::UNIX_EPOCH + std::time::Duration::from_millis(ms.unsigned_abs())
    } else {
        SystemTime::UNIX_EPOCH - std::time::Duration::from_millis(ms.unsigned_abs())
    }
}
