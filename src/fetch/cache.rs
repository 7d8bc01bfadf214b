//! [`KeyCache`]: the keys a scheme has fetched, parsed, by id (a canonical URL).

use std::{
    collections::HashMap,
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};

use bytes::Bytes;
use http::Request;

use super::{KeyFetcher, client::Fetched};
use crate::Rejection;

/// How long a key is kept when its server says nothing.
const DEFAULT_TTL: Duration = Duration::from_secs(3600);

/// The shortest a key is kept, whatever its server says: a `max-age=0` must not make every
/// delivery fetch.
const MIN_TTL: Duration = Duration::from_secs(60);

/// The longest a key is kept, whatever its server says.
const MAX_TTL: Duration = Duration::from_secs(24 * 3600);

/// How long a key past its time is still used while fetching it again fails (its server down,
/// or the fetch bound used up by a forger naming other URLs): a provider's keys do not stop
/// being valid the moment a cache says so.
const STALE_FOR: Duration = Duration::from_secs(24 * 3600);

/// How long a failed fetch is remembered: a key server that is down is not asked again by every
/// delivery meanwhile.
const FAILURE_TTL: Duration = Duration::from_secs(5);

/// The most ids remembered at once. Only ids on the provider's own hosts get here, so a forger
/// that names many of them fills this at the fetch bound's pace; past it, expired entries go
/// first, then failures, then the oldest.
const MAX_ENTRIES: usize = 1024;

/// Parsed keys by id, each until it expires (and, while a refresh fails, a while longer);
/// failures for a few seconds.
pub(crate) struct KeyCache<K> {
    entries: Mutex<HashMap<String, Entry<K>>>,
    // One fetch per id at a time: the deliveries that need it wait for it.
    loading: Mutex<HashMap<String, Arc<tokio::sync::Mutex<()>>>>,
}

struct Entry<K> {
    key: Result<Arc<K>, Rejection>,
    fetched: Instant,
    until: Instant,
}

impl<K> Entry<K> {
    fn fresh(&self, now: Instant) -> bool {
        self.until > now
    }
}

impl<K> std::fmt::Debug for KeyCache<K> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let held = self.entries.lock().map_or(0, |entries| entries.len());
        f.debug_struct("KeyCache").field("held", &held).finish()
    }
}

impl<K> Default for KeyCache<K> {
    fn default() -> Self {
        Self {
            entries: Mutex::new(HashMap::new()),
            loading: Mutex::new(HashMap::new()),
        }
    }
}

/// Removes an id from the single-flight map when its load ends, however it ends (a client that
/// goes away drops the load mid-fetch).
struct Loading<'a> {
    map: &'a Mutex<HashMap<String, Arc<tokio::sync::Mutex<()>>>>,
    id: &'a str,
}

impl Drop for Loading<'_> {
    fn drop(&mut self) {
        self.map
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(self.id);
    }
}

