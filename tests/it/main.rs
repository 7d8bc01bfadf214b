//! Most of the integration tests, in one binary: one link instead of twenty, which is most of
//! what `cargo test` spends building them. Two kinds of test keep a process of their own: the
//! log captures (`tests/logs`: `tracing` caches per-callsite interest process-wide) and the load
//! test (`tests/load.rs`: it reads the process's peak RSS).

#[path = "../common/mod.rs"]
mod common;
#[path = "../example_servers/mod.rs"]
mod example_servers;
#[cfg(feature = "postgres")]
#[path = "../postgres/mod.rs"]
mod postgres;
#[path = "../redis/mod.rs"]
mod redis;
#[path = "../signer/mod.rs"]
mod signer;

mod body_signatures;
mod budget;
mod check_head;
mod cli;
mod ed25519;
mod examples;
mod extractors;
#[cfg(feature = "fetch")]
mod fetched_keys;
mod forgery;
mod fuzz_corpus;
mod handshakes;
mod hostile_clients;
mod hyper_incoming;
mod idempotency;
mod inbox;
mod inbox_crash;
mod inbox_postgres;
mod inbox_worker;
mod interop;
mod layer;
mod properties;
mod provider_vectors;
mod providers;
mod redis_store;
mod rotation;
mod routing;
mod signatures;
mod streaming_layer;
mod test_util;
mod vectors;
mod xemelgo_stringify;
