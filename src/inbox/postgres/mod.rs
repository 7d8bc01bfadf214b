//! [`PostgresInbox`]: the inbox in PostgreSQL, shared by many receivers and many workers.

mod listen;
mod ops;
mod schema;

use std::{fmt, sync::Arc, time::Duration};

use deadpool_postgres::{Manager, ManagerConfig, Pool, RecyclingMethod, Runtime};
use rustls::pki_types::{CertificateDer, pem::PemObject as _};
use tokio::sync::{Notify, mpsc, oneshot};
use tokio_postgres_rustls::MakeRustlsConnect;

use super::{
    EventRecord, Filter, InboxError, InboxErrorKind, NewEvent, Stats, Stored,
    backend::{Backend, BoxFuture},
    event::{ClaimId, Claimed, Outcome},
    sqlite::{ClaimRequest, RetryTarget},
};

/// The most deliveries one statement stores.
const MAX_GROUP: usize = 1024;

/// Groups in flight at once: while one commits (a WAL flush), the next gathers and runs.
const WRITERS: usize = 2;

/// The inbox in a PostgreSQL database: several receivers store into it and several workers
/// take from it, each event claimed by one worker at a time (`FOR UPDATE SKIP LOCKED` and a
/// lease). Open it, then make it an [`Inbox`](super::Inbox).
///
/// | setting | value |
/// |---|---|
/// | driver | `tokio-postgres`, pooled by `deadpool-postgres` (16 connections by default) |
/// | TLS | as the URL's `sslmode` asks (`disable`, `prefer`, the default, or `require`), by rustls, trusting the public web roots and the CAs given to [`connect_trusting`](Self::connect_trusting) |
/// | writes | each process's deliveries stored in groups: one statement, one commit, for every delivery that arrives while the previous group commits |
/// | waking | a store `NOTIFY`s; every process `LISTEN`s and wakes its idle workers, and polls as well in case a notification is lost |
/// | schema | tables `tower_webhooks_events` (the SQLite file's columns) and `tower_webhooks_inbox` (the version), created on first open under an advisory lock; foreign or newer tables are refused and left untouched |
/// | faults | a server that goes away makes stores fail (`503`) and claims wait; once it is back, new connections are made |
pub struct PostgresInbox {
    pool: Pool,
    groups: mpsc::UnboundedSender<Job>,
    notified: Arc<Notify>,
    listener: tokio::task::JoinHandle<()>,
    writers: Vec<tokio::task::JoinHandle<()>>,
}

struct Job {
    events: Vec<NewEvent>,
    now_ms: i64,
    reply: oneshot::Sender<Result<Stored, InboxError>>,
}

impl PostgresInbox {
    /// Connects to the database at `url` (`postgres://user:password@host:port/database`),
    /// creating the inbox's tables if they are missing.
    ///
    /// # Panics
    ///
    /// Outside a Tokio runtime.
    pub async fn connect(url: &str) -> Result<Self, InboxError> {
        Self::connect_inner(url, 16, true, true, &[]).await
    }

    /// Connects as [`connect`](Self::connect) does, trusting the CA certificates in
    /// `ca_pem` (PEM) as well as the public roots: a managed database's own CA (RDS, Cloud
    /// SQL), or a private one. Use `sslmode=require` in the URL so that the connection is
    /// never in the clear.
    pub async fn connect_trusting(url: &str, ca_pem: &[u8]) -> Result<Self, InboxError> {
        Self::connect_inner(url, 16, true, true, ca_pem).await
    }

    /// Connects to an existing inbox to look into and replay (the command line does): a
    /// database without the inbox's tables is refused ([`InboxErrorKind::NotAnInbox`]), not
    /// given them.
    pub async fn inspect(url: &str) -> Result<Self, InboxError> {
        Self::connect_inner(url, 2, true, false, &[]).await
    }

    /// [`inspect`](Self::inspect), trusting the CA certificates in `ca_pem` as well.
    pub async fn inspect_trusting(url: &str, ca_pem: &[u8]) -> Result<Self, InboxError> {
        Self::connect_inner(url, 2, true, false, ca_pem).await
    }

