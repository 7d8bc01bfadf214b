//! What the inbox needs of a database: the one trait SQLite and PostgreSQL implement.

use std::{fmt, future::Future, pin::Pin};

use super::{
    EventRecord, Filter, InboxError, NewEvent, Stats, Stored,
    event::{ClaimId, Claimed, Outcome},
    sqlite::{ClaimRequest, RetryTarget},
};

pub(crate) type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// A database that holds an inbox. Each method is one short transaction; times are the
/// caller's clock, in Unix milliseconds, so that a test's fixed clock rules everything.
pub(crate) trait Backend: fmt::Debug + Send + Sync + 'static {
    fn store(
        &self,
        events: Vec<NewEvent>,
        now_ms: i64,
    ) -> BoxFuture<'_, Result<Stored, InboxError>>;
    fn claim(&self, request: ClaimRequest) -> BoxFuture<'_, Result<Vec<Claimed>, InboxError>>;
    fn renew(&self, claim: ClaimId, until_ms: i64) -> BoxFuture<'_, Result<bool, InboxError>>;
    fn finish(
        &self,
        claim: ClaimId,
        outcome: Outcome,
        now_ms: i64,
    ) -> BoxFuture<'_, Result<bool, InboxError>>;
    fn retry(&self, target: RetryTarget, now_ms: i64) -> BoxFuture<'_, Result<u64, InboxError>>;
    /// Deletes at most `limit` events, so that one purge never holds the writer for long.
    fn purge(
        &self,
        before_ms: i64,
        dead: bool,
        limit: u32,
    ) -> BoxFuture<'_, Result<u64, InboxError>>;
    fn stats(&self, now_ms: i64) -> BoxFuture<'_, Result<Stats, InboxError>>;
    fn event(&self, id: i64) -> BoxFuture<'_, Result<Option<EventRecord>, InboxError>>;
    fn list(&self, filter: Filter) -> BoxFuture<'_, Result<Vec<EventRecord>, InboxError>>;
    /// Resolves when another process may have stored events (PostgreSQL's `NOTIFY`); never,
    /// for a database only this process writes.
    fn stored_elsewhere(&self) -> BoxFuture<'_, ()> {
        Box::pin(std::future::pending())
    }
}
