//! Typed routing: each event of a verified delivery goes to the handler for its type.
//!
//! An [`EventRouter`] maps event types (`invoice.created`, Xero's `INVOICE.UPDATE`) to async
//! functions that take the event as a typed payload. It is a tower `Service`, so it is the
//! route's handler behind a [`WebhookSignatureLayer`](crate::WebhookSignatureLayer):
//!
//! ```
//! use axum::{Router, routing::post_service};
//! use tower_webhooks::{
//!     WebhookSignatureLayer,
//!     routing::{EventRouter, Unhandled},
//!     xero::{self, Xero},
//! };
//!
//! async fn invoice_updated(event: xero::Event) -> Result<(), std::io::Error> {
//!     println!("fetch {}", event.resource_url);
//!     Ok(())
//! }
//!
//! let events = EventRouter::new(xero::EVENT_KEY)
//!     .on("INVOICE.UPDATE", invoice_updated)
//!     .on("CONTACT.CREATE", |event: xero::Event| async move {
//!         println!("new contact {}", event.resource_id);
//!     })
//!     .unhandled(Unhandled::Accept);
//!
//! let app: Router = Router::new().route(
//!     "/webhooks/xero",
//!     post_service(events).layer(WebhookSignatureLayer::new(Xero::new("key"))),
//! );
//! ```
//!
//! A delivery is handled as a whole, in order:
//!
//! 1. Every event is read first: where each says its type ([`EventKey`]), whether a handler
//!    takes it, whether it parses as that handler's payload. A batch with one bad event runs
//!    no handler and is answered `400`; one with an event nobody handles, under
//!    [`Unhandled::Reject`], is answered `422`.
//! 2. Then the handlers run one after another, in delivery order (Xero's sequence order). The
//!    first that fails stops the delivery, which is answered `500` so the provider retries
//!    it: handlers must tolerate seeing the events before it again, or sit behind an
//!    [`IdempotencyLayer`](crate::idempotency::IdempotencyLayer).
//! 3. All handled: `200` with an empty body.
//!
//! Behind an `IdempotencyLayer`, events of a batch that were handled before are skipped.
//! Every failure is logged with `tracing`, with the event's index and type.

mod attempt;
mod dispatched;
mod error;
mod event;
mod handler;
mod key;
mod router;
mod service;

pub use attempt::Attempt;
pub use dispatched::Dispatched;
pub use error::{BoxError, DispatchError, DispatchErrorKind};
pub use handler::{EventHandler, HandlerOutput};
pub use key::EventKey;
pub use router::{EventRouter, Unhandled};
pub use service::ResponseFuture;
