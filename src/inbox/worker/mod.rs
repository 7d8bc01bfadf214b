//! [`Worker`]: runs the stored events through an [`EventRouter`], with leases and retries.

mod attempt;
mod retries;
mod run;

use std::{
    fmt,
    sync::{
        Arc,
        atomic::{AtomicU64, Ordering},
    },
    time::Duration,
};

use tokio::sync::watch;

pub use retries::Retries;

use super::{Inbox, InboxError};
use crate::routing::EventRouter;

/// Handles the events stored in an [`Inbox`] with the handlers of an [`EventRouter`]: the
/// same router a synchronous route would use. See the [module docs](super) for what it
/// guarantees.
///
/// A worker takes every event of its inbox, whichever provider's route stored it: give each
/// router an inbox of its own, or one router the handlers of every provider that stores into
/// the inbox (an event no handler takes is handled as `Unhandled` says: accepted, or dead).
///
/// ```
/// # #[tokio::main(flavor = "current_thread")] async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// use std::time::Duration;
/// use tower_webhooks::{inbox::{Inbox, Retries, Worker}, routing::{Attempt, EventRouter}, xero};
///
/// # let dir = std::env::temp_dir().join(format!("worker-doc-{}", std::process::id()));
/// # std::fs::create_dir_all(&dir)?;
/// let inbox = Inbox::sqlite(dir.join("webhooks.db"))?;
/// let events = EventRouter::new(xero::EVENT_KEY).on(
///     "INVOICE.UPDATE",
///     |event: xero::Event, attempt: Attempt| async move {
///         tracing::info!(resource = %event.resource_id, attempt = attempt.number(), "handled");
///     },
/// );
/// let worker = Worker::new(inbox.clone(), events)
///     .concurrency(8)
///     .lease(Duration::from_secs(30))
///     .retries(Retries::default().max_attempts(10))
///     .start();
/// // ... serve `Accept::new(inbox)` behind the signature layer; then, on SIGTERM:
/// let stopped = worker.shutdown(Duration::from_secs(10)).await;
/// assert_eq!(stopped.handed_back, 0);
/// # std::fs::remove_dir_all(dir)?; Ok(()) }
/// ```
#[must_use]
pub struct Worker {
    config: Arc<Config>,
}

struct Config {
    inbox: Inbox,
    router: EventRouter,
    concurrency: usize,
    lease: Duration,
    retries: Retries,
    poll_interval: Duration,
    retention: Duration,
    purge_interval: Duration,
    counters: Counters,
}

impl Config {
    /// The lease in the clock's unit, milliseconds.
    fn lease_ms(&self) -> i64 {
        i64::try_from(self.lease.as_millis()).unwrap_or(i64::MAX)
    }
}

impl Worker {
    /// A worker for `inbox`'s events, with `router`'s handlers: at most 16 at once, leases of
    /// 30 s, [`Retries::default`], a poll every second, handled events kept 3 days.
    pub fn new(inbox: Inbox, router: EventRouter) -> Self {
        Self {
            config: Arc::new(Config {
                inbox,
                router,
                concurrency: 16,
                lease: Duration::from_secs(30),
                retries: Retries::default(),
                poll_interval: Duration::from_secs(1),
                retention: Duration::from_secs(3 * 24 * 3600),
                purge_interval: Duration::from_secs(600),
                counters: Counters::default(),
            }),
        }
    }

    fn config(&mut self) -> &mut Config {
        // Only `start` shares the configuration, and it takes the worker.
        Arc::get_mut(&mut self.config).expect("an unstarted worker's configuration is its own")
    }

    /// At most `handlers` events handled at once by this worker (at least 1).
    pub fn concurrency(mut self, handlers: usize) -> Self {
        self.config().concurrency = handlers.max(1);
        self
    }

    /// How long a claim on an event lasts unless renewed (30 ms to a day). A running
    /// handler's claim is renewed every third of it, so a handler may take longer than its
    /// lease and still never run twice at once; a worker that dies leaves its events to be
    /// taken again once their leases end. A handler whose claim cannot be renewed (the
    /// database says it is gone, or is away for half a lease) is stopped before the lease
    /// could lapse. The workers' clocks must agree to well within a lease.
    pub fn lease(mut self, lease: Duration) -> Self {
        // A day at most: longer would keep a dead worker's events for as long.
        self.config().lease = lease.clamp(Duration::from_millis(30), Duration::from_secs(86_400));
        self
    }

    /// How failing events are retried.
    pub fn retries(mut self, retries: Retries) -> Self {
        self.config().retries = retries;
        self
    }

