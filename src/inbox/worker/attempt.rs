//! One attempt at one claimed event: the handler runs in a task of its own (a panic is a
//! failure, not a crash), the claim's lease is renewed while it runs, and the outcome is
//! written back under the claim.

use std::{any::Any, sync::Arc, sync::atomic::Ordering};

use http::{HeaderMap, HeaderName, HeaderValue};
use serde_json::value::RawValue;
use tokio::{sync::watch, time::Instant};

use super::{Config, run::Phase};
use crate::{
    inbox::event::{Claimed, Outcome},
    routing::{Attempt, DispatchErrorKind},
};

/// How an attempt ended, for the shutdown's count.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Ended {
    /// Its outcome was written (or could not be, and the lease will bring it back).
    Settled,
    /// Stopped at the shutdown's deadline and handed back.
    HandedBack,
    /// Its claim was lost to an expired lease; another worker owns the event now.
    Lost,
}

pub(super) async fn run(
    config: Arc<Config>,
    event: Claimed,
    mut phase: watch::Receiver<Phase>,
) -> Ended {
    let claim = event.claim;
    config.counters.attempts.fetch_add(1, Ordering::Relaxed);
    let tried = event.attempt;
    let attempt = Attempt::stored(tried, claim.id, event.delivery_id);
    let mut handler = tokio::spawn({
        let router = config.router.clone();
        async move {
            let scheme = event.scheme;
            let headers = headers(&event.headers);
            let event: Box<RawValue> = serde_json::from_slice(&event.payload).map_err(|error| {
                Failure::Permanent(format!("the stored event is not JSON: {error}"))
            })?;
            match router
                .dispatch_stored(&scheme, &event, &headers, attempt)
                .await
            {
                Ok(_) => Ok(()),
                Err(error) => match error.kind() {
                    DispatchErrorKind::HandlerFailed => Err(Failure::Retry(error.to_string())),
                    _ => Err(Failure::Permanent(error.to_string())),
                },
            }
        }
    });
    let lease = config.lease;
    let renew_every = lease / 3;
    // Until when the claim is surely this worker's, by this process's clock: the lease from
    // the last renewal the database confirmed (counted from before it was asked).
    let mut held_until = Instant::now() + lease;
    let mut renew_at = Instant::now() + renew_every;
    let result = loop {
        let deadline = match *phase.borrow_and_update() {
            Phase::Stopping(deadline) => Some(deadline),
            Phase::Running => None,
        };
        tokio::select! {
            // A handler that has ended wins over a renewal or the deadline due at once.
            biased;
            result = &mut handler => break result,
            () = tokio::time::sleep_until(renew_at) => {
                let asked = Instant::now();
                let until = config.inbox.now_ms()
                    .saturating_add(config.lease_ms());
                let renewed = config.inbox.backend().renew(claim, until).await;
                let lost = match renewed {
                    Ok(true) => {
                        held_until = asked + lease;
                        renew_at = Instant::now() + renew_every;
                        false
                    }
                    Ok(false) => true,
                    Err(error) => {
                        tracing::warn!(event_id = claim.id, %error,
                            "inbox: renewing a lease failed; trying again");
                        // Try again soon; give up the handler before the lease could lapse,
                        // for once it has, another worker may take the event.
                        renew_at = Instant::now() + renew_every / 4;
                        Instant::now() + renew_every / 2 >= held_until
                    }
                };
                if lost {
                    handler.abort();
                    let _ = (&mut handler).await;
                    config.counters.lost_leases.fetch_add(1, Ordering::Relaxed);
                    tracing::error!(
                        event_id = claim.id,
                        attempt = tried,
                        "inbox: the lease could not be kept; the handler was stopped, and the \
                         event is left to its lease"
                    );
                    return Ended::Lost;
                }
            }
            () = sleep_until_some(deadline) => {
                handler.abort();
                let _ = (&mut handler).await;
                let now = config.inbox.now_ms();
                if let Err(error) = config.inbox.backend().finish(claim, Outcome::Released, now).await {
                    tracing::warn!(event_id = claim.id, %error, "inbox: handing an event back \
                        failed; its lease brings it back");
                }
                return Ended::HandedBack;
            }
            () = super::run::changed(&mut phase) => {}
        }
    };
    let outcome = match result {
        Ok(Ok(())) => {
            config.counters.handled.fetch_add(1, Ordering::Relaxed);
            Outcome::Handled
        }
        Ok(Err(Failure::Permanent(error))) => dead(&config, claim.id, tried, error),
        Ok(Err(Failure::Retry(error))) => failed(&config, claim.id, tried, error),
        Err(join) => {
            let error = match join.try_into_panic() {
                Ok(panic) => format!("the handler panicked: {}", panic_message(&*panic)),
                Err(_) => "the handler was cancelled".to_owned(),
            };
            failed(&config, claim.id, tried, error)
        }
    };
    match config
        .inbox
        .backend()
        .finish(claim, outcome, config.inbox.now_ms())
        .await
    {
        Ok(true) => {}
        Ok(false) => tracing::warn!(
            event_id = claim.id,
            attempt = tried,
            "inbox: the claim had lapsed when the attempt ended; the outcome is not recorded"
        ),
        Err(error) => tracing::error!(
            event_id = claim.id,
            %error,
            "inbox: the attempt's outcome could not be recorded; its lease brings it back"
        ),
    }
    Ended::Settled
}

enum Failure {
    /// The handler failed: worth another attempt.
    Retry(String),
    /// The event can never be handled as it is (not JSON, no type, not the handler's type,
    /// nobody handles it under `Unhandled::Reject`): dead at once, for a person to look at.
    Permanent(String),
}

fn failed(config: &Config, id: i64, attempt: u32, error: String) -> Outcome {
    config.counters.failed.fetch_add(1, Ordering::Relaxed);
    if attempt >= config.retries.attempts() {
        return dead(config, id, attempt, error);
    }
    let delay = config.retries.jittered_delay_after(attempt);
    let at_ms = config
        .inbox
        .now_ms()
        .saturating_add(i64::try_from(delay.as_millis()).unwrap_or(i64::MAX));
    tracing::warn!(event_id = id, attempt, retry_in_ms = delay.as_millis() as u64, %error,
        "inbox: the handler failed; retrying later");
    Outcome::Retry { at_ms, error }
}

fn dead(config: &Config, id: i64, attempt: u32, error: String) -> Outcome {
    config.counters.dead.fetch_add(1, Ordering::Relaxed);
    tracing::error!(event_id = id, attempt, %error,
        "inbox: the event is dead: kept for `retry`, not tried again");
    Outcome::Dead { error }
}

async fn sleep_until_some(deadline: Option<Instant>) {
    match deadline {
        Some(deadline) => tokio::time::sleep_until(deadline).await,
        None => std::future::pending().await,
    }
}

fn panic_message(panic: &(dyn Any + Send)) -> &str {
    panic
        .downcast_ref::<&str>()
        .copied()
        .or_else(|| panic.downcast_ref::<String>().map(String::as_str))
        .unwrap_or("(not a string)")
}

/// The headers kept with the event, one `name: value` a line.
fn headers(kept: &str) -> HeaderMap {
    kept.lines()
        .filter_map(|line| {
            let (name, value) = line.split_once(": ")?;
            Some((
                HeaderName::from_bytes(name.as_bytes()).ok()?,
                HeaderValue::from_str(value).ok()?,
            ))
        })
        .collect()
}
