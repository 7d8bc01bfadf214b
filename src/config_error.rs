//! [`ConfigError`]: a scheme configured in a way that cannot work, reported when it is built.

use std::fmt;

/// A scheme was configured in a way that cannot work. Returned when the scheme is built, never
/// at request time, and it never holds secret bytes.
///
/// ```
/// use tower_webhooks::{ConfigErrorKind, xemelgo::Xemelgo};
///
/// let err = Xemelgo::new("too-short").unwrap_err();
/// assert_eq!(err.kind(), ConfigErrorKind::SecretTooShort);
/// assert_eq!(
///     err.to_string(),
///     "Xemelgo signing secrets must be longer than 24 characters; this one has 9"
/// );
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError {
    kind: ConfigErrorKind,
    message: String,
}

/// The reason in a [`ConfigError`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ConfigErrorKind {
    /// The secret is shorter than the provider allows.
    SecretTooShort,
}

impl ConfigError {
    pub(crate) fn secret_too_short(provider: &str, min_exclusive: usize, actual: usize) -> Self {
        Self {
            kind: ConfigErrorKind::SecretTooShort,
            message: format!(
                "{provider} signing secrets must be longer than {min_exclusive} characters; \
                 this one has {actual}"
            ),
        }
    }

    /// What is wrong.
    #[must_use]
    pub fn kind(&self) -> ConfigErrorKind {
        self.kind
    }
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for ConfigError {}
