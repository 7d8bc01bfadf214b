//! [`MemoryStore`]: claims in this process's memory, bounded, with a time to live.

use std::{
    collections::{BTreeMap, HashMap},
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};

use super::{Claim, ClaimToken, Store, StoreError, StoreFuture};

/// The default capacity: 100,000 deliveries.
pub const DEFAULT_CAPACITY: usize = 100_000;

/// Claims kept in memory: no set-up, but one process only (use a shared store, such as Redis,
/// behind a load balancer) and forgotten on restart.
///
/// It holds at most `capacity` keys. To make room for a new one it drops keys whose time is
/// up, then released ones (their handler failed; the retry then runs as a first attempt),
/// oldest first; a claim in progress or a handled delivery is never dropped before its time,
/// so that a flood of new deliveries on one route cannot make another route's duplicates run
/// again. When every place is taken by those, a new claim fails and the delivery gets `503`
/// (the provider retries it later). Size it above the deliveries you receive in a provider's
/// retry window.
///
/// ```
/// use tower_webhooks::idempotency::{Claim, MemoryStore, Store};
/// use std::time::Duration;
///
/// # #[tokio::main(flavor = "current_thread")] async fn main() {
/// let store = MemoryStore::new(1_000);
/// let lease = Duration::from_secs(60);
/// let Claim::Claimed { retry: false, token } = store.claim("evt_1", lease).await.unwrap() else {
///     panic!("a new key is claimed");
/// };
/// assert_eq!(store.claim("evt_1", lease).await.unwrap(), Claim::InProgress);
/// store.commit("evt_1", token, Duration::from_secs(3600)).await.unwrap();
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
    entries: HashMap<Arc<str>, Entry>,
    /// Every entry by when its time is up (ties broken by when it was written).
    expiry: BTreeMap<(Instant, u64), Arc<str>>,
    /// Released entries by when they were written: the first to go when room is needed.
    released: BTreeMap<u64, Arc<str>>,
    /// Orders writes.
    writes: u64,
}

#[derive(Debug, Clone, Copy)]
struct Entry {
    status: Status,
    expires: Instant,
    written: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Status {
    Claimed(ClaimToken),
    Released,
    Done,
}

impl State {
    fn live(&self, key: &str, now: Instant) -> Option<Entry> {
        self.entries.get(key).filter(|e| e.expires > now).copied()
    }

    fn remove(&mut self, key: &str) {
        if let Some(entry) = self.entries.remove(key) {
            self.expiry.remove(&(entry.expires, entry.written));
            if entry.status == Status::Released {
                self.released.remove(&entry.written);
            }
        }
    }

    fn put(&mut self, key: &str, status: Status, expires: Instant) {
        self.remove(key);
        self.writes += 1;
        let written = self.writes;
        let key: Arc<str> = key.into();
        self.expiry.insert((expires, written), Arc::clone(&key));
        if status == Status::Released {
            self.released.insert(written, Arc::clone(&key));
        }
        self.entries.insert(
            key,
            Entry {
                status,
                expires,
                written,
            },
        );
    }

    /// Makes room for one more key under `capacity`: expired keys go, then released ones.
    fn make_room(&mut self, capacity: usize, now: Instant) -> Result<(), StoreError> {
        while let Some((&(expires, _), key)) = self.expiry.first_key_value() {
            if expires > now {
                break;
            }
            let key = Arc::clone(key);
            self.remove(&key);
        }
        while self.entries.len() >= capacity {
            let Some((_, key)) = self.released.first_key_value() else {
                return Err(StoreError::new(
                    "the memory store is full of claims in progress and handled deliveries",
                ));
            };
            let key = Arc::clone(key);
            self.remove(&key);
        }
        Ok(())
    }
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
        // one `put` or `remove`, which do not panic. Keep serving.
        self.state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn claim_now(&self, key: &str, lease: Duration) -> Result<Claim, StoreError> {
        let now = Instant::now();
        let mut state = self.lock();
        let retry = match state.live(key, now).map(|e| e.status) {
            Some(Status::Claimed(_)) => return Ok(Claim::InProgress),
            Some(Status::Done) => return Ok(Claim::Done),
            Some(Status::Released) => true,
            None => {
                state.remove(key); // an expired entry, if any, takes no place
                state.make_room(self.capacity, now)?;
                false
            }
        };
        let token = ClaimToken::new();
        state.put(key, Status::Claimed(token), now + lease);
        Ok(Claim::Claimed { retry, token })
    }

    /// Whether `token` holds a live claim on `key`.
    fn holds(state: &State, key: &str, token: ClaimToken, now: Instant) -> bool {
        state
            .live(key, now)
            .is_some_and(|e| e.status == Status::Claimed(token))
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
        Box::pin(async move { claim })
    }

