//! [`SignedStream`]: the MAC state of a verification fed frame by frame, and the keyed MACs
//! inside it.

use hmac::{Hmac, Mac};

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

/// A keyed MAC partway through the signed content.
#[derive(Clone)]
pub(super) enum MacState {
    Sha256(Hmac<sha2::Sha256>),
    Sha512(Hmac<sha2::Sha512>),
    Sha1(Hmac<sha1::Sha1>),
}

impl MacState {
    pub(super) fn update(&mut self, data: &[u8]) {
        match self {
            Self::Sha256(mac) => mac.update(data),
            Self::Sha512(mac) => mac.update(data),
            Self::Sha1(mac) => mac.update(data),
        }
    }

    /// Absorbs `suffix`, then whether any of `tags` is the MAC (each compared in constant time).
    pub(super) fn matches_any(mut self, suffix: &[&[u8]], tags: &[Tag]) -> bool {
        for part in suffix {
            self.update(part);
        }
        // `verify_slice` is `subtle`'s constant-time equality underneath. Stopping at the first
        // match only tells the timing which signature matched, not anything about the key.
        fn any<M: Mac + Clone>(mac: M, tags: &[Tag]) -> bool {
            tags.iter()
                .any(|tag| mac.clone().verify_slice(tag.as_slice()).is_ok())
        }
        match self {
            Self::Sha256(mac) => any(mac, tags),
            Self::Sha512(mac) => any(mac, tags),
            Self::Sha1(mac) => any(mac, tags),
        }
    }
}

impl std::fmt::Debug for MacState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The state is derived from the key: show nothing of it.
        f.write_str("MacState(..)")
    }
}
