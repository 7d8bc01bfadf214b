//! [`SqliteInbox`]: the inbox in one SQLite file, written by one thread in groups.

mod keys;
mod ops;
mod writer;

use std::{
    fmt,
    path::{Path, PathBuf},
    sync::{
        Arc,
        atomic::{AtomicU64, Ordering},
        mpsc,
    },
    thread::JoinHandle,
};

use rusqlite::Connection;

pub(crate) use ops::{ClaimRequest, RetryTarget};

use super::{
    EventRecord, Filter, InboxError, InboxErrorKind, NewEvent, Stats, Stored,
    backend::{Backend, BoxFuture},
    event::{ClaimId, Claimed, Outcome},
    schema,
};
use writer::{Task, Work};

/// The inbox in one SQLite file (bundled: nothing to install). Open it, then make it an
/// [`Inbox`](super::Inbox) to accept and work with.
///
/// | setting | value |
/// |---|---|
/// | journal | WAL, `synchronous=FULL`: a stored delivery survives a crash or power loss |
/// | writes | one thread, in groups of up to 1,024 operations per transaction (group commit) |
/// | schema | created on first open, versioned ([`SCHEMA_VERSION`](super::SCHEMA_VERSION)); a foreign or newer file is refused and left untouched |
///
/// One process writes the file; for several instances, use PostgreSQL.
pub struct SqliteInbox {
    path: PathBuf,
    /// Held while the inbox may store: the one writer the de-duplication relies on.
    lock: Option<std::fs::File>,
    work: Option<mpsc::Sender<Box<dyn Work>>>,
    writer: Option<JoinHandle<()>>,
    commits: Arc<AtomicU64>,
    grouped: bool,
}

impl SqliteInbox {
    /// Opens the inbox at `path`, creating it when the file does not exist.
    ///
    /// One process at a time stores into a file (a lock beside it, `<path>-lock`, says so): a
    /// second `open` of it fails with [`InboxErrorKind::Locked`] while the first is open. Use
    /// [`inspect`](Self::inspect) to look in beside a running receiver.
    pub fn open(path: impl AsRef<Path>) -> Result<Self, InboxError> {
        Self::open_inner(path.as_ref(), None, Mode::Store { grouped: true })
    }

    /// Opens an existing inbox to look into and replay, beside the process that stores into
    /// it: everything but [`Inbox::store`](super::Inbox::store), which it refuses. The command
    /// line opens inboxes this way.
    pub fn inspect(path: impl AsRef<Path>) -> Result<Self, InboxError> {
        let path = path.as_ref();
        if !path.is_file() {
            return Err(InboxError::new(
                InboxErrorKind::NotAnInbox,
                format!("{} does not exist", path.display()),
            ));
        }
        Self::open_inner(path, None, Mode::Inspect)
    }

    /// Opens the inbox at `path`, refusing to store ([`InboxErrorKind::Full`]) once the file
    /// would grow past about `max_bytes`: a flood of deliveries then gets `503` rather than
    /// filling the disk.
    pub fn open_capped(path: impl AsRef<Path>, max_bytes: u64) -> Result<Self, InboxError> {
        Self::open_inner(
            path.as_ref(),
            Some(max_bytes),
            Mode::Store { grouped: true },
        )
    }

    /// Opens the inbox with group commit turned off: one transaction, one `fsync`, per
    /// operation. Slower by an order of magnitude under load; it exists to measure what group
    /// commit is worth (`benches/loopback`).
    #[doc(hidden)]
    pub fn open_ungrouped(path: impl AsRef<Path>) -> Result<Self, InboxError> {
        Self::open_inner(path.as_ref(), None, Mode::Store { grouped: false })
    }

    fn open_inner(path: &Path, max_bytes: Option<u64>, mode: Mode) -> Result<Self, InboxError> {
        let mut connection = Connection::open(path)?;
        // Another process on the same file (the command line, looking in) holds the write
        // lock for moments: wait for it rather than fail.
        connection.busy_timeout(std::time::Duration::from_secs(5))?;
        // What the file is, before anything is written to it or beside it: a foreign file is
        // refused as it was found.
        let fresh = schema::check(&connection)?;
        let (lock, grouped) = match mode {
            Mode::Store { grouped } => (Some(lock(path)?), grouped),
            Mode::Inspect if fresh => {
                return Err(InboxError::new(
                    InboxErrorKind::NotAnInbox,
                    format!("{} holds no inbox", path.display()),
                ));
            }
            Mode::Inspect => (None, true),
        };
        let mode: String =
            connection.pragma_update_and_check(None, "journal_mode", "WAL", |row| row.get(0))?;
        if !mode.eq_ignore_ascii_case("wal") {
            return Err(InboxError::new(
                InboxErrorKind::Storage,
                format!("the journal stays in {mode} mode, not WAL"),
            ));
        }
        connection.pragma_update(None, "synchronous", "FULL")?;
        // 32 MiB of page cache (SQLite's default is 2 MiB): the pages of recent events and of
        // the key index stay in memory rather than being read back from the file.
        connection.pragma_update(None, "cache_size", -32 * 1024)?;
        if fresh {
            // Checked again under the lock: another process may have made it meanwhile.
            if schema::check(&connection)? {
                schema::create(&mut connection)?;
            }
        } else if lock.is_some() {
            // A write now, so that a file that cannot be written is refused at start-up
            // rather than at the first delivery.
            connection.pragma_update(None, "user_version", schema::SCHEMA_VERSION)?;
        }
        if let Some(max_bytes) = max_bytes {
            let page_size: u64 =
                connection.pragma_query_value(None, "page_size", |row| row.get(0))?;
            connection.pragma_update(None, "max_page_count", (max_bytes / page_size).max(1))?;
        }
        let keys = keys::RecentKeys::load(&connection)?;
        let (work, queue) = mpsc::channel();
        let commits = Arc::new(AtomicU64::new(0));
        let writer = std::thread::Builder::new()
            .name("tower-webhooks inbox writer".into())
            .spawn({
                let commits = Arc::clone(&commits);
                let group = if grouped { writer::MAX_GROUP } else { 1 };
                move || writer::write_groups(connection, keys, &queue, &commits, group)
            })
            .map_err(|e| InboxError::new(InboxErrorKind::Storage, e.to_string()))?;
        Ok(Self {
            path: path.to_owned(),
            lock,
            work: Some(work),
            writer: Some(writer),
            commits,
            grouped,
        })
    }

