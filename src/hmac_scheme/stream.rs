//! [`SignedStream`]: the MAC state of a verification fed frame by frame, and the keyed MACs
//! inside it.

use hmac::{
    Hmac, KeyInit, Mac,
    digest::{CtOutput, Output},
};

use crate::scheme_kit::few::Tag;

/// The MAC state of a verification fed frame by frame, from
/// [`SignatureScheme::start_stream`](crate::SignatureScheme::start_stream). Opaque: only the
/// crate's schemes make one.
pub struct SignedStream {
    /// One MAC per key, each keyed and past the signed content's prefix.
    pub(super) macs: Vec<MacState>,
}

impl SignedStream {
    /// Feeds the next piece of the body.
    pub fn update(&mut self, chunk: &[u8]) {
        for mac in &mut self.macs {
            mac.update(chunk);
        }
    }
}

impl std::fmt::Debug for SignedStream {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SignedStream")
            .field("keys", &self.macs.len())
            .finish()
    }
}

/// A MAC keyed with one of a scheme's keys, partway through the signed content.
///
/// A scheme keys one of these per key when it is built and clones it for each delivery: keying
/// HMAC hashes the key into the inner and outer states (two compressions of the ~19 a 1 KiB
/// delivery costs, four for a key longer than a block), work that does not change from one
/// delivery to the next. The kept states are derived from the key and as secret as it; they
/// live as long as the scheme (as long as its `Secret`s), and the hash crates' `zeroize`
/// feature wipes each state, kept or cloned, when it is dropped.
#[derive(Clone)]
pub(super) enum MacState {
    Sha256(Hmac<sha2::Sha256>),
    Sha512(Hmac<sha2::Sha512>),
    Sha1(Hmac<sha1::Sha1>),
}

impl MacState {
    /// `algorithm` keyed with `key`.
    pub(super) fn new(algorithm: super::Algorithm, key: &[u8]) -> Self {
        fn keyed<M: KeyInit>(key: &[u8]) -> M {
            M::new_from_slice(key).expect("HMAC accepts keys of any length")
        }
        match algorithm {
            super::Algorithm::HmacSha256 => Self::Sha256(keyed(key)),
            super::Algorithm::HmacSha512 => Self::Sha512(keyed(key)),
            super::Algorithm::HmacSha1 => Self::Sha1(keyed(key)),
        }
    }

    pub(super) fn update(&mut self, data: &[u8]) {
        match self {
            Self::Sha256(mac) => mac.update(data),
            Self::Sha512(mac) => mac.update(data),
            Self::Sha1(mac) => mac.update(data),
        }
    }

    /// Whether any of `tags` is the MAC of this state's content followed by `message`, leaving
    /// this state as it was. The MAC is finalized once and compared with each tag in constant
    /// time. By reference: the clone is made in place, where moving a state by value
    /// would copy it again.
    pub(super) fn matches(&self, message: &[&[u8]], tags: &[Tag]) -> bool {
        // Stopping at the first match only tells the timing which signature matched, not
        // anything about the key.
        fn run<M: Mac + Clone>(kept: &M, message: &[&[u8]], tags: &[Tag]) -> bool {
            let mut mac = kept.clone();
            for part in message {
                mac.update(part);
            }
            // `CtOutput`'s equality is the hash crates' constant-time comparison, the one
            // `verify_slice` uses.
            let tag = mac.finalize();
            tags.iter().any(|candidate| {
                Output::<M>::try_from(candidate.as_slice())
                    .is_ok_and(|candidate| tag == CtOutput::new(candidate))
            })
        }
        match self {
            Self::Sha256(mac) => run(mac, message, tags),
            Self::Sha512(mac) => run(mac, message, tags),
            Self::Sha1(mac) => run(mac, message, tags),
        }
    }

    /// The MAC of everything absorbed.
    pub(super) fn finalize(self) -> Vec<u8> {
        fn bytes<M: Mac>(mac: M) -> Vec<u8> {
            mac.finalize().as_bytes().to_vec()
        }
        match self {
            Self::Sha256(mac) => bytes(mac),
            Self::Sha512(mac) => bytes(mac),
            Self::Sha1(mac) => bytes(mac),
        }
    }
}

impl std::fmt::Debug for MacState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The state is derived from the key: show nothing of it.
        f.write_str("MacState(..)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The kept states and their per-delivery clones are wiped when dropped: an `Hmac` is its
    /// two hash states and a block buffer, each wiped on drop with the hash crates' `zeroize`
    /// feature, which this fails to compile without.
    #[test]
    fn kept_states_are_wiped_on_drop() {
        use hmac::{EagerHash, block_api::HmacCore, digest::block_api::Buffer};
        fn wiped_on_drop<T: hmac::digest::zeroize::ZeroizeOnDrop>() {}
        fn parts_wiped<D: EagerHash>()
        where
            D::Core: hmac::digest::zeroize::ZeroizeOnDrop,
            Buffer<HmacCore<D>>: hmac::digest::zeroize::ZeroizeOnDrop,
        {
        }
        parts_wiped::<sha2::Sha256>();
        parts_wiped::<sha2::Sha512>();
        parts_wiped::<sha1::Sha1>();
        wiped_on_drop::<hmac::digest::CtOutput<Hmac<sha2::Sha256>>>();
    }
}
