//! Tokens compared as digests, in constant time.

use std::sync::Arc;

use sha2::{Digest as _, Sha256};
use subtle::ConstantTimeEq as _;
use zeroize::Zeroize as _;

use crate::{ConfigError, Keys};

/// The SHA-256 digests of the accepted tokens, with their key ids. A presented token is hashed
/// and compared with every digest, without stopping at a match: the time taken depends on
/// neither the tokens' contents nor their lengths.
#[derive(Clone)]
pub(crate) struct Digests {
    tokens: Vec<(Option<Arc<str>>, [u8; 32])>,
}

impl Digests {
    /// The digests of `keys`. Fails when `keys` is empty or a key is empty.
    pub(crate) fn new(scheme: &str, keys: Keys) -> Result<Self, ConfigError> {
        if keys.is_empty() {
            return Err(ConfigError::no_keys(scheme));
        }
        let tokens = keys
            .into_vec()
            .into_iter()
            .map(|key| {
                if key.secret.expose_secret().is_empty() {
                    return Err(ConfigError::invalid_secret(scheme, "the token is empty"));
                }
                Ok((key.id, Sha256::digest(key.secret.expose_secret()).into()))
            })
            .collect::<Result<_, _>>()?;
        Ok(Self { tokens })
    }

    /// The key of the token `presented` is, or `None`: `Some(id)` (the id itself may be
    /// `None`) when it matches one.
    pub(crate) fn matching(&self, presented: &[u8]) -> Option<Option<&Arc<str>>> {
        let mut digest: [u8; 32] = Sha256::digest(presented).into();
        let mut found = None;
        for (id, token) in &self.tokens {
            if bool::from(token.ct_eq(&digest)) && found.is_none() {
                found = Some(id.as_ref());
            }
        }
        digest.zeroize();
        found
    }
}

impl Drop for Digests {
    fn drop(&mut self) {
        for (_, token) in &mut self.tokens {
            token.zeroize();
        }
    }
}

impl std::fmt::Debug for Digests {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list()
            .entries(
                self.tokens
                    .iter()
                    .map(|(id, _)| id.as_deref().unwrap_or("REDACTED")),
            )
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_only_the_exact_token_and_names_its_key() {
        let keys = Keys::new().key("old", "token-a").key("new", "token-b");
        let digests = Digests::new("t", keys).unwrap();
        assert_eq!(
            digests.matching(b"token-b").unwrap().unwrap().as_ref(),
            "new"
        );
        assert_eq!(
            digests.matching(b"token-a").unwrap().unwrap().as_ref(),
            "old"
        );
        for wrong in [&b"token-c"[..], b"token-", b"token-bb", b""] {
            assert!(digests.matching(wrong).is_none());
        }
        assert!(!format!("{digests:?}").contains("token"));
        assert!(Digests::new("t", Keys::new()).is_err());
        assert!(Digests::new("t", Keys::from("")).is_err());
    }
}
