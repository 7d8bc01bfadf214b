//! Handlers as the router stores them: typed at `on`, erased behind one trait.

use std::{future::Future, marker::PhantomData, pin::Pin};

use serde::de::DeserializeOwned;
use serde_json::value::RawValue;

use super::{Attempt, BoxError, event::Event};

/// What an event handler may return: `()` (it cannot fail) or `Result<(), E>` for any `E`
/// that converts into a [`BoxError`] (`std` errors, `anyhow::Error`, `String`, `&str`).
pub trait HandlerOutput {
    /// `Ok` when the event was handled.
    fn into_result(self) -> Result<(), BoxError>;
}

impl HandlerOutput for () {
    fn into_result(self) -> Result<(), BoxError> {
        Ok(())
    }
}

impl<E: Into<BoxError>> HandlerOutput for Result<(), E> {
    fn into_result(self) -> Result<(), BoxError> {
        self.map_err(Into::into)
    }
}

/// An async function that handles events of one type: `async fn(T)` or
/// `async fn(T, Attempt)`, where `T` is the event's payload type. `Args` tells the two
/// apart; you never name it.
pub trait EventHandler<Args>: Send + Sync + 'static {
    /// The payload type the event is parsed as.
    type Payload: DeserializeOwned + 'static;
    /// The handler's future.
    type Future: Future<Output: HandlerOutput> + Send + 'static;
    /// Runs the handler on a parsed event.
    fn call(&self, payload: Self::Payload, attempt: Attempt) -> Self::Future;
}

impl<T, F, Fut> EventHandler<(T,)> for F
where
    T: DeserializeOwned + 'static,
    F: Fn(T) -> Fut + Send + Sync + 'static,
    Fut: Future<Output: HandlerOutput> + Send + 'static,
{
    type Payload = T;
    type Future = Fut;
    fn call(&self, payload: T, _attempt: Attempt) -> Fut {
        self(payload)
    }
}

impl<T, F, Fut> EventHandler<(T, Attempt)> for F
where
    T: DeserializeOwned + 'static,
    F: Fn(T, Attempt) -> Fut + Send + Sync + 'static,
    Fut: Future<Output: HandlerOutput> + Send + 'static,
{
    type Payload = T;
    type Future = Fut;
    fn call(&self, payload: T, attempt: Attempt) -> Fut {
        self(payload, attempt)
    }
}

pub(super) type HandlerFuture = Pin<Box<dyn Future<Output = Result<(), BoxError>> + Send>>;

/// A handler with its payload type erased: it parses the event, then runs.
pub(super) trait Erased: Send + Sync {
    fn call(&self, event: Event<'_>, attempt: Attempt) -> Result<HandlerFuture, serde_json::Error>;

    /// Whether the payload is the event's text itself (`Box<RawValue>`), which only a whole
    /// event can give: the router then keeps events whole rather than split into fields.
    fn reads_text(&self) -> bool;
}

pub(super) struct Typed<H, Args> {
    handler: H,
    // `fn() -> Args`: the router neither owns the arguments nor needs them `Sync`.
    args: PhantomData<fn() -> Args>,
}

impl<H, Args> Typed<H, Args> {
    pub(super) fn new(handler: H) -> Self {
        Self {
            handler,
            args: PhantomData,
        }
    }
}

impl<H: EventHandler<Args>, Args> Erased for Typed<H, Args> {
    fn call(&self, event: Event<'_>, attempt: Attempt) -> Result<HandlerFuture, serde_json::Error> {
        let payload = event.parse()?;
        let running = self.handler.call(payload, attempt);
        Ok(Box::pin(async move { running.await.into_result() }))
    }

    fn reads_text(&self) -> bool {
        std::any::TypeId::of::<H::Payload>() == std::any::TypeId::of::<Box<RawValue>>()
    }
}
