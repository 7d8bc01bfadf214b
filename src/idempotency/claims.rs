//! The claims one attempt holds, and what becomes of them: renewed while the handler runs,
//! then committed, released or given back untouched. Settling runs on the runtime, and a drop
//! before it gives the claims back as the phase calls for, so no claim is left half-settled when
//! the request is dropped (its client went away).

use std::{sync::Arc, time::Duration};

use super::{ClaimToken, Store, layer::Settings};

/// One claim of this attempt's.
struct Held {
    key: String,
    token: ClaimToken,
    was_retry: bool,
}

/// How an attempt ended, for [`Claims::settle`].
pub(super) enum Outcome {
    /// The handler succeeded: commit.
    Handled,
    /// The handler failed or panicked: release, so the provider's retry is handled.
    Failed,
    /// The handler never ran: give the claims back as they were.
    NotRun,
}

/// The claims of one attempt. Dropped before they are settled, they are given back (abandoned
/// while the attempt was still claiming, released once its handler ran), so the provider's
/// retry is handled at once instead of after the lease.
pub(super) struct Claims<St: Store> {
    store: Arc<St>,
    held: Vec<Held>,
    settings: Settings,
    /// Whether the handler has been called.
    running: bool,
}

impl<St: Store> Claims<St> {
    pub(super) fn new(store: Arc<St>, settings: Settings) -> Self {
        Self {
            store,
            held: Vec::new(),
            settings,
            running: false,
        }
    }

    pub(super) fn hold(&mut self, key: &str, token: ClaimToken, was_retry: bool) {
        self.held.push(Held {
            key: key.to_owned(),
            token,
            was_retry,
        });
    }

    pub(super) fn is_empty(&self) -> bool {
        self.held.is_empty()
    }

    /// The handler is about to run: from now on a drop releases the claims.
    pub(super) fn start_running(&mut self) {
        self.running = true;
    }

    /// Extends every claim by a lease from now; a claim that is no longer this attempt's (its
    /// lease lapsed while the store was away, and another attempt took it) is logged.
    pub(super) async fn renew(&self) {
        for held in &self.held {
            match self
                .store
                .renew(&held.key, held.token, self.settings.lease)
                .await
            {
                Ok(true) => {}
                Ok(false) => tracing::warn!(
                    "a running handler's claim lapsed and was taken by another attempt: \
                     the delivery may run twice"
                ),
                Err(error) => {
                    tracing::warn!(%error, "a running handler's claim could not be renewed")
                }
            }
        }
    }

    /// Settles every claim as `outcome` says, in a task of its own that runs to its end even if
    /// the request is dropped meanwhile, and waits for it.
    pub(super) async fn settle(mut self, outcome: Outcome) {
        let held = std::mem::take(&mut self.held);
        if held.is_empty() {
            return;
        }
        let (store, settings) = (Arc::clone(&self.store), self.settings);
        let settling = tokio::spawn(async move {
            match outcome {
                Outcome::Handled => {
                    for held in &held {
                        commit(&*store, held, settings).await;
                    }
                }
                Outcome::Failed => release(&*store, &held, settings.ttl).await,
                Outcome::NotRun => abandon(&*store, &held, settings.ttl).await,
            }
        });
        let _ = settling.await;
    }
}

/// Commits a handled delivery, retrying while the store is briefly away (a Redis restart): the
/// handler has run, so the record that it did must land or a later duplicate runs it again.
async fn commit<St: Store>(store: &St, held: &Held, settings: Settings) {
    let deadline = tokio::time::Instant::now() + settings.commit_patience;
    let mut pause = Duration::from_millis(20);
    loop {
        match store.commit(&held.key, held.token, settings.ttl).await {
            Ok(()) => return,
            Err(error) if tokio::time::Instant::now() + pause >= deadline => {
                // The provider gets its 2xx and will not retry; only a later duplicate, after
                // the lease lapses, could run again.
                tracing::error!(%error, "handled, but the claim could not be committed");
                return;
            }
            Err(_) => {
                tokio::time::sleep(pause).await;
                pause = (pause * 2).min(Duration::from_millis(500));
            }
        }
    }
}

async fn release<St: Store>(store: &St, held: &[Held], ttl: Duration) {
    for held in held {
        if let Err(error) = store.release(&held.key, held.token, ttl).await {
            // The claim lapses with its lease; the provider's retry is handled after that.
            tracing::warn!(%error, "a claim could not be released; it lapses with its lease");
        }
    }
}

/// Puts back claims whose handler never ran, as they were before this attempt.
async fn abandon<St: Store>(store: &St, held: &[Held], ttl: Duration) {
    for held in held {
        if let Err(error) = store
            .abandon(&held.key, held.token, held.was_retry, ttl)
            .await
        {
            tracing::warn!(%error, "a claim could not be given up; it lapses with its lease");
        }
    }
}

impl<St: Store> Drop for Claims<St> {
    fn drop(&mut self) {
        if self.held.is_empty() {
            return;
        }
        let Ok(runtime) = tokio::runtime::Handle::try_current() else {
            return; // no runtime to settle on: the claims lapse with their lease
        };
        let store = Arc::clone(&self.store);
        let held = std::mem::take(&mut self.held);
        let ttl = self.settings.ttl;
        if self.running {
            tracing::info!("a delivery was dropped while its handler ran: its claims are released");
            runtime.spawn(async move { release(&*store, &held, ttl).await });
        } else {
            runtime.spawn(async move { abandon(&*store, &held, ttl).await });
        }
    }
}
