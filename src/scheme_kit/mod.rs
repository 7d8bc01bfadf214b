//! The schemes' kit: what the built-in schemes share and users never name.
//!
//! | file | what it holds |
//! |---|---|
//! | `header.rs` | reading a signature header once and only once, timestamps as plain digits |
//! | `request_url.rs` | the public URL a provider signed (Twilio, Square) |
//! | `few.rs` | `Few` and `Tag`: short per-request lists and decoded tags on the stack |
//! | `ed25519.rs` | Ed25519 public keys, parsed and checked once (Discord, Standard Webhooks `v1a`) |
//! | `handshake.rs` | what handshakes share: a challenge read from the query, the plain-text and JSON answers |
//! | `rfc3339.rs` | RFC 3339 times, for the providers that sign one (Twitch, Box) |
//! | `string_enum.rs` | provider enums that keep unknown values |
//! | `forward.rs` | the one macro by which a scheme that wraps another forwards the trait |
//! | `catch_unwind.rs` | the one guard that turns a panicking inner service into a value |
//! | `gate.rs` | a bound on how often and how many at once an expensive extra runs before a signature is known good |

pub(crate) mod catch_unwind;
#[cfg(feature = "ed25519")]
pub(crate) mod ed25519;
pub(crate) mod few;
pub(crate) mod forward;
pub(crate) mod gate;
pub(crate) mod handshake;
pub(crate) mod header;
pub(crate) mod request_url;
pub(crate) mod rfc3339;
pub(crate) mod string_enum;
