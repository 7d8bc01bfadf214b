//! The idempotency stage's future: claim, call, then commit or release.

use std::{
    collections::HashSet,
    future::Future,
    pin::{Pin, pin},
    sync::Arc,
    task::Poll,
    time::Duration,
};

use http::{Request, Response, StatusCode};
use tower_service::Service;

use super::{
    Claim, OnDuplicate, OnStoreError, Redelivery, Store,
    claims::{Claims, Outcome},
    key::keys_of,
    layer::Settings,
};
use crate::{
    VerificationInfo, Verified,
    scheme_kit::catch_unwind::CatchUnwind,
    verified::{HandledEvents, missing_layer},
};

/// The future of [`Idempotency`](super::Idempotency): the claim, the call and the commit or
/// release are I/O, so it is boxed.
pub type ResponseFuture<T, E> = Pin<Box<dyn Future<Output = Result<T, E>> + Send>>;

/// The old name of [`ResponseFuture`].
#[deprecated(
    since = "0.1.0",
    note = "renamed `ResponseFuture`, as in every other module"
)]
pub type IdempotencyFuture<T, E> = ResponseFuture<T, E>;

pub(super) async fn run<S, St, ReqBody, ResBody>(
    mut request: Request<ReqBody>,
    mut inner: S,
    store: Arc<St>,
    settings: Settings,
) -> Result<Response<ResBody>, S::Error>
where
    S: Service<Request<ReqBody>, Response = Response<ResBody>>,
    St: Store,
    ResBody: Default,
{
    let (Some(verified), Some(info)) = (
        request.extensions().get::<Verified>(),
        request.extensions().get::<VerificationInfo>(),
    ) else {
        missing_layer("IdempotencyLayer");
        return Ok(empty(StatusCode::INTERNAL_SERVER_ERROR));
    };
    let scheme = verified.scheme();
    let keys = keys_of(verified, info);

    let mut claims = Claims::new(Arc::clone(&store), settings);
    let mut handled = Vec::new();
    // Keys claimed or found handled by this attempt: an event a batch holds twice is handled
    // once, and its second copy is left out like a handled one.
    let mut seen: HashSet<&str> = HashSet::with_capacity(keys.len());
    let mut redelivery = Redelivery::default();
    for (index, key) in keys.iter().enumerate() {
        if seen.contains(key.as_str()) {
            handled.push(index);
            continue;
        }
        match store.claim(key, settings.lease).await {
            Ok(Claim::Claimed { retry, token }) => {
                redelivery.retry |= retry;
                claims.hold(key, token, retry);
                seen.insert(key);
            }
            Ok(Claim::Done) => {
                handled.push(index);
                seen.insert(key);
            }
            Ok(Claim::InProgress) => {
                claims.settle(Outcome::NotRun).await;
                tracing::info!(scheme, "duplicate delivery while the first is running: 409");
                return Ok(empty(StatusCode::CONFLICT));
            }
            Err(error) => match settings.on_store_error {
                OnStoreError::FailClosed => {
                    claims.settle(Outcome::NotRun).await;
                    tracing::error!(scheme, %error, "idempotency store unavailable: 503");
                    return Ok(empty(StatusCode::SERVICE_UNAVAILABLE));
                }
                OnStoreError::FailOpen => {
                    tracing::warn!(scheme, %error, "idempotency store unavailable: handling without deduplication");
                }
            },
        }
    }
    if claims.is_empty() && !handled.is_empty() && handled.len() == keys.len() {
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
        request.extensions_mut().insert(HandledEvents::new(handled));
    }
    request.extensions_mut().insert(redelivery);

    claims.start_running();
    let call = CatchUnwind::new(inner.call(request));
    let outcome = renewing(call, &claims, settings.lease).await;
    match outcome {
        Ok(Ok(response)) if response.status().is_success() => {
            claims.settle(Outcome::Handled).await;
            Ok(response)
        }
        Ok(result) => {
            claims.settle(Outcome::Failed).await;
            result
        }
        Err(panic) => {
            claims.settle(Outcome::Failed).await;
            std::panic::resume_unwind(panic)
        }
    }
}

/// Runs `call` to its end, renewing `claims` every third of the lease meanwhile, so that a
/// handler slower than the lease is never run beside the provider's retry.
async fn renewing<F: Future, St: Store>(
    call: F,
    claims: &Claims<St>,
    lease: Duration,
) -> F::Output {
    let period = (lease / 3).max(Duration::from_millis(1));
    let mut call = pin!(call);
    let mut timer = pin!(tokio::time::sleep(period));
    let mut renewal: Option<Pin<Box<dyn Future<Output = ()> + Send + '_>>> = None;
    std::future::poll_fn(|cx| {
        if let Poll::Ready(output) = call.as_mut().poll(cx) {
            return Poll::Ready(output);
        }
        if claims.is_empty() {
            return Poll::Pending;
        }
        if let Some(running) = renewal.as_mut()
            && running.as_mut().poll(cx).is_ready()
        {
            renewal = None;
        }
        if renewal.is_none() && timer.as_mut().poll(cx).is_ready() {
            let mut running = Box::pin(claims.renew());
            if running.as_mut().poll(cx).is_pending() {
                renewal = Some(running);
            }
            timer.as_mut().reset(tokio::time::Instant::now() + period);
            // Registers the waker for the next period.
            let _ = timer.as_mut().poll(cx);
        }
        Poll::Pending
    })
    .await
}

fn empty<B: Default>(status: StatusCode) -> Response<B> {
    let mut response = Response::new(B::default());
    *response.status_mut() = status;
    response
}
