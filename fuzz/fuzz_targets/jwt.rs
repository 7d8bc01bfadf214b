//! Fuzz target `jwt`: see `harness.rs` for what it feeds and what it asserts.
#![no_main]

#[path = "../harness.rs"]
mod harness;

libfuzzer_sys::fuzz_target!(|data: &[u8]| harness::jwt(data));
