//! Twilio: `X-Twilio-Signature`, base64 of HMAC-SHA1 of the URL followed by the sorted POST
//! parameters.
//!
//! | | |
//! |---|---|
//! | header | `X-Twilio-Signature` |
//! | signed content | the full URL (with its query), then every form parameter sorted by name, name then value; a repeated parameter's values sorted and de-duplicated. A JSON body is not signed itself: the URL carries `bodySHA256=hex(sha256(body))`, which is checked |
//! | MAC, encoding | HMAC-SHA1 (**legacy**, Twilio's choice), base64 |
//! | key | the account's auth token as text |
//! | replay window | none: Twilio signs no timestamp. `I-Twilio-Idempotency-Token` is reported as [`VerificationInfo::delivery_id`](crate::VerificationInfo::delivery_id) |
//! | rotation | [`Twilio::with_keys`]: the primary and the secondary auth token while you promote one |
//!
//! Twilio signs the *decoded* parameters, not the body's bytes: two bodies that decode to the
//! same parameters (`%C3%A9` and `%c3%a9`, or the same pairs in another order) carry the same
//! signature. The handler receives the body as sent; parse it as a form, never as raw bytes
//! that something else relies on.
//!
//! The URL is tried with and without the scheme's default port (`:443`, `:80`), as Twilio's
//! SDKs do. Twilio signs the URL it was told to call: behind a proxy or a tunnel, give it with
//! [`Twilio::with_public_base_url`]. Source: twilio.com/docs/usage/webhooks/webhooks-security;
//! the `twilio-node`, `twilio-python` and `twilio-php` request validators.
//!
//! ```
//! use axum::{Router, routing::post};
//! use tower_webhooks::{WebhookSignatureLayer, twilio::Twilio};
//!
//! async fn sms(body: axum::body::Bytes) -> ([(http::HeaderName, &'static str); 1], &'static str) {
//!     let _ = body; // form-encoded: From, To, Body, ...
//!     ([(http::header::CONTENT_TYPE, "text/xml")], "<Response/>")
//! }
//!
//! let twilio = Twilio::new("auth token").with_public_base_url("https://example.com")?;
//! let app: Router = Router::new()
//!     .route("/webhooks/twilio", post(sms))
//!     .route_layer(WebhookSignatureLayer::new(twilio));
//! # Ok::<(), tower_webhooks::ConfigError>(())
//! ```

use std::borrow::Cow;

use bytes::Bytes;
use http::{HeaderName, Uri, header, request::Parts};
use sha2::{Digest, Sha256};

use crate::{
    ConfigError, Keys, Rejection, Secret, SignatureScheme, Verification,
    hmac_scheme::{Algorithm, Encoding},
    keys::Key,
    scheme_kit::{few::Tag, header as sig_header, request_url::PublicBaseUrl},
};

/// The header Twilio puts its signature in.
pub const SIGNATURE_HEADER: HeaderName = HeaderName::from_static("x-twilio-signature");

/// The most form parameters a request may carry. Twilio's largest requests (an MMS with ten
/// media items, a call with its caller data) carry well under a hundred; more is refused before
/// the form is parsed.
pub const MAX_PARAMETERS: usize = 128;

/// The header Twilio puts a request's idempotency token in (not signed).
pub const IDEMPOTENCY_HEADER: HeaderName = HeaderName::from_static("i-twilio-idempotency-token");

/// Verifies Twilio requests. See the [module docs](crate::twilio).
#[derive(Debug, Clone)]
pub struct Twilio {
    keys: Vec<Key>,
    url: PublicBaseUrl,
}

impl Twilio {
    /// Verifies with the account's auth token.
    pub fn new(auth_token: impl Into<Secret>) -> Self {
        Self::with_keys(Keys::from(auth_token.into())).expect("one key")
    }

    /// Verifies with any of several auth tokens. Fails only when `keys` is empty.
    pub fn with_keys(keys: Keys) -> Result<Self, ConfigError> {
        if keys.is_empty() {
            return Err(ConfigError::no_keys("twilio"));
        }
        Ok(Self {
            keys: keys.into_vec(),
            url: PublicBaseUrl::default(),
        })
    }

