//! [`Redelivery`]: what the idempotency stage tells the handler about earlier attempts.

/// In the request extensions of a delivery the idempotency stage let through, and an axum
/// extractor: whether the handler has seen this delivery before.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Redelivery {
    pub(super) retry: bool,
    pub(super) duplicate: bool,
}

impl Redelivery {
    /// An earlier attempt at this delivery was claimed and its handler failed: this is the
    /// provider's retry.
    #[must_use]
    pub fn is_retry(&self) -> bool {
        self.retry
    }

    /// The delivery was handled already and is forwarded anyway ([`OnDuplicate::Forward`](super::OnDuplicate::Forward)).
    #[must_use]
    pub fn is_duplicate(&self) -> bool {
        self.duplicate
    }
}
