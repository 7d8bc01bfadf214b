//! Receive signed webhooks in any axum, tonic or hyper service, verified to the byte before your
//! handler runs, and answered the way each provider demands.
//!
//! A provider (Stripe, GitHub, Slack, Shopify, Twilio, Xero, any Standard Webhooks sender, …)
//! POSTs an event to your endpoint and signs it. [`WebhookSignatureLayer`] reads the body as it
//! arrives, verifies it with the provider's [`SignatureScheme`] (in constant time, over the raw
//! bytes, with a replay window where the provider signs a timestamp) and only then calls your
//! handler. Unsigned, stale or oversized deliveries never reach it: they get an empty `401`,
//! `413` or `408`, and the reason goes to your logs.
//!
//! # The first handler
//!
//! ```
//! use axum::{Router, http::StatusCode, routing::post};
//! use tower_webhooks::{VerifiedEvents, WebhookSignatureLayer, xero};
//!
//! async fn xero_events(events: VerifiedEvents<xero::Event>) -> StatusCode {
//!     // Only verified deliveries get here. Xero batches events and retries: handle each
//!     // one idempotently (see `idempotency`).
//!     for event in &events {
//!         println!("{} {} in tenant {}", event.event_category, event.event_type, event.tenant_id);
//!     }
//!     StatusCode::OK
//! }
//!
//! // let key = tower_webhooks::Secret::from_env("XERO_WEBHOOK_KEY")?;
//! let app: Router = Router::new()
//!     .route("/webhooks/xero", post(xero_events))
//!     .route_layer(WebhookSignatureLayer::new(xero::Xero::new("webhook key")));
//! ```
//!
//! # Where each concept lives
//!
//! | you want | look at |
//! |---|---|
//! | to verify a route | [`WebhookSignatureLayer`] and the [`layer`] module: body limit, body timeout, response policy, gRPC |
//! | a provider's scheme | its module ([`stripe`], [`github`], [`xero`], …); [`Provider`] names them all, for configuration |
//! | a provider this crate does not ship | [`hmac_scheme::HmacScheme`] (describe it by its facts), or implement [`SignatureScheme`] |
//! | the verified body in a handler | [`VerifiedEvents`], [`VerifiedJson`] and [`VerificationInfo`] (feature `axum`), or [`Verified`] in the request extensions |
//! | each event to a typed handler | [`routing::EventRouter`] |
//! | duplicates handled once | [`idempotency::IdempotencyLayer`], in memory or in Redis |
//! | secrets, rotation, replay windows | [`Secret`], [`Keys`], [`ReplayWindow`] and [`Clock`] |
//! | why a delivery was refused | [`Rejection`]: its status, a stable code and a hint, in the logs and the response extensions |
//! | signed requests for your tests | `test_util::Signer` (feature `test-util`) |
//! | set-ups: axum, tonic, plain hyper, migrating | the [`guide`] |
//!
//! # Providers
//!
//! | provider | module | [`Provider`] |
//! |---|---|---|
//! | Standard Webhooks | [`standard_webhooks`] (`v1a`, Ed25519, with feature `ed25519`) | `standard-webhooks`, `standard-webhooks-v1a` |
//! | Svix | [`svix`] | `svix` |
//! | Stripe | [`stripe`] | `stripe` |
//! | GitHub | [`github`] | `github`, `github-sha1` |
//! | Slack | [`slack`] | `slack` |
//! | Shopify | [`shopify`] | `shopify` |
//! | Paddle | [`paddle`] | `paddle` |
//! | Linear | [`linear`] | `linear` |
//! | Zoom | [`zoom`] | `zoom` |
//! | Square | [`square`] | `square` |
//! | Twilio | [`twilio`] | `twilio` |
//! | Xero | [`xero`] | `xero` |
//! | InvoiceAhoy | [`invoice_ahoy`] | `invoiceahoy` |
//! | Xemelgo | [`xemelgo`] | `xemelgo` |
//! | QuickBooks Online | [`quickbooks`] | `quickbooks` |
//! | HubSpot | [`hubspot`] | `hubspot` |
//! | Typeform | [`typeform`] | `typeform` |
//! | Calendly | [`calendly`] | `calendly` |
//! | Mux | [`mux`] | `mux` |
//! | Sentry | [`sentry`] | `sentry` |
//! | Vercel | [`vercel`] | `vercel` |
//! | Coinbase Commerce | [`coinbase_commerce`] | `coinbase-commerce` |
//! | Razorpay | [`razorpay`] | `razorpay` |
//! | Paystack | [`paystack`] | `paystack` |
//! | Lemon Squeezy | [`lemon_squeezy`] | `lemonsqueezy` |
//! | Webflow | [`webflow`] | `webflow` |
//! | Bitbucket Cloud | [`bitbucket`] | `bitbucket` |
//! | Box | [`box_com`] | `box` |
//! | WooCommerce | [`woocommerce`] | `woocommerce` |
//! | Trello | [`trello`] | `trello` |
//! | Intercom | [`intercom`] | `intercom` |
//! | Resend (through Svix) | [`resend`] | `resend` |
//! | Clerk (through Svix) | [`clerk`] | `clerk` |
//! | Twitch EventSub | [`twitch`] | `twitch` |
//! | Dropbox | [`dropbox`] | `dropbox` |
//! | Meta (WhatsApp, Messenger, Instagram) | [`meta`] | `meta` |
//! | GitLab (a token) | [`gitlab`] | `gitlab` |
//! | Telegram bots (a token) | [`telegram`] | `telegram` |
//! | Postmark (Basic credentials) | [`postmark`] | `postmark` |
//! | Okta event hooks (a token) | [`okta`] | `okta` |
//! | Microsoft Graph change notifications | [`microsoft_graph`] | `microsoft-graph` |
//! | Mailgun (signed in the body) | [`mailgun`] | `mailgun` |
//! | Adyen (signed in the body) | [`adyen`] | `adyen` |
//! | SendGrid (feature `ecdsa`) | `sendgrid` | `sendgrid` |
//! | AWS SNS (feature `fetch`) | `aws_sns` | `aws-sns` |
//! | PayPal (feature `fetch`) | `paypal` | `paypal` |
//! | Google Cloud Pub/Sub push (feature `fetch`) | `google_pubsub` | `google-pubsub` |
//! | Discord interactions (feature `ed25519`) | `discord` | `discord` |
//!
//! Every provider offers the same surface: `new`, `with_keys`, its header names and `EVENT_KEY`
//! as constants, and `with_replay_window`/`with_clock` with a `DEFAULT_TOLERANCE` where it
//! signs a timestamp.
//!
//! # Feature flags
//!
//! | feature | default | what it adds |
//! |---|---|---|
//! | `axum` | yes | the [`VerifiedEvents`] and [`VerifiedJson`] extractors, and [`VerificationInfo`] and `Redelivery` as extractors (axum 0.8, through `axum-core`) |
//! | `ed25519` | no | the Ed25519 schemes: Standard Webhooks `v1a` and Discord |
//! | `ecdsa` | no | the ECDSA P-256 scheme: SendGrid's signed event webhook (RustCrypto's `p256`) |
//! | `fetch` | no | the schemes whose keys are fetched from the provider (AWS SNS, PayPal, Google Pub/Sub) and `fetch::KeyFetcher`: an HTTPS client with an allow-list, a cache and a bound (RustCrypto's `rsa` and `x509-cert`, hyper and rustls) |
//! | `redis` | no | `idempotency::RedisStore`, claims shared between instances |
//! | `test-util` | no | `test_util::Signer`: correctly and wrongly signed requests for your handlers' tests |
//! | `inbox` | no | the durable inbox: `inbox::Accept` stores verified deliveries in SQLite (bundled) before acknowledging them, `inbox::Worker` handles them later with leases, retries and dead events |
//! | `postgres` | no | `inbox::PostgresInbox`: the inbox in PostgreSQL, shared by many receivers and workers (`tokio-postgres`, `deadpool-postgres`) |
//! | `cli` | no | the `tower-webhooks` command: sign, send, Xero's "Intent to receive", a conformance check, verifying a captured request |
//!
//! Without default features the crate builds for tonic and plain hyper: the layer, every scheme,
//! the event router and the idempotency stage need no axum.
#![forbid(unsafe_code)]
#![cfg_attr(docsrs, feature(doc_cfg))]

