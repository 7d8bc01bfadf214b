//! [`SqliteInbox`]: the inbox in one SQLite file, written by one thread in groups.

use std::{
    fmt,
    path::{Path, PathBuf},
    sync::{
        Arc,
        atomic::{AtomicU64, Ordering},
        mpsc,
    },
    thread::JoinHandle,
    time::{SystemTime, UNIX_EPOCH},
};

use rusqlite::{Connection, params};
use tokio::sync::oneshot;

use super::{InboxError, InboxErrorKind, schema};

/// The most deliveries one transaction takes: a bound on how long one group holds the writer.
const MAX_GROUP: usize = 1024;

/// An event to store: the scheme that verified it, the key it is de-duplicated on (the signed
/// key the idempotency stage uses), and its verified bytes.
#[derive(Clone)]
pub struct NewEvent {
    scheme: String,
    dedup_key: String,
    payload: Vec<u8>,
}

impl NewEvent {
    /// An event verified by `scheme`, de-duplicated on `dedup_key`.
    pub fn new(scheme: &str, dedup_key: &str, payload: Vec<u8>) -> Self {
        Self {
            scheme: scheme.to_owned(),
            dedup_key: dedup_key.to_owned(),
            payload,
        }
    }
}

impl fmt::Debug for NewEvent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The payload is the provider's data: its size, not its bytes.
        f.debug_struct("NewEvent")
            .field("scheme", &self.scheme)
            .field("dedup_key", &self.dedup_key)
            .field("payload_len", &self.payload.len())
            .finish()
    }
}

/// What [`SqliteInbox::store`] did: the delivery's events are on disk, `new_events` of them
/// for the first time (the others were stored by an earlier attempt).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Stored {
    /// Events stored by this call; the rest of the delivery's were stored already.
    pub new_events: usize,
}

/// What an inbox holds, from [`SqliteInbox::stats`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Stats {
    /// Every event stored.
    pub events: u64,
    /// Events no worker has handled yet.
    pub pending: u64,
}

struct Job {
    events: Vec<NewEvent>,
    reply: oneshot::Sender<Result<Stored, InboxError>>,
}

/// The inbox in one SQLite file. See the [module docs](super).
///
/// | setting | value |
/// |---|---|
/// | journal | WAL, `synchronous=FULL`: a stored delivery survives a crash or power loss |
/// | writes | one thread, in groups of up to 1,024 deliveries per transaction |
/// | schema | created on first open, versioned ([`SCHEMA_VERSION`](super::SCHEMA_VERSION)); a foreign or newer file is refused and left untouched |
pub struct SqliteInbox {
    path: PathBuf,
    jobs: Option<mpsc::Sender<Job>>,
    writer: Option<JoinHandle<()>>,
    commits: Arc<AtomicU64>,
}

impl SqliteInbox {
    /// Opens the inbox at `path`, creating it when the file does not exist.
    pub fn open(path: impl AsRef<Path>) -> Result<Self, InboxError> {
        Self::open_inner(path.as_ref(), None)
    }

    /// Opens the inbox at `path`, refusing to store ([`InboxErrorKind::Full`]) once the file
    /// would grow past about `max_bytes`: a flood of deliveries then gets `503` rather than
    /// filling the disk.
    pub fn open_capped(path: impl AsRef<Path>, max_bytes: u64) -> Result<Self, InboxError> {
        Self::open_inner(path.as_ref(), Some(max_bytes))
    }

