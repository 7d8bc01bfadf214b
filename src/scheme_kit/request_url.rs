//! The URL a provider signed, for schemes that sign it (Twilio, Square).

use http::{HeaderName, Uri, header, request::Parts};

use crate::{ConfigError, Rejection};

const X_FORWARDED_PROTO: HeaderName = HeaderName::from_static("x-forwarded-proto");

/// Where the public URL of a delivery comes from.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct PublicBaseUrl {
    /// `scheme://authority[/prefix]` with no trailing `/`; `None`: from the request.
    base: Option<String>,
}

impl PublicBaseUrl {
    /// Checks that `base` is an absolute `http` or `https` URL without a query.
    pub(crate) fn parse(scheme: &str, base: &str) -> Result<Self, ConfigError> {
        let invalid = |why: &str| {
            ConfigError::invalid_setting(scheme, format!("public base URL `{base}` {why}"))
        };
        let uri: Uri = base.parse().map_err(|_| invalid("is not a URL"))?;
        match uri.scheme_str() {
            Some("http" | "https") => {}
            _ => return Err(invalid("must start with http:// or https://")),
        }
        if uri.authority().is_none() {
            return Err(invalid("has no host"));
        }
        if uri.query().is_some() || base.contains('#') {
            return Err(invalid("must not have a query or fragment"));
        }
        Ok(Self {
            base: Some(base.trim_end_matches('/').to_owned()),
        })
    }

    /// The URL the provider called: the public base (or, without one, the scheme and `Host`
    /// the server saw) followed by the request's path and query.
    pub(crate) fn url_of(&self, head: &Parts) -> Result<String, Rejection> {
        let path = head
            .uri
            .path_and_query()
            .map_or("/", http::uri::PathAndQuery::as_str);
        if let Some(base) = &self.base {
            return Ok(format!("{base}{path}"));
        }
        let host = match head.headers.get(header::HOST) {
            Some(host) => host
                .to_str()
                .map_err(|_| Rejection::malformed_header(header::HOST, "not visible ASCII"))?,
            None => head
                .uri
                .authority()
                .map(http::uri::Authority::as_str)
                .ok_or_else(|| Rejection::missing_header(header::HOST))?,
        };
        // The server cannot see TLS terminated in front of it: trust the proxy's word, then
        // the request line, then assume plain HTTP (what this server was actually sent).
        let scheme = match head.headers.get(X_FORWARDED_PROTO).map(|v| v.as_bytes()) {
            Some(b"https") => "https",
            Some(b"http") => "http",
            _ => head.uri.scheme_str().unwrap_or("http"),
        };
        Ok(format!("{scheme}://{host}{path}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn head(uri: &str, headers: &[(&str, &str)]) -> Parts {
        let mut request = http::Request::builder().uri(uri);
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        request.body(()).unwrap().into_parts().0
    }

    #[test]
    fn from_the_request_or_from_the_public_base() {
        let h = head("/hooks/square?x=1", &[("host", "127.0.0.1:3000")]);
        let auto = PublicBaseUrl::default();
        assert_eq!(
            auto.url_of(&h).unwrap(),
            "http://127.0.0.1:3000/hooks/square?x=1"
        );
        let proxied = head(
            "/a",
            &[("host", "example.com"), ("x-forwarded-proto", "https")],
        );
        assert_eq!(auto.url_of(&proxied).unwrap(), "https://example.com/a");
        let public = PublicBaseUrl::parse("square", "https://example.com/api/").unwrap();
        assert_eq!(
            public.url_of(&h).unwrap(),
            "https://example.com/api/hooks/square?x=1"
        );
        let no_host = head("/a", &[]);
        assert_eq!(
            auto.url_of(&no_host).unwrap_err().kind(),
            crate::RejectionKind::MissingHeader
        );
    }

    #[test]
    fn refuses_bases_that_are_not_absolute_http_urls() {
        for bad in [
            "example.com",
            "ftp://example.com",
            "https://example.com/?a=1",
            "/path",
        ] {
            let err = PublicBaseUrl::parse("square", bad).unwrap_err();
            assert_eq!(err.kind(), crate::ConfigErrorKind::InvalidSetting, "{bad}");
        }
    }
}
