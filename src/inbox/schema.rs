//! The inbox's schema, versioned in SQLite's `user_version`, and how a file is recognised as an
//! inbox (its `application_id`).

use rusqlite::Connection;

use super::{InboxError, InboxErrorKind};

/// The schema version this crate writes and reads.
pub const SCHEMA_VERSION: i64 = 1;

/// `application_id` of an inbox file: "TWHK".
pub(super) const APPLICATION_ID: i64 = 0x5457_484B;

/// One row per event. `state` is `pending` (waiting for its time, `next_at_ms`), `running`
/// (claimed until `lease_until_ms`; the claim is named by `claims`, which each claim counts
/// up and nothing counts down; `attempts` is the tries that count toward the limit), `handled` (kept until retention purges it, so a provider's late retry is still
/// recognised) or `dead` (failed `attempts` times, kept for a person to replay).
///
/// Every index a store writes to grows at its end (ids, times), so that a group commit writes
/// few pages: the de-duplication keys are merged into `seen_keys` in batches (see
/// `sqlite/keys.rs`), and ordering is checked by the claim's scan of the live events, not by
/// an index on the order key.
const SCHEMA_V1: &str = "
CREATE TABLE events (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    delivery_id    INTEGER NOT NULL,
    scheme         TEXT NOT NULL,
    dedup_key      TEXT NOT NULL,
    order_key      TEXT,
    payload        BLOB NOT NULL,
    headers        TEXT NOT NULL,
    key_id         TEXT,
    provider_id    TEXT,
    signed_at_ms   INTEGER,
    received_ms    INTEGER NOT NULL,
    state          TEXT NOT NULL DEFAULT 'pending'
                   CHECK (state IN ('pending', 'running', 'handled', 'dead')),
    attempts       INTEGER NOT NULL DEFAULT 0,
    claims         INTEGER NOT NULL DEFAULT 0,
    next_at_ms     INTEGER NOT NULL,
    lease_until_ms INTEGER,
    last_error     TEXT,
    finished_ms    INTEGER
);
CREATE INDEX events_live ON events (id) WHERE state IN ('pending', 'running');
CREATE INDEX events_finished ON events (state, finished_ms);
CREATE TABLE seen_keys (
    dedup_key TEXT PRIMARY KEY,
    event_id  INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE inbox_meta (merged_up_to INTEGER NOT NULL);
INSERT INTO inbox_meta VALUES (0);
";

/// Checks what the file holds, writing nothing: `Ok(true)` for an empty file (a new inbox),
/// `Ok(false)` for an inbox this version knows; refuses a file that is not an inbox or has a
/// newer schema.
pub(super) fn check(connection: &Connection) -> Result<bool, InboxError> {
    let application_id: i64 =
        connection.pragma_query_value(None, "application_id", |row| row.get(0))?;
    let version: i64 = connection.pragma_query_value(None, "user_version", |row| row.get(0))?;
    let has_tables: bool = connection.query_row(
        "SELECT EXISTS (SELECT 1 FROM sqlite_schema WHERE type = 'table')",
        [],
        |row| row.get(0),
    )?;
    match (application_id, version) {
        (0, 0) if !has_tables => Ok(true),
        (APPLICATION_ID, version) if version > SCHEMA_VERSION => Err(InboxError::new(
            InboxErrorKind::NewerSchema,
            format!("schema version {version}; this version knows up to {SCHEMA_VERSION}"),
        )),
        (APPLICATION_ID, SCHEMA_VERSION) => Ok(false),
        (APPLICATION_ID, version) => Err(InboxError::new(
            InboxErrorKind::Storage,
            format!("schema version {version} has no migration"),
        )),
        _ => Err(InboxError::new(
            InboxErrorKind::NotAnInbox,
            "it holds another program's tables",
        )),
    }
}

/// Creates the schema in a new file.
pub(super) fn create(connection: &mut Connection) -> Result<(), InboxError> {
    let transaction = connection.transaction()?;
    transaction.execute_batch(SCHEMA_V1)?;
    transaction.pragma_update(None, "application_id", APPLICATION_ID)?;
    transaction.pragma_update(None, "user_version", SCHEMA_VERSION)?;
    transaction.commit()?;
    Ok(())
}
