//! Ed25519 verification shared by Standard Webhooks `v1a` and Discord.

use std::sync::Arc;

use ed25519_dalek::{Signature, VerifyingKey};

use crate::{ConfigError, Keys};

/// Public keys with their ids. Public keys are not secret, but they go through [`Keys`] so
/// rotation reads the same as for every other scheme.
#[derive(Debug, Clone)]
pub(crate) struct PublicKeys {
    keys: Vec<(Option<Arc<str>>, VerifyingKey)>,
}

impl PublicKeys {
    /// Decodes each key with `decode` into 32 bytes and checks it is a point on the curve.
    pub(crate) fn new(
        scheme: &str,
        keys: Keys,
        expected: &str,
        decode: impl Fn(&[u8]) -> Option<[u8; 32]>,
    ) -> Result<Self, ConfigError> {
        if keys.is_empty() {
            return Err(ConfigError::no_keys(scheme));
        }
        let keys = keys
            .into_vec()
            .into_iter()
            .map(|key| {
                let bytes = decode(key.secret.expose_secret()).ok_or_else(|| {
                    ConfigError::invalid_secret(scheme, &format!("public key is not {expected}"))
                })?;
                let public = VerifyingKey::from_bytes(&bytes).map_err(|_| {
                    ConfigError::invalid_secret(scheme, "public key is not an Ed25519 point")
                })?;
                Ok((key.id, public))
            })
            .collect::<Result<_, ConfigError>>()?;
        Ok(Self { keys })
    }

    /// The id of the first key under which any of `signatures` is valid for `message`.
    /// `verify_strict` refuses small-order keys and malleable signatures, which no honest
    /// signer produces.
    pub(crate) fn verify_any(
        &self,
        message: &[u8],
        signatures: &[Signature],
    ) -> Option<Option<&Arc<str>>> {
        self.keys
            .iter()
            .find(|(_, key)| {
                signatures
                    .iter()
                    .any(|signature| key.verify_strict(message, signature).is_ok())
            })
            .map(|(id, _)| id.as_ref())
    }
}
