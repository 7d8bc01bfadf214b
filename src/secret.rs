//! [`Secret`]: the signing key a scheme verifies with.

use std::fmt;

use zeroize::{Zeroize, ZeroizeOnDrop};

/// A webhook signing secret.
///
/// Its bytes never appear in `Debug` output (it prints `Secret(REDACTED)`), it has no `Display`,
/// and it is overwritten with zeros when dropped. An HMAC scheme also keeps, for each of its
/// secrets, the MAC already keyed with it (the key hashed into HMAC's inner and outer states),
/// so that a delivery costs no keying: that state is as secret as the key, lives as long as the
/// scheme holding the `Secret`, and is wiped when dropped, as is each per-delivery copy of it
/// (the `hmac`/`sha2`/`sha1` crates' `zeroize` feature). The bytes are used exactly as given: a secret
/// that looks like base64 (Xero's 88-character keys, Stripe's `whsec_…`) is **not** decoded.
///
/// ```
/// use tower_webhooks::Secret;
///
/// let secret = Secret::new("my webhook key");
/// assert_eq!(format!("{secret:?}"), "Secret(REDACTED)");
/// assert_eq!(secret.expose_secret(), b"my webhook key");
/// ```
#[derive(Clone, Zeroize, ZeroizeOnDrop)]
pub struct Secret {
    bytes: Box<[u8]>,
}

impl Secret {
    /// Wraps the given bytes. The source buffer is wiped after it has been copied.
    pub fn new(secret: impl Into<Vec<u8>>) -> Self {
        let mut source: Vec<u8> = secret.into();
        let bytes = Box::from(source.as_slice());
        // `into_boxed_slice` could reallocate and leave the old buffer unwiped; copy and wipe.
        source.zeroize();
        Self { bytes }
    }

    /// Reads the secret from the environment variable `var`.
    ///
    /// Fails with an error that names the variable (and never shows its value) when it is unset,
    /// empty or not valid UTF-8.
    ///
    /// ```
    /// use tower_webhooks::{Secret, SecretErrorKind};
    ///
    /// let err = Secret::from_env("TOWER_WEBHOOKS_DOC_UNSET_VARIABLE").unwrap_err();
    /// assert_eq!(err.kind(), SecretErrorKind::Missing);
    /// assert!(err.to_string().contains("TOWER_WEBHOOKS_DOC_UNSET_VARIABLE"));
    /// ```
    pub fn from_env(var: &str) -> Result<Self, SecretError> {
        let error = |kind| SecretError {
            var: var.to_owned(),
            kind,
        };
        match std::env::var(var) {
            Ok(value) if value.is_empty() => Err(error(SecretErrorKind::Empty)),
            Ok(value) => Ok(Self::new(value)),
            Err(std::env::VarError::NotPresent) => Err(error(SecretErrorKind::Missing)),
            Err(std::env::VarError::NotUnicode(raw)) => {
                wipe_os_string(raw);
                Err(error(SecretErrorKind::NotUnicode))
            }
        }
    }

    /// The secret's bytes, for a [`SignatureScheme`](crate::SignatureScheme) to key its MAC with.
    /// Never log them.
    #[must_use]
    pub fn expose_secret(&self) -> &[u8] {
        &self.bytes
    }

    /// The length of the secret in characters (in bytes when it is not valid UTF-8).
    #[must_use]
    pub fn char_len(&self) -> usize {
        std::str::from_utf8(&self.bytes).map_or(self.bytes.len(), |s| s.chars().count())
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(REDACTED)")
    }
}

impl From<&str> for Secret {
    fn from(value: &str) -> Self {
        Self::new(value)
    }
}

impl From<String> for Secret {
    fn from(value: String) -> Self {
        Self::new(value)
    }
}

impl From<Vec<u8>> for Secret {
    fn from(value: Vec<u8>) -> Self {
        Self::new(value)
    }
}

#[cfg(unix)]
fn wipe_os_string(value: std::ffi::OsString) {
    use std::os::unix::ffi::OsStringExt;
    value.into_vec().zeroize();
}

#[cfg(not(unix))]
fn wipe_os_string(value: std::ffi::OsString) {
    // No portable way to reach the bytes of a non-Unix `OsString`: drop it as early as we can.
    drop(value);
}

/// Why [`Secret::from_env`] failed. See [`SecretError::kind`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SecretError {
    var: String,
    kind: SecretErrorKind,
}

impl SecretError {
    /// What went wrong.
    #[must_use]
    pub fn kind(&self) -> SecretErrorKind {
        self.kind
    }

    /// The environment variable that was read.
    #[must_use]
    pub fn var(&self) -> &str {
        &self.var
    }
}

/// The reason in a [`SecretError`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum SecretErrorKind {
    /// The variable is not set.
    Missing,
    /// The variable is set to the empty string.
    Empty,
    /// The variable's value is not valid UTF-8.
    NotUnicode,
}

