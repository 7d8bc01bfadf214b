#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]
#![cfg_attr(docsrs, feature(doc_cfg))]

pub mod json_stringify;
pub mod layer;

pub mod invoice_ahoy;
pub mod xemelgo;
pub mod xero;

#[cfg(feature = "axum")]
pub mod extract;

mod config_error;
mod header;
mod hmac_sha256;
mod rejection;
mod scheme;
mod secret;
mod string_enum;
mod verified;

pub use config_error::{ConfigError, ConfigErrorKind};
#[cfg(feature = "axum")]
pub use extract::{VerifiedEvents, VerifiedJson};
pub use layer::{WebhookSignature, WebhookSignatureLayer};
pub use rejection::{Rejection, RejectionKind};
pub use scheme::{EventLayout, ResponsePolicy, SignatureScheme, Verification};
pub use secret::{Secret, SecretError, SecretErrorKind};
pub use verified::Verified;
