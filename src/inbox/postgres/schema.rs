//! The inbox's tables in PostgreSQL: the columns of the SQLite schema, so the same inspection
//! works, under names of their own in a database other programs share, and a version row.

use crate::inbox::{InboxError, InboxErrorKind, SCHEMA_VERSION};

/// The channel a store notifies, so idle workers in other processes wake at once.
pub(super) const CHANNEL: &str = "tower_webhooks_inbox";

const CREATE: &str = "
CREATE TABLE tower_webhooks_inbox (
    application    TEXT NOT NULL,
    schema_version INTEGER NOT NULL
);
INSERT INTO tower_webhooks_inbox VALUES ('tower-webhooks', 1);
CREATE TABLE tower_webhooks_events (
    id             BIGSERIAL PRIMARY KEY,
    delivery_id    BIGINT NOT NULL,
    scheme         TEXT NOT NULL,
    dedup_key      TEXT NOT NULL UNIQUE,
    order_key      TEXT,
    payload        BYTEA NOT NULL,
    headers        TEXT NOT NULL,
    key_id         TEXT,
    provider_id    TEXT,
    signed_at_ms   BIGINT,
    received_ms    BIGINT NOT NULL,
    state          TEXT NOT NULL DEFAULT 'pending'
                   CHECK (state IN ('pending', 'running', 'handled', 'dead')),
    attempts       INTEGER NOT NULL DEFAULT 0,
    claims         INTEGER NOT NULL DEFAULT 0,
    next_at_ms     BIGINT NOT NULL,
    lease_until_ms BIGINT,
    last_error     TEXT,
    finished_ms    BIGINT
);
CREATE INDEX tower_webhooks_events_due ON tower_webhooks_events (state, next_at_ms, id);
CREATE INDEX tower_webhooks_events_order ON tower_webhooks_events (order_key, id)
    WHERE order_key IS NOT NULL;
CREATE INDEX tower_webhooks_events_finished ON tower_webhooks_events (state, finished_ms)
    WHERE state IN ('handled', 'dead');
";

/// Creates the tables, or checks them: refuses a database whose tables of these names are not
/// an inbox's, or were written by a newer version. Instances starting together take turns
/// (an advisory lock), so exactly one creates them.
pub(super) async fn prepare(
    client: &mut deadpool_postgres::Object,
    create: bool,
) -> Result<(), InboxError> {
    let transaction = client.transaction().await?;
    // "TWHK", as the SQLite file's application_id.
    transaction
        .execute("SELECT pg_advisory_xact_lock(1414023243)", &[])
        .await?;
    let tables: Vec<String> = transaction
        .query(
            "SELECT table_name::text FROM information_schema.tables \
             WHERE table_schema = current_schema() \
             AND table_name IN ('tower_webhooks_inbox', 'tower_webhooks_events')",
            &[],
        )
        .await?
        .iter()
        .map(|row| row.get(0))
        .collect();
    if tables.is_empty() && !create {
        return Err(InboxError::new(
            InboxErrorKind::NotAnInbox,
            "the database has no inbox tables",
        ));
    }
    if tables.is_empty() {
        transaction.batch_execute(CREATE).await?;
        transaction.commit().await?;
        return Ok(());
    }
    if !tables.iter().any(|t| t == "tower_webhooks_inbox") {
        return Err(InboxError::new(
            InboxErrorKind::NotAnInbox,
            "a table tower_webhooks_events exists without the inbox's version table",
        ));
    }
    let version: Option<i32> = transaction
        .query_opt(
            "SELECT schema_version FROM tower_webhooks_inbox WHERE application = 'tower-webhooks'",
            &[],
        )
        .await
        .ok()
        .flatten()
        .map(|row| row.get(0));
    match version.map(i64::from) {
        None => Err(InboxError::new(
            InboxErrorKind::NotAnInbox,
            "tower_webhooks_inbox does not say it is this crate's",
        )),
        Some(version) if version > SCHEMA_VERSION => Err(InboxError::new(
            InboxErrorKind::NewerSchema,
            format!("schema version {version}; this version knows up to {SCHEMA_VERSION}"),
        )),
        Some(SCHEMA_VERSION) => Ok(()),
        Some(version) => Err(InboxError::new(
            InboxErrorKind::Storage,
            format!("schema version {version} has no migration"),
        )),
    }
}