    /// The file it is in.
    #[must_use]
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// How many transactions the writer has committed: fewer than the operations, when they
    /// arrived together (group commit).
    #[must_use]
    pub fn commits(&self) -> u64 {
        self.commits.load(Ordering::Acquire)
    }

    /// Runs `operation` in the writer's next group, and answers after that group commits.
    fn execute<T, F>(&self, operation: F) -> BoxFuture<'_, Result<T, InboxError>>
    where
        T: Send + 'static,
        F: FnOnce(&Connection, &mut keys::RecentKeys) -> rusqlite::Result<T> + Send + 'static,
    {
        let (task, answer) = Task::queued(operation);
        let sent = self
            .work
            .as_ref()
            .ok_or_else(InboxError::closed)
            .and_then(|work| work.send(task).map_err(|_| InboxError::closed()));
        Box::pin(async move {
            sent?;
            answer.await.map_err(|_| InboxError::closed())?
        })
    }
}

#[derive(Debug, Clone, Copy)]
enum Mode {
    Store { grouped: bool },
    Inspect,
}

/// Takes the lock beside the file that makes this process its one writer.
fn lock(path: &Path) -> Result<std::fs::File, InboxError> {
    let mut lock_path = path.as_os_str().to_owned();
    lock_path.push("-lock");
    let file = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&lock_path)
        .map_err(|error| {
            let kind = if error.kind() == std::io::ErrorKind::PermissionDenied {
                InboxErrorKind::ReadOnly
            } else {
                InboxErrorKind::Storage
            };
            InboxError::new(
                kind,
                format!("{}: {error}", Path::new(&lock_path).display()),
            )
        })?;
    match file.try_lock() {
        Ok(()) => Ok(file),
        Err(std::fs::TryLockError::WouldBlock) => Err(InboxError::new(
            InboxErrorKind::Locked,
            format!(
                "another process stores into {}; open it with `inspect` to look in",
                path.display()
            ),
        )),
        Err(std::fs::TryLockError::Error(error)) => {
            Err(InboxError::new(InboxErrorKind::Storage, error.to_string()))
        }
    }
}

impl Backend for SqliteInbox {
    fn store(
        &self,
        events: Vec<NewEvent>,
        now_ms: i64,
    ) -> BoxFuture<'_, Result<Stored, InboxError>> {
        if self.lock.is_none() {
            return Box::pin(std::future::ready(Err(InboxError::new(
                InboxErrorKind::Locked,
                "the inbox was opened to inspect, not to store",
            ))));
        }
        let stored = self.execute(move |tx, keys| ops::store(tx, keys, &events, now_ms));
        Box::pin(async move {
            Ok(Stored {
                new_events: stored.await?,
            })
        })
    }

    fn claim(&self, request: ClaimRequest) -> BoxFuture<'_, Result<Vec<Claimed>, InboxError>> {
        self.execute(move |tx, _| ops::claim(tx, request))
    }

    fn renew(&self, claim: ClaimId, until_ms: i64) -> BoxFuture<'_, Result<bool, InboxError>> {
        self.execute(move |tx, _| ops::renew(tx, claim, until_ms))
    }

    fn finish(
        &self,
        claim: ClaimId,
        outcome: Outcome,
        now_ms: i64,
    ) -> BoxFuture<'_, Result<bool, InboxError>> {
        self.execute(move |tx, _| ops::finish(tx, claim, &outcome, now_ms))
    }

    fn retry(&self, target: RetryTarget, now_ms: i64) -> BoxFuture<'_, Result<u64, InboxError>> {
        self.execute(move |tx, _| ops::retry(tx, target, now_ms))
    }

    fn purge(
        &self,
        before_ms: i64,
        dead: bool,
        limit: u32,
    ) -> BoxFuture<'_, Result<u64, InboxError>> {
        self.execute(move |tx, keys| ops::purge(tx, keys, before_ms, dead, limit))
    }

    fn stats(&self, now_ms: i64) -> BoxFuture<'_, Result<Stats, InboxError>> {
        self.execute(move |tx, _| ops::stats(tx, now_ms))
    }

    fn event(&self, id: i64) -> BoxFuture<'_, Result<Option<EventRecord>, InboxError>> {
        self.execute(move |tx, _| ops::event(tx, id))
    }

    fn list(&self, filter: Filter) -> BoxFuture<'_, Result<Vec<EventRecord>, InboxError>> {
        self.execute(move |tx, _| ops::list(tx, &filter))
    }
}

impl fmt::Debug for SqliteInbox {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SqliteInbox")
            .field("path", &self.path)
            .field("grouped", &self.grouped)
            .field("commits", &self.commits())
            .finish_non_exhaustive()
    }
}

impl Drop for SqliteInbox {
    fn drop(&mut self) {
        // The writer finishes what was queued, then ends.
        self.work.take();
        if let Some(writer) = self.writer.take() {
            let _ = writer.join();
        }
    }
}

#[cfg(test)]
mod tests;
