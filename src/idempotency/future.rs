//! The idempotency stage's future: claim, call, then commit or release.

use std::{future::Future, pin::Pin, sync::Arc};

use http::{Request, Response, StatusCode};
use tower_service::Service;

use super::{
    Claim, OnDuplicate, OnStoreError, Redelivery, Store,
    claims::{abandon_all, commit, release_all},
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
                tracing::info!(scheme, "duplicate delivery while the first is running: 409");
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
        request.extensions_mut().insert(HandledEvents::new(handled));
    }
    request.extensions_mut().insert(redelivery);

    let outcome = CatchUnwind::new(inner.call(request)).await;
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
}

fn empty<B: Default>(status: StatusCode) -> Response<B> {
    let mut response = Response::new(B::default());
    *response.status_mut() = status;
    response
}
