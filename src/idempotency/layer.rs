//! [`IdempotencyLayer`]: the builder, and what a duplicate or a store failure gets.

use std::{sync::Arc, time::Duration};

use tower_layer::Layer;

use super::{Idempotency, Store};

/// What to answer a duplicate of a delivery that was handled already.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum OnDuplicate {
    /// Answer `200` with an empty body; the handler does not run. The default.
    Acknowledge,
    /// Run the handler anyway, with [`Redelivery::is_duplicate`](super::Redelivery::is_duplicate) true.
    Forward,
}

/// What to do when the store cannot be reached.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum OnStoreError {
    /// Answer `503`; the handler does not run and the provider retries later. Nothing is lost
    /// and nothing runs twice. The default.
    FailClosed,
    /// Run the handler without deduplication: nothing is delayed, but a duplicate may run twice.
    FailOpen,
}

/// Claims each verified delivery before the inner service runs. See the
/// [module docs](crate::idempotency).
#[derive(Debug)]
#[must_use]
pub struct IdempotencyLayer<St> {
    store: Arc<St>,
    settings: Settings,
}

/// The per-request knobs, copied into every service.
#[derive(Debug, Clone, Copy)]
pub(super) struct Settings {
    pub(super) lease: Duration,
    pub(super) ttl: Duration,
    pub(super) on_duplicate: OnDuplicate,
    pub(super) on_store_error: OnStoreError,
    pub(super) commit_patience: Duration,
}

impl<St> Clone for IdempotencyLayer<St> {
    fn clone(&self) -> Self {
        Self {
            store: Arc::clone(&self.store),
            settings: self.settings,
        }
    }
}

impl<St: Store> IdempotencyLayer<St> {
    /// Deduplicates with `store`: a 60-second lease, handled deliveries remembered 72 hours
    /// (Stripe retries for up to three days), duplicates acknowledged, failing closed.
    pub fn new(store: St) -> Self {
        Self {
            store: Arc::new(store),
            settings: Settings {
                lease: Duration::from_secs(60),
                ttl: Duration::from_secs(72 * 3600),
                on_duplicate: OnDuplicate::Acknowledge,
                on_store_error: OnStoreError::FailClosed,
                commit_patience: Duration::from_secs(3),
            },
        }
    }

    /// How long a claim holds while its handler runs. A handler that takes longer may see a
    /// concurrent retry run too: keep it above your handlers' worst case.
    pub fn lease(mut self, lease: Duration) -> Self {
        self.settings.lease = lease;
        self
    }

    /// How long a handled delivery is remembered: at least the provider's retry window.
    pub fn remember_for(mut self, ttl: Duration) -> Self {
        self.settings.ttl = ttl;
        self
    }

    /// How long to keep retrying the commit of a handled delivery while the store is away
    /// (default 3 s, inside Xero's 5-second answer); the response waits for it.
    pub fn commit_patience(mut self, patience: Duration) -> Self {
        self.settings.commit_patience = patience;
        self
    }

    /// What a duplicate of a handled delivery gets.
    pub fn on_duplicate(mut self, action: OnDuplicate) -> Self {
        self.settings.on_duplicate = action;
        self
    }

    /// What to do when the store cannot be reached.
    pub fn on_store_error(mut self, action: OnStoreError) -> Self {
        self.settings.on_store_error = action;
        self
    }
}

impl<S, St> Layer<S> for IdempotencyLayer<St> {
    type Service = Idempotency<S, St>;

    fn layer(&self, inner: S) -> Self::Service {
        Idempotency::from_parts(inner, Arc::clone(&self.store), self.settings)
    }
}
