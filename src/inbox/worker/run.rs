//! The worker's loop: claim what is due, run it under the concurrency limit, wait for more.

use std::{sync::Arc, time::Duration};

use tokio::{sync::watch, task::JoinSet, time::Instant};

use super::{Config, Stopped, attempt};
use crate::inbox::{InboxError, sqlite::ClaimRequest};

/// Where the worker is in its life, as its handle tells it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Phase {
    Running,
    /// Claim nothing more; running handlers may finish until the instant.
    Stopping(Instant),
}

fn request(config: &Config, limit: usize) -> ClaimRequest {
    ClaimRequest {
        now_ms: config.inbox.now_ms(),
        lease_ms: config.lease_ms(),
        limit,
        max_attempts: config.retries.attempts(),
    }
}

/// One step: claims what is due now, up to the concurrency limit, and runs it to its end.
pub(super) async fn run_due(
    config: &Arc<Config>,
    phase: &watch::Receiver<Phase>,
) -> Result<usize, InboxError> {
    let claimed = config
        .inbox
        .backend()
        .claim(request(config, config.concurrency))
        .await?;
    let count = claimed.len();
    let mut running = JoinSet::new();
    for event in claimed {
        running.spawn(attempt::run(Arc::clone(config), event, phase.clone()));
    }
    while running.join_next().await.is_some() {}
    Ok(count)
}

pub(super) async fn run(config: Arc<Config>, mut phase: watch::Receiver<Phase>) -> Stopped {
    let mut running: JoinSet<attempt::Ended> = JoinSet::new();
    let mut next_purge = Instant::now();
    let wake = Arc::clone(config.inbox.wake());
    let mut last_claim = Instant::now();
    loop {
        if *phase.borrow() != Phase::Running {
            break;
        }
        // Ended attempts leave the set only when joined: join them all, so they free their
        // place under the concurrency limit.
        while running.try_join_next().is_some() {}
        if Instant::now() >= next_purge {
            next_purge = Instant::now() + config.purge_interval;
            purge(&config).await;
        }
        // Listen before looking, so a store between the claim and the wait is not missed.
        let stored = wake.notified();
        tokio::pin!(stored);
        stored.as_mut().enable();
        let elsewhere = config.inbox.backend().stored_elsewhere();
        tokio::pin!(elsewhere);
        let free = config.concurrency - running.len();
        let mut claimed_all = false;
        // While busy, claim in batches of at least half the limit, or every 20 ms: a claim is a
        // write, but long handlers must not keep the other places idle.
        let batch = free * 2 >= config.concurrency || running.is_empty();
        if free > 0 && (batch || last_claim.elapsed() >= Duration::from_millis(20)) {
            last_claim = Instant::now();
            match config.inbox.backend().claim(request(&config, free)).await {
                Ok(claimed) => {
                    claimed_all = claimed.len() == free;
                    for event in claimed {
                        running.spawn(attempt::run(Arc::clone(&config), event, phase.clone()));
                    }
                }
                Err(error) => {
                    tracing::error!(%error, "the inbox worker could not claim events; retrying");
                }
            }
        }
        if claimed_all && running.len() < config.concurrency {
            continue;
        }
        tokio::select! {
            () = &mut stored => {}
            () = &mut elsewhere => {}
            () = tokio::time::sleep(config.poll_interval) => {}
            Some(_) = running.join_next(), if !running.is_empty() => {}
            () = changed(&mut phase) => {}
        }
    }
    shut_down(running).await
}

/// Waits for the running handlers: each hands its event back itself if it has not ended by
/// the deadline.
async fn shut_down(mut running: JoinSet<attempt::Ended>) -> Stopped {
    let mut stopped = Stopped::default();
    while let Some(ended) = running.join_next().await {
        match ended {
            Ok(attempt::Ended::HandedBack) => stopped.handed_back += 1,
            Ok(attempt::Ended::Settled) => stopped.finished += 1,
            Ok(attempt::Ended::Lost) | Err(_) => {}
        }
    }
    stopped
}

/// Resolves when the phase changes; never, once the handle is gone (dropped without a
/// shutdown: the worker runs until the runtime ends).
pub(super) async fn changed(phase: &mut watch::Receiver<Phase>) {
    if phase.changed().await.is_err() {
        std::future::pending::<()>().await;
    }
}

async fn purge(config: &Config) {
    match config.inbox.purge(config.retention, false).await {
        Ok(0) => {}
        Ok(purged) => tracing::info!(purged, "inbox: handled events past retention purged"),
        Err(error) => tracing::warn!(%error, "inbox: purging handled events failed"),
    }
}
