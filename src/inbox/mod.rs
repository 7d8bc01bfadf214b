//! The durable inbox, begun: verified deliveries written to disk before they are acknowledged.
//!
//! This release holds the storage the inbox is built on, [`SqliteInbox`]: one SQLite file
//! (bundled, nothing to install), in WAL mode with `synchronous=FULL`, so that a delivery the
//! store reports as stored survives a crash or a power loss. One writer thread commits in
//! groups: the deliveries that arrive while a commit is in flight go into the next transaction,
//! one `fsync` for all of them. Events are de-duplicated on the same signed keys the
//! idempotency stage uses, so a provider's retry of a stored delivery is stored once.
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")] async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! use tower_webhooks::inbox::{NewEvent, SqliteInbox};
//!
//! let dir = std::env::temp_dir().join(format!("inbox-doc-{}", std::process::id()));
//! std::fs::create_dir_all(&dir)?;
//! let inbox = SqliteInbox::open(dir.join("webhooks.db"))?;
//! let event = NewEvent::new("xero", "xero:event:1f2e…", br#"{"eventType":"UPDATE"}"#.to_vec());
//! let stored = inbox.store(vec![event.clone()]).await?;
//! assert_eq!(stored.new_events, 1);
//! // The provider's retry: acknowledged, not stored again.
//! assert_eq!(inbox.store(vec![event]).await?.new_events, 0);
//! # drop(inbox); std::fs::remove_dir_all(dir)?; Ok(()) }
//! ```
//!
//! [`Accept`] is the route's service behind `WebhookSignatureLayer`: it stores each verified
//! delivery, split into its events, and answers `200` only once they are on disk.
//!
//! Still to come (issue 13): the workers with retries, leases and ordering, inspection and
//! replay, PostgreSQL.

mod accept;
mod error;
mod schema;
mod sqlite;

pub use accept::{Accept, ResponseFuture};
pub use error::{InboxError, InboxErrorKind};
pub use schema::SCHEMA_VERSION;
pub use sqlite::{NewEvent, SqliteInbox, Stats, Stored};
