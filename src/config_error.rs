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
    /// The secret is not in the form the scheme decodes (a `whsec_` secret that is not base64).
    InvalidSecret,
    /// The scheme was given no key.
    NoKeys,
    /// A setting cannot work: a header name that is not one, a template without `{body}`, a
    /// public URL that is not an absolute `http(s)` URL, ...
    InvalidSetting,
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

    pub(crate) fn invalid_secret(scheme: &str, why: &str) -> Self {
        Self {
            kind: ConfigErrorKind::InvalidSecret,
            message: format!("{scheme}: the secret {why}"),
        }
    }

    pub(crate) fn no_keys(scheme: &str) -> Self {
        Self {
            kind: ConfigErrorKind::NoKeys,
            message: format!("{scheme}: no key to verify with"),
        }
    }

    pub(crate) fn invalid_setting(scheme: &str, why: impl fmt::Display) -> Self {
        Self {
            kind: ConfigErrorKind::InvalidSetting,
            message: format!("{scheme}: {why}"),
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
