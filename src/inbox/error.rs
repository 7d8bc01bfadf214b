//! [`InboxError`]: why the inbox could not open or store.

use std::fmt;

/// Why the inbox could not be opened or could not store a delivery. A delivery it could not
/// store must not be acknowledged: answer `503`, and the provider retries.
#[derive(Debug)]
pub struct InboxError {
    kind: InboxErrorKind,
    detail: String,
}

/// The kind of an [`InboxError`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum InboxErrorKind {
    /// The file is not an inbox (another program's database, or not a database at all). It is
    /// left untouched.
    NotAnInbox,
    /// The file was written by a newer version of this crate, whose schema this one does not
    /// know. It is left untouched.
    NewerSchema,
    /// The disk (or the database's `max_page_count`) is full: nothing was stored.
    Full,
    /// The file or its directory cannot be written: nothing was stored.
    ReadOnly,
    /// The writer has stopped (the inbox was dropped, or its thread failed).
    Closed,
    /// Another process stores into this SQLite inbox (one process at a time may), or this one
    /// was opened only to inspect.
    Locked,
    /// The database server cannot be reached (PostgreSQL stopped, the network is down, the
    /// pool's connections are all busy for too long): nothing was stored.
    Unavailable,
    /// Any other database or file error.
    Storage,
}

impl InboxError {
    pub(crate) fn new(kind: InboxErrorKind, detail: impl Into<String>) -> Self {
        Self {
            kind,
            detail: detail.into(),
        }
    }

    pub(crate) fn closed() -> Self {
        Self::new(InboxErrorKind::Closed, "no writer")
    }

    /// The same error again, for each delivery of a group that failed together.
    pub(crate) fn duplicate(&self) -> Self {
        Self::new(self.kind, self.detail.clone())
    }

    /// What went wrong.
    #[must_use]
    pub fn kind(&self) -> InboxErrorKind {
        self.kind
    }
}

impl From<rusqlite::Error> for InboxError {
    fn from(error: rusqlite::Error) -> Self {
        use rusqlite::ErrorCode;
        let kind = match error.sqlite_error_code() {
            Some(ErrorCode::DiskFull) => InboxErrorKind::Full,
            Some(ErrorCode::ReadOnly | ErrorCode::CannotOpen | ErrorCode::PermissionDenied) => {
                InboxErrorKind::ReadOnly
            }
            Some(ErrorCode::NotADatabase) => InboxErrorKind::NotAnInbox,
            _ => InboxErrorKind::Storage,
        };
        // SQLite's messages name files and statements, never stored payloads.
        Self::new(kind, error.to_string())
    }
}

#[cfg(feature = "postgres")]
impl From<tokio_postgres::Error> for InboxError {
    fn from(error: tokio_postgres::Error) -> Self {
        use tokio_postgres::error::SqlState;
        let kind = match error.code() {
            Some(code) if *code == SqlState::DISK_FULL => InboxErrorKind::Full,
            Some(code) if *code == SqlState::READ_ONLY_SQL_TRANSACTION => InboxErrorKind::ReadOnly,
            Some(_) => InboxErrorKind::Storage,
            // No SQL state: the connection failed or closed.
            None => InboxErrorKind::Unavailable,
        };
        // The server's message, not its detail: a detail may quote the row's values.
        let message = match error.as_db_error() {
            Some(db) => format!("{} {}: {}", db.severity(), db.code().code(), db.message()),
            None => error.to_string(),
        };
        Self::new(kind, message)
    }
}

#[cfg(feature = "postgres")]
impl From<deadpool_postgres::PoolError> for InboxError {
    fn from(error: deadpool_postgres::PoolError) -> Self {
        match error {
            deadpool_postgres::PoolError::Backend(error) => Self::from(error),
            other => Self::new(InboxErrorKind::Unavailable, other.to_string()),
        }
    }
}

impl fmt::Display for InboxError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let what = match self.kind {
            InboxErrorKind::NotAnInbox => "the file is not a webhook inbox",
            InboxErrorKind::NewerSchema => "the inbox was written by a newer version",
            InboxErrorKind::Full => "the inbox's disk is full",
            InboxErrorKind::ReadOnly => "the inbox cannot be written",
            InboxErrorKind::Closed => "the inbox's writer has stopped",
            InboxErrorKind::Locked => "the inbox is another process's to store into",
            InboxErrorKind::Unavailable => "the inbox's database cannot be reached",
            InboxErrorKind::Storage => "the inbox could not store",
        };
        write!(f, "{what}: {}", self.detail)
    }
}

impl std::error::Error for InboxError {}
