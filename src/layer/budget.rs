//! [`MemoryBudget`]: a bound on the bytes that the deliveries in flight hold at once.

use std::{
    fmt,
    sync::{
        Arc,
        atomic::{AtomicUsize, Ordering},
    },
};

/// The default budget: 64 MiB for every delivery in flight together, which a 2-core host
/// with a few hundred MiB to spare survives. With the default 1 MiB body limit that is 64
/// maximal deliveries at once; real webhooks are a few KiB.
pub const DEFAULT_MEMORY_BUDGET: usize = 64 * 1024 * 1024;

/// How many bytes of request bodies the deliveries in flight may hold at once, shared by every
/// clone of the layer (and by every layer given the same budget).
///
/// A delivery reserves its declared `Content-Length` before its body is read, and grows its
/// reservation as a body of unknown length arrives; it holds it until the inner service has
/// answered (its response head is returned), the time the verified bytes are certainly held.
/// Bytes a handler keeps after answering (a spawned task, a body that echoes them) are not
/// counted. A delivery that does not
/// fit gets `503` with `Connection: close` ([`RejectionKind::Overloaded`]), and the provider
/// retries it later: many slow or large forged bodies cannot exhaust the host's memory.
///
/// ```
/// use tower_webhooks::{WebhookSignatureLayer, layer::MemoryBudget, stripe::Stripe, xero::Xero};
///
/// // One budget for two routes: 16 MiB for both together.
/// let budget = MemoryBudget::new(16 * 1024 * 1024);
/// let stripe = WebhookSignatureLayer::new(Stripe::new("whsec_…")).memory_budget(budget.clone());
/// let xero = WebhookSignatureLayer::new(Xero::new("key")).memory_budget(budget.clone());
/// assert_eq!(budget.in_use(), 0);
/// # let _ = (stripe, xero);
/// ```
///
/// [`RejectionKind::Overloaded`]: crate::RejectionKind::Overloaded
#[derive(Clone)]
pub struct MemoryBudget {
    state: Arc<State>,
}

struct State {
    limit: usize,
    used: AtomicUsize,
}

impl MemoryBudget {
    /// A budget of `bytes` for every delivery in flight together.
    #[must_use]
    pub fn new(bytes: usize) -> Self {
        Self {
            state: Arc::new(State {
                limit: bytes,
                used: AtomicUsize::new(0),
            }),
        }
    }

    /// The budget, in bytes.
    #[must_use]
    pub fn limit(&self) -> usize {
        self.state.limit
    }

    /// The bytes reserved by the deliveries in flight now.
    #[must_use]
    pub fn in_use(&self) -> usize {
        self.state.used.load(Ordering::Acquire)
    }

    /// Reserves `bytes`, when they fit and the budget is not used up already.
    pub(super) fn reserve(&self, bytes: usize) -> Option<Reservation> {
        self.take(bytes).then(|| Reservation {
            budget: self.clone(),
            bytes,
        })
    }

    fn take(&self, bytes: usize) -> bool {
        let limit = self.state.limit;
        self.state
            .used
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |used| {
                let total = used.checked_add(bytes)?;
                (used < limit && total <= limit).then_some(total)
            })
            .is_ok()
    }
}

impl Default for MemoryBudget {
    fn default() -> Self {
        Self::new(DEFAULT_MEMORY_BUDGET)
    }
}

impl From<usize> for MemoryBudget {
    fn from(bytes: usize) -> Self {
        Self::new(bytes)
    }
}

impl fmt::Debug for MemoryBudget {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MemoryBudget")
            .field("limit", &self.limit())
            .field("in_use", &self.in_use())
            .finish()
    }
}

/// The bytes one delivery holds of a [`MemoryBudget`], given back when it is dropped.
pub(super) struct Reservation {
    budget: MemoryBudget,
    bytes: usize,
}

impl Reservation {
    /// The whole budget it is a share of.
    pub(super) fn limit(&self) -> usize {
        self.budget.limit()
    }

    /// Grows the reservation to `total` bytes; `false` when they do not fit.
    pub(super) fn grow_to(&mut self, total: usize) -> bool {
        if total <= self.bytes {
            return true;
        }
        let more = total - self.bytes;
        if !self.budget.take(more) {
            return false;
        }
        self.bytes = total;
        true
    }
}

impl Drop for Reservation {
    fn drop(&mut self) {
        self.budget
            .state
            .used
            .fetch_sub(self.bytes, Ordering::AcqRel);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reservations_fit_within_the_budget_and_are_given_back() {
        let budget = MemoryBudget::new(100);
        let mut a = budget.reserve(60).unwrap();
        assert!(budget.reserve(41).is_none(), "does not fit");
        let b = budget.clone().reserve(40).unwrap();
        assert_eq!(budget.in_use(), 100);
        assert!(
            budget.reserve(0).is_none(),
            "used up: not even an unknown length"
        );
        drop(b);
        assert!(a.grow_to(90));
        assert!(!a.grow_to(101));
        assert_eq!(budget.in_use(), 90);
        drop(a);
        assert_eq!(budget.in_use(), 0);
    }
}
