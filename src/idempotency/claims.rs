//! The claims one attempt holds, and what becomes of them: renewed while the handler runs,
//! then committed, released or given back untouched, and released if the attempt is dropped
//! half-way.

use std::{sync::Arc, time::Duration};

use super::{ClaimToken, Store, layer::Settings};

/// One claim of this attempt's.
struct Held {
    key: String,
    token: ClaimToken,
    was_retry: bool,
}

/// The claims of one attempt. Dropped before they are settled (the client went away while
/// the handler ran, and the server dropped the request), they are released, so the provider's
/// retry is handled at once instead of after the lease.
pub(super) struct Claims<St: Store> {
    store: Arc<St>,
    held: Vec<Held>,
    settings: Settings,
}

impl<St: Store> Claims<St> {
    pub(super) fn new(store: Arc<St>, settings: Settings) -> Self {
        Self {
            store,
            held: Vec::new(),
            settings,
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

    /// Commits every claim: the handler succeeded. Each commit is retried while the store is
    /// briefly away (a Redis restart), since the record that the handler ran must land or a
    /// later duplicate runs it again.
    pub(super) async fn commit(mut self) {
        let held = std::mem::take(&mut self.held);
        for held in &held {
            self.commit_one(held).await;
        }
    }

    async fn commit_one(&self, held: &Held) {
        let deadline = tokio::time::Instant::now() + self.settings.commit_patience;
        let mut pause = Duration::from_millis(20);
        loop {
            match self
                .store
                .commit(&held.key, held.token, self.settings.ttl)
                .await
            {
                Ok(()) => return,
                Err(error) if tokio::time::Instant::now() + pause >= deadline => {
                    // The provider gets its 2xx and will not retry; only a later duplicate,
                    // after the lease lapses, could run again.
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

    /// Releases every claim: the handler failed, and the provider's retry is handled.
    pub(super) async fn release(mut self) {
        let held = std::mem::take(&mut self.held);
        release(&*self.store, &held, self.settings.ttl).await;
    }

    /// Puts back claims whose handler never ran, as they were before this attempt.
    pub(super) async fn abandon(mut self) {
        for held in std::mem::take(&mut self.held) {
            if let Err(error) = self
                .store
                .abandon(&held.key, held.token, held.was_retry, self.settings.ttl)
                .await
            {
                tracing::warn!(%error, "a claim could not be given up; it lapses with its lease");
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

impl<St: Store> Drop for Claims<St> {
    fn drop(&mut self) {
        if self.held.is_empty() {
            return;
        }
        let Ok(runtime) = tokio::runtime::Handle::try_current() else {
            return; // no runtime to release on: the claims lapse with their lease
        };
        let store = Arc::clone(&self.store);
        let held = std::mem::take(&mut self.held);
        let ttl = self.settings.ttl;
        tracing::info!("a delivery was dropped while its handler ran: its claims are released");
        runtime.spawn(async move { release(&*store, &held, ttl).await });
    }
}
