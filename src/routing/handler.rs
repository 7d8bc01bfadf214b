//! Handlers as the router stores them: typed at `on`, erased behind one trait.

use std::{future::Future, marker::PhantomData, pin::Pin};

use serde::de::DeserializeOwned;
use serde_json::value::RawValue;

use super::BoxError;

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

pub(super) type HandlerFuture = Pin<Box<dyn Future<Output = Result<(), BoxError>> + Send>>;

/// A handler with its payload type erased: it parses the event, then runs.
pub(super) trait Erased: Send + Sync {
    fn call(&self, event: &RawValue) -> Result<HandlerFuture, serde_json::Error>;
}

pub(super) struct Typed<T, F> {
    handler: F,
    // `fn() -> T`: the router neither owns a `T` nor needs `T: Sync` to be shared.
    payload: PhantomData<fn() -> T>,
}

impl<T, F> Typed<T, F> {
    pub(super) fn new(handler: F) -> Self {
        Self {
            handler,
            payload: PhantomData,
        }
    }
}

impl<T, F, Fut> Erased for Typed<T, F>
where
    T: DeserializeOwned,
    F: Fn(T) -> Fut + Send + Sync,
    Fut: Future<Output: HandlerOutput> + Send + 'static,
{
    fn call(&self, event: &RawValue) -> Result<HandlerFuture, serde_json::Error> {
        let payload = serde_json::from_str(event.get())?;
        let running = (self.handler)(payload);
        Ok(Box::pin(async move { running.await.into_result() }))
    }
}
