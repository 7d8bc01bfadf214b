//! [`Keys`]: the secrets a scheme accepts, for key rotation.

use std::{fmt, sync::Arc};

use crate::Secret;

/// The secrets a scheme verifies with. A delivery signed by **any** of them is accepted, so a
/// secret can be rotated without dropping deliveries: add the new one, wait until the provider
/// signs with it (and its retries of older deliveries are done), then remove the old one.
///
/// Each key may carry an id. The id of the key that matched reaches the handler through
/// [`VerificationInfo::key_id`](crate::VerificationInfo::key_id), so a handler can tell when the
/// old key stops being used.
///
/// ```
/// use tower_webhooks::{Keys, stripe::Stripe};
///
/// // One secret, no id: every scheme takes a plain secret too.
/// let _ = Stripe::new("whsec_current");
///
/// // During a rotation:
/// let keys = Keys::new().key("2025-old", "whsec_old").key("2026-new", "whsec_new");
/// assert_eq!(keys.len(), 2);
/// let _ = Stripe::with_keys(keys)?;
/// # Ok::<(), tower_webhooks::ConfigError>(())
/// ```
#[derive(Clone, Default)]
pub struct Keys {
    keys: Vec<Key>,
}

/// `Debug` shows the id; the secret prints as `Secret(REDACTED)`.
#[derive(Clone, Debug)]
pub(crate) struct Key {
    pub(crate) id: Option<Arc<str>>,
    pub(crate) secret: Secret,
}

impl Keys {
    /// No keys yet; add them with [`key`](Self::key).
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a secret under the id `id`.
    #[must_use]
    pub fn key(mut self, id: impl Into<String>, secret: impl Into<Secret>) -> Self {
        self.keys.push(Key {
            id: Some(Arc::from(id.into())),
            secret: secret.into(),
        });
        self
    }

    /// Adds a secret with no id.
    #[must_use]
    pub fn secret(mut self, secret: impl Into<Secret>) -> Self {
        self.keys.push(Key {
            id: None,
            secret: secret.into(),
        });
        self
    }

    /// How many keys there are.
    #[must_use]
    pub fn len(&self) -> usize {
        self.keys.len()
    }

    /// Whether there are none. A scheme refuses to be built without a key.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }

    pub(crate) fn secrets(&self) -> impl Iterator<Item = &Secret> {
        self.keys.iter().map(|key| &key.secret)
    }

    pub(crate) fn into_vec(self) -> Vec<Key> {
        self.keys
    }
}

impl fmt::Debug for Keys {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Ids only: a secret never reaches a log.
        f.debug_list()
            .entries(
                self.keys
                    .iter()
                    .map(|key| key.id.as_deref().unwrap_or("(no id)")),
            )
            .finish()
    }
}

impl From<Secret> for Keys {
    fn from(secret: Secret) -> Self {
        Self::new().secret(secret)
    }
}

impl From<&str> for Keys {
    fn from(secret: &str) -> Self {
        Self::new().secret(secret)
    }
}

impl From<String> for Keys {
    fn from(secret: String) -> Self {
        Self::new().secret(secret)
    }
}

impl From<Vec<u8>> for Keys {
    fn from(secret: Vec<u8>) -> Self {
        Self::new().secret(secret)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_shows_ids_and_never_secrets() {
        let keys = Keys::new().key("old", "hunter2-old").secret("hunter2-new");
        let text = format!("{keys:?}");
        assert_eq!(text, r#"["old", "(no id)"]"#);
        assert!(!text.contains("hunter2"));
    }
}