    /// The public URL Twilio calls, up to the path (`https://example.com`). Fails when it is
    /// not an absolute `http(s)` URL without a query.
    pub fn with_public_base_url(mut self, base: &str) -> Result<Self, ConfigError> {
        self.url = PublicBaseUrl::parse("twilio", base)?;
        Ok(self)
    }
}

impl SignatureScheme for Twilio {
    fn name(&self) -> &'static str {
        "twilio"
    }

    /// The signature decodes to an HMAC-SHA1 tag and the request makes a URL.
    fn check_head(&self, head: &Parts) -> Result<(), Rejection> {
        read_tag(head)?;
        self.url.url_of(head).map(|_| ())
    }

    fn verify(&self, head: &Parts, body: &Bytes) -> Result<Verification, Rejection> {
        let tags = [read_tag(head)?];
        let url = self.url.url_of(head)?;
        let uri: Uri = url
            .parse()
            .map_err(|_| Rejection::malformed_header(header::HOST, "does not make a valid URL"))?;

        let params = match body_sha256_param(&uri) {
            Some(expected) => {
                // A JSON (or any non-form) body: the URL is signed, and pins the body's hash.
                let actual = Encoding::Hex.encode(&Sha256::digest(body));
                if !constant_time_eq_ignore_case(expected.as_bytes(), actual.as_bytes()) {
                    return Err(Rejection::signature_mismatch()
                        .with_hint("the body's SHA-256 differs from the signed bodySHA256"));
                }
                String::new()
            }
            None if body.is_empty() => String::new(),
            None if is_form(head) => sorted_params(body)?,
            None => {
                return Err(Rejection::unverifiable_body(
                    "a body that is neither form-encoded nor pinned by bodySHA256 is not signed",
                ));
            }
        };

        // Every URL variant under every key, with no early exit: a forgery then costs what a
        // delivery costs, however many variants and keys a delivery would have had to try.
        let mut matched: Option<(&Key, &str)> = None;
        let variants = url_variants(&url, &uri);
        for candidate in &variants {
            let message: [&[u8]; 2] = [candidate.as_bytes(), params.as_bytes()];
            for key in &self.keys {
                let hit =
                    Algorithm::HmacSha1.matches_any(key.secret.expose_secret(), &message, &tags);
                if hit && matched.is_none() {
                    matched = Some((key, candidate));
                }
            }
        }
        if let Some((key, candidate)) = matched {
            // The key is the signed message's, not the body's: every re-encoding of one
            // request (parameters reordered, `%6F` for `o`, a pair repeated) verifies with the
            // same signature, and must count as the same delivery.
            let signed = Sha256::new()
                .chain_update(candidate.as_bytes())
                .chain_update(params.as_bytes())
                .finalize();
            let mut verification = Verification::raw_body()
                .maybe_key_id(key.id.as_ref())
                .idempotency_key(format!("signed:{}", Encoding::Hex.encode(&signed)));
            if let Some(id) = head
                .headers
                .get(IDEMPOTENCY_HEADER)
                .and_then(|v| v.to_str().ok())
            {
                verification = verification.delivery_id(id);
            }
            return Ok(verification);
        }
        Err(Rejection::signature_mismatch().with_hint(
            "Twilio signs the URL it called: if this server is behind a proxy or tunnel, set the \
             public base URL",
        ))
    }
}

/// The signature header's tag, decoded.
fn read_tag(head: &Parts) -> Result<Tag, Rejection> {
    let value = sig_header::single_value(head, &SIGNATURE_HEADER)?;
    Encoding::Base64
        .decode_tag(value)
        .filter(|tag| tag.as_slice().len() == Algorithm::HmacSha1.tag_len())
        .ok_or_else(|| {
            Rejection::malformed_header(SIGNATURE_HEADER, "not base64 of a 20-byte HMAC-SHA1")
        })
}

