//! [`ResponsePolicy`]: what a provider demands of the responses to its deliveries, and where
//! the layer applies it.

use http::{Response, header};

use super::ResponseBody;

const SET_COOKIE2: http::HeaderName = http::HeaderName::from_static("set-cookie2");

/// What a provider demands of the responses to its deliveries.
///
/// Xero, for instance, wants no body and no cookies, whatever the status:
///
/// ```
/// use tower_webhooks::ResponsePolicy;
///
/// let xero = ResponsePolicy::unchanged().strip_body(true).strip_cookies(true);
/// assert!(xero.strips_body() && xero.strips_cookies());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[must_use]
pub struct ResponsePolicy {
    strip_body: bool,
    strip_cookies: bool,
    success_body: Option<&'static str>,
}

impl ResponsePolicy {
    /// Responses pass through as the inner service wrote them.
    pub const fn unchanged() -> Self {
        Self {
            strip_body: false,
            strip_cookies: false,
            success_body: None,
        }
    }

    /// Whether to replace every response body (and its `Content-Type`/`Content-Length`) with an
    /// empty one, keeping the status.
    pub const fn strip_body(mut self, strip: bool) -> Self {
        self.strip_body = strip;
        self
    }

    /// Whether to remove every `Set-Cookie` (and obsolete `Set-Cookie2`) header from every
    /// response.
    pub const fn strip_cookies(mut self, strip: bool) -> Self {
        self.strip_cookies = strip;
        self
    }

    /// Every successful (`2xx`) response gets exactly `body`, as `text/plain`, whatever the
    /// handler wrote (a `204` or `205` becomes `200`, which can carry it): Adyen accepts a
    /// delivery only when the answer is `[accepted]`. Other responses pass through as the rest
    /// of the policy says.
    ///
    /// ```
    /// use tower_webhooks::ResponsePolicy;
    ///
    /// let adyen = ResponsePolicy::unchanged().success_body("[accepted]");
    /// assert_eq!(adyen.success_body_text(), Some("[accepted]"));
    /// ```
    pub const fn success_body(mut self, body: &'static str) -> Self {
        self.success_body = Some(body);
        self
    }

    /// The body every successful response gets, if the policy sets one.
    #[must_use]
    pub const fn success_body_text(&self) -> Option<&'static str> {
        self.success_body
    }

    /// This policy and `other`'s, both: what either strips is stripped, and `self`'s success
    /// body wins over `other`'s.
    pub const fn and(self, other: Self) -> Self {
        Self {
            strip_body: self.strip_body || other.strip_body,
            strip_cookies: self.strip_cookies || other.strip_cookies,
            success_body: match self.success_body {
                Some(body) => Some(body),
                None => other.success_body,
            },
        }
    }

    /// Whether bodies are stripped.
    #[must_use]
    pub const fn strips_body(&self) -> bool {
        self.strip_body
    }

    /// Whether cookies are stripped.
    #[must_use]
    pub const fn strips_cookies(&self) -> bool {
        self.strip_cookies
    }
}

/// Applies `policy` to the inner service's response.
pub(super) fn apply_policy<B>(
    policy: ResponsePolicy,
    response: Response<B>,
) -> Response<ResponseBody<B>> {
    let (mut parts, body) = response.into_parts();
    if policy.strips_cookies() {
        // `remove` drops every value of the header, not only the first; `Set-Cookie2` (RFC
        // 2965, obsolete) still sets cookies in some clients.
        parts.headers.remove(header::SET_COOKIE);
        parts.headers.remove(SET_COOKIE2);
    }
    let fixed = policy.success_body.filter(|_| parts.status.is_success());
    let body = if let Some(text) = fixed {
        // A `204` or `205` cannot carry the body the provider wants.
        if matches!(parts.status.as_u16(), 204 | 205) {
            parts.status = http::StatusCode::OK;
        }
        for name in [
            header::CONTENT_LENGTH,
            header::CONTENT_ENCODING,
            header::TRANSFER_ENCODING,
        ] {
            parts.headers.remove(name);
        }
        parts.headers.insert(
            header::CONTENT_TYPE,
            http::HeaderValue::from_static("text/plain; charset=utf-8"),
        );
        ResponseBody::full(bytes::Bytes::from_static(text.as_bytes()))
    } else if policy.strips_body() {
        for name in [
            header::CONTENT_LENGTH,
            header::CONTENT_TYPE,
            header::CONTENT_ENCODING,
            header::TRANSFER_ENCODING,
        ] {
            parts.headers.remove(name);
        }
        ResponseBody::empty()
    } else {
        ResponseBody::passed(body)
    };
    Response::from_parts(parts, body)
}
