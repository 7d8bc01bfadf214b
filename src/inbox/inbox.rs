//! [`Inbox`]: the handle every part of the inbox shares: accepting, working, inspecting.

use std::{fmt, sync::Arc, time::Duration};

use tokio::sync::Notify;

use super::{
    EventRecord, Filter, InboxError, NewEvent, SqliteInbox, Stats, Stored, backend::Backend,
    sqlite::RetryTarget,
};
use crate::Clock;

/// A durable inbox: where [`Accept`](super::Accept) stores verified deliveries, where a
/// [`Worker`](super::Worker) finds the events to handle, and what you inspect and replay. Cheap
/// to clone: the clones share one database.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")] async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// use tower_webhooks::inbox::{Inbox, NewEvent};
///
/// let dir = std::env::temp_dir().join(format!("inbox-doc-{}", std::process::id()));
/// std::fs::create_dir_all(&dir)?;
/// let inbox = Inbox::sqlite(dir.join("webhooks.db"))?;
/// let event = NewEvent::new("xero", "xero:event:1f2e", br#"{"eventType":"UPDATE"}"#.to_vec());
/// assert_eq!(inbox.store(vec![event.clone()]).await?.new_events, 1);
/// // The provider's retry: acknowledged, not stored again.
/// assert_eq!(inbox.store(vec![event]).await?.new_events, 0);
/// assert_eq!(inbox.stats().await?.pending, 1);
/// # drop(inbox); std::fs::remove_dir_all(dir)?; Ok(()) }
/// ```
#[derive(Clone)]
pub struct Inbox {
    backend: Arc<dyn Backend>,
    stored: Arc<Notify>,
    clock: Clock,
}

impl Inbox {
    /// The inbox in the SQLite file at `path`, created when it does not exist
    /// ([`SqliteInbox::open`]).
    pub fn sqlite(path: impl AsRef<std::path::Path>) -> Result<Self, InboxError> {
        SqliteInbox::open(path).map(Self::from)
    }

    /// The inbox in the PostgreSQL database at `url` ([`PostgresInbox::connect`](super::PostgresInbox::connect)).
    #[cfg(feature = "postgres")]
    #[cfg_attr(docsrs, doc(cfg(feature = "postgres")))]
    pub async fn postgres(url: &str) -> Result<Self, InboxError> {
        super::PostgresInbox::connect(url).await.map(Self::from)
    }

    pub(crate) fn from_backend(backend: Arc<dyn Backend>) -> Self {
        Self {
            backend,
            stored: Arc::new(Notify::new()),
            clock: Clock::system(),
        }
    }

    /// Reads the time from `clock`: when events are received, when their next attempt is due,
    /// when leases end. For tests that step through retries; the system clock otherwise.
    #[must_use]
    pub fn with_clock(mut self, clock: Clock) -> Self {
        self.clock = clock;
        self
    }

    pub(crate) fn backend(&self) -> &dyn Backend {
        &*self.backend
    }

    pub(crate) fn now_ms(&self) -> i64 {
        self.clock.now_unix_millis()
    }

    /// Notified when this process stores new events or makes events due.
    pub(crate) fn wake(&self) -> &Arc<Notify> {
        &self.stored
    }

    /// Stores one delivery's events, and returns once they are durable: acknowledge the
    /// delivery only then. Events whose key is stored already are not stored again.
    pub async fn store(&self, events: Vec<NewEvent>) -> Result<Stored, InboxError> {
        let stored = self.backend.store(events, self.now_ms()).await?;
        if stored.new_events > 0 {
            self.stored.notify_waiters();
        }
        Ok(stored)
    }

    /// What the inbox holds now: gauges to scrape or log.
    pub async fn stats(&self) -> Result<Stats, InboxError> {
        self.backend.stats(self.now_ms()).await
    }

    /// The stored event `id`, if the inbox holds it.
    pub async fn event(&self, id: i64) -> Result<Option<EventRecord>, InboxError> {
        self.backend.event(id).await
    }

    /// The stored events `filter` picks, newest first.
    pub async fn list(&self, filter: Filter) -> Result<Vec<EventRecord>, InboxError> {
        self.backend.list(filter).await
    }

    /// Makes event `id` (dead, or pending and waiting for its next attempt) due now, with its
    /// attempts counted from zero again; `false` when there is no such event, or it is
    /// handled or running.
    pub async fn retry(&self, id: i64) -> Result<bool, InboxError> {
        let retried = self
            .backend
            .retry(RetryTarget::One(id), self.now_ms())
            .await?;
        self.stored.notify_waiters();
        Ok(retried == 1)
    }

    /// Makes every dead event due now, with its attempts counted from zero again; returns how
    /// many.
    pub async fn retry_dead(&self) -> Result<u64, InboxError> {
        let retried = self.backend.retry(RetryTarget::Dead, self.now_ms()).await?;
        self.stored.notify_waiters();
        Ok(retried)
    }

    /// Deletes the events handled more than `older_than` ago, and with `dead` the dead ones
    /// given up that long ago too; returns how many. A provider's retry of a purged event is
    /// stored again: keep handled events for at least as long as the provider retries.
    pub async fn purge(&self, older_than: Duration, dead: bool) -> Result<u64, InboxError> {
        /// Events deleted a transaction: a purge of millions never holds the writer long.
        const BATCH: u32 = 10_000;
        let older_than = i64::try_from(older_than.as_millis()).unwrap_or(i64::MAX);
        let before = self.now_ms().saturating_sub(older_than);
        let mut purged = 0;
        loop {
            let deleted = self.backend.purge(before, dead, BATCH).await?;
            purged += deleted;
            if deleted < u64::from(BATCH) {
                return Ok(purged);
            }
        }
    }
}

impl From<SqliteInbox> for Inbox {
    fn from(inbox: SqliteInbox) -> Self {
        Self::from_backend(Arc::new(inbox))
    }
}

#[cfg(feature = "postgres")]
impl From<super::PostgresInbox> for Inbox {
    fn from(inbox: super::PostgresInbox) -> Self {
        Self::from_backend(Arc::new(inbox))
    }
}

impl fmt::Debug for Inbox {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Inbox")
            .field("backend", &self.backend)
            .finish_non_exhaustive()
    }
}