    /// Connects with a pool of `connections`, and with group commit turned off when
    /// `grouped` is false (one statement per delivery: to measure what grouping is worth).
    #[doc(hidden)]
    pub async fn connect_with(
        url: &str,
        connections: usize,
        grouped: bool,
    ) -> Result<Self, InboxError> {
        Self::connect_inner(url, connections, grouped, true, &[]).await
    }

    async fn connect_inner(
        url: &str,
        connections: usize,
        grouped: bool,
        create: bool,
        ca_pem: &[u8],
    ) -> Result<Self, InboxError> {
        let tls = tls(ca_pem)?;
        let config: tokio_postgres::Config = url.parse().map_err(|error| {
            InboxError::new(
                InboxErrorKind::Storage,
                format!("the URL does not parse: {error}"),
            )
        })?;
        let manager = Manager::from_config(
            config.clone(),
            tls.clone(),
            ManagerConfig {
                recycling_method: RecyclingMethod::Fast,
            },
        );
        let pool = Pool::builder(manager)
            .max_size(connections.max(2))
            .runtime(Runtime::Tokio1)
            .wait_timeout(Some(Duration::from_secs(5)))
            .create_timeout(Some(Duration::from_secs(5)))
            .recycle_timeout(Some(Duration::from_secs(5)))
            .build()
            .map_err(|error| InboxError::new(InboxErrorKind::Storage, error.to_string()))?;
        let mut client = pool.get().await?;
        schema::prepare(&mut client, create).await?;
        drop(client);
        let notified = Arc::new(Notify::new());
        let listener = tokio::spawn(listen::listen(config, tls, Arc::clone(&notified)));
        let (groups, queue) = mpsc::unbounded_channel();
        let max_group = if grouped { MAX_GROUP } else { 1 };
        // Without group commit, one delivery at a time: the baseline group commit is measured
        // against.
        let queue = Arc::new(tokio::sync::Mutex::new(queue));
        let writers = (0..if grouped { WRITERS } else { 1 })
            .map(|_| tokio::spawn(write_groups(pool.clone(), Arc::clone(&queue), max_group)))
            .collect();
        Ok(Self {
            pool,
            groups,
            notified,
            listener,
            writers,
        })
    }

    async fn client(&self) -> Result<deadpool_postgres::Object, InboxError> {
        Ok(self.pool.get().await?)
    }
}

/// The TLS connector: the public web roots, and the CAs in `ca_pem`. Used only when the URL's
/// `sslmode` is not `disable`.
fn tls(ca_pem: &[u8]) -> Result<MakeRustlsConnect, InboxError> {
    let refused = |what: &str, error: &dyn std::fmt::Display| {
        InboxError::new(InboxErrorKind::Storage, format!("{what}: {error}"))
    };
    let mut roots = rustls::RootCertStore {
        roots: webpki_roots::TLS_SERVER_ROOTS.to_vec(),
    };
    for certificate in CertificateDer::pem_slice_iter(ca_pem) {
        let certificate =
            certificate.map_err(|e| refused("a CA certificate does not parse", &e))?;
        roots
            .add(certificate)
            .map_err(|e| refused("a CA certificate is refused", &e))?;
    }
    let config = rustls::ClientConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .map_err(|e| refused("TLS", &e))?
    .with_root_certificates(roots)
    .with_no_client_auth();
    Ok(MakeRustlsConnect::new(config))
}

/// A writer: waits for a delivery, takes every other one queued behind it, and stores them
/// all in one statement.
async fn write_groups(
    pool: Pool,
    queue: Arc<tokio::sync::Mutex<mpsc::UnboundedReceiver<Job>>>,
    max_group: usize,
) {
    let mut group = Vec::new();
    loop {
        // The queue is held only while a group is taken from it, not while it is stored.
        if queue.lock().await.recv_many(&mut group, max_group).await == 0 {
            return;
        }
        let now_ms = group.iter().map(|job| job.now_ms).max().unwrap_or(0);
        let deliveries: Vec<&[NewEvent]> = group.iter().map(|job| job.events.as_slice()).collect();
        let mut stored = match pool.get().await {
            Ok(client) => ops::store_group(&client, &deliveries, now_ms)
                .await
                .map(|counts| counts.into_iter().map(Ok).collect()),
            Err(error) => Err(InboxError::from(error)),
        };
        if let Err(error) = &stored
            && deliveries.len() > 1
            && error.kind() != InboxErrorKind::Unavailable
        {
            // One delivery the database refuses must not cost the others theirs: each alone.
            stored = store_each(&pool, &deliveries, now_ms).await;
        }
        match stored {
            Ok(counts) => {
                for (job, new_events) in group.drain(..).zip(counts) {
                    let _ = job
                        .reply
                        .send(new_events.map(|new_events| Stored { new_events }));
                }
            }
            Err(error) => {
                tracing::error!(%error, "the inbox could not store a group of deliveries");
                for job in group.drain(..) {
                    let _ = job.reply.send(Err(error.duplicate()));
                }
            }
        }
    }
}