#[cfg(feature = "fetch")]
#[cfg_attr(docsrs, doc(cfg(feature = "fetch")))]
pub mod fetch;
pub mod guide;
pub mod hmac_scheme;
pub mod idempotency;
#[cfg(feature = "inbox")]
#[cfg_attr(docsrs, doc(cfg(feature = "inbox")))]
pub mod inbox;
pub mod json_stringify;
pub mod layer;
pub mod routing;
pub mod token;

#[cfg(feature = "axum")]
pub mod extract;
#[cfg(feature = "test-util")]
#[cfg_attr(docsrs, doc(cfg(feature = "test-util")))]
pub mod test_util;

mod both;
mod config_error;
mod events;
mod keys;
mod providers;
mod rejection;
mod replay;
mod scheme;
mod scheme_kit;
mod secret;
mod verified;

#[cfg(feature = "ed25519")]
#[cfg_attr(docsrs, doc(cfg(feature = "ed25519")))]
pub use providers::discord;
#[cfg(feature = "ecdsa")]
#[cfg_attr(docsrs, doc(cfg(feature = "ecdsa")))]
pub use providers::sendgrid;
pub use providers::{
    Provider, SchemeConfig, UnknownProvider, adyen, bitbucket, box_com, calendly, clerk,
    coinbase_commerce, dropbox, github, gitlab, hubspot, intercom, invoice_ahoy, lemon_squeezy,
    linear, mailgun, meta, microsoft_graph, mux, okta, paddle, paystack, postmark, quickbooks,
    razorpay, resend, sentry, shopify, slack, square, standard_webhooks, stripe, svix, telegram,
    trello, twilio, twitch, typeform, vercel, webflow, woocommerce, xemelgo, xero, zoom,
};
#[cfg(feature = "fetch")]
#[cfg_attr(docsrs, doc(cfg(feature = "fetch")))]
pub use providers::{aws_sns, google_pubsub, paypal};

pub use both::Both;
pub use config_error::{ConfigError, ConfigErrorKind};
#[cfg(feature = "axum")]
pub use extract::{VerifiedEvents, VerifiedJson};
pub use hmac_scheme::SignedStream;
pub use keys::Keys;
pub use layer::{ResponsePolicy, WebhookSignature, WebhookSignatureLayer};
pub use rejection::{Rejection, RejectionKind};
pub use replay::{Clock, ReplayWindow};
pub use scheme::{EventLayout, KeyFetch, SignatureScheme, Verification};
pub use secret::{Secret, SecretError, SecretErrorKind};
pub use verified::{VerificationInfo, Verified};

// The README's examples are compiled and run as doc tests, though the README is not the
// crate's documentation.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
