//! [`Accept`]: the service that stores a verified delivery in the inbox, then acknowledges it.

use std::{
    convert::Infallible,
    future::Future,
    pin::Pin,
    sync::Arc,
    task::{Context, Poll},
};

use http::{Request, Response, StatusCode};
use serde_json::value::RawValue;
use tower_service::Service;

use super::{NewEvent, SqliteInbox};
use crate::{
    EventLayout, VerificationInfo, Verified, idempotency::keys_of, verified::missing_layer,
};

/// Stores each verified delivery in the inbox, split into its events (a Xero batch is a row per
/// event), each keyed as the idempotency stage keys it, and answers `200` only once they are
/// on disk: `503` when they could not be stored, so the provider retries. A retry of a stored
/// delivery is answered `200` and stored once. Put it behind
/// [`WebhookSignatureLayer`](crate::WebhookSignatureLayer), which also applies the provider's
/// response policy.
///
/// ```
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// use axum::{Router, routing::post_service};
/// use tower_webhooks::{WebhookSignatureLayer, inbox::{Accept, SqliteInbox}, xero::Xero};
///
/// # let dir = std::env::temp_dir().join(format!("accept-doc-{}", std::process::id()));
/// # std::fs::create_dir_all(&dir)?;
/// let inbox = SqliteInbox::open(dir.join("webhooks.db"))?;
/// let app: Router = Router::new().route(
///     "/webhooks/xero",
///     post_service(Accept::new(inbox)).layer(WebhookSignatureLayer::new(Xero::new("key"))),
/// );
/// # drop(app); std::fs::remove_dir_all(dir)?; Ok(()) }
/// ```
#[derive(Debug, Clone)]
pub struct Accept {
    inbox: Arc<SqliteInbox>,
}

impl Accept {
    /// Stores in `inbox` (an `Arc<SqliteInbox>` to share it with workers and other routes).
    pub fn new(inbox: impl Into<Arc<SqliteInbox>>) -> Self {
        Self {
            inbox: inbox.into(),
        }
    }

    /// The inbox it stores in.
    #[must_use]
    pub fn inbox(&self) -> &Arc<SqliteInbox> {
        &self.inbox
    }
}

/// The rows of one delivery: an event each, keyed as the idempotency stage keys them.
fn rows(verified: &Verified, info: &VerificationInfo) -> Vec<NewEvent> {
    let scheme = verified.scheme();
    let keys = keys_of(verified, info);
    if let EventLayout::Field(_) = verified.event_layout() {
        let events: Option<Vec<&RawValue>> =
            crate::events::events(verified.body(), verified.event_layout()).ok();
        if let Some(events) = events.filter(|events| events.len() == keys.len()) {
            return keys
                .iter()
                .zip(events)
                .map(|(key, event)| NewEvent::new(scheme, key, event.get().as_bytes().to_vec()))
                .collect();
        }
    }
    keys.iter()
        .take(1)
        .map(|key| NewEvent::new(scheme, key, verified.body().to_vec()))
        .collect()
}

/// The future of [`Accept`]: the store is I/O, so it is boxed.
pub type ResponseFuture =
    Pin<Box<dyn Future<Output = Result<Response<String>, Infallible>> + Send>>;

impl<B> Service<Request<B>> for Accept {
    type Response = Response<String>;
    type Error = Infallible;
    type Future = ResponseFuture;

    fn poll_ready(&mut self, _cx: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, request: Request<B>) -> Self::Future {
        let extensions = request.extensions();
        let rows = match (
            extensions.get::<Verified>(),
            extensions.get::<VerificationInfo>(),
        ) {
            (Some(verified), Some(info)) => Some(rows(verified, info)),
            _ => None,
        };
        let inbox = Arc::clone(&self.inbox);
        Box::pin(async move {
            let status = match rows {
                None => {
                    missing_layer("inbox::Accept");
                    StatusCode::INTERNAL_SERVER_ERROR
                }
                Some(rows) if rows.is_empty() => StatusCode::OK,
                Some(rows) => match inbox.store(rows).await {
                    Ok(_) => StatusCode::OK,
                    Err(error) => {
                        tracing::error!(%error, "a verified delivery could not be stored: 503");
                        StatusCode::SERVICE_UNAVAILABLE
                    }
                },
            };
            let mut response = Response::new(String::new());
            *response.status_mut() = status;
            Ok(response)
        })
    }
}
