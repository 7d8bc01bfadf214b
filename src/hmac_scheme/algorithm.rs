//! The MAC ([`Algorithm`]) and how its tag is written ([`Encoding`]).

use base64::{
    Engine as _, alphabet,
    engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig},
};

use super::stream::MacState;
use crate::scheme_kit::few::Tag;

/// The MAC a provider signs with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Algorithm {
    /// HMAC-SHA256: almost every provider.
    HmacSha256,
    /// HMAC-SHA512.
    HmacSha512,
    /// HMAC-SHA1. **Legacy**: only for providers that still sign with it (Twilio, GitHub's old
    /// `X-Hub-Signature`, Intercom). Prefer a provider's SHA-256 signature where it sends one.
    HmacSha1,
}

impl Algorithm {
    /// The tag length in bytes.
    #[must_use]
    pub const fn tag_len(self) -> usize {
        match self {
            Self::HmacSha256 => 32,
            Self::HmacSha512 => 64,
            Self::HmacSha1 => 20,
        }
    }

    /// Whether any of `tags` is the MAC of the concatenation of `message` under `key`. Each
    /// comparison is constant-time. Keys the MAC on every call: a scheme keeps its keyed
    /// states instead ([`MacState`]).
    pub(crate) fn matches_any(self, key: &[u8], message: &[&[u8]], tags: &[Tag]) -> bool {
        MacState::new(self, key).matches(message, tags)
    }

    /// The MAC of the concatenation of `message` under `key`.
    pub(crate) fn sign(self, key: &[u8], message: &[&[u8]]) -> Vec<u8> {
        let mut mac = MacState::new(self, key);
        for part in message {
            mac.update(part);
        }
        mac.finalize()
    }
}

/// How a tag is written in the header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Encoding {
    /// Hexadecimal; either case is accepted.
    Hex,
    /// Standard base64 (`+/`), padded, as every provider using it sends it.
    Base64,
    /// URL-safe base64 (`-_`); padding is optional.
    Base64Url,
}

const INDIFFERENT: GeneralPurposeConfig =
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent);
const URL_SAFE: GeneralPurpose = GeneralPurpose::new(&alphabet::URL_SAFE, INDIFFERENT);

impl Encoding {
    /// Decodes `text` into a tag on the stack; `None` when it is not in this encoding or
    /// longer than 64 bytes.
    pub(crate) fn decode_tag(self, text: &[u8]) -> Option<Tag> {
        // Big enough for 64 bytes in any of the encodings, plus one to tell "too long".
        let mut scratch = [0u8; 96];
        let len = match self {
            Self::Hex => {
                if !text.len().is_multiple_of(2) || text.len() > 128 {
                    return None;
                }
                // A table and one check at the end: a branch per digit was a third of a
                // Stripe delivery's fixed cost.
                let mut bad = 0;
                for (byte, pair) in scratch.iter_mut().zip(text.chunks_exact(2)) {
                    let (high, low) = (HEX[usize::from(pair[0])], HEX[usize::from(pair[1])]);
                    bad |= high | low;
                    *byte = (high << 4) | (low & 0x0f);
                }
                if bad & NOT_HEX != 0 {
                    return None;
                }
                text.len() / 2
            }
            Self::Base64 if text.len() <= 128 => base64::engine::general_purpose::STANDARD
                .decode_slice(text, &mut scratch)
                .ok()?,
            Self::Base64Url if text.len() <= 128 => {
                URL_SAFE.decode_slice(text, &mut scratch).ok()?
            }
            Self::Base64 | Self::Base64Url => return None,
        };
        Tag::from_slice(&scratch[..len])
    }

    /// Encodes `tag` the way a provider writes it (lowercase hex, padded base64).
    pub(crate) fn encode(self, tag: &[u8]) -> String {
        match self {
            Self::Hex => {
                const DIGITS: &[u8; 16] = b"0123456789abcdef";
                let mut hex = String::with_capacity(tag.len() * 2);
                for &byte in tag {
                    hex.push(char::from(DIGITS[usize::from(byte >> 4)]));
                    hex.push(char::from(DIGITS[usize::from(byte & 0x0f)]));
                }
                hex
            }
            Self::Base64 => base64::engine::general_purpose::STANDARD.encode(tag),
            Self::Base64Url => base64::engine::general_purpose::URL_SAFE.encode(tag),
        }
    }

