//! Xemelgo: `xemelgo-signature: sha256=<hex>`, HMAC-SHA256 with a secret longer than 24
//! characters.
//!
//! Xemelgo's developer guide, "Webhooks", says "compute the HMAC of the raw request body", but
//! its JavaScript signs `JSON.stringify(body)` after `express.json()`
//! parsed the body. The two agree only when the sender's bytes are already in `JSON.stringify`
//! form. [`Xemelgo`] therefore accepts a signature over the raw body and, when that fails, one
//! over exactly the bytes `JSON.stringify(JSON.parse(raw))` gives (see
//! [`json_stringify`](crate::json_stringify)). When only that second form matches, the handler
//! receives **those** bytes, not the raw ones: `12345678901234567891` and `…892` are the same
//! double, so only the canonical form was really signed. Turn the fallback off with
//! [`Xemelgo::raw_body_only`].
//!
//! Deliveries can repeat (up to five attempts): make the handler idempotent. Answer with a `2xx`
//! within 5 seconds.
//!
//! ```
//! use axum::{Router, routing::post};
//! use http::StatusCode;
//! use tower_webhooks::{VerifiedEvents, WebhookSignatureLayer, xemelgo};
//!
//! async fn handle(events: VerifiedEvents<xemelgo::Event>) -> StatusCode {
//!     for event in &events {
//!         println!("{} at {}", event.topic, event.event_timestamp);
//!     }
//!     StatusCode::OK
//! }
//!
//! # fn main() -> Result<(), tower_webhooks::ConfigError> {
//! let scheme = xemelgo::Xemelgo::new("your-secret-key-must-be-longer-than-24-characters")?;
//! let app: Router = Router::new()
//!     .route("/webhooks/xemelgo", post(handle))
//!     .route_layer(WebhookSignatureLayer::new(scheme));
//! # Ok(()) }
//! ```

mod event;
mod scheme;

use crate::routing::EventKey;

pub use event::Event;
pub use scheme::{
    DEFAULT_STRINGIFY_LIMIT, MAX_FALLBACKS, MIN_SECRET_CHARS, SIGNATURE_HEADER, Xemelgo,
};

/// Where a Xemelgo event says its type: `topic` (`inventory.cycle_count`, …). See
/// [`routing`](crate::routing).
pub const EVENT_KEY: EventKey = EventKey::field("topic");
