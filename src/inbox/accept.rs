//! [`Accept`]: the service that stores a verified delivery in the inbox, then acknowledges it.

use std::{
    convert::Infallible,
    fmt::Write as _,
    future::Future,
    pin::Pin,
    sync::{Arc, OnceLock},
    task::{Context, Poll},
    time::UNIX_EPOCH,
};

use http::{HeaderMap, HeaderName, Request, Response, StatusCode};
use serde_json::value::RawValue;
use tower_service::Service;

use super::{Inbox, NewEvent};
use crate::{
    EventLayout, Provider, VerificationInfo, Verified, idempotency::keys_of, routing::EventKey,
    verified::missing_layer,
};

/// Stores each verified delivery in the inbox, split into its events (a Xero batch is a row per
/// event), each keyed as the idempotency stage keys it, and answers `200` only once they are
/// durable: `503` when they could not be stored, so the provider retries. A retry of a stored
/// delivery is answered `200` and stored once. Put it behind
/// [`WebhookSignatureLayer`](crate::WebhookSignatureLayer), which also applies the provider's
/// response policy (Xero: an empty body, no cookies).
///
/// With each event it keeps the verified bytes, the scheme, the key id and the provider's
/// delivery id, the time, and the headers a handler may route on: every provider's event-type
/// header (`X-GitHub-Event`, `X-Shopify-Topic`, ...) and those named with
/// [`keep_header`](Self::keep_header). No other header is kept: they may carry credentials.
///
/// ```
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// use axum::{Router, routing::post_service};
/// use tower_webhooks::{
///     WebhookSignatureLayer, inbox::{Accept, Inbox}, routing::EventKey, xero::Xero,
/// };
///
/// # let dir = std::env::temp_dir().join(format!("accept-doc-{}", std::process::id()));
/// # std::fs::create_dir_all(&dir)?;
/// let inbox = Inbox::sqlite(dir.join("webhooks.db"))?;
/// // Events of one Xero resource are handled in order.
/// let accept = Accept::new(inbox).ordered_by(EventKey::fields(&["tenantId", "resourceId"]));
/// let app: Router = Router::new().route(
///     "/webhooks/xero",
///     post_service(accept).layer(WebhookSignatureLayer::new(Xero::new("key"))),
/// );
/// # drop(app); std::fs::remove_dir_all(dir)?; Ok(()) }
/// ```
#[derive(Debug, Clone)]
pub struct Accept {
    inbox: Inbox,
    order: Option<EventKey>,
    keep: Arc<[HeaderName]>,
}

impl Accept {
    /// Stores in `inbox`.
    pub fn new(inbox: Inbox) -> Self {
        Self {
            inbox,
            order: None,
            keep: Arc::new([]),
        }
    }

    /// Orders the events by the value `key` reads from each (for Xero, `tenantId` and
    /// `resourceId`): an event is handled only after every earlier stored event with the same
    /// value. See [ordering](super#ordering).
    #[must_use]
    pub fn ordered_by(mut self, key: EventKey) -> Self {
        self.order = Some(key);
        self
    }

    /// Keeps the header `name` with each event too, for a handler's [`EventKey`] to read.
    #[must_use]
    pub fn keep_header(mut self, name: HeaderName) -> Self {
        let mut keep = self.keep.to_vec();
        keep.push(name);
        self.keep = keep.into();
        self
    }

    /// The inbox it stores in.
    #[must_use]
    pub fn inbox(&self) -> &Inbox {
        &self.inbox
    }

    /// The rows of one delivery: an event each, keyed as the idempotency stage keys them.
    fn rows(
        &self,
        verified: &Verified,
        info: &VerificationInfo,
        headers: &HeaderMap,
    ) -> Vec<NewEvent> {
        let scheme = verified.scheme();
        let keys = keys_of(verified, info);
        let kept = self.kept_headers(headers);
        let row = |key: &str, event: &[u8], raw: Option<&RawValue>| {
            let mut row = NewEvent::new(scheme, key, event.to_vec());
            row.headers.clone_from(&kept);
            row.key_id = info.key_id().map(str::to_owned);
            row.provider_id = info.delivery_id().map(str::to_owned);
            row.signed_at_ms = info.signed_at().and_then(|at| {
                at.duration_since(UNIX_EPOCH)
                    .ok()
                    .and_then(|d| i64::try_from(d.as_millis()).ok())
            });
            if let (Some(order), Some(raw)) = (&self.order, raw) {
                row.order_key = order
                    .read(raw, headers)
                    .map(|value| format!("{scheme}:{value}"));
            }
            row
        };
        match verified.event_layout() {
            EventLayout::Field(_) | EventLayout::Path(_) => {
                let events: Option<Vec<&RawValue>> =
                    crate::events::events(verified.body(), verified.event_layout()).ok();
                if let Some(events) = events.filter(|events| events.len() == keys.len()) {
                    return keys
                        .iter()
                        .zip(events)
                        .map(|(key, event)| row(key, event.get().as_bytes(), Some(event)))
                        .collect();
                }
            }
            // A body that is an array of events: a row each, keyed on the delivery's signed
            // key and the event's place in it.
            EventLayout::Array => {
                let events: Option<Vec<&RawValue>> =
                    crate::events::events(verified.body(), EventLayout::Array).ok();
                if let (Some(events), Some(key)) = (events, keys.first()) {
                    return events
                        .into_iter()
                        .enumerate()
                        .map(|(index, event)| {
                            row(
                                &format!("{key}#{index}"),
                                event.get().as_bytes(),
                                Some(event),
                            )
                        })
                        .collect();
                }
            }
            EventLayout::Single => {}
        }
        // Anything else is kept whole, as one row: a body whose events cannot be told apart is
        // stored rather than lost, and a worker that cannot route it sets it aside as dead.
        // Parsed only to read the order key from.
        let whole: Option<&RawValue> = self
            .order
            .as_ref()
            .and_then(|_| serde_json::from_slice(verified.body()).ok());
        keys.iter()
            .take(1)
            .map(|key| row(key, verified.body(), whole))
            .collect()
    }

    fn kept_headers(&self, headers: &HeaderMap) -> String {
        let mut kept = String::new();
        for name in event_type_headers().iter().chain(self.keep.iter()) {
            if let Some(value) = headers.get(name).and_then(|v| v.to_str().ok()) {
                let _ = writeln!(kept, "{name}: {value}");
            }
        }
        kept
    }
}

/// Every provider's event-type header: what an [`EventKey::header`] routes on.
fn event_type_headers() -> &'static [HeaderName] {
    static NAMES: OnceLock<Vec<HeaderName>> = OnceLock::new();
    NAMES.get_or_init(|| {
        let mut names: Vec<HeaderName> = Provider::ALL
            .iter()
            .filter_map(|provider| provider.event_key())
            .filter_map(|key| key.header_name().cloned())
            .collect();
        names.sort_by(|a, b| a.as_str().cmp(b.as_str()));
        names.dedup();
        names
    })
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
            (Some(verified), Some(info)) => Some(self.rows(verified, info, request.headers())),
            _ => None,
        };
        let inbox = self.inbox.clone();
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