    pub(crate) fn describe(self) -> &'static str {
        match self {
            Self::Hex => "hex",
            Self::Base64 => "base64",
            Self::Base64Url => "base64url",
        }
    }
}

/// Set in [`HEX`] for a byte that is not a hex digit.
const NOT_HEX: u8 = 0x80;

/// Each byte's value as a hex digit (either case), or [`NOT_HEX`].
const HEX: [u8; 256] = {
    let mut table = [NOT_HEX; 256];
    let mut c = 0;
    while c < 256 {
        // `c < 256`: the cast cannot truncate.
        table[c] = match c as u8 {
            digit @ b'0'..=b'9' => digit - b'0',
            letter @ b'a'..=b'f' => letter - b'a' + 10,
            letter @ b'A'..=b'F' => letter - b'A' + 10,
            _ => NOT_HEX,
        };
        c += 1;
    }
    table
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc4231_and_rfc2202_vectors() {
        // RFC 4231 §4.3 (SHA-256, SHA-512) and RFC 2202 §3 (SHA-1): key "Jefe".
        let message: &[&[u8]] = &[b"what do ya ", b"want for nothing?"];
        for (algorithm, hex) in [
            (
                Algorithm::HmacSha256,
                "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
            ),
            (
                Algorithm::HmacSha512,
                "164b7a7bfcf819e2e395fbe73b56e0a387bd64222e831fd610270cd7ea2505549758bf75c05a994a6d034f65f8f0e6fdcaeab1a34d4a6b4b636e070a38bce737",
            ),
            (
                Algorithm::HmacSha1,
                "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79",
            ),
        ] {
            let tag = Encoding::Hex
                .decode_tag(hex.as_bytes())
                .unwrap()
                .as_slice()
                .to_vec();
            assert_eq!(tag.len(), algorithm.tag_len());
            assert_eq!(algorithm.sign(b"Jefe", message), tag);
            let mut wrong = tag.clone();
            wrong[0] ^= 1;
            let (tag, wrong) = (
                Tag::from_slice(&tag).unwrap(),
                Tag::from_slice(&wrong).unwrap(),
            );
            assert!(algorithm.matches_any(b"Jefe", message, &[wrong, tag]));
            assert!(!algorithm.matches_any(b"Jefe", message, &[wrong]));
        }
    }

    #[test]
    fn hex_decodes_every_digit_pair_and_refuses_every_other_byte() {
        for high in 0..=255u8 {
            for low in 0..=255u8 {
                let pair = [high, low];
                let expected = std::str::from_utf8(&pair)
                    .ok()
                    .filter(|text| text.bytes().all(|b| b.is_ascii_hexdigit()))
                    .map(|text| u8::from_str_radix(text, 16).unwrap());
                let decoded = Encoding::Hex.decode_tag(&pair).map(|tag| tag.as_slice()[0]);
                assert_eq!(decoded, expected, "{pair:?}");
            }
        }
    }

    #[test]
    fn encodings_round_trip_and_refuse_garbage() {
        let tag = [0xfb, 0xff, 0x00, 0x3e];
        for encoding in [Encoding::Hex, Encoding::Base64, Encoding::Base64Url] {
            let text = encoding.encode(&tag);
            assert_eq!(
                encoding.decode_tag(text.as_bytes()).unwrap().as_slice(),
                tag
            );
            assert!(encoding.decode_tag(b"!!!!").is_none());
            let long = encoding.encode(&[1; 65]);
            assert!(encoding.decode_tag(long.as_bytes()).is_none());
            let max = encoding.encode(&[1; 64]);
            assert_eq!(
                encoding.decode_tag(max.as_bytes()).unwrap().as_slice(),
                [1; 64]
            );
        }
        // base64url is often sent unpadded; standard base64 never is.
        assert_eq!(
            Encoding::Base64Url
                .decode_tag(b"-_8APg")
                .unwrap()
                .as_slice(),
            tag
        );
        assert!(Encoding::Base64.decode_tag(b"+/8APg").is_none());
        assert_eq!(Encoding::Base64.encode(&tag), "+/8APg==");
        assert_eq!(Encoding::Base64Url.encode(&tag), "-_8APg==");
        assert!(Encoding::Base64.decode_tag(b"-_8APg==").is_none());
        assert!(Encoding::Hex.decode_tag(b"FBff003").is_none());
    }
}
