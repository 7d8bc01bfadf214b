//! What happens to claims after the handler: committed, released, or given back untouched.

use std::time::Duration;

use super::{Store, layer::Settings};

/// Commits a handled delivery, retrying while the store is briefly away (a Redis restart): the
/// handler has run, so the record that it did must land or a later duplicate runs it again.
pub(super) async fn commit<St: Store>(store: &St, key: &str, settings: Settings) {
    let deadline = tokio::time::Instant::now() + settings.commit_patience;
    let mut pause = Duration::from_millis(20);
    loop {
        match store.commit(key, settings.ttl).await {
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

/// Puts back claims whose handler never ran.
pub(super) async fn abandon_all<St: Store>(store: &St, claimed: &[(&str, bool)], ttl: Duration) {
    for (key, was_retry) in claimed {
        if let Err(error) = store.abandon(key, *was_retry, ttl).await {
            tracing::warn!(%error, "a claim could not be given up; it lapses with its lease");
        }
    }
}

pub(super) async fn release_all<St: Store>(store: &St, claimed: &[(&str, bool)], ttl: Duration) {
    for (key, _) in claimed {
        if let Err(error) = store.release(key, ttl).await {
            // The claim lapses with its lease; the provider's retry is handled after that.
            tracing::warn!(%error, "a claim could not be released; it lapses with its lease");
        }
    }
}
