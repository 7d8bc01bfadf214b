//! What the log shows, captured with a `tracing` subscriber per test. In a binary of their own,
//! all of whose tests install a subscriber: `tracing` caches per-callsite interest
//! process-wide, so a thread-scoped subscriber can miss events while tests that install none
//! run beside it.

mod capture;
#[path = "../common/mod.rs"]
mod common;
#[path = "../signer/mod.rs"]
mod signer;

mod diagnostics;
mod missing_layer;
mod secrets;