impl fmt::Display for SecretError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let var = &self.var;
        match self.kind {
            SecretErrorKind::Missing => write!(f, "environment variable `{var}` is not set"),
            SecretErrorKind::Empty => write!(f, "environment variable `{var}` is empty"),
            SecretErrorKind::NotUnicode => {
                write!(f, "environment variable `{var}` is not valid UTF-8")
            }
        }
    }
}

impl std::error::Error for SecretError {}

#[cfg(test)]
mod tests {
    use bytes::Bytes;

    use super::*;
    use crate::{SignatureScheme, invoice_ahoy::InvoiceAhoy, xemelgo::Xemelgo, xero::Xero};

    /// Every byte of this secret is >= 0x80, and every message in the crate is ASCII apart from
    /// what it quotes, so "no byte of the secret" can be checked literally.
    const UNMISTAKABLE: &str = "☃☃☃☃☃☃☃☃☃☃☃☃☃☃☃☃☃☃☃☃☃☃☃☃☃☃☃☃☃☃";
    /// A realistic secret, checked for runs of four bytes instead.
    const ASCII: &str = "Zq8kP2wX9vL4mN7rT1yH6gF3dS5aJ0";

    fn assert_no_leak(text: &str) {
        let unmistakable_bytes: Vec<u8> = UNMISTAKABLE.bytes().filter(|b| *b >= 0x80).collect();
        assert!(
            !text.bytes().any(|b| unmistakable_bytes.contains(&b)),
            "a byte of the secret leaked into {text:?}"
        );
        let leaked = ASCII
            .as_bytes()
            .windows(4)
            .any(|w| text.as_bytes().windows(4).any(|t| t == w));
        assert!(!leaked, "part of the secret leaked into {text:?}");
    }

    fn rejections_of(scheme: &dyn SignatureScheme) -> Vec<String> {
        let mut texts = Vec::new();
        for header in [
            None,
            Some(""),
            Some("not a signature"),
            Some("sha256=00"),
            Some("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="),
            Some("sha256=0000000000000000000000000000000000000000000000000000000000000000"),
            Some("0000000000000000000000000000000000000000000000000000000000000000"),
        ] {
            let mut request = http::Request::builder();
            if let Some(value) = header {
                for name in ["x-xero-signature", "x-ia-signature", "xemelgo-signature"] {
                    request = request.header(name, value);
                }
            }
            let (head, ()) = request.body(()).unwrap().into_parts();
            let body = Bytes::from_static(b"{\"a\": 1}");
            let rejection = scheme.verify(&head, &body).unwrap_err();
            texts.push(rejection.to_string());
            texts.push(format!("{rejection:?}"));
        }
        texts
    }

    #[test]
    fn debug_and_every_error_text_hold_no_byte_of_the_secret() {
        for value in [UNMISTAKABLE, ASCII] {
            let secret = Secret::new(value);
            assert_eq!(format!("{secret:?}"), "Secret(REDACTED)");
            assert_no_leak(&format!("{secret:?}"));
            assert_no_leak(&format!("{secret:#?}"));

            let xero = Xero::new(secret.clone());
            let invoice_ahoy = InvoiceAhoy::new(secret.clone());
            let xemelgo = Xemelgo::new(secret.clone()).unwrap();
            let schemes: [(&dyn SignatureScheme, String); 3] = [
                (&xero, format!("{xero:?}")),
                (&invoice_ahoy, format!("{invoice_ahoy:?}")),
                (&xemelgo, format!("{xemelgo:?}")),
            ];
            for (scheme, debug) in schemes {
                assert_no_leak(&debug);
                for text in rejections_of(scheme) {
                    assert_no_leak(&text);
                }
            }
        }
        let short = Xemelgo::new("☃☃☃").unwrap_err();
        assert_no_leak(&short.to_string());
        assert_no_leak(&format!("{short:?}"));

        let missing = Secret::from_env("TW_TEST_SECRET_MISSING").unwrap_err();
        assert_eq!(missing.kind(), SecretErrorKind::Missing);
        assert_eq!(missing.var(), "TW_TEST_SECRET_MISSING");
        assert!(missing.to_string().contains("TW_TEST_SECRET_MISSING"));
        assert_no_leak(&missing.to_string());
        assert_no_leak(&format!("{missing:?}"));
        // `set_var` is unsafe in edition 2024 and this crate forbids unsafe code, so the
        // set-but-empty path is exercised by the example-server tests, which spawn processes.
    }

    #[test]
    fn wraps_bytes_exactly_without_decoding() {
        let key = "wJq0sWkq0yQzZ6Dk8Jm2Vb1n3Xo5==";
        assert_eq!(Secret::new(key).expose_secret(), key.as_bytes());
        assert_eq!(Secret::from(key.to_owned()).expose_secret(), key.as_bytes());
        assert_eq!(Secret::new("héllo").char_len(), 5);
        assert_eq!(Secret::new(vec![0xff, 0xfe]).char_len(), 2);
    }
}
