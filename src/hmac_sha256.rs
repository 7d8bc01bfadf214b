//! HMAC-SHA256 verification shared by the built-in schemes.

use hmac::{Hmac, Mac};
use sha2::Sha256;

use crate::{Rejection, Secret};

/// The length of an HMAC-SHA256 tag in bytes.
pub(crate) const TAG_LEN: usize = 32;

/// Checks `tag` against HMAC-SHA256(`secret`, `message`) in constant time.
pub(crate) fn verify(
    secret: &Secret,
    message: &[u8],
    tag: &[u8; TAG_LEN],
) -> Result<(), Rejection> {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.expose_secret())
        .expect("HMAC accepts keys of any length");
    mac.update(message);
    // `verify_slice` is `subtle`'s constant-time equality underneath.
    mac.verify_slice(tag)
        .map_err(|_| Rejection::signature_mismatch())
}

#[cfg(test)]
pub(crate) fn sign(secret: &[u8], message: &[u8]) -> [u8; TAG_LEN] {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret).expect("any key length");
    mac.update(message);
    mac.finalize().into_bytes().into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc4231_test_case_2() {
        // RFC 4231 section 4.3: key "Jefe", data "what do ya want for nothing?".
        let expected: [u8; 32] = crate::header::decode_hex(
            b"5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
        )
        .unwrap();
        let secret = Secret::new("Jefe");
        assert!(verify(&secret, b"what do ya want for nothing?", &expected).is_ok());
        assert_eq!(sign(b"Jefe", b"what do ya want for nothing?"), expected);
        let mut wrong = expected;
        wrong[31] ^= 1;
        assert!(verify(&secret, b"what do ya want for nothing?", &wrong).is_err());
    }
}
