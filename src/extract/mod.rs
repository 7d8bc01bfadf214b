//! Axum extractors for verified deliveries: [`VerifiedEvents`], [`VerifiedJson`] and
//! [`VerificationInfo`](crate::VerificationInfo).
//!
//! Both read the [`Verified`] marker that only
//! [`WebhookSignatureLayer`](crate::WebhookSignatureLayer) creates, so they can never be built
//! from bytes that were not verified. Both implement `FromRequestParts`: they can be combined
//! in one handler, in any order.
//!
//! | failure | status |
//! |---|---|
//! | no layer in front of the route (a programming error, logged with `tracing::error!`) | `500` |
//! | signed, but not JSON of the expected shape | `400` |

mod events;
mod info;
mod json;
mod rejection;

pub use events::VerifiedEvents;
pub use json::VerifiedJson;
pub use rejection::{VerifiedRejection, VerifiedRejectionKind};

use http::request::Parts;

use crate::Verified;

fn verified_from(parts: &Parts, extractor: &'static str) -> Result<Verified, VerifiedRejection> {
    parts
        .extensions
        .get::<Verified>()
        .cloned()
        .ok_or_else(|| VerifiedRejection::missing_layer(extractor))
}