    /// How often an idle worker looks for due events: retries coming due, and events stored
    /// by other processes that no notification announced.
    pub fn poll_interval(mut self, interval: Duration) -> Self {
        self.config().poll_interval = interval.max(Duration::from_millis(1));
        self
    }

    /// How long handled events are kept, so that a provider's late retry of one is recognised
    /// and not handled again: at least as long as the provider retries (Stripe: 3 days, the
    /// default; Xero: 24 h). Checked every 10 minutes.
    pub fn retention(mut self, retention: Duration) -> Self {
        self.config().retention = retention;
        self
    }

    /// What this worker has done so far.
    #[must_use]
    pub fn counters(&self) -> CountersSnapshot {
        self.config.counters.snapshot()
    }

    /// Claims the events due now (up to the concurrency limit), runs them, and returns how
    /// many ran, once all have ended: one step of the worker, for tests and for running it
    /// from a scheduler of your own.
    pub async fn run_due(&self) -> Result<usize, InboxError> {
        let (_phase, watching) = watch::channel(run::Phase::Running);
        run::run_due(&self.config, &watching).await
    }

    /// Runs the worker in the background until [`WorkerHandle::shutdown`].
    ///
    /// # Panics
    ///
    /// Outside a Tokio runtime.
    pub fn start(self) -> WorkerHandle {
        let (phase, watching) = watch::channel(run::Phase::Running);
        let config = Arc::clone(&self.config);
        let task = tokio::spawn(run::run(config, watching));
        WorkerHandle {
            phase,
            task,
            worker: self,
        }
    }
}

impl fmt::Debug for Worker {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let config = &self.config;
        f.debug_struct("Worker")
            .field("inbox", &config.inbox)
            .field("router", &config.router)
            .field("concurrency", &config.concurrency)
            .field("lease", &config.lease)
            .field("retries", &config.retries)
            .field("poll_interval", &config.poll_interval)
            .field("retention", &config.retention)
            .finish()
    }
}

/// A running [`Worker`]: shut it down to stop it.
#[derive(Debug)]
#[must_use = "dropping the handle leaves the worker running until the runtime ends"]
pub struct WorkerHandle {
    phase: watch::Sender<run::Phase>,
    task: tokio::task::JoinHandle<Stopped>,
    worker: Worker,
}

impl WorkerHandle {
    /// What the worker has done so far.
    #[must_use]
    pub fn counters(&self) -> CountersSnapshot {
        self.worker.counters()
    }

    /// Stops claiming events, lets the running handlers finish for up to `deadline`, then
    /// stops the rest and hands their events back (pending, due now, the interrupted attempt
    /// not counted), and returns once all is settled.
    pub async fn shutdown(self, deadline: Duration) -> Stopped {
        let now = tokio::time::Instant::now();
        // A deadline too far to represent is no deadline: wait for the handlers.
        let deadline = now
            .checked_add(deadline)
            .unwrap_or_else(|| now + Duration::from_secs(100 * 365 * 86_400));
        let _ = self.phase.send(run::Phase::Stopping(deadline));
        self.task.await.unwrap_or_default()
    }
}

/// What [`WorkerHandle::shutdown`] found.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Stopped {
    /// Handlers that were running at the shutdown and ended within the deadline.
    pub finished: usize,
    /// Events whose handlers were stopped at the deadline, handed back to the inbox.
    pub handed_back: usize,
}

#[derive(Debug, Default)]
struct Counters {
    attempts: AtomicU64,
    handled: AtomicU64,
    failed: AtomicU64,
    dead: AtomicU64,
    lost_leases: AtomicU64,
}

impl Counters {
    fn snapshot(&self) -> CountersSnapshot {
        let read = |counter: &AtomicU64| counter.load(Ordering::Relaxed);
        CountersSnapshot {
            attempts: read(&self.attempts),
            handled: read(&self.handled),
            failed: read(&self.failed),
            dead: read(&self.dead),
            lost_leases: read(&self.lost_leases),
        }
    }
}

/// A [`Worker`]'s counters, since it was made.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct CountersSnapshot {
    /// Attempts started.
    pub attempts: u64,
    /// Events handled.
    pub handled: u64,
    /// Attempts that failed (error or panic), retried later or dead.
    pub failed: u64,
    /// Events given up as dead.
    pub dead: u64,
    /// Claims lost because their lease ran out before it could be renewed: the handler was
    /// stopped, and another worker may run the event.
    pub lost_leases: u64,
}