    fn renew<'a>(
        &'a self,
        key: &'a str,
        token: ClaimToken,
        lease: Duration,
    ) -> StoreFuture<'a, bool> {
        let now = Instant::now();
        let mut state = self.lock();
        let held = Self::holds(&state, key, token, now);
        if held {
            state.put(key, Status::Claimed(token), now + lease);
        }
        Box::pin(async move { Ok(held) })
    }

    fn commit<'a>(&'a self, key: &'a str, token: ClaimToken, ttl: Duration) -> StoreFuture<'a, ()> {
        let now = Instant::now();
        let mut state = self.lock();
        let result = match state.live(key, now).map(|e| e.status) {
            // Another attempt holds it now: its outcome decides.
            Some(Status::Claimed(other)) if other != token => Ok(()),
            Some(_) => {
                state.put(key, Status::Done, now + ttl);
                Ok(())
            }
            // The claim lapsed and was swept: the handler ran all the same.
            None => state.make_room(self.capacity, now).map(|()| {
                state.put(key, Status::Done, now + ttl);
            }),
        };
        Box::pin(async move { result })
    }

    fn release<'a>(
        &'a self,
        key: &'a str,
        token: ClaimToken,
        ttl: Duration,
    ) -> StoreFuture<'a, ()> {
        let now = Instant::now();
        let mut state = self.lock();
        if Self::holds(&state, key, token, now) {
            state.put(key, Status::Released, now + ttl);
        }
        Box::pin(async { Ok(()) })
    }

    fn abandon<'a>(
        &'a self,
        key: &'a str,
        token: ClaimToken,
        was_retry: bool,
        ttl: Duration,
    ) -> StoreFuture<'a, ()> {
        let now = Instant::now();
        let mut state = self.lock();
        if Self::holds(&state, key, token, now) {
            if was_retry {
                state.put(key, Status::Released, now + ttl);
            } else {
                state.remove(key);
            }
        }
        Box::pin(async { Ok(()) })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn block<T>(future: StoreFuture<'_, T>) -> Result<T, StoreError> {
        tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap()
            .block_on(future)
    }

    const MINUTE: Duration = Duration::from_secs(60);

    fn claimed(store: &MemoryStore, key: &str, lease: Duration) -> (bool, ClaimToken) {
        match block(store.claim(key, lease)).unwrap() {
            Claim::Claimed { retry, token } => (retry, token),
            other => panic!("{key}: {other:?}"),
        }
    }

    #[test]
    fn claims_lapse_after_their_lease_and_releases_mark_retries() {
        let store = MemoryStore::new(10);
        let (retry, _) = claimed(&store, "a", Duration::ZERO);
        assert!(!retry);
        // A zero lease has lapsed already: a crashed attempt does not block the retry.
        let (retry, token) = claimed(&store, "a", MINUTE);
        assert!(!retry);
        block(store.release("a", token, MINUTE)).unwrap();
        let (retry, token) = claimed(&store, "a", MINUTE);
        assert!(retry);
        block(store.commit("a", token, MINUTE)).unwrap();
        assert_eq!(block(store.claim("a", MINUTE)).unwrap(), Claim::Done);
    }

    #[test]
    fn only_the_holder_of_a_claim_releases_renews_or_gives_it_up() {
        let store = MemoryStore::new(10);
        // A's lease lapses while its handler still runs; B claims the retry.
        let (_, a) = claimed(&store, "k", Duration::ZERO);
        let (_, b) = claimed(&store, "k", MINUTE);
        assert_ne!(a, b);
        // A's late release, renewal and abandon leave B's claim alone.
        block(store.release("k", a, MINUTE)).unwrap();
        assert!(!block(store.renew("k", a, MINUTE)).unwrap());
        block(store.abandon("k", a, false, MINUTE)).unwrap();
        assert_eq!(block(store.claim("k", MINUTE)).unwrap(), Claim::InProgress);
        // A's late commit does not end B's claim either: B's outcome decides.
        block(store.commit("k", a, MINUTE)).unwrap();
        assert_eq!(block(store.claim("k", MINUTE)).unwrap(), Claim::InProgress);
        assert!(block(store.renew("k", b, MINUTE)).unwrap());
        block(store.release("k", b, MINUTE)).unwrap();
        let (retry, _) = claimed(&store, "k", MINUTE);
        assert!(retry);
    }

    #[test]
    fn a_renewed_claim_outlives_its_first_lease() {
        let store = MemoryStore::new(10);
        let (_, token) = claimed(&store, "k", Duration::from_millis(30));
        assert!(block(store.renew("k", token, MINUTE)).unwrap());
        std::thread::sleep(Duration::from_millis(50));
        assert_eq!(block(store.claim("k", MINUTE)).unwrap(), Claim::InProgress);
    }

    #[test]
    fn memory_stays_bounded_and_a_flood_never_evicts_handled_deliveries() {
        let store = MemoryStore::new(100);
        for i in 0..100 {
            let key = format!("stripe:{i}");
            let (_, token) = claimed(&store, &key, MINUTE);
            block(store.commit(&key, token, MINUTE)).unwrap();
        }
        // Full of handled deliveries: a flood of new keys is refused, and evicts none of them.
        for i in 0..1_000 {
            assert!(block(store.claim(&format!("twilio:{i}"), MINUTE)).is_err());
        }
        assert_eq!(store.len(), 100);
        for i in 0..100 {
            let claim = block(store.claim(&format!("stripe:{i}"), MINUTE)).unwrap();
            assert_eq!(claim, Claim::Done, "stripe:{i}");
        }
    }

    #[test]
    fn room_is_made_from_expired_then_released_keys_oldest_first() {
        let store = MemoryStore::new(3);
        let (_, old) = claimed(&store, "released-old", MINUTE);
        block(store.release("released-old", old, MINUTE)).unwrap();
        let (_, new) = claimed(&store, "released-new", MINUTE);
        block(store.release("released-new", new, MINUTE)).unwrap();
        let _ = claimed(&store, "lapsed", Duration::ZERO);
        // The lapsed claim goes first, then the oldest released key.
        let _ = claimed(&store, "a", MINUTE);
        assert_eq!(store.len(), 3);
        let _ = claimed(&store, "b", MINUTE);
        assert_eq!(store.len(), 3);
        let (retry, _) = claimed(&store, "released-old", MINUTE);
        assert!(!retry, "the oldest released key was dropped for room");
        let indexed = store.lock().expiry.len();
        assert_eq!(indexed, store.len(), "every key indexed once");
    }
}
