use std::{sync::Arc, time::Duration};

use tower_layer::Layer;

use super::{MemoryBudget, WebhookSignature};
use crate::{ResponsePolicy, SignatureScheme};

/// The default body limit: 1 MiB.
pub const DEFAULT_BODY_LIMIT: usize = 1024 * 1024;

/// The default time a client has to send the whole body: 10 seconds. Providers send a webhook
/// in one go; a body still trickling in after that is a client holding a buffer open.
pub const DEFAULT_BODY_TIMEOUT: Duration = Duration::from_secs(10);

/// Verifies each request's signature before the inner service sees it.
///
/// See the [module docs](crate::layer) for what it does per request and an example. Cloning it
/// is cheap: the scheme sits behind an `Arc`.
///
/// | setting | default |
/// |---|---|
/// | [`body_limit`](Self::body_limit) | [`DEFAULT_BODY_LIMIT`] (1 MiB) |
/// | [`body_timeout`](Self::body_timeout) | [`DEFAULT_BODY_TIMEOUT`] (10 s) |
/// | [`response_policy`](Self::response_policy) | the scheme's [`SignatureScheme::response_policy`] |
/// | [`memory_budget`](Self::memory_budget) | [`DEFAULT_MEMORY_BUDGET`](super::DEFAULT_MEMORY_BUDGET) (64 MiB), shared by the layer's clones |
#[derive(Debug)]
#[must_use]
pub struct WebhookSignatureLayer<V> {
    scheme: Arc<V>,
    settings: Settings,
    budget: MemoryBudget,
}

/// The per-request knobs, copied into every service.
#[derive(Debug, Clone, Copy)]
pub(super) struct Settings {
    pub(super) body_limit: usize,
    pub(super) body_timeout: Option<Duration>,
    pub(super) policy: ResponsePolicy,
}

impl<V> Clone for WebhookSignatureLayer<V> {
    fn clone(&self) -> Self {
        Self {
            scheme: Arc::clone(&self.scheme),
            settings: self.settings,
            budget: self.budget.clone(),
        }
    }
}

impl<V: SignatureScheme> WebhookSignatureLayer<V> {
    /// A layer that verifies with `scheme`, with the defaults in the table above.
    pub fn new(scheme: V) -> Self {
        let policy = scheme.response_policy();
        Self {
            scheme: Arc::new(scheme),
            settings: Settings {
                body_limit: DEFAULT_BODY_LIMIT,
                body_timeout: Some(DEFAULT_BODY_TIMEOUT),
                policy,
            },
            budget: MemoryBudget::default(),
        }
    }

    /// The largest body accepted, in bytes; a larger one gets `413` and is not read further.
    pub fn body_limit(mut self, bytes: usize) -> Self {
        self.settings.body_limit = bytes;
        self
    }

    /// How long a client has to send the whole body, from the first time the layer has to wait
    /// for it (a body that has already arrived, as most webhooks have, never starts the clock);
    /// after that it gets `408`, the buffered bytes are dropped and the connection is closed.
    /// Needs a Tokio runtime with its timer (every axum, tonic and hyper-util server has one).
    pub fn body_timeout(mut self, timeout: Duration) -> Self {
        self.settings.body_timeout = Some(timeout);
        self
    }

    /// Waits for the body as long as the client takes. Only behind a proxy that enforces its
    /// own deadline.
    pub fn no_body_timeout(mut self) -> Self {
        self.settings.body_timeout = None;
        self
    }

    /// The bytes that the deliveries in flight through this layer (and its clones, and every
    /// layer given the same [`MemoryBudget`]) may hold at once; a delivery that does not fit
    /// gets `503` with `Connection: close` before its body is read. Default
    /// [`DEFAULT_MEMORY_BUDGET`](super::DEFAULT_MEMORY_BUDGET), 64 MiB.
    pub fn memory_budget(mut self, budget: impl Into<MemoryBudget>) -> Self {
        self.budget = budget.into();
        self
    }

    /// Overrides what is done to responses (by default, what the scheme demands).
    pub fn response_policy(mut self, policy: ResponsePolicy) -> Self {
        self.settings.policy = policy;
        self
    }

    /// The scheme this layer verifies with.
    #[must_use]
    pub fn scheme(&self) -> &V {
        &self.scheme
    }
}

impl<S, V> Layer<S> for WebhookSignatureLayer<V> {
    type Service = WebhookSignature<S, V>;

    fn layer(&self, inner: S) -> Self::Service {
        WebhookSignature::from_parts(
            inner,
            Arc::clone(&self.scheme),
            self.settings,
            self.budget.clone(),
        )
    }
}
