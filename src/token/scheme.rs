//! [`TokenScheme`].

use base64::Engine as _;
use bytes::Bytes;
use http::{HeaderName, header, request::Parts};

use super::Digests;
use crate::{
    ConfigError, EventLayout, Keys, Rejection, SignatureScheme, Verification,
    scheme_kit::header::single_value,
};

/// Checks a token the provider sends as it is: in a header of its own, as a bearer token, or as
/// HTTP Basic credentials. See the [module docs](super).
///
/// The whole check is made from the request's head, so a request without the token is refused
/// before its body is read. Several tokens may be accepted at once while one is changed
/// ([`Keys`]); the id of the one that matched reaches the handler as
/// [`VerificationInfo::key_id`](crate::VerificationInfo::key_id).
///
/// ```
/// use bytes::Bytes;
/// use tower_webhooks::{SignatureScheme, token::TokenScheme};
///
/// let scheme = TokenScheme::basic("postmark", "hooks:correct horse")?;
/// let request = |credentials: &str| {
///     let value = format!("Basic {}", base64::Engine::encode(
///         &base64::engine::general_purpose::STANDARD, credentials));
///     http::Request::post("/hooks").header("authorization", value).body(()).unwrap().into_parts().0
/// };
/// assert!(scheme.verify(&request("hooks:correct horse"), &Bytes::new()).is_ok());
/// assert!(scheme.verify(&request("hooks:wrong"), &Bytes::new()).is_err());
/// # Ok::<(), tower_webhooks::ConfigError>(())
/// ```
#[derive(Debug, Clone)]
pub struct TokenScheme {
    name: &'static str,
    place: Place,
    tokens: Digests,
    id_header: Option<HeaderName>,
    idempotency_header: Option<HeaderName>,
    layout: EventLayout,
}

#[derive(Debug, Clone)]
enum Place {
    Header(HeaderName),
    Bearer,
    Basic,
}

impl TokenScheme {
    /// The token is the whole value of `header` (GitLab's `X-Gitlab-Token`). Fails when `keys`
    /// is empty, a token is empty, or `header` is no header name.
    pub fn header(
        name: &'static str,
        header: &'static str,
        keys: impl Into<Keys>,
    ) -> Result<Self, ConfigError> {
        let header = HeaderName::from_bytes(header.as_bytes()).map_err(|_| {
            ConfigError::invalid_setting(name, format_args!("`{header}` is not a header name"))
        })?;
        Self::at(name, Place::Header(header), keys.into())
    }

    /// The token is sent as `Authorization: Bearer <token>` (RFC 6750). Fails when `keys` is
    /// empty or a token is empty.
    pub fn bearer(name: &'static str, keys: impl Into<Keys>) -> Result<Self, ConfigError> {
        Self::at(name, Place::Bearer, keys.into())
    }

    /// The token is HTTP Basic credentials, `Authorization: Basic base64(user:password)` (RFC
    /// 7617), as a provider sends them when the webhook URL is `https://user:password@…`: each
    /// key is `user:password`. Fails when `keys` is empty, or a key is empty or has no `:`.
    pub fn basic(name: &'static str, credentials: impl Into<Keys>) -> Result<Self, ConfigError> {
        let credentials = credentials.into();
        if credentials
            .secrets()
            .any(|secret| !secret.expose_secret().contains(&b':'))
        {
            return Err(ConfigError::invalid_secret(
                name,
                "Basic credentials are `user:password`",
            ));
        }
        Self::at(name, Place::Basic, credentials)
    }

    fn at(name: &'static str, place: Place, keys: Keys) -> Result<Self, ConfigError> {
        Ok(Self {
            name,
            place,
            tokens: Digests::new(name, keys)?,
            id_header: None,
            idempotency_header: None,
            layout: EventLayout::Single,
        })
    }

    /// The header with the provider's delivery id, reported to the handler as
    /// [`VerificationInfo::delivery_id`](crate::VerificationInfo::delivery_id).
    #[must_use]
    pub fn id_header(mut self, header: HeaderName) -> Self {
        self.id_header = Some(header);
        self
    }

    /// The header whose value stays the same across the provider's retries (GitLab's
    /// `Idempotency-Key`): [`Idempotency`](crate::idempotency) keys on it. The token
    /// authenticates the whole request, not the body alone, so a header is as much the
    /// provider's word as the body is.
    #[must_use]
    pub fn idempotency_header(mut self, header: HeaderName) -> Self {
        self.idempotency_header = Some(header);
        self
    }

    /// Where the events are in the body, for [`VerifiedEvents`](crate::VerifiedEvents).
    #[must_use]
    pub fn event_layout(mut self, layout: EventLayout) -> Self {
        self.layout = layout;
        self
    }

