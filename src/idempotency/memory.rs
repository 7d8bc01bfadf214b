//! [`MemoryStore`]: claims in this process's memory, bounded, with a time to live.

use std::{
    collections::{HashMap, VecDeque},
    sync::Mutex,
    time::{Duration, Instant},
};

use super::{Claim, Store, StoreError, StoreFuture};

/// The default capacity: 100,000 deliveries.
pub const DEFAULT_CAPACITY: usize = 100_000;

/// Claims kept in memory: no set-up, but one process only (use a shared store, such as Redis,
/// behind a load balancer) and forgotten on restart.
///
/// It holds at most `capacity` keys; past that the oldest go first, expired or not, so memory
/// stays bounded whatever arrives. Size it above the deliveries you receive in a provider's
/// retry window.
///
/// ```
/// use tower_webhooks::idempotency::{Claim, MemoryStore, Store};
/// use std::time::Duration;
///
/// # #[tokio::main(flavor = "current_thread")] async fn main() {
/// let store = MemoryStore::new(1_000);
/// let lease = Duration::from_secs(60);
/// assert_eq!(store.claim("evt_1", lease).await.unwrap(), Claim::Claimed { retry: false });
/// assert_eq!(store.claim("evt_1", lease).await.unwrap(), Claim::InProgress);
/// store.commit("evt_1", Duration::from_secs(3600)).await.unwrap();
/// assert_eq!(store.claim("evt_1", lease).await.unwrap(), Claim::Done);
/// # }
/// ```
#[derive(Debug)]
pub struct MemoryStore {
    capacity: usize,
    state: Mutex<State>,
}

#[derive(Debug, Default)]
struct State {
    entries: HashMap<String, Entry>,
    /// Keys in the order they were first stored, for eviction; a key's current entry decides.
    order: VecDeque<String>,
}

#[derive(Debug, Clone, Copy)]
struct Entry {
    status: Status,
    expires: Instant,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Status {
    Claimed,
    Released,
    Done,
}

impl MemoryStore {
    /// A store for at most `capacity` keys.
    #[must_use]
    pub fn new(capacity: usize) -> Self {
        Self {
            capacity: capacity.max(1),
            state: Mutex::new(State::default()),
        }
    }

    /// How many keys it holds now (expired ones included until they are swept).
    #[must_use]
    pub fn len(&self) -> usize {
        self.lock().entries.len()
    }

    /// Whether it holds none.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        // A panic while holding the lock cannot leave the map half-written: every update is
        // one insert or remove. Keep serving.
        self.state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn claim_now(&self, key: &str, lease: Duration) -> Claim {
        let now = Instant::now();
        let mut state = self.lock();
        let previous = state.entries.get(key).filter(|e| e.expires > now).copied();
        let claim = match previous.map(|e| e.status) {
            Some(Status::Claimed) => return Claim::InProgress,
            Some(Status::Done) => return Claim::Done,
            Some(Status::Released) => Claim::Claimed { retry: true },
            None => Claim::Claimed { retry: false },
        };
        let entry = Entry {
            status: Status::Claimed,
            expires: now + lease,
        };
        if state.entries.insert(key.to_owned(), entry).is_none() {
            state.order.push_back(key.to_owned());
        }
        self.sweep(&mut state, now);
        claim
    }

    fn set(&self, key: &str, status: Status, ttl: Duration) {
        let now = Instant::now();
        let mut state = self.lock();
        let entry = Entry {
            status,
            expires: now + ttl,
        };
        if state.entries.insert(key.to_owned(), entry).is_none() {
            state.order.push_back(key.to_owned());
        }
        self.sweep(&mut state, now);
    }

    /// Drops expired keys from the front, and the oldest keys while over capacity.
    fn sweep(&self, state: &mut State, now: Instant) {
        while let Some(oldest) = state.order.front() {
            let expired = state.entries.get(oldest).is_none_or(|e| e.expires <= now);
            if !expired && state.entries.len() <= self.capacity {
                break;
            }
            let oldest = state.order.pop_front().expect("front exists");
            state.entries.remove(&oldest);
        }
    }
}

impl Default for MemoryStore {
    fn default() -> Self {
        Self::new(DEFAULT_CAPACITY)
    }
}

impl Store for MemoryStore {
    fn claim<'a>(&'a self, key: &'a str, lease: Duration) -> StoreFuture<'a, Claim> {
        let claim = self.claim_now(key, lease);
        Box::pin(async move { Ok::<_, StoreError>(claim) })
    }

    fn commit<'a>(&'a self, key: &'a str, ttl: Duration) -> StoreFuture<'a, ()> {
        self.set(key, Status::Done, ttl);
        Box::pin(async { Ok(()) })
    }

    fn release<'a>(&'a self, key: &'a str, ttl: Duration) -> StoreFuture<'a, ()> {
        self.set(key, Status::Released, ttl);
        Box::pin(async { Ok(()) })
    }

    fn abandon<'a>(&'a self, key: &'a str, was_retry: bool, ttl: Duration) -> StoreFuture<'a, ()> {
        if was_retry {
            self.set(key, Status::Released, ttl);
        } else {
            // Its place in the eviction order goes stale; `sweep` skips keys no longer stored.
            self.lock().entries.remove(key);
        }
        Box::pin(async { Ok(()) })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn block<T>(future: StoreFuture<'_, T>) -> T {
        tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap()
            .block_on(future)
            .unwrap()
    }

    #[test]
    fn claims_lapse_after_their_lease_and_releases_mark_retries() {
        let store = MemoryStore::new(10);
        assert_eq!(
            block(store.claim("a", Duration::ZERO)),
            Claim::Claimed { retry: false }
        );
        // A zero lease has lapsed already: a crashed attempt does not block the retry.
        assert_eq!(
            block(store.claim("a", Duration::from_secs(60))),
            Claim::Claimed { retry: false }
        );
        block(store.release("a", Duration::from_secs(60)));
        assert_eq!(
            block(store.claim("a", Duration::from_secs(60))),
            Claim::Claimed { retry: true }
        );
        block(store.commit("a", Duration::from_secs(60)));
        assert_eq!(
            block(store.claim("a", Duration::from_secs(60))),
            Claim::Done
        );
    }

    #[test]
    fn memory_stays_bounded_by_the_capacity() {
        let store = MemoryStore::new(100);
        for i in 0..10_000 {
            block(store.claim(&format!("k{i}"), Duration::from_secs(60)));
            block(store.commit(&format!("k{i}"), Duration::from_secs(60)));
        }
        assert_eq!(store.len(), 100);
        assert_eq!(store.lock().order.len(), 100);
        // The newest are the ones kept.
        assert_eq!(
            block(store.claim("k9999", Duration::from_secs(60))),
            Claim::Done
        );
        assert_eq!(
            block(store.claim("k0", Duration::from_secs(60))),
            Claim::Claimed { retry: false }
        );
    }
}