fn is_form(head: &Parts) -> bool {
    head.headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|v| {
            v.trim()
                .eq_ignore_ascii_case("application/x-www-form-urlencoded")
        })
}

fn body_sha256_param(uri: &Uri) -> Option<String> {
    form_urlencoded::parse(uri.query()?.as_bytes())
        .find(|(name, _)| name == "bodySHA256")
        .map(|(_, value)| value.into_owned())
}

/// The parameters, sorted by name, each name's values sorted and de-duplicated, concatenated.
fn sorted_params(body: &[u8]) -> Result<String, Rejection> {
    // Counted before anything is allocated for them: a forged form of many tiny parameters
    // must not cost more than a real one.
    if body.iter().filter(|&&b| b == b'&').count() >= MAX_PARAMETERS {
        return Err(Rejection::unverifiable_body(
            "a form with more parameters than any Twilio request carries",
        ));
    }
    if std::str::from_utf8(body).is_err() {
        return Err(Rejection::unverifiable_body(
            "the form body is not valid UTF-8",
        ));
    }
    // Sorted by name, then value, and de-duplicated: what Twilio signs. A pair borrows from
    // the body unless it had to be decoded, so a form costs one sort, not a map of strings.
    let mut pairs: Vec<(Cow<'_, str>, Cow<'_, str>)> = form_urlencoded::parse(body).collect();
    pairs.sort_unstable();
    pairs.dedup();
    let mut signed = String::with_capacity(body.len());
    for (name, value) in &pairs {
        signed.push_str(name);
        signed.push_str(value);
    }
    Ok(signed)
}

/// The URL as given, then with its default port added or removed.
fn url_variants(url: &str, uri: &Uri) -> Vec<String> {
    let mut variants = vec![url.to_owned()];
    let (Some(scheme), Some(authority)) = (uri.scheme_str(), uri.authority()) else {
        return variants;
    };
    let default_port = match scheme {
        "https" => 443,
        "http" => 80,
        _ => return variants,
    };
    let rest = &url[scheme.len() + 3 + authority.as_str().len()..];
    let other = match authority.port_u16() {
        Some(port) if port == default_port => format!("{scheme}://{}{rest}", authority.host()),
        Some(_) => return variants,
        None => format!("{scheme}://{}:{default_port}{rest}", authority.host()),
    };
    variants.push(other);
    variants
}

fn constant_time_eq_ignore_case(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len()
        && a.iter().zip(b).fold(0u8, |diff, (x, y)| {
            diff | (x.to_ascii_lowercase() ^ y.to_ascii_lowercase())
        }) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ports_are_toggled_only_when_default() {
        let variants = |url: &str| url_variants(url, &url.parse().unwrap());
        assert_eq!(
            variants("https://a.com/x?y=1"),
            ["https://a.com/x?y=1", "https://a.com:443/x?y=1"]
        );
        assert_eq!(
            variants("http://a.com:80/x"),
            ["http://a.com:80/x", "http://a.com/x"]
        );
        assert_eq!(variants("http://a.com:3000/x"), ["http://a.com:3000/x"]);
    }

    #[test]
    fn repeated_parameters_are_sorted_and_deduplicated() {
        let signed =
            sorted_params(b"Sid=CA123&Digits=5678&Digits=1234&Digits=1234&A=%2B1+2").unwrap();
        assert_eq!(signed, "A+1 2Digits1234Digits5678SidCA123");
        assert!(sorted_params(b"a=\xff").is_err());
    }

    #[test]
    fn forms_with_more_parameters_than_twilio_sends_are_refused() {
        let at_limit = vec!["a=1"; MAX_PARAMETERS].join("&");
        assert!(sorted_params(at_limit.as_bytes()).is_ok());
        let over = vec!["a=1"; MAX_PARAMETERS + 1].join("&");
        let refused = sorted_params(over.as_bytes()).unwrap_err();
        assert_eq!(refused.kind(), crate::RejectionKind::UnverifiableBody);
    }
}
