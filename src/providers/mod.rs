//! The providers: one module each, with the wire facts and their sources at the top, a scheme
//! type, header names and `EVENT_KEY` as constants, and the default replay window where the
//! provider signs a timestamp. Each module is re-exported at the crate root
//! (`tower_webhooks::stripe::Stripe`), and [`Provider`] is the registry of them all.
//!
//! Every scheme type offers the same surface:
//!
//! | item | what it is |
//! |---|---|
//! | `new(key)` | verifies with one key; returns `Self`, or `Result` where the provider puts a rule on the key's form (Xemelgo's length, Standard Webhooks' and Svix's `whsec_` base64, Ed25519 public keys) |
//! | `with_keys(Keys)` | verifies with any of several keys (rotation); `Result`, since `Keys` may be empty |
//! | `with_replay_window`, `with_clock` | on every scheme that signs a timestamp, with `DEFAULT_TOLERANCE` the default window |
//! | `SIGNATURE_HEADER`, `TIMESTAMP_HEADER`, `ID_HEADER`, … | the header names, for tests and proxies |
//! | `EVENT_KEY` | where an event says its type, for [`EventRouter`](crate::routing::EventRouter) |
//!
//! Adding a provider is a checklist that a test enforces (see `CONTRIBUTING.md`): its module
//! here, its [`Provider`] variant, its signer in the test kit, its vectors, its README row and
//! its route in `multi_provider`.

pub mod adyen;
#[cfg(feature = "fetch")]
pub mod aws_sns;
pub mod bitbucket;
pub mod box_com;
pub mod calendly;
pub mod clerk;
pub mod coinbase_commerce;
#[cfg(feature = "ed25519")]
pub mod discord;
pub mod dropbox;
pub mod github;
pub mod gitlab;
#[cfg(feature = "fetch")]
pub mod google_pubsub;
pub mod hubspot;
pub mod intercom;
pub mod invoice_ahoy;
pub mod lemon_squeezy;
pub mod linear;
pub mod mailgun;
pub mod meta;
pub mod microsoft_graph;
pub mod mux;
pub mod okta;
pub mod paddle;
#[cfg(feature = "fetch")]
pub mod paypal;
pub mod paystack;
pub mod postmark;
pub mod quickbooks;
pub mod razorpay;
pub mod resend;
#[cfg(feature = "ecdsa")]
pub mod sendgrid;
pub mod sentry;
pub mod shopify;
pub mod slack;
pub mod square;
pub mod standard_webhooks;
pub mod stripe;
pub mod svix;
pub mod telegram;
pub mod trello;
pub mod twilio;
pub mod twitch;
pub mod typeform;
pub mod vercel;
pub mod webflow;
pub mod woocommerce;
pub mod xemelgo;
pub mod xero;
pub mod zoom;

mod registry;

pub use registry::{Provider, SchemeConfig, UnknownProvider};