    fn open_inner(path: &Path, max_bytes: Option<u64>) -> Result<Self, InboxError> {
        let mut connection = Connection::open(path)?;
        let mode: String =
            connection.pragma_update_and_check(None, "journal_mode", "WAL", |row| row.get(0))?;
        if !mode.eq_ignore_ascii_case("wal") {
            return Err(InboxError::new(
                InboxErrorKind::Storage,
                format!("the journal stays in {mode} mode, not WAL"),
            ));
        }
        connection.pragma_update(None, "synchronous", "FULL")?;
        schema::prepare(&mut connection)?;
        if let Some(max_bytes) = max_bytes {
            let page_size: u64 =
                connection.pragma_query_value(None, "page_size", |row| row.get(0))?;
            connection.pragma_update(None, "max_page_count", (max_bytes / page_size).max(1))?;
        }
        let (jobs, queue) = mpsc::channel();
        let commits = Arc::new(AtomicU64::new(0));
        let writer = std::thread::Builder::new()
            .name("tower-webhooks inbox writer".into())
            .spawn({
                let commits = Arc::clone(&commits);
                move || write_groups(connection, &queue, &commits)
            })
            .map_err(|e| InboxError::new(InboxErrorKind::Storage, e.to_string()))?;
        Ok(Self {
            path: path.to_owned(),
            jobs: Some(jobs),
            writer: Some(writer),
            commits,
        })
    }

    /// Stores one delivery's events, and returns once they are on disk: acknowledge the
    /// delivery only then. Events whose key is stored already are not stored again.
    pub async fn store(&self, events: Vec<NewEvent>) -> Result<Stored, InboxError> {
        let (reply, answer) = oneshot::channel();
        let closed = || InboxError::new(InboxErrorKind::Closed, "no writer");
        self.jobs
            .as_ref()
            .ok_or_else(closed)?
            .send(Job { events, reply })
            .map_err(|_| closed())?;
        answer.await.map_err(|_| closed())?
    }

    /// What the inbox holds now, read beside the writer (WAL lets readers and the writer work
    /// at once).
    pub fn stats(&self) -> Result<Stats, InboxError> {
        let connection =
            Connection::open_with_flags(&self.path, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)?;
        let (events, pending): (i64, i64) = connection.query_row(
            "SELECT count(*), count(*) FILTER (WHERE state = 'pending') FROM events",
            [],
            |row| Ok((row.get(0)?, row.get(1)?)),
        )?;
        Ok(Stats {
            events: u64::try_from(events).unwrap_or(0),
            pending: u64::try_from(pending).unwrap_or(0),
        })
    }

    /// How many transactions the writer has committed: fewer than the deliveries stored, when
    /// they arrived together (group commit).
    #[must_use]
    pub fn commits(&self) -> u64 {
        self.commits.load(Ordering::Acquire)
    }
}

impl fmt::Debug for SqliteInbox {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SqliteInbox")
            .field("path", &self.path)
            .field("commits", &self.commits())
            .finish_non_exhaustive()
    }
}

impl Drop for SqliteInbox {
    fn drop(&mut self) {
        // The writer finishes what was queued, then ends.
        self.jobs.take();
        if let Some(writer) = self.writer.take() {
            let _ = writer.join();
        }
    }
}

/// The writer: waits for a delivery, takes every other one queued behind it (up to
/// [`MAX_GROUP`]), stores them all in one transaction, one `fsync`, and answers each.
fn write_groups(mut connection: Connection, queue: &mpsc::Receiver<Job>, commits: &AtomicU64) {
    while let Ok(first) = queue.recv() {
        let mut group = vec![first];
        while group.len() < MAX_GROUP {
            match queue.try_recv() {
                Ok(job) => group.push(job),
                Err(_) => break,
            }
        }
        match store_group(&mut connection, &group) {
            Ok(counts) => {
                commits.fetch_add(1, Ordering::AcqRel);
                for (job, new_events) in group.into_iter().zip(counts) {
                    let _ = job.reply.send(Ok(Stored { new_events }));
                }
            }
            Err(error) => {
                // Rolled back: nothing of the group is stored, and nothing is acknowledged.
                let error = InboxError::from(error);
                tracing::error!(%error, "the inbox could not store a group of deliveries");
                for job in group {
                    let _ = job.reply.send(Err(error.duplicate()));
                }
            }
        }
    }
}