impl<K: Send + Sync + 'static> KeyCache<K> {
    /// The key for `id` if it is cached and fresh; `Err` if its last fetch failed a moment ago
    /// (and no older key is at hand); `Ok(None)` if it must be fetched.
    pub(crate) fn get(&self, id: &str) -> Result<Option<Arc<K>>, Rejection> {
        let entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        match entries.get(id) {
            Some(entry) if entry.fresh(Instant::now()) => entry.key.clone().map(Some),
            _ => Ok(None),
        }
    }

    /// [`get`](Self::get), but a document the fetcher has pinned for `id` is parsed and cached
    /// here and now: a scheme given pinned keys verifies without the layer's fetch.
    pub(crate) fn get_or_pinned(
        &self,
        id: &str,
        fetcher: &KeyFetcher,
        parse: fn(&[u8]) -> Result<K, &'static str>,
    ) -> Result<Option<Arc<K>>, Rejection> {
        if let Some(key) = self.get(id)? {
            return Ok(Some(key));
        }
        let Some(document) = fetcher.pinned(id) else {
            return Ok(None);
        };
        let key = Arc::new(parse(&document).map_err(Rejection::key_unavailable)?);
        self.insert(id.to_owned(), Ok(Arc::clone(&key)), MAX_TTL);
        Ok(Some(key))
    }

    /// Whether what is cached for `id` was fetched more than `age` ago (or nothing is).
    pub(crate) fn older_than(&self, id: &str, age: Duration) -> bool {
        let entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        entries
            .get(id)
            .is_none_or(|entry| entry.fetched.elapsed() > age)
    }

    /// Fetches `request` with `fetcher` and caches what `parse` makes of it under `id`, unless
    /// another delivery did meanwhile (`refresh`: even if what is cached is fresh, to pick up a
    /// rotated key; what is cached stays until the new document is in). A refresh that fails
    /// keeps a key that expired within [`STALE_FOR`]; a fetch refused by the fetcher's bound is
    /// not remembered as a failure.
    pub(crate) async fn load(
        self: Arc<Self>,
        id: String,
        fetcher: KeyFetcher,
        request: Request<Bytes>,
        parse: fn(&[u8]) -> Result<K, &'static str>,
        refresh: bool,
    ) -> Result<(), Rejection> {
        let lock = {
            let mut loading = self.loading.lock().unwrap_or_else(|e| e.into_inner());
            Arc::clone(loading.entry(id.clone()).or_default())
        };
        let _turn = lock.lock().await;
        let _loading = Loading {
            map: &self.loading,
            id: &id,
        };
        if !refresh || !self.older_than(&id, MIN_TTL) {
            match self.get(&id) {
                Ok(Some(_)) => return Ok(()),
                Err(rejection) => return Err(rejection),
                Ok(None) => {}
            }
        }
        let fetched = fetcher.fetch(request).await;
        let (key, ttl) = match fetched {
            Ok(Fetched { body, max_age }) => match parse(&body) {
                Ok(key) => (
                    Ok(Arc::new(key)),
                    max_age.unwrap_or(DEFAULT_TTL).clamp(MIN_TTL, MAX_TTL),
                ),
                Err(why) => (Err(Rejection::key_unavailable(why)), FAILURE_TTL),
            },
            Err(rejection) => (Err(rejection), FAILURE_TTL),
        };
        match key {
            Ok(key) => {
                self.insert(id.clone(), Ok(key), ttl);
                Ok(())
            }
            Err(rejection) => {
                if self.keep_stale(&id) {
                    return Ok(());
                }
                if !fetcher.was_refused_by_bound(&rejection) {
                    self.insert(id.clone(), Err(rejection.clone()), ttl);
                }
                Err(rejection)
            }
        }
    }

    /// A key for `id` that expired less than [`STALE_FOR`] ago is used a while longer; whether
    /// there was one.
    fn keep_stale(&self, id: &str) -> bool {
        let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        let now = Instant::now();
        match entries.get_mut(id) {
            Some(entry) if entry.key.is_ok() && entry.until + STALE_FOR > now => {
                entry.until = entry.until.max(now + FAILURE_TTL);
                true
            }
            _ => false,
        }
    }

    fn insert(&self, id: String, key: Result<Arc<K>, Rejection>, ttl: Duration) {
        let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        let now = Instant::now();
        if entries.len() >= MAX_ENTRIES && !entries.contains_key(&id) {
            entries.retain(|_, entry| {
                entry.fresh(now) || entry.key.is_ok() && entry.until + STALE_FOR > now
            });
        }
        if entries.len() >= MAX_ENTRIES && !entries.contains_key(&id) {
            // Failures go before keys, the oldest first.
            let victim = entries
                .iter()
                .min_by_key(|(_, entry)| (entry.key.is_ok(), entry.fetched))
                .map(|(id, _)| id.clone());
            if let Some(victim) = victim {
                entries.remove(&victim);
            }
        }
        entries.insert(
            id,
            Entry {
                key,
                fetched: now,
                until: now + ttl,
            },
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_full_cache_makes_room_failures_first() {
        let cache = KeyCache::<u8>::default();
        for n in 0..MAX_ENTRIES {
            cache.insert(format!("good-{n}"), Ok(Arc::new(1)), DEFAULT_TTL);
        }
        cache.insert(
            "failed".into(),
            Err(Rejection::key_unavailable("down")),
            FAILURE_TTL,
        );
        cache.insert("new".into(), Ok(Arc::new(2)), DEFAULT_TTL);
        assert_eq!(*cache.get("new").unwrap().unwrap(), 2);
        assert!(
            cache.get("failed").unwrap().is_none(),
            "the failure made room"
        );
        assert_eq!(cache.entries.lock().unwrap().len(), MAX_ENTRIES);
    }
}
