//! Replays every input the fuzzers kept (`fuzz/corpus/<target>/`) through the same checks the
//! fuzz targets make (`fuzz/harness.rs`), so what fuzzing found stays found under `cargo test`.
#![cfg(all(feature = "ed25519", feature = "test-util"))]

#[path = "../../fuzz/harness.rs"]
mod harness;

use std::path::Path;

fn replay(target: &str, check: fn(&[u8])) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fuzz/corpus")
        .join(target);
    let mut inputs = 0;
    for entry in std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
        let path = entry.unwrap().path();
        let data = std::fs::read(&path).unwrap();
        let outcome = std::panic::catch_unwind(|| check(&data));
        assert!(outcome.is_ok(), "{target}: {} fails", path.display());
        inputs += 1;
    }
    assert!(inputs > 0, "{target}: the corpus is empty");
}

#[test]
fn schemes_corpus() {
    replay("schemes", harness::schemes);
}

#[test]
fn json_stringify_corpus() {
    replay("json_stringify", harness::json_stringify);
}

#[test]
fn hmac_scheme_corpus() {
    replay("hmac_scheme", harness::hmac_scheme);
}

#[cfg(feature = "fetch")]
#[test]
fn body_signatures_corpus() {
    replay("body_signatures", harness::body_signatures);
}

#[cfg(feature = "fetch")]
#[test]
fn jwt_corpus() {
    replay("jwt", harness::jwt);
}

#[test]
fn layer_corpus() {
    replay("layer", harness::layer);
}
