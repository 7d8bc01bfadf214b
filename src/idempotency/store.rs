//! [`Store`]: where claims on deliveries live.

use std::{
    fmt,
    future::Future,
    hash::{BuildHasher as _, Hasher as _},
    pin::Pin,
    sync::{
        OnceLock,
        atomic::{AtomicU64, Ordering},
    },
    time::Duration,
};

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
        /// The proof of holding it: [`Store::renew`], [`Store::release`] and
        /// [`Store::abandon`] act only for it.
        token: ClaimToken,
    },
    /// Another attempt holds it right now (a concurrent duplicate).
    InProgress,
    /// It was handled already: the claim was committed.
    Done,
}

/// The proof that one attempt holds a claim: a value no other claim of any store in any
/// process is given (64 random bits per process and a counter), so a late attempt whose lease
/// lapsed cannot release, renew or give up the claim of the attempt after it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ClaimToken(u128);

impl ClaimToken {
    /// A token no other call returns, for a [`Store`] to hand out with [`Claim::Claimed`].
    #[must_use]
    pub fn new() -> Self {
        static PROCESS: OnceLock<u64> = OnceLock::new();
        static COUNTER: AtomicU64 = AtomicU64::new(0);
        // Uniqueness is all a token needs (it never leaves the stores): a per-process random
        // value from the standard library's hasher keys, and a counter.
        let process = *PROCESS.get_or_init(|| {
            let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
            hasher.write_u64(std::process::id().into());
            hasher.finish()
        });
        let count = COUNTER.fetch_add(1, Ordering::Relaxed);
        Self((u128::from(process) << 64) | u128::from(count))
    }

    /// The token as 32 hexadecimal digits, for a store that keeps it as text.
    #[must_use]
    pub fn to_hex(self) -> String {
        format!("{:032x}", self.0)
    }
}

impl Default for ClaimToken {
    fn default() -> Self {
        Self::new()
    }
}

/// Where the idempotency stage records deliveries. Every method is atomic for one key: of two
/// concurrent claims on a key, exactly one gets [`Claim::Claimed`], and only the holder of its
/// [`ClaimToken`] can renew, release or give it up.
///
/// [`MemoryStore`](super::MemoryStore) is the default; with the `redis` feature,
/// `RedisStore` shares the record between instances.
pub trait Store: Send + Sync + 'static {
    /// Claims `key` for `lease` (after which an unfinished claim lapses, so a crashed attempt
    /// does not block the provider's retries for ever). Fails when the store cannot take a new
    /// key (a full [`MemoryStore`](super::MemoryStore)): the delivery gets `503` and is retried.
    fn claim<'a>(&'a self, key: &'a str, lease: Duration) -> StoreFuture<'a, Claim>;

    /// Extends the claim `token` holds on `key` to `lease` from now, while its handler runs;
    /// `false` when the claim is no longer this token's.
    fn renew<'a>(
        &'a self,
        key: &'a str,
        token: ClaimToken,
        lease: Duration,
    ) -> StoreFuture<'a, bool>;

    /// Marks `key` handled, remembered for `ttl`: the handler of the attempt holding `token`
    /// succeeded. A live claim of another attempt is left alone (its outcome decides).
    fn commit<'a>(&'a self, key: &'a str, token: ClaimToken, ttl: Duration) -> StoreFuture<'a, ()>;

    /// Gives the claim `token` holds on `key` up (the handler failed), so the provider's retry
    /// is handled. Does nothing when the claim is no longer this token's.
    fn release<'a>(&'a self, key: &'a str, token: ClaimToken, ttl: Duration)
    -> StoreFuture<'a, ()>;

    /// Gives up the claim `token` holds on `key` when its handler never ran (the delivery was
    /// refused before it, for another event of its batch or a store error), putting `key` back
    /// as it was: released if the claim was a retry, absent otherwise, so the next attempt is
    /// not taken for a retry. Does nothing when the claim is no longer this token's.
    fn abandon<'a>(
        &'a self,
        key: &'a str,
        token: ClaimToken,
        was_retry: bool,
        ttl: Duration,
    ) -> StoreFuture<'a, ()>;
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
    fn renew<'a>(
        &'a self,
        key: &'a str,
        token: ClaimToken,
        lease: Duration,
    ) -> StoreFuture<'a, bool> {
        (**self).renew(key, token, lease)
    }
    fn commit<'a>(&'a self, key: &'a str, token: ClaimToken, ttl: Duration) -> StoreFuture<'a, ()> {
        (**self).commit(key, token, ttl)
    }
    fn release<'a>(
        &'a self,
        key: &'a str,
        token: ClaimToken,
        ttl: Duration,
    ) -> StoreFuture<'a, ()> {
        (**self).release(key, token, ttl)
    }
    fn abandon<'a>(
        &'a self,
        key: &'a str,
        token: ClaimToken,
        was_retry: bool,
        ttl: Duration,
    ) -> StoreFuture<'a, ()> {
        (**self).abandon(key, token, was_retry, ttl)
    }
}
