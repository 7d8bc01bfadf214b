//! [`IdempotencyLayer`] and its service.

use std::{
    future::Future,
    panic::AssertUnwindSafe,
    pin::Pin,
    sync::Arc,
    task::{Context, Poll},
    time::Duration,
};

use http::{Request, Response, StatusCode};
use tower_layer::Layer;
use tower_service::Service;

use super::{Claim, Store, key::keys_of};
use crate::{VerificationInfo, Verified};

/// What to answer a duplicate of a delivery that was handled already.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum OnDuplicate {
    /// Answer `200` with an empty body; the handler does not run. The default.
    Acknowledge,
    /// Run the handler anyway, with [`Redelivery::is_duplicate`] true.
    Forward,
}

/// What to do when the store cannot be reached.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum OnStoreError {
    /// Answer `503`; the handler does not run and the provider retries later. Nothing is lost
    /// and nothing runs twice. The default.
    FailClosed,
    /// Run the handler without deduplication: nothing is delayed, but a duplicate may run twice.
    FailOpen,
}

/// In the request extensions of a delivery the idempotency stage let through, and an axum
/// extractor: whether the handler has seen this delivery before.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Redelivery {
    retry: bool,
    duplicate: bool,
}

impl Redelivery {
    /// An earlier attempt at this delivery was claimed and its handler failed: this is the
    /// provider's retry.
    #[must_use]
    pub fn is_retry(&self) -> bool {
        self.retry
    }

    /// The delivery was handled already and is forwarded anyway ([`OnDuplicate::Forward`]).
    #[must_use]
    pub fn is_duplicate(&self) -> bool {
        self.duplicate
    }
}

/// Indexes of a batch's events that were handled before; [`VerifiedEvents`]
/// (crate::VerifiedEvents) leaves them out.
#[derive(Debug, Clone, Default)]
pub(crate) struct HandledEvents(Arc<[usize]>);

#[cfg_attr(not(feature = "axum"), allow(dead_code))]
impl HandledEvents {
    pub(crate) fn contains(&self, index: usize) -> bool {
        self.0.contains(&index)
    }
}

/// Claims each verified delivery before the inner service runs. See the
/// [module docs](crate::idempotency).
#[derive(Debug)]
#[must_use]
pub struct IdempotencyLayer<St> {
    store: Arc<St>,
    settings: Settings,
}

#[derive(Debug, Clone, Copy)]
struct Settings {
    lease: Duration,
    ttl: Duration,
    on_duplicate: OnDuplicate,
    on_store_error: OnStoreError,
    commit_patience: Duration,
}

impl<St> Clone for IdempotencyLayer<St> {
    fn clone(&self) -> Self {
        Self {
            store: Arc::clone(&self.store),
            settings: self.settings,
        }
    }
}

impl<St: Store> IdempotencyLayer<St> {
    /// Deduplicates with `store`: a 60-second lease, handled deliveries remembered 72 hours
    /// (Stripe retries for up to three days), duplicates acknowledged, failing closed.
    pub fn new(store: St) -> Self {
        Self {
            store: Arc::new(store),
            settings: Settings {
                lease: Duration::from_secs(60),
                ttl: Duration::from_secs(72 * 3600),
                on_duplicate: OnDuplicate::Acknowledge,
                on_store_error: OnStoreError::FailClosed,
                commit_patience: Duration::from_secs(3),
            },
        }
    }

    /// How long a claim holds while its handler runs. A handler that takes longer may see a
    /// concurrent retry run too: keep it above your handlers' worst case.
    pub fn lease(mut self, lease: Duration) -> Self {
        self.settings.lease = lease;
        self
    }

    /// How long a handled delivery is remembered: at least the provider's retry window.
    pub fn remember_for(mut self, ttl: Duration) -> Self {
        self.settings.ttl = ttl;
        self
    }

    /// How long to keep retrying the commit of a handled delivery while the store is away
    /// (default 3 s, inside Xero's 5-second answer); the response waits for it.
    pub fn commit_patience(mut self, patience: Duration) -> Self {
        self.settings.commit_patience = patience;
        self
    }

    /// What a duplicate of a handled delivery gets.
    pub fn on_duplicate(mut self, action: OnDuplicate) -> Self {
        self.settings.on_duplicate = action;
        self
    }

    /// What to do when the store cannot be reached.
    pub fn on_store_error(mut self, action: OnStoreError) -> Self {
        self.settings.on_store_error = action;
        self
    }
}

impl<S, St> Layer<S> for IdempotencyLayer<St> {
    type Service = Idempotency<S, St>;

    fn layer(&self, inner: S) -> Self::Service {
        Idempotency {
            inner,
            store: Arc::clone(&self.store),
            settings: self.settings,
        }
    }
}

/// The service of [`IdempotencyLayer`].
#[derive(Debug)]
pub struct Idempotency<S, St> {
    inner: S,
    store: Arc<St>,
    settings: Settings,
}

impl<S: Clone, St> Clone for Idempotency<S, St> {
    fn clone(&self) -> Self {
        Self {
            inner: self.inner.clone(),
            store: Arc::clone(&self.store),
            settings: self.settings,
        }
    }
}

/// The future of [`Idempotency`]: the claim, the call and the commit or release are I/O.
pub type IdempotencyFuture<T, E> = Pin<Box<dyn Future<Output = Result<T, E>> + Send>>;

