//! The durable inbox: acknowledge a verified delivery in milliseconds, once it is on disk, and
//! handle its events later, with retries, losing nothing.
//!
//! Every provider asks the same of a receiver: answer at once (Xero and Xemelgo within 5
//! seconds), expect retries and duplicates. Handling the events inside the request is slow and
//! turns one failure into a retry of the whole batch; spawning a task and answering `200` loses
//! every event in flight when the process stops. The inbox is the third way:
//!
//! 1. [`Accept`], the route's service behind
//!    [`WebhookSignatureLayer`](crate::WebhookSignatureLayer), stores each verified delivery,
//!    an event a row, de-duplicated on the signed keys the
//!    [idempotency](crate::idempotency) stage uses, and answers `200` only after the commit
//!    (`503` when it cannot store, so the provider retries).
//! 2. A [`Worker`] claims stored events under a lease and runs them through an
//!    [`EventRouter`](crate::routing::EventRouter): the same handlers a synchronous route
//!    would use, which can take the [`Attempt`](crate::routing::Attempt) as a second argument.
//! 3. A failure or a panic is retried with exponential backoff and jitter ([`Retries`]); after
//!    the last attempt the event is dead: kept, listed, replayable ([`Inbox::retry_dead`],
//!    `tower-webhooks inbox retry --dead`).
//!
//! ```no_run
//! # #[tokio::main] async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! use axum::{Router, routing::post_service};
//! use tower_webhooks::{
//!     WebhookSignatureLayer,
//!     inbox::{Accept, Inbox, Worker},
//!     routing::{Attempt, EventRouter},
//!     xero::{self, Xero},
//! };
//!
//! let inbox = Inbox::sqlite("webhooks.db")?;
//! let events = EventRouter::new(xero::EVENT_KEY).on(
//!     "INVOICE.UPDATE",
//!     |event: xero::Event, attempt: Attempt| async move {
//!         // Call Xero's API for `event.resource_url`; an error here is retried later.
//!         Ok::<(), std::io::Error>(())
//!     },
//! );
//! let worker = Worker::new(inbox.clone(), events).start();
//! let app: Router = Router::new().route(
//!     "/webhooks/xero",
//!     post_service(Accept::new(inbox)).layer(WebhookSignatureLayer::new(Xero::new("key"))),
//! );
//! let listener = tokio::net::TcpListener::bind("127.0.0.1:3000").await?;
//! axum::serve(listener, app).await?;
//! worker.shutdown(std::time::Duration::from_secs(10)).await;
//! # Ok(()) }
//! ```
//!
//! # When to use it
//!
//! Use the inbox when handling an event takes longer than the provider waits, calls another
//! service that may fail, or must not be lost once acknowledged (GitHub never retries). A
//! handler that is quick and local can stay on a synchronous route, behind an
//! [`IdempotencyLayer`](crate::idempotency::IdempotencyLayer).
//!
//! # Guarantees
//!
//! | | |
//! |---|---|
//! | acknowledged | a `200` means every event of the delivery is committed (SQLite: WAL, `synchronous=FULL`); nothing that could not be stored is acknowledged |
//! | stored once | a provider's retry of a stored delivery is answered `200` and stores nothing new, for as long as the handled events are kept (retention) |
//! | handled at least once | every stored event's handler runs until it succeeds or the event is dead; a worker that dies mid-handler leaves the event to be taken again when its lease ends |
//! | "exactly once" | the handler's effect happens once when the handler succeeds and its success is recorded; a crash between the two runs it again. It stops at the handler's own side effects: make them idempotent (key them on [`Attempt::event_id`](crate::routing::Attempt::event_id)) where a repeat matters |
//! | never twice at once | a claim's lease is renewed every third of it while the handler runs; a handler whose claim is lost (the lease ran out unrenewed: the process stalled) is stopped |
//! | ordering | none across events by default; with [`Accept::ordered_by`], events with the same key are handled one at a time in the order stored (see below) |
//! | retention | handled events are kept 3 days by default ([`Worker::retention`]), then purged; dead ones until a person purges them |
//!
//! # Ordering
//!
//! An event with an order key waits while an earlier event with the same key is pending or
//! running, retries included, and while any event of its key runs: a failing head holds the
//! events behind it for as long as it is being retried. Once the head is dead, the events
//! behind it go on (a dead event is kept for a person, and holding its key forever would stop
//! every later event of it). A dead event replayed takes its place again: it waits for the
//! event of its key that is running, then runs before the ones still waiting. Events with
//! other keys, or none, never wait for it. Deliveries that different receivers store at the
//! same moment are ordered by the ids they were given, which may not be the order they
//! arrived in.
//!
//! # Databases
//!
//! | | [`SqliteInbox`] (feature `inbox`) | `PostgresInbox` (feature `postgres`) |
//! |---|---|---|
//! | set-up | a file path; SQLite is bundled | a `postgres://` URL; the tables are created on first connect |
//! | processes | one stores into a file (a lock beside it says so); others [`inspect`](SqliteInbox::inspect) it | any number of receivers and workers share one database |
//! | group commit | every operation queued while the last commit ran, one transaction | every delivery queued while the last insert ran, one statement |
//! | claims | one writer: a claim cannot race | `FOR UPDATE SKIP LOCKED` |
//! | waking idle workers | in the process | `LISTEN`/`NOTIFY`, and polling in case a notification is lost |
//!
//! Both refuse a database that is not an inbox or was written by a newer version, and leave it
//! as it was. PostgreSQL connections use TLS as the URL's `sslmode` asks (rustls, the public
//! web roots, and a private CA with `PostgresInbox::connect_trusting`); use `sslmode=require`
//! beyond a private network.
//!
//! # Inspecting
//!
//! [`Inbox::stats`] counts what is pending, retrying, running, handled and dead and the age of
//! the oldest pending event; [`Inbox::list`] and [`Inbox::event`] show events with their last
//! error and attempts; the `tower-webhooks inbox` command does the same from a shell. The
//! worker logs each failure, retry and death with `tracing`, and counts them
//! ([`Worker::counters`]). Both are plain values: feed them to the metrics library you use (a
//! gauge per [`Stats`] field, polled), which is why the crate takes no dependency on one.

mod accept;
mod backend;
mod error;
mod event;
#[allow(clippy::module_inception)]
mod inbox;
#[cfg(feature = "postgres")]
mod postgres;
mod schema;
mod sqlite;
mod worker;

pub use accept::{Accept, ResponseFuture};
pub use error::{InboxError, InboxErrorKind};
pub use event::{EventRecord, EventState, Filter, NewEvent, Stats, Stored};
pub use inbox::Inbox;
#[cfg(feature = "postgres")]
#[cfg_attr(docsrs, doc(cfg(feature = "postgres")))]
pub use postgres::PostgresInbox;
pub use schema::SCHEMA_VERSION;
pub use sqlite::SqliteInbox;
pub use worker::{CountersSnapshot, Retries, Stopped, Worker, WorkerHandle};
