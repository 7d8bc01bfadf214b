//! [`EventRouter`] as a tower `Service`: the route's handler behind the signature layer.

use std::{
    convert::Infallible,
    future::Future,
    pin::Pin,
    task::{Context, Poll},
};

use http::{Request, Response, StatusCode};
use tower_service::Service;

use super::EventRouter;

/// The future of [`EventRouter`]'s `Service::call`: the handlers are the user's async
/// functions, so it is boxed.
pub type ResponseFuture =
    Pin<Box<dyn Future<Output = Result<Response<String>, Infallible>> + Send>>;

impl<B> Service<Request<B>> for EventRouter {
    type Response = Response<String>;
    type Error = Infallible;
    type Future = ResponseFuture;

    fn poll_ready(&mut self, _cx: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, request: Request<B>) -> Self::Future {
        let dispatching = self.dispatch(&request);
        Box::pin(async move {
            let status = match dispatching.await {
                Ok(_) => StatusCode::OK,
                Err(error) => error.status(),
            };
            let mut response = Response::new(String::new());
            *response.status_mut() = status;
            Ok(response)
        })
    }
}
