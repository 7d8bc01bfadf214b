//! [`Dispatched`]: what became of a delivery's events.

/// What [`EventRouter::dispatch`](super::EventRouter::dispatch) did with a delivery it handled.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct Dispatched {
    /// Events whose handler ran and succeeded.
    pub handled: usize,
    /// Events no handler takes, accepted under [`Unhandled::Accept`](super::Unhandled::Accept).
    pub unhandled: usize,
    /// Events an [`IdempotencyLayer`](crate::idempotency::IdempotencyLayer) found handled
    /// before, which no handler saw this time.
    pub skipped: usize,
}
