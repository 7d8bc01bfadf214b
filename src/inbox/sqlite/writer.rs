//! The one thread that writes the SQLite inbox: every operation is queued to it, and the
//! operations queued together share one transaction and one `fsync` (group commit).

use std::{
    collections::VecDeque,
    sync::{
        atomic::{AtomicU64, Ordering},
        mpsc,
    },
};

use rusqlite::{Connection, TransactionBehavior};
use tokio::sync::oneshot;

use super::keys::{MERGE_AT, RecentKeys};
use crate::inbox::InboxError;

/// The most operations one transaction takes: a bound on how long one group holds the writer.
pub(super) const MAX_GROUP: usize = 1024;

/// One queued operation: it runs inside the group's transaction, in a savepoint of its own,
/// and is answered only after the group commits.
pub(super) trait Work: Send {
    fn run(&mut self, transaction: &Connection, keys: &mut RecentKeys) -> rusqlite::Result<()>;
    fn answer(self: Box<Self>, committed: Result<(), InboxError>);
}

/// An operation with a value to answer: `run` keeps the value until the commit.
pub(super) struct Task<T, F> {
    operation: Option<F>,
    value: Option<T>,
    reply: oneshot::Sender<Result<T, InboxError>>,
}

impl<T, F> Task<T, F>
where
    T: Send + 'static,
    F: FnOnce(&Connection, &mut RecentKeys) -> rusqlite::Result<T> + Send + 'static,
{
    pub(super) fn queued(
        operation: F,
    ) -> (Box<dyn Work>, oneshot::Receiver<Result<T, InboxError>>) {
        let (reply, answer) = oneshot::channel();
        let task = Self {
            operation: Some(operation),
            value: None,
            reply,
        };
        (Box::new(task), answer)
    }
}

impl<T, F> Work for Task<T, F>
where
    T: Send + 'static,
    F: FnOnce(&Connection, &mut RecentKeys) -> rusqlite::Result<T> + Send + 'static,
{
    fn run(&mut self, transaction: &Connection, keys: &mut RecentKeys) -> rusqlite::Result<()> {
        if let Some(operation) = self.operation.take() {
            self.value = Some(operation(transaction, keys)?);
        }
        Ok(())
    }

    fn answer(self: Box<Self>, committed: Result<(), InboxError>) {
        let answer = match (committed, self.value) {
            (Ok(()), Some(value)) => Ok(value),
            (Err(error), _) => Err(error),
            (Ok(()), None) => Err(InboxError::closed()),
        };
        let _ = self.reply.send(answer);
    }
}

/// The writer: waits for an operation, takes every other one queued behind it (up to
/// `max_group`: [`MAX_GROUP`], or 1 without group commit), runs them all in one transaction, commits once, and answers each.
pub(super) fn write_groups(
    mut connection: Connection,
    mut keys: RecentKeys,
    queue: &mpsc::Receiver<Box<dyn Work>>,
    commits: &AtomicU64,
    max_group: usize,
) {
    while let Ok(first) = queue.recv() {
        let mut group = VecDeque::from([first]);
        while group.len() < max_group {
            match queue.try_recv() {
                Ok(work) => group.push_back(work),
                Err(_) => break,
            }
        }
        let mut done = Vec::with_capacity(group.len());
        let mut failed = Vec::new();
        match run_group(
            &mut connection,
            &mut keys,
            &mut group,
            &mut done,
            &mut failed,
        ) {
            Ok(()) => {
                keys.commit();
                commits.fetch_add(1, Ordering::AcqRel);
                for work in done {
                    work.answer(Ok(()));
                }
            }
            Err(error) => {
                // Rolled back: nothing of the group is stored, and nothing is acknowledged.
                keys.abort();
                tracing::error!(%error, "the inbox could not commit a group of operations");
                for work in done.into_iter().chain(group) {
                    work.answer(Err(error.duplicate()));
                }
            }
        }
        for (work, error) in failed {
            work.answer(Err(error));
        }
        if keys.len() >= MERGE_AT
            && let Err(error) = merge(&mut connection, &mut keys)
        {
            // The keys stay in memory; the next group tries again.
            tracing::warn!(error = %InboxError::from(error), "the inbox could not merge its keys");
        }
    }
}

fn merge(connection: &mut Connection, keys: &mut RecentKeys) -> rusqlite::Result<()> {
    let transaction = connection.transaction()?;
    let merged = keys.merge(&transaction).and_then(|()| transaction.commit());
    match merged {
        Ok(()) => keys.commit(),
        Err(_) => keys.abort(),
    }
    merged
}

/// Runs the group in one transaction, moving each operation to `done` or `failed`; on an
/// error that ends the transaction, what was not run is left in `group`.
fn run_group(
    connection: &mut Connection,
    keys: &mut RecentKeys,
    group: &mut VecDeque<Box<dyn Work>>,
    done: &mut Vec<Box<dyn Work>>,
    failed: &mut Vec<(Box<dyn Work>, InboxError)>,
) -> Result<(), InboxError> {
    // Immediate: the write lock is taken now, waiting (busy timeout) for another process's
    // write to end, rather than failing the group when a read turns into a write later.
    let mut transaction = connection.transaction_with_behavior(TransactionBehavior::Immediate)?;
    while let Some(mut work) = group.pop_front() {
        // A savepoint each: one operation's error undoes that operation alone.
        let savepoint = match transaction.savepoint() {
            Ok(savepoint) => savepoint,
            Err(error) => {
                group.push_front(work);
                return Err(error.into());
            }
        };
        let mark = keys.mark();
        match work.run(&savepoint, keys) {
            Ok(()) => {
                done.push(work);
                savepoint.commit().map_err(InboxError::from)?;
            }
            Err(error) => {
                drop(savepoint);
                keys.undo_to(mark);
                // Some errors (a full disk, an I/O error) make SQLite roll back the whole
                // transaction, not just the statement: then nothing of the group holds, and
                // going on would commit the rest in transactions of their own.
                let error = InboxError::from(error);
                if transaction.is_autocommit() {
                    let cancelled = InboxError::new(
                        error.kind(),
                        format!("the group was rolled back by another operation's error: {error}"),
                    );
                    failed.push((work, error));
                    return Err(cancelled);
                }
                failed.push((work, error));
            }
        }
    }
    transaction.commit().map_err(InboxError::from)
}
