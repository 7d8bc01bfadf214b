use std::{
    sync::Arc,
    task::{Context, Poll},
};

use http::{Request, Response};
use tower_service::Service;

use super::{
    MemoryBudget, RequestBody, ResponseBody, ResponseFuture, WebhookSignatureLayer, layer::Settings,
};
use crate::SignatureScheme;

/// The middleware [`WebhookSignatureLayer`] wraps a service in. See the
/// [module docs](crate::layer).
#[derive(Debug)]
pub struct WebhookSignature<S, V> {
    inner: S,
    scheme: Arc<V>,
    settings: Settings,
    budget: MemoryBudget,
}

impl<S: Clone, V> Clone for WebhookSignature<S, V> {
    fn clone(&self) -> Self {
        Self {
            inner: self.inner.clone(),
            scheme: Arc::clone(&self.scheme),
            settings: self.settings,
            budget: self.budget.clone(),
        }
    }
}

impl<S, V: SignatureScheme> WebhookSignature<S, V> {
    /// Wraps `inner`, verifying with `scheme` and the layer's defaults.
    pub fn new(inner: S, scheme: V) -> Self {
        use tower_layer::Layer as _;
        WebhookSignatureLayer::new(scheme).layer(inner)
    }

    /// A [`WebhookSignatureLayer`] verifying with `scheme`.
    pub fn layer(scheme: V) -> WebhookSignatureLayer<V> {
        WebhookSignatureLayer::new(scheme)
    }
}

impl<S, V> WebhookSignature<S, V> {
    pub(super) fn from_parts(
        inner: S,
        scheme: Arc<V>,
        settings: Settings,
        budget: MemoryBudget,
    ) -> Self {
        Self {
            inner,
            scheme,
            settings,
            budget,
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

impl<S, V, ReqBody, ResBody> Service<Request<ReqBody>> for WebhookSignature<S, V>
where
    S: Service<Request<RequestBody>, Response = Response<ResBody>> + Clone,
    V: SignatureScheme,
    ReqBody: http_body::Body + Send + 'static,
    ReqBody::Error: std::fmt::Display,
{
    type Response = Response<ResponseBody<ResBody>>;
    type Error = S::Error;
    type Future = ResponseFuture<ReqBody, S, V>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: Request<ReqBody>) -> Self::Future {
        // The clone may not be ready; the instance `poll_ready` prepared goes into the future.
        let clone = self.inner.clone();
        let inner = std::mem::replace(&mut self.inner, clone);
        ResponseFuture::new(
            request,
            inner,
            Arc::clone(&self.scheme),
            self.settings,
            &self.budget,
        )
    }
}
