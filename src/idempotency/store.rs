//! [`Store`]: where claims on deliveries live.

use std::{fmt, future::Future, pin::Pin, time::Duration};

/// A boxed future, as the [`Store`] methods return: the trait stays object-safe and a store
/// can do I/O.
pub type StoreFuture<'a, T> = Pin<Box<dyn Future<Output = Result<T, StoreError>> + Send + 'a>>;

/// What a claim found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Claim {
    /// This caller now holds the delivery, for the lease. `retry` is true when an earlier
    /// attempt claimed it and released it (its handler failed): this is the provider's retry.
    Claimed {
        /// An earlier attempt held it and failed.
        retry: bool,
    },
    /// Another attempt holds it right now (a concurrent duplicate).
    InProgress,
    /// It was handled already: the claim was committed.
    Done,
}

/// Where the idempotency stage records deliveries. Every method is atomic for one key: of two
/// concurrent claims on a key, exactly one gets [`Claim::Claimed`].
///
/// [`MemoryStore`](super::MemoryStore) is the default; with the `redis` feature,
/// `RedisStore` shares the record between instances.
pub trait Store: Send + Sync + 'static {
    /// Claims `key` for `lease` (after which an unfinished claim lapses, so a crashed attempt
    /// does not block the provider's retries for ever).
    fn claim<'a>(&'a self, key: &'a str, lease: Duration) -> StoreFuture<'a, Claim>;

    /// Marks a claimed `key` handled, remembered for `ttl`.
    fn commit<'a>(&'a self, key: &'a str, ttl: Duration) -> StoreFuture<'a, ()>;

    /// Gives a claimed `key` up (the handler failed), so the provider's retry is handled.
    fn release<'a>(&'a self, key: &'a str, ttl: Duration) -> StoreFuture<'a, ()>;

    /// Gives up a claim whose handler never ran (the delivery was refused before it, for
    /// another event of its batch or a store error), putting `key` back as it was: released if
    /// the claim was a retry, absent otherwise, so the next attempt is not taken for a retry.
    /// Default: [`release`](Store::release).
    fn abandon<'a>(&'a self, key: &'a str, was_retry: bool, ttl: Duration) -> StoreFuture<'a, ()> {
        let _ = was_retry;
        self.release(key, ttl)
    }
}

/// A store could not be reached or answered nonsense.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoreError {
    message: String,
}

impl StoreError {
    /// An error with a message for the log. It must not hold secrets or payloads.
    pub fn new(message: impl Into<String>) -> Self {
        Self {
            message: message.into(),
        }
    }
}

impl fmt::Display for StoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "idempotency store: {}", self.message)
    }
}

impl std::error::Error for StoreError {}

impl<T: Store + ?Sized> Store for std::sync::Arc<T> {
    fn claim<'a>(&'a self, key: &'a str, lease: Duration) -> StoreFuture<'a, Claim> {
        (**self).claim(key, lease)
    }
    fn commit<'a>(&'a self, key: &'a str, ttl: Duration) -> StoreFuture<'a, ()> {
        (**self).commit(key, ttl)
    }
    fn release<'a>(&'a self, key: &'a str, ttl: Duration) -> StoreFuture<'a, ()> {
        (**self).release(key, ttl)
    }
    fn abandon<'a>(&'a self, key: &'a str, was_retry: bool, ttl: Duration) -> StoreFuture<'a, ()> {
        (**self).abandon(key, was_retry, ttl)
    }
}
