//! Duplicate deliveries handled once: [`IdempotencyLayer`] claims each verified delivery in a
//! [`Store`] before the handler runs, commits the claim when the handler answers 2xx, and
//! releases it otherwise, so the provider's retry is processed.
//!
//! Providers retry (Xero for 24 hours, Stripe for days) and sometimes deliver twice. Put this
//! layer **inside** [`WebhookSignatureLayer`](crate::WebhookSignatureLayer): it keys on signed
//! material only, which the signature layer has just verified.
//!
//! ```
//! use axum::{Router, routing::post};
//! use tower_webhooks::{
//!     WebhookSignatureLayer,
//!     idempotency::{IdempotencyLayer, MemoryStore, Redelivery},
//!     stripe::Stripe,
//! };
//!
//! async fn handle(redelivery: Redelivery) {
//!     // Runs once per Stripe event id, however often Stripe sends it.
//!     let _ = redelivery.is_retry();
//! }
//!
//! let app: Router = Router::new()
//!     .route("/webhooks/stripe", post(handle))
//!     // Inner first: axum applies the last `route_layer` outermost.
//!     .route_layer(IdempotencyLayer::new(MemoryStore::default()))
//!     .route_layer(WebhookSignatureLayer::new(Stripe::new("whsec_...")));
//! ```
//!
//! | the delivery | what happens |
//! |---|---|
//! | new | claimed, the handler runs; 2xx commits the claim, anything else releases it |
//! | a duplicate of a handled one | `200` with an empty body, the handler does not run ([`on_duplicate`](IdempotencyLayer::on_duplicate) changes this) |
//! | a duplicate while the first is still running | `409`, the handler does not run; the provider retries later |
//! | the retry of one whose handler failed | claimed again, the handler runs, [`Redelivery::is_retry`] is true |
//! | the store cannot be reached | `503`, the handler does not run, so the provider retries and nothing is lost ([`on_store_error`](IdempotencyLayer::on_store_error) changes this) |
//! | a [`MemoryStore`] full of running and handled claims | `503` as above: nothing handled is forgotten to make room |
//! | the client goes away while the handler runs | the claim is released at once, so the provider's retry is handled |
//!
//! A claim belongs to the attempt that made it (a [`ClaimToken`]): only that attempt renews,
//! releases or gives it up, and its lease is renewed every third of the lease while the handler
//! runs, so a handler slower than the lease is never run beside the provider's retry.
//!
//! **The key** comes only from what the signature covers, so that no two encodings of one
//! signed delivery count as two:
//!
//! | scheme | key |
//! |---|---|
//! | Standard Webhooks (`v1` and `v1a`), Svix | the signed `webhook-id` (`svix-id`) header |
//! | Stripe, Paddle | the event `id` / `notification_id` in the signed body |
//! | Twilio | the SHA-256 of the signed message: the URL and the sorted, decoded parameters (a JSON body: the URL, which pins its `bodySHA256`), so a re-encoded form is the same delivery |
//! | Xero | each event of the batch (re-serialised), so a batch is deduplicated per event and an event it holds twice is handled once |
//! | every other scheme | the SHA-256 of the verified bytes (Xemelgo: of the `JSON.stringify` form when only that was signed) |
//!
//! A [`MemoryStore`] makes room only from expired and released keys: when it is full of
//! running and handled claims, a new delivery gets `503` until keys expire.
//!
//! Events of a batch already handled are left out of [`VerifiedEvents`](crate::VerifiedEvents),
//! and a batch of nothing but handled events gets `200` without the handler. Unsigned headers
//! (`X-GitHub-Delivery`, `I-Twilio-Idempotency-Token`) are reported as the delivery id but never
//! keyed on: a forger could change them at will.

mod claims;
mod future;
mod key;
#[cfg(feature = "inbox")]
pub(crate) use key::keys_of;
mod layer;
mod memory;
mod redelivery;
#[cfg(feature = "redis")]
mod redis_store;
mod service;
mod store;

#[allow(deprecated)]
pub use future::IdempotencyFuture;
pub use future::ResponseFuture;
pub use layer::{IdempotencyLayer, OnDuplicate, OnStoreError};
pub use memory::{DEFAULT_CAPACITY, MemoryStore};
pub use redelivery::Redelivery;
#[cfg(feature = "redis")]
#[cfg_attr(docsrs, doc(cfg(feature = "redis")))]
pub use redis_store::{DEFAULT_COMMAND_TIMEOUT, RedisStore};
pub use service::Idempotency;
pub use store::{Claim, ClaimToken, Store, StoreError, StoreFuture};