impl<S, St, ReqBody, ResBody> Service<Request<ReqBody>> for Idempotency<S, St>
where
    S: Service<Request<ReqBody>, Response = Response<ResBody>> + Clone + Send + 'static,
    S::Future: Send,
    S::Error: Send,
    St: Store,
    ReqBody: Send + 'static,
    ResBody: Default + Send + 'static,
{
    type Response = Response<ResBody>;
    type Error = S::Error;
    type Future = IdempotencyFuture<Response<ResBody>, S::Error>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, mut request: Request<ReqBody>) -> Self::Future {
        let clone = self.inner.clone();
        let mut inner = std::mem::replace(&mut self.inner, clone);
        let store = Arc::clone(&self.store);
        let settings = self.settings;
        Box::pin(async move {
            let (Some(verified), Some(info)) = (
                request.extensions().get::<Verified>(),
                request.extensions().get::<VerificationInfo>(),
            ) else {
                tracing::error!(
                    "IdempotencyLayer without WebhookSignatureLayer outside it: add the \
                     signature layer after (outside) the idempotency layer"
                );
                return Ok(empty(StatusCode::INTERNAL_SERVER_ERROR));
            };
            let scheme = verified.scheme();
            let keys = keys_of(verified, info);

            let mut claimed = Vec::with_capacity(keys.len());
            let mut handled = Vec::new();
            let mut redelivery = Redelivery::default();
            for (index, key) in keys.iter().enumerate() {
                match store.claim(key, settings.lease).await {
                    Ok(Claim::Claimed { retry }) => {
                        redelivery.retry |= retry;
                        claimed.push((key.as_str(), retry));
                    }
                    Ok(Claim::Done) => handled.push(index),
                    Ok(Claim::InProgress) => {
                        abandon_all(&*store, &claimed, settings.ttl).await;
                        tracing::info!(
                            scheme,
                            "duplicate delivery while the first is running: 409"
                        );
                        return Ok(empty(StatusCode::CONFLICT));
                    }
                    Err(error) => match settings.on_store_error {
                        OnStoreError::FailClosed => {
                            abandon_all(&*store, &claimed, settings.ttl).await;
                            tracing::error!(scheme, %error, "idempotency store unavailable: 503");
                            return Ok(empty(StatusCode::SERVICE_UNAVAILABLE));
                        }
                        OnStoreError::FailOpen => {
                            tracing::warn!(scheme, %error, "idempotency store unavailable: handling without deduplication");
                        }
                    },
                }
            }
            if claimed.is_empty() && !handled.is_empty() {
                match settings.on_duplicate {
                    OnDuplicate::Acknowledge => {
                        tracing::info!(scheme, "duplicate of a handled delivery: acknowledged");
                        return Ok(empty(StatusCode::OK));
                    }
                    OnDuplicate::Forward => {
                        redelivery.duplicate = true;
                        handled.clear();
                    }
                }
            }
            if !handled.is_empty() {
                request
                    .extensions_mut()
                    .insert(HandledEvents(handled.into()));
            }
            request.extensions_mut().insert(redelivery);

            let outcome = CatchUnwind {
                future: inner.call(request),
            }
            .await;
            match outcome {
                Ok(Ok(response)) if response.status().is_success() => {
                    for (key, _) in &claimed {
                        commit(&*store, key, settings).await;
                    }
                    Ok(response)
                }
                Ok(result) => {
                    release_all(&*store, &claimed, settings.ttl).await;
                    result
                }
                Err(panic) => {
                    release_all(&*store, &claimed, settings.ttl).await;
                    std::panic::resume_unwind(panic)
                }
            }
        })
    }
}

/// Commits a handled delivery, retrying while the store is briefly away (a Redis restart): the
/// handler has run, so the record that it did must land or a later duplicate runs it again.
async fn commit<St: Store>(store: &St, key: &str, settings: Settings) {
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
async fn abandon_all<St: Store>(store: &St, claimed: &[(&str, bool)], ttl: Duration) {
    for (key, was_retry) in claimed {
        if let Err(error) = store.abandon(key, *was_retry, ttl).await {
            tracing::warn!(%error, "a claim could not be given up; it lapses with its lease");
        }
    }
}

async fn release_all<St: Store>(store: &St, claimed: &[(&str, bool)], ttl: Duration) {
    for (key, _) in claimed {
        if let Err(error) = store.release(key, ttl).await {
            // The claim lapses with its lease; the provider's retry is handled after that.
            tracing::warn!(%error, "a claim could not be released; it lapses with its lease");
        }
    }
}

fn empty<B: Default>(status: StatusCode) -> Response<B> {
    let mut response = Response::new(B::default());
    *response.status_mut() = status;
    response
}

pin_project_lite::pin_project! {
    /// Polls a future, turning a panic into an `Err` so the claim can be released first.
    struct CatchUnwind<F> {
        #[pin]
        future: F,
    }
}

impl<F: Future> Future for CatchUnwind<F> {
    type Output = std::thread::Result<F::Output>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let future = self.project().future;
        match std::panic::catch_unwind(AssertUnwindSafe(|| future.poll(cx))) {
            Ok(Poll::Pending) => Poll::Pending,
            Ok(Poll::Ready(output)) => Poll::Ready(Ok(output)),
            Err(panic) => Poll::Ready(Err(panic)),
        }
    }
}
