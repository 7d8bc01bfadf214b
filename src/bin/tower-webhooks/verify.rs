//! `verify`: checks a captured request (headers and body from files) and says why it fails.

use std::time::SystemTime;

use bytes::Bytes;
use http::{HeaderName, HeaderValue, Method, Request};

use tower_webhooks::test_util::{Provider, Signer};

/// Reads captured headers: `Name: value` lines, optionally after a request line
/// (`POST /path HTTP/1.1`), as curl `-v`, a proxy's log or a browser's "copy request headers"
/// give them. Returns the path of the request line, if there was one.
pub(crate) fn parse_headers(text: &str) -> Result<(Option<String>, http::HeaderMap), String> {
    let mut headers = http::HeaderMap::new();
    let mut path = None;
    for (number, line) in text.lines().enumerate() {
        let line = line.trim_end_matches('\r');
        let line = line.strip_prefix("> ").unwrap_or(line);
        if line.trim().is_empty() {
            continue;
        }
        if number == 0 && !line.contains(':') || line.starts_with("POST ") {
            path = line.split_whitespace().nth(1).map(str::to_owned);
            continue;
        }
        let (name, value) = line
            .split_once(':')
            .ok_or_else(|| format!("line {}: not `Name: value`: {line:?}", number + 1))?;
        let name = HeaderName::from_bytes(name.trim().as_bytes())
            .map_err(|_| format!("line {}: not a header name: {:?}", number + 1, name.trim()))?;
        let value = HeaderValue::from_str(value.trim())
            .map_err(|_| format!("line {}: not a header value", number + 1))?;
        headers.append(name, value);
    }
    Ok((path, headers))
}

/// Verifies; on failure, the lines that explain it.
pub(crate) fn verify(
    provider: Provider,
    secret: &str,
    url: &str,
    at: SystemTime,
    headers: http::HeaderMap,
    body: Bytes,
) -> Result<Result<String, Vec<String>>, String> {
    let scheme = Signer::new(provider, secret)
        .url(url)
        .at(at)
        .scheme()
        .map_err(|e| e.to_string())?;
    let uri: http::Uri = url.parse().map_err(|e| format!("--url: {e}"))?;
    let mut request = Request::new(());
    *request.method_mut() = Method::POST;
    *request.uri_mut() = uri
        .path_and_query()
        .map_or("/", |p| p.as_str())
        .parse()
        .expect("a path");
    *request.headers_mut() = headers;
    let (head, ()) = request.into_parts();
    let rejection = match scheme.verify(&head, &body) {
        Ok(_) => {
            return Ok(Ok(format!(
                "verified: a genuine {} delivery",
                scheme.name()
            )));
        }
        Err(rejection) => rejection,
    };
    let mut why = vec![format!("not verified: {rejection} ({})", rejection.code())];
    if let Some(hint) = rejection.hint() {
        why.push(format!("hint: {hint}"));
    }
    if let Some(skew) = rejection.skew_secs() {
        why.push(format!(
            "the signature is {skew} s old as of --at; to check a capture made earlier, pass \
             --at with the Unix time it was captured"
        ));
    }
    if rejection.kind() == tower_webhooks::RejectionKind::SignatureMismatch {
        why.push(format!(
            "the body is {} bytes; the signature covers them exactly",
            body.len()
        ));
        if body.ends_with(b"\n") {
            why.push(
                "the body file ends with a newline: if the capture or your editor added it, \
                 remove it (printf '%s' \"$BODY\" > body.json)"
                    .to_owned(),
            );
        }
        if body.starts_with(b"\xef\xbb\xbf") {
            why.push(
                "the body file starts with a byte-order mark, which the provider did not send"
                    .to_owned(),
            );
        }
        why.push(format!(
            "otherwise the key is not the one {} signs with, or the body was re-serialised \
             (pretty-printed, keys reordered) before it was saved",
            scheme.name()
        ));
    }
    Ok(Err(why))
}
