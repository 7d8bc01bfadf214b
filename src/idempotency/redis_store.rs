//! [`RedisStore`]: claims in Redis, shared by every instance behind the load balancer.

use std::time::Duration;

use redis::{
    Script,
    aio::{ConnectionManager, ConnectionManagerConfig},
};

use super::{Claim, Store, StoreError, StoreFuture};

/// How long one Redis command may take before the store counts as unreachable.
pub const DEFAULT_COMMAND_TIMEOUT: Duration = Duration::from_secs(1);

/// The claim, atomic in one script: `SET NX PX` takes a new key; a released key (its handler
/// failed) is taken again and reported as a retry; a claimed or done key is reported as such.
const CLAIM: &str = r"
if redis.call('SET', KEYS[1], 'claimed', 'NX', 'PX', ARGV[1]) then
  return 'new'
end
local status = redis.call('GET', KEYS[1])
if status == 'released' then
  redis.call('SET', KEYS[1], 'claimed', 'PX', ARGV[1])
  return 'retry'
end
return status
";

/// Claims kept in Redis (the `redis` feature), so that several instances of a receiver
/// deduplicate together and a restart forgets nothing. Keys are `<prefix><scheme>:...`, with a
/// lease while claimed and a time to live once handled or released.
///
/// The connection reconnects by itself; while Redis is unreachable every call fails within the
/// command timeout, and the idempotency stage answers `503` (so the provider retries).
///
/// ```no_run
/// use tower_webhooks::idempotency::{IdempotencyLayer, RedisStore};
///
/// # async fn run() -> Result<(), tower_webhooks::idempotency::StoreError> {
/// let store = RedisStore::connect("redis://127.0.0.1:6379/").await?;
/// let layer = IdempotencyLayer::new(store);
/// # let _ = layer;
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct RedisStore {
    connection: ConnectionManager,
    prefix: String,
    timeout: Duration,
    claim: Script,
}

impl std::fmt::Debug for RedisStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The URL may hold a password: it is not kept.
        f.debug_struct("RedisStore")
            .field("prefix", &self.prefix)
            .field("timeout", &self.timeout)
            .finish_non_exhaustive()
    }
}

impl RedisStore {
    /// Connects to `url` (`redis://host:port/db`, `rediss://` for TLS), keys prefixed
    /// `webhooks:`. Fails when Redis cannot be reached now.
    pub async fn connect(url: &str) -> Result<Self, StoreError> {
        let client = redis::Client::open(url)
            .map_err(|e| StoreError::new(format!("invalid Redis URL: {:?}", e.kind())))?;
        let config = ConnectionManagerConfig::new()
            .set_connection_timeout(Some(DEFAULT_COMMAND_TIMEOUT))
            .set_response_timeout(Some(DEFAULT_COMMAND_TIMEOUT))
            .set_number_of_retries(1)
            .set_max_delay(Duration::from_millis(500));
        let connection = client
            .get_connection_manager_with_config(config)
            .await
            .map_err(redis_error)?;
        Ok(Self {
            connection,
            prefix: "webhooks:".to_owned(),
            timeout: DEFAULT_COMMAND_TIMEOUT,
            claim: Script::new(CLAIM),
        })
    }

    /// Prefixes every key with `prefix` instead of `webhooks:`.
    #[must_use]
    pub fn prefix(mut self, prefix: impl Into<String>) -> Self {
        self.prefix = prefix.into();
        self
    }

    async fn within<T>(
        &self,
        call: impl std::future::Future<Output = redis::RedisResult<T>>,
    ) -> Result<T, StoreError> {
        match tokio::time::timeout(self.timeout, call).await {
            Ok(result) => result.map_err(redis_error),
            Err(_) => Err(StoreError::new("Redis did not answer in time")),
        }
    }

    async fn set(&self, key: &str, status: &str, ttl: Duration) -> Result<(), StoreError> {
        let mut connection = self.connection.clone();
        let command = redis::cmd("SET")
            .arg(format!("{}{key}", self.prefix))
            .arg(status)
            .arg("PX")
            .arg(millis(ttl))
            .to_owned();
        self.within(command.query_async::<()>(&mut connection))
            .await
    }
}

fn millis(duration: Duration) -> u64 {
    u64::try_from(duration.as_millis())
        .unwrap_or(u64::MAX)
        .max(1)
}

fn redis_error(error: redis::RedisError) -> StoreError {
    // `kind` and category only: a message could quote a command, and commands hold keys.
    StoreError::new(format!("Redis: {:?} ({})", error.kind(), error.category()))
}

impl Store for RedisStore {
    fn claim<'a>(&'a self, key: &'a str, lease: Duration) -> StoreFuture<'a, Claim> {
        Box::pin(async move {
            let mut connection = self.connection.clone();
            let mut invocation = self.claim.key(format!("{}{key}", self.prefix));
            invocation.arg(millis(lease));
            let status: String = self
                .within(invocation.invoke_async(&mut connection))
                .await?;
            match status.as_str() {
                "new" => Ok(Claim::Claimed { retry: false }),
                "retry" => Ok(Claim::Claimed { retry: true }),
                "claimed" => Ok(Claim::InProgress),
                "done" => Ok(Claim::Done),
                _ => Err(StoreError::new("unexpected claim status in Redis")),
            }
        })
    }

    fn commit<'a>(&'a self, key: &'a str, ttl: Duration) -> StoreFuture<'a, ()> {
        Box::pin(self.set(key, "done", ttl))
    }

    fn release<'a>(&'a self, key: &'a str, ttl: Duration) -> StoreFuture<'a, ()> {
        Box::pin(self.set(key, "released", ttl))
    }

    fn abandon<'a>(&'a self, key: &'a str, was_retry: bool, ttl: Duration) -> StoreFuture<'a, ()> {
        Box::pin(async move {
            if was_retry {
                return self.set(key, "released", ttl).await;
            }
            let mut connection = self.connection.clone();
            let command = redis::cmd("DEL")
                .arg(format!("{}{key}", self.prefix))
                .to_owned();
            self.within(command.query_async::<()>(&mut connection))
                .await
        })
    }
}