/// Stores the deliveries one statement each, each with its own outcome; fails as a whole only
/// when the database is away.
async fn store_each(
    pool: &Pool,
    deliveries: &[&[NewEvent]],
    now_ms: i64,
) -> Result<Vec<Result<usize, InboxError>>, InboxError> {
    let client = pool.get().await?;
    let mut outcomes = Vec::with_capacity(deliveries.len());
    for delivery in deliveries {
        match ops::store_group(&client, &[delivery], now_ms).await {
            Ok(count) => outcomes.push(Ok(count[0])),
            Err(error) if error.kind() == InboxErrorKind::Unavailable => return Err(error),
            Err(error) => outcomes.push(Err(error)),
        }
    }
    Ok(outcomes)
}

impl Backend for PostgresInbox {
    fn store(
        &self,
        events: Vec<NewEvent>,
        now_ms: i64,
    ) -> BoxFuture<'_, Result<Stored, InboxError>> {
        let (reply, answer) = oneshot::channel();
        let sent = self.groups.send(Job {
            events,
            now_ms,
            reply,
        });
        Box::pin(async move {
            sent.map_err(|_| InboxError::closed())?;
            answer.await.map_err(|_| InboxError::closed())?
        })
    }

    fn claim(&self, request: ClaimRequest) -> BoxFuture<'_, Result<Vec<Claimed>, InboxError>> {
        Box::pin(async move { ops::claim(&*self.client().await?, request).await })
    }

    fn renew(&self, claim: ClaimId, until_ms: i64) -> BoxFuture<'_, Result<bool, InboxError>> {
        Box::pin(async move { ops::renew(&*self.client().await?, claim, until_ms).await })
    }

    fn finish(
        &self,
        claim: ClaimId,
        outcome: Outcome,
        now_ms: i64,
    ) -> BoxFuture<'_, Result<bool, InboxError>> {
        Box::pin(async move { ops::finish(&*self.client().await?, claim, &outcome, now_ms).await })
    }

    fn retry(&self, target: RetryTarget, now_ms: i64) -> BoxFuture<'_, Result<u64, InboxError>> {
        Box::pin(async move { ops::retry(&*self.client().await?, target, now_ms).await })
    }

    fn purge(
        &self,
        before_ms: i64,
        dead: bool,
        limit: u32,
    ) -> BoxFuture<'_, Result<u64, InboxError>> {
        Box::pin(async move { ops::purge(&*self.client().await?, before_ms, dead, limit).await })
    }

    fn stats(&self, now_ms: i64) -> BoxFuture<'_, Result<Stats, InboxError>> {
        Box::pin(async move { ops::stats(&*self.client().await?, now_ms).await })
    }

    fn event(&self, id: i64) -> BoxFuture<'_, Result<Option<EventRecord>, InboxError>> {
        Box::pin(async move { ops::event(&*self.client().await?, id).await })
    }

    fn list(&self, filter: Filter) -> BoxFuture<'_, Result<Vec<EventRecord>, InboxError>> {
        Box::pin(async move { ops::list(&*self.client().await?, &filter).await })
    }

    fn stored_elsewhere(&self) -> BoxFuture<'_, ()> {
        Box::pin(self.notified.notified())
    }
}

impl fmt::Debug for PostgresInbox {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The URL may hold a password: the pool's size, not its configuration.
        let status = self.pool.status();
        f.debug_struct("PostgresInbox")
            .field("connections", &status.size)
            .field("max_connections", &status.max_size)
            .finish_non_exhaustive()
    }
}

impl Drop for PostgresInbox {
    fn drop(&mut self) {
        self.listener.abort();
        for writer in &self.writers {
            writer.abort();
        }
    }
}
