//! [`Idempotency`]: the service [`IdempotencyLayer`](super::IdempotencyLayer) wraps a handler in.

use std::{
    sync::Arc,
    task::{Context, Poll},
};

use http::{Request, Response};
use tower_service::Service;

use super::{Store, future::ResponseFuture, layer::Settings};

/// The service of [`IdempotencyLayer`](super::IdempotencyLayer). See the
/// [module docs](super).
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

impl<S, St> Idempotency<S, St> {
    pub(super) fn from_parts(inner: S, store: Arc<St>, settings: Settings) -> Self {
        Self {
            inner,
            store,
            settings,
        }
    }

    /// The inner service.
    pub fn get_ref(&self) -> &S {
        &self.inner
    }

    /// The inner service, mutably.
    pub fn get_mut(&mut self) -> &mut S {
        &mut self.inner
    }

    /// Unwraps the inner service.
    pub fn into_inner(self) -> S {
        self.inner
    }
}

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
    type Future = ResponseFuture<Response<ResBody>, S::Error>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: Request<ReqBody>) -> Self::Future {
        let clone = self.inner.clone();
        let inner = std::mem::replace(&mut self.inner, clone);
        let store = Arc::clone(&self.store);
        let settings = self.settings;
        Box::pin(super::future::run(request, inner, store, settings))
    }
}
