#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]
#![cfg_attr(docsrs, feature(doc_cfg))]

pub mod guide;
pub mod hmac_scheme;
pub mod idempotency;
pub mod json_stringify;
pub mod layer;
pub mod routing;

#[cfg(feature = "ed25519")]
#[cfg_attr(docsrs, doc(cfg(feature = "ed25519")))]
pub mod discord;
pub mod github;
pub mod invoice_ahoy;
pub mod linear;
pub mod paddle;
pub mod shopify;
pub mod slack;
pub mod square;
pub mod standard_webhooks;
pub mod stripe;
pub mod svix;
#[cfg(feature = "test-util")]
#[cfg_attr(docsrs, doc(cfg(feature = "test-util")))]
pub mod test_util;
pub mod twilio;
pub mod xemelgo;
pub mod xero;
pub mod zoom;

#[cfg(feature = "axum")]
pub mod extract;

mod config_error;
#[cfg(feature = "ed25519")]
mod ed25519;
mod event_split;
mod few;
mod header;
mod keys;
mod preset;
mod rejection;
mod replay;
mod request_url;
mod scheme;
mod secret;
mod string_enum;
mod verification_info;
mod verified;

pub use config_error::{ConfigError, ConfigErrorKind};
#[cfg(feature = "axum")]
pub use extract::{VerifiedEvents, VerifiedJson};
pub use keys::Keys;
pub use layer::{WebhookSignature, WebhookSignatureLayer};
pub use rejection::{Rejection, RejectionKind};
pub use replay::{Clock, ReplayWindow};
pub use scheme::{EventLayout, ResponsePolicy, SignatureScheme, SignedStream, Verification};
pub use secret::{Secret, SecretError, SecretErrorKind};
pub use verification_info::VerificationInfo;
pub use verified::Verified;
