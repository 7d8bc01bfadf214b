//! Keys fetched from the provider (feature `fetch`): AWS SNS's signing certificates, PayPal's,
//! Google's keys for Pub/Sub push tokens.
//!
//! A provider that signs with a private key publishes the public half at a URL: a fixed one
//! (Google's JWKS), or one each delivery names (SNS's `SigningCertURL`, PayPal's
//! `PAYPAL-CERT-URL`). [`KeyFetcher`] is the one HTTPS client those schemes share, and what a
//! forger can make it do is bounded:
//!
//! - **An allow-list, checked before anything is fetched.** A URL a delivery names must be
//!   `https` on the provider's own hosts (`sns.<region>.amazonaws.com`, `api.paypal.com`, …);
//!   anything else is refused (`401`) without a connection.
//! - **A cache.** A document is fetched once and kept (an hour by default, or as long as its
//!   `Cache-Control: max-age` says, within bounds); a failed fetch is remembered for a few
//!   seconds, so a key server that is down is not asked again by every delivery. Concurrent
//!   deliveries that need the same document wait for one fetch.
//! - **A bound on fetches**: at most [`DEFAULT_FETCHES_PER_SECOND`] a second and a few at once,
//!   each at most 64 KiB and [`DEFAULT_TIMEOUT`] long. A delivery whose key cannot be had gets
//!   `503` ([`RejectionKind::KeyUnavailable`](crate::RejectionKind::KeyUnavailable)), which
//!   the providers retry.
//!
//! The layer awaits the fetch ([`SignatureScheme::fetch_keys`](crate::SignatureScheme::fetch_keys))
//! before it verifies. TLS is rustls with Mozilla's roots (`webpki-roots`); a test or an
//! air-gapped service adds its own CA or pins the documents themselves
//! ([`KeyFetcherBuilder::root_certificates`], [`KeyFetcherBuilder::pin`]).
//!
//! ```
//! use tower_webhooks::{WebhookSignatureLayer, aws_sns::AwsSns, fetch::KeyFetcher};
//!
//! // One fetcher for every scheme that fetches: one cache, one bound.
//! let fetcher = KeyFetcher::new();
//! let sns = AwsSns::new("arn:aws:sns:us-east-1:123456789012:orders")?.with_fetcher(fetcher);
//! let layer = WebhookSignatureLayer::new(sns);
//! # let _ = layer;
//! # Ok::<(), tower_webhooks::ConfigError>(())
//! ```

mod cache;
mod certificates;
mod client;
pub(crate) mod jwt;
pub(crate) mod keys;

pub(crate) use cache::KeyCache;
pub(crate) use certificates::Certificates;
pub(crate) use client::allowed as allowed_url;
pub use client::{DEFAULT_FETCHES_PER_SECOND, DEFAULT_TIMEOUT, KeyFetcher, KeyFetcherBuilder};
