//! The keys the SQLite inbox de-duplicates on, kept so that storing writes no random-ordered
//! index.
//!
//! A unique index on the keys (hashes, in no order) would cost a page write per event per
//! commit: each insert lands on a page of its own, and the WAL writes whole pages. So the
//! writer keeps the keys of the latest events in memory, and merges them into the
//! `seen_keys` table every [`MERGE_AT`] events, in one transaction, where the pages they land
//! on are shared. A key is stored when it is in memory or in `seen_keys`; on open, the keys
//! not merged yet are read back from `events`. Only the writer thread stores, so memory and
//! disk cannot disagree.

use std::collections::{HashMap, HashSet};

use rusqlite::{Connection, params};

/// How many keys the writer holds in memory before merging them into `seen_keys`.
pub(super) const MERGE_AT: usize = 16_384;

#[derive(Debug)]
enum Staged {
    Add(Box<str>, i64),
    ClearUpTo(i64),
}

/// The keys of the events not yet merged into `seen_keys`, and what the transaction in
/// progress adds to or clears from them.
#[derive(Debug, Default)]
pub(crate) struct RecentKeys {
    committed: HashMap<Box<str>, i64>,
    staged: Vec<Staged>,
    staged_keys: HashSet<Box<str>>,
}

impl RecentKeys {
    /// The keys of the events past the merge watermark.
    pub(super) fn load(connection: &Connection) -> rusqlite::Result<Self> {
        let watermark = watermark(connection)?;
        let mut committed = HashMap::new();
        let mut statement = connection.prepare("SELECT dedup_key, id FROM events WHERE id > ?1")?;
        let mut rows = statement.query(params![watermark])?;
        while let Some(row) = rows.next()? {
            committed.insert(row.get::<_, String>(0)?.into_boxed_str(), row.get(1)?);
        }
        Ok(Self {
            committed,
            ..Self::default()
        })
    }

    /// Whether an event with `key` is stored, in memory or in `seen_keys`.
    pub(super) fn contains(&self, connection: &Connection, key: &str) -> rusqlite::Result<bool> {
        if self.committed.contains_key(key) || self.staged_keys.contains(key) {
            return Ok(true);
        }
        connection
            .prepare_cached("SELECT 1 FROM seen_keys WHERE dedup_key = ?1")?
            .exists(params![key])
    }

    pub(super) fn add(&mut self, key: &str, id: i64) {
        self.staged_keys.insert(key.into());
        self.staged.push(Staged::Add(key.into(), id));
    }

    /// Where the operation in progress began, to undo it with [`undo_to`](Self::undo_to).
    pub(super) fn mark(&self) -> usize {
        self.staged.len()
    }

    pub(super) fn undo_to(&mut self, mark: usize) {
        for staged in self.staged.drain(mark..) {
            if let Staged::Add(key, _) = staged {
                self.staged_keys.remove(&key);
            }
        }
    }

    /// The transaction committed: what it staged holds.
    pub(super) fn commit(&mut self) {
        for staged in self.staged.drain(..) {
            match staged {
                Staged::Add(key, id) => {
                    self.committed.insert(key, id);
                }
                Staged::ClearUpTo(up_to) => self.committed.retain(|_, id| *id > up_to),
            }
        }
        self.staged_keys.clear();
    }

    /// The transaction rolled back: nothing it staged holds.
    pub(super) fn abort(&mut self) {
        self.staged.clear();
        self.staged_keys.clear();
    }

    pub(super) fn len(&self) -> usize {
        self.committed.len()
    }

    /// Merges the keys of every event past the watermark into `seen_keys`, and moves the
    /// watermark past them.
    pub(super) fn merge(&mut self, connection: &Connection) -> rusqlite::Result<()> {
        let watermark = watermark(connection)?;
        let last: i64 = connection.query_row(
            "SELECT coalesce(max(id), ?1) FROM events",
            params![watermark],
            |row| row.get(0),
        )?;
        if last <= watermark {
            return Ok(());
        }
        connection.execute(
            "INSERT OR IGNORE INTO seen_keys (dedup_key, event_id) \
             SELECT dedup_key, id FROM events WHERE id > ?1 AND id <= ?2 ORDER BY dedup_key",
            params![watermark, last],
        )?;
        connection.execute("UPDATE inbox_meta SET merged_up_to = ?1", params![last])?;
        self.staged.push(Staged::ClearUpTo(last));
        Ok(())
    }
}

fn watermark(connection: &Connection) -> rusqlite::Result<i64> {
    connection.query_row("SELECT merged_up_to FROM inbox_meta", [], |row| row.get(0))
}
