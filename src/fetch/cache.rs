//! [`KeyCache`]: the keys a scheme has fetched, parsed, by id (a URL, a `kid`).

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

/// The longest a key is kept, whatever its server says.
const MAX_TTL: Duration = Duration::from_secs(24 * 3600);

/// How long a failed fetch is remembered: a key server that is down is not asked again by every
/// delivery meanwhile.
const FAILURE_TTL: Duration = Duration::from_secs(5);

/// The most ids remembered at once. Only ids on the provider's own hosts get here, so a forger
/// that names many of them (SNS paths that do not exist) fills this at the fetch bound's pace,
/// and past it expired entries make room first.
const MAX_ENTRIES: usize = 1024;

/// Parsed keys by id, each until it expires; failures for a few seconds.
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

impl<K: Send + Sync + 'static> KeyCache<K> {
    /// The key for `id` if it is cached and fresh; `Err` if its last fetch failed a moment ago;
    /// `Ok(None)` if it must be fetched.
    pub(crate) fn get(&self, id: &str) -> Result<Option<Arc<K>>, Rejection> {
        let entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        match entries.get(id) {
            Some(entry) if entry.until > Instant::now() => entry.key.clone().map(Some),
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
        let now = Instant::now();
        self.insert(
            id.to_owned(),
            Entry {
                key: Ok(Arc::clone(&key)),
                fetched: now,
                until: now + MAX_TTL,
            },
        );
        Ok(Some(key))
    }

    /// Whether what is cached for `id` was fetched more than `age` ago (or nothing is).
    pub(crate) fn older_than(&self, id: &str, age: Duration) -> bool {
        let entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        entries
            .get(id)
            .is_none_or(|entry| entry.fetched.elapsed() > age)
    }

    /// Forgets what is cached for `id`, to fetch it again.
    pub(crate) fn forget(&self, id: &str) {
        self.entries
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(id);
    }

    /// Fetches `request` with `fetcher` and caches what `parse` makes of it under `id`, unless
    /// another delivery did meanwhile.
    pub(crate) async fn load(
        self: Arc<Self>,
        id: String,
        fetcher: KeyFetcher,
        request: Request<Bytes>,
        parse: fn(&[u8]) -> Result<K, &'static str>,
    ) -> Result<(), Rejection> {
        let lock = {
            let mut loading = self.loading.lock().unwrap_or_else(|e| e.into_inner());
            Arc::clone(loading.entry(id.clone()).or_default())
        };
        let _turn = lock.lock().await;
        let result = match self.get(&id) {
            Ok(Some(_)) => Ok(()),
            Err(rejection) => Err(rejection),
            Ok(None) => {
                let fetched = fetcher.fetch(request).await;
                let (key, ttl) = match fetched {
                    Ok(Fetched { body, max_age }) => match parse(&body) {
                        Ok(key) => (
                            Ok(Arc::new(key)),
                            max_age.unwrap_or(DEFAULT_TTL).min(MAX_TTL),
                        ),
                        Err(why) => (Err(Rejection::key_unavailable(why)), FAILURE_TTL),
                    },
                    Err(rejection) => (Err(rejection), FAILURE_TTL),
                };
                let outcome = key.as_ref().map(drop).map_err(Clone::clone);
                let now = Instant::now();
                self.insert(
                    id.clone(),
                    Entry {
                        key,
                        fetched: now,
                        until: now + ttl,
                    },
                );
                outcome
            }
        };
        self.loading
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(&id);
        result
    }

    fn insert(&self, id: String, entry: Entry<K>) {
        let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        if entries.len() >= MAX_ENTRIES {
            let now = Instant::now();
            entries.retain(|_, entry| entry.until > now);
        }
        if entries.len() < MAX_ENTRIES || entries.contains_key(&id) {
            entries.insert(id, entry);
        }
    }
}
