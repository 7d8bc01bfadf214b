//! Xero: `x-xero-signature` is base64(HMAC-SHA256(webhook key, raw body)).
//!
//! From Xero's webhooks documentation (developer.xero.com/documentation/guides/webhooks/overview)
//! and its developer blog's tutorial ("Keeping your integration in sync: Implementing Xero
//! webhooks using Node, Express, and ngrok", Rett Behrens, 2020):
//!
//! - the key is the webhook key from the developer portal, used as its UTF-8 bytes (it looks like
//!   base64 but is **not** decoded);
//! - the **raw** body must be verified, unmodified: re-serialised JSON fails;
//! - a good delivery gets `200` with no body and no cookies, a bad one `401`, within 5 seconds.
//!   [`Xero`]'s [`ResponsePolicy`](crate::ResponsePolicy) strips every body and `Set-Cookie`;
//! - payloads are batched: one delivery holds many [`Event`]s, for several tenants, in
//!   [`Envelope::events`]. "Intent to receive" deliveries hold none, and some of them are signed
//!   wrongly on purpose: they must get `401`.
//!
//! ```
//! use axum::{Router, routing::post};
//! use http::StatusCode;
//! use tower_webhooks::{Secret, VerifiedEvents, WebhookSignatureLayer, xero};
//!
//! async fn handle(events: VerifiedEvents<xero::Event>) -> StatusCode {
//!     for event in &events {
//!         // Fetch event.resource_url with the API, idempotently: Xero retries.
//!         let _ = (&event.event_type, &event.resource_url);
//!     }
//!     StatusCode::OK
//! }
//!
//! # fn main() -> Result<(), tower_webhooks::SecretError> {
//! # let key = Secret::new("doc");
//! // let key = Secret::from_env("XERO_WEBHOOK_KEY")?;
//! let app: Router = Router::new()
//!     .route("/webhooks/xero", post(handle))
//!     .route_layer(WebhookSignatureLayer::new(xero::Xero::new(key)));
//! # Ok(()) }
//! ```

mod event;
mod scheme;

use crate::routing::EventKey;

pub use event::{Envelope, Event, EventCategory, EventType, TenantType};
pub use scheme::{SIGNATURE_HEADER, Xero};

/// Where a Xero event says its type: `eventCategory` and `eventType`, routed as `INVOICE.UPDATE`,
/// `CONTACT.CREATE`, … See [`routing`](crate::routing).
pub const EVENT_KEY: EventKey = EventKey::fields(&["eventCategory", "eventType"]);
