//! Nothing here: this package exists for `benches/peers.rs`, so that the peer crates it compares
//! against are dependencies of that benchmark only.