fn store_group(connection: &mut Connection, group: &[Job]) -> Result<Vec<usize>, rusqlite::Error> {
    let received_ms = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX));
    let transaction = connection.transaction()?;
    let mut counts = Vec::with_capacity(group.len());
    {
        let mut insert = transaction.prepare_cached(
            "INSERT OR IGNORE INTO events (scheme, dedup_key, payload, received_ms) \
             VALUES (?1, ?2, ?3, ?4)",
        )?;
        for job in group {
            let mut stored = 0;
            for event in &job.events {
                stored += insert.execute(params![
                    event.scheme,
                    event.dedup_key,
                    event.payload,
                    received_ms
                ])?;
            }
            counts.push(stored);
        }
    }
    transaction.commit()?;
    Ok(counts)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn temp(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!(
            "tower-webhooks-inbox-{}-{name}",
            std::process::id()
        ));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir.join("inbox.db")
    }

    fn event(key: &str) -> NewEvent {
        NewEvent::new("xero", key, b"{}".to_vec())
    }

    #[tokio::test]
    async fn stores_once_per_key_and_survives_a_reopen() {
        let path = temp("reopen");
        let inbox = SqliteInbox::open(&path).unwrap();
        let stored = inbox.store(vec![event("a"), event("b")]).await.unwrap();
        assert_eq!(stored.new_events, 2);
        assert_eq!(inbox.store(vec![event("a")]).await.unwrap().new_events, 0);
        drop(inbox);
        let inbox = SqliteInbox::open(&path).unwrap();
        assert_eq!(
            inbox
                .store(vec![event("b"), event("c")])
                .await
                .unwrap()
                .new_events,
            1
        );
        let rows: i64 = Connection::open(&path)
            .unwrap()
            .query_row("SELECT count(*) FROM events", [], |row| row.get(0))
            .unwrap();
        assert_eq!(rows, 3);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn deliveries_arriving_together_share_a_commit() {
        let inbox = Arc::new(SqliteInbox::open(temp("group")).unwrap());
        let stores: Vec<_> = (0..200)
            .map(|n| {
                let inbox = Arc::clone(&inbox);
                tokio::spawn(async move { inbox.store(vec![event(&format!("k{n}"))]).await })
            })
            .collect();
        for store in stores {
            assert_eq!(store.await.unwrap().unwrap().new_events, 1);
        }
        assert!(
            inbox.commits() < 200,
            "{} commits for 200 deliveries",
            inbox.commits()
        );
    }

    #[test]
    fn a_foreign_file_or_a_newer_schema_is_refused_and_left_alone() {
        let path = temp("foreign");
        std::fs::write(&path, b"not a database, but someone's file").unwrap();
        let refused = SqliteInbox::open(&path).unwrap_err();
        assert_eq!(refused.kind(), InboxErrorKind::NotAnInbox, "{refused}");
        assert_eq!(
            std::fs::read(&path).unwrap(),
            b"not a database, but someone's file"
        );

        let path = temp("other-app");
        Connection::open(&path)
            .unwrap()
            .execute_batch("CREATE TABLE invoices (id INTEGER)")
            .unwrap();
        let refused = SqliteInbox::open(&path).unwrap_err();
        assert_eq!(refused.kind(), InboxErrorKind::NotAnInbox, "{refused}");

        let path = temp("newer");
        drop(SqliteInbox::open(&path).unwrap());
        Connection::open(&path)
            .unwrap()
            .pragma_update(None, "user_version", schema::SCHEMA_VERSION + 1)
            .unwrap();
        let refused = SqliteInbox::open(&path).unwrap_err();
        assert_eq!(refused.kind(), InboxErrorKind::NewerSchema, "{refused}");
    }

    #[tokio::test]
    async fn a_full_inbox_stores_nothing_and_says_so() {
        let inbox = SqliteInbox::open_capped(temp("full"), 64 * 1024).unwrap();
        let big = || NewEvent::new("xero", &format!("k{}", rand_key()), vec![b'x'; 16 * 1024]);
        let mut refused = None;
        for _ in 0..64 {
            if let Err(error) = inbox.store(vec![big()]).await {
                refused = Some(error);
                break;
            }
        }
        let refused = refused.expect("the cap is reached");
        assert_eq!(refused.kind(), InboxErrorKind::Full, "{refused}");
    }

    fn rand_key() -> u64 {
        static NEXT: AtomicU64 = AtomicU64::new(0);
        NEXT.fetch_add(1, Ordering::Relaxed)
    }
}
