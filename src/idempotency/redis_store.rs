//! [`RedisStore`]: claims in Redis, shared by every instance behind the load balancer.

use std::time::Duration;

use redis::{
    Script,
    aio::{ConnectionManager, ConnectionManagerConfig},
};

use super::{Claim, ClaimToken, Store, StoreError, StoreFuture};

/// How long one Redis command may take before the store counts as unreachable.
pub const DEFAULT_COMMAND_TIMEOUT: Duration = Duration::from_secs(1);

// Each operation is one script, so that checking who holds a claim and acting on it are one
// atomic step. A claim's value is `claimed:<token>`; handled is `done`, released `released`.

/// A new or released key is claimed for this token (a released one reported as a retry); a
/// claimed or done key is reported as such.
const CLAIM: &str = r"
local status = redis.call('GET', KEYS[1])
if not status or status == 'released' then
  redis.call('SET', KEYS[1], 'claimed:' .. ARGV[2], 'PX', ARGV[1])
  if status then return 'retry' end
  return 'new'
end
if status == 'done' then return 'done' end
return 'claimed'
";

/// Extends the lease, for the token's claim only.
const RENEW: &str = r"
if redis.call('GET', KEYS[1]) == 'claimed:' .. ARGV[2] then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  return 1
end
return 0
";

/// Marks the key done, unless another token's claim is live (its outcome decides).
const COMMIT: &str = r"
local status = redis.call('GET', KEYS[1])
if status and string.sub(status, 1, 8) == 'claimed:' and status ~= 'claimed:' .. ARGV[2] then
  return 0
end
redis.call('SET', KEYS[1], 'done', 'PX', ARGV[1])
return 1
";

/// Releases (or, for an abandoned first attempt, deletes) the token's claim only.
const GIVE_UP: &str = r"
if redis.call('GET', KEYS[1]) ~= 'claimed:' .. ARGV[2] then
  return 0
end
if ARGV[3] == 'delete' then
  redis.call('DEL', KEYS[1])
else
  redis.call('SET', KEYS[1], 'released', 'PX', ARGV[1])
end
return 1
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
    scripts: Scripts,
}

#[derive(Clone)]
struct Scripts {
    claim: Script,
    renew: Script,
    commit: Script,
    give_up: Script,
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
            scripts: Scripts {
                claim: Script::new(CLAIM),
                renew: Script::new(RENEW),
                commit: Script::new(COMMIT),
                give_up: Script::new(GIVE_UP),
            },
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

    /// Runs `script` on `key` with `args`, within the command timeout.
    async fn run<T: redis::FromRedisValue>(
        &self,
        script: &Script,
        key: &str,
        args: &[&str],
    ) -> Result<T, StoreError> {
        let mut connection = self.connection.clone();
        let mut invocation = script.key(format!("{}{key}", self.prefix));
        for arg in args {
            invocation.arg(*arg);
        }
        self.within(invocation.invoke_async(&mut connection)).await
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
            let token = ClaimToken::new();
            let lease = millis(lease).to_string();
            let status: String = self
                .run(&self.scripts.claim, key, &[&lease, &token.to_hex()])
                .await?;
            match status.as_str() {
                "new" => Ok(Claim::Claimed {
                    retry: false,
                    token,
                }),
                "retry" => Ok(Claim::Claimed { retry: true, token }),
                "claimed" => Ok(Claim::InProgress),
                "done" => Ok(Claim::Done),
                _ => Err(StoreError::new("unexpected claim status in Redis")),
            }
        })
    }

    fn renew<'a>(
        &'a self,
        key: &'a str,
        token: ClaimToken,
        lease: Duration,
    ) -> StoreFuture<'a, bool> {
        Box::pin(async move {
            let lease = millis(lease).to_string();
            let held: i64 = self
                .run(&self.scripts.renew, key, &[&lease, &token.to_hex()])
                .await?;
            Ok(held == 1)
        })
    }

    fn commit<'a>(&'a self, key: &'a str, token: ClaimToken, ttl: Duration) -> StoreFuture<'a, ()> {
        Box::pin(async move {
            let ttl = millis(ttl).to_string();
            self.run::<i64>(&self.scripts.commit, key, &[&ttl, &token.to_hex()])
                .await
                .map(|_| ())
        })
    }

    fn release<'a>(
        &'a self,
        key: &'a str,
        token: ClaimToken,
        ttl: Duration,
    ) -> StoreFuture<'a, ()> {
        Box::pin(async move {
            let ttl = millis(ttl).to_string();
            self.run::<i64>(
                &self.scripts.give_up,
                key,
                &[&ttl, &token.to_hex(), "release"],
            )
            .await
            .map(|_| ())
        })
    }

    fn abandon<'a>(
        &'a self,
        key: &'a str,
        token: ClaimToken,
        was_retry: bool,
        ttl: Duration,
    ) -> StoreFuture<'a, ()> {
        Box::pin(async move {
            let ttl = millis(ttl).to_string();
            // A first attempt leaves no trace; a retry stays released, so the next is a retry.
            let action = if was_retry { "release" } else { "delete" };
            self.run::<i64>(&self.scripts.give_up, key, &[&ttl, &token.to_hex(), action])
                .await
                .map(|_| ())
        })
    }
}
