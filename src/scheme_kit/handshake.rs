//! What the handshakes share: reading a challenge from the query, and the answers.

use std::borrow::Cow;

use bytes::Bytes;
use http::{HeaderValue, Response, header, request::Parts};

/// The longest challenge echoed back. Providers send a few dozen characters; a longer one is
/// refused rather than reflected.
pub(crate) const MAX_CHALLENGE: usize = 1024;

/// The percent-decoded value of the query parameter `name`, if it is there exactly once.
pub(crate) fn query_param<'a>(head: &'a Parts, name: &str) -> Option<Cow<'a, str>> {
    let query = head.uri.query()?;
    let mut values = form_urlencoded::parse(query.as_bytes()).filter(|(key, _)| key == name);
    let (_, value) = values.next()?;
    values.next().is_none().then_some(value)
}

/// `200`, `text/plain` with `nosniff`, the challenge as its body: a reflected challenge must
/// never be read as HTML by a browser.
pub(crate) fn plain_text(body: impl Into<Bytes>) -> Response<Bytes> {
    let mut response = Response::new(body.into());
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    response
}

/// `200`, `application/json`, `value` as its body.
pub(crate) fn json(value: &serde_json::Value) -> Response<Bytes> {
    let mut response = Response::new(Bytes::from(value.to_string()));
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    fn head(uri: &str) -> Parts {
        http::Request::get(uri).body(()).unwrap().into_parts().0
    }

    #[test]
    fn a_query_parameter_is_decoded_and_must_be_sent_once() {
        let once = head("/h?hub.mode=subscribe&hub.challenge=a%20b%2Bc");
        assert_eq!(query_param(&once, "hub.challenge").unwrap(), "a b+c");
        assert_eq!(query_param(&once, "hub.verify_token"), None);
        let twice = head("/h?challenge=a&challenge=b");
        assert_eq!(query_param(&twice, "challenge"), None);
        assert_eq!(query_param(&head("/h"), "challenge"), None);
    }

    #[test]
    fn a_reflected_challenge_is_plain_text_never_sniffed() {
        let answer = plain_text("<script>");
        assert_eq!(answer.headers()["x-content-type-options"], "nosniff");
        assert!(
            answer.headers()["content-type"]
                .to_str()
                .unwrap()
                .starts_with("text/plain")
        );
    }
}
