//! InvoiceAhoy: `x-ia-signature` is hex(HMAC-SHA256(secret, raw body)).
//!
//! From InvoiceAhoy's developer guide, "Webhooks" (its Security section): the signature
//! is "an HMAC hash of the request payload" computed as
//! `crypto.createHmac('sha256', secret).update(payload).digest('hex')`. The guide compares it with
//! `===`; this crate compares in constant time. One delivery is one [`Event`], whose `type` is
//! `invoice.created`, `invoice.updated` or `invoice.deleted`.
//!
//! ```
//! use axum::{Router, routing::post};
//! use http::StatusCode;
//! use tower_webhooks::{Secret, VerifiedEvents, WebhookSignatureLayer, invoice_ahoy};
//!
//! async fn handle(events: VerifiedEvents<invoice_ahoy::Event>) -> StatusCode {
//!     for event in &events {
//!         println!("{} for invoice {}", event.event_type, event.payload.id);
//!     }
//!     StatusCode::OK
//! }
//!
//! let app: Router = Router::new()
//!     .route("/webhooks/invoiceahoy", post(handle))
//!     .route_layer(WebhookSignatureLayer::new(invoice_ahoy::InvoiceAhoy::new(Secret::new("s"))));
//! ```

mod event;
mod scheme;

use crate::routing::EventKey;

pub use event::{Event, EventType, Invoice};
pub use scheme::{InvoiceAhoy, SIGNATURE_HEADER};

/// Where an InvoiceAhoy event says its type: `type` (`invoice.created`, `invoice.updated`,
/// `invoice.deleted`). See [`routing`](crate::routing).
pub const EVENT_KEY: EventKey = EventKey::field("type");