    /// The matching token's key, or why there is none.
    fn check(&self, head: &Parts) -> Result<Option<&std::sync::Arc<str>>, Rejection> {
        let mut presented = match &self.place {
            Place::Header(name) => single_value(head, name)?.to_vec(),
            Place::Bearer => authorization(head, "bearer")?.to_vec(),
            Place::Basic => base64::engine::general_purpose::STANDARD
                .decode(authorization(head, "basic")?)
                .map_err(|_| {
                    Rejection::malformed_header(
                        header::AUTHORIZATION,
                        "Basic credentials not base64",
                    )
                })?,
        };
        let matched = self.tokens.matching(&presented);
        zeroize::Zeroize::zeroize(&mut presented);
        matched.ok_or_else(Rejection::signature_mismatch)
    }
}

/// The credentials of an `Authorization` header of the given scheme (case-insensitive): the
/// tokens' and Google Pub/Sub's bearer JWT.
pub(crate) fn authorization<'h>(head: &'h Parts, scheme: &str) -> Result<&'h [u8], Rejection> {
    let value = single_value(head, &header::AUTHORIZATION)?;
    let split = value.iter().position(|&b| b == b' ');
    match split {
        Some(at) if value[..at].eq_ignore_ascii_case(scheme.as_bytes()) => {
            Ok(value[at + 1..].trim_ascii())
        }
        _ => Err(Rejection::malformed_header(
            header::AUTHORIZATION,
            "not the authorization scheme the provider uses",
        )),
    }
}

impl SignatureScheme for TokenScheme {
    fn name(&self) -> &'static str {
        self.name
    }

    fn check_head(&self, head: &Parts) -> Result<(), Rejection> {
        self.check(head).map(drop)
    }

    fn verify(&self, head: &Parts, _body: &Bytes) -> Result<Verification, Rejection> {
        let key = self.check(head)?;
        let text = |name: &Option<HeaderName>| {
            let value = head.headers.get(name.as_ref()?)?;
            value.to_str().ok().map(str::to_owned)
        };
        let mut verification = Verification::raw_body().maybe_key_id(key);
        if let Some(id) = text(&self.id_header) {
            verification = verification.delivery_id(id);
        }
        if let Some(key) = text(&self.idempotency_header) {
            verification = verification.idempotency_key(key);
        }
        Ok(verification)
    }

    fn event_layout(&self) -> EventLayout {
        self.layout
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn head(headers: &[(&str, &str)]) -> Parts {
        let mut request = http::Request::post("/");
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        request.body(()).unwrap().into_parts().0
    }

    #[test]
    fn a_header_token_is_checked_from_the_head() {
        let scheme = TokenScheme::header("gitlab", "x-gitlab-token", "s3cret").unwrap();
        assert!(
            scheme
                .check_head(&head(&[("x-gitlab-token", "s3cret")]))
                .is_ok()
        );
        let wrong = scheme.check_head(&head(&[("x-gitlab-token", "s3cre")]));
        assert_eq!(
            wrong.unwrap_err().kind(),
            crate::RejectionKind::SignatureMismatch
        );
        let missing = scheme.check_head(&head(&[]));
        assert_eq!(
            missing.unwrap_err().kind(),
            crate::RejectionKind::MissingHeader
        );
        let twice = head(&[("x-gitlab-token", "s3cret"), ("x-gitlab-token", "s3cret")]);
        assert!(scheme.check_head(&twice).is_err());
    }

    #[test]
    fn bearer_and_basic_read_their_authorization_scheme_only() {
        let bearer = TokenScheme::bearer("b", "tok").unwrap();
        assert!(
            bearer
                .check_head(&head(&[("authorization", "Bearer tok")]))
                .is_ok()
        );
        assert!(
            bearer
                .check_head(&head(&[("authorization", "bearer tok")]))
                .is_ok()
        );
        assert!(
            bearer
                .check_head(&head(&[("authorization", "Basic tok")]))
                .is_err()
        );
        assert!(
            bearer
                .check_head(&head(&[("authorization", "Bearertok")]))
                .is_err()
        );
        let basic = TokenScheme::basic("p", "u:p").unwrap();
        assert!(
            basic
                .check_head(&head(&[("authorization", "Basic dTpw")]))
                .is_ok()
        );
        assert!(
            basic
                .check_head(&head(&[("authorization", "Basic dTpx")]))
                .is_err()
        );
        assert!(
            basic
                .check_head(&head(&[("authorization", "Basic !!")]))
                .is_err()
        );
        assert!(TokenScheme::basic("p", "no colon").is_err());
    }
}
