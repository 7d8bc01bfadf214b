//! A JSON Web Token in compact form, read and verified strictly: one algorithm per scheme (the
//! header's `alg` must be it; `none` and every other never), bounded sizes, base64url without
//! padding as RFC 7515 writes it.

use base64::Engine as _;
use serde::Deserialize;

/// The longest token read: Google's are about 1 KiB.
const MAX_TOKEN: usize = 8 * 1024;

/// A token split and decoded, not yet verified.
pub(crate) struct Jwt<'a> {
    /// `header.payload`, the bytes the signature covers.
    pub(crate) signing_input: &'a [u8],
    pub(crate) kid: Option<String>,
    pub(crate) payload: Vec<u8>,
    pub(crate) signature: Vec<u8>,
}

#[derive(Deserialize)]
struct Header {
    alg: String,
    kid: Option<String>,
}

/// Splits and decodes `token`, refusing it unless its header's `alg` is `alg`.
pub(crate) fn parse<'a>(token: &'a [u8], alg: &str) -> Result<Jwt<'a>, &'static str> {
    if token.len() > MAX_TOKEN {
        return Err("the token is too long");
    }
    let mut parts = token.split(|&b| b == b'.');
    let (Some(header), Some(payload), Some(signature), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err("the token is not three dot-separated parts");
    };
    let decode = |part: &[u8]| {
        base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(part)
            .map_err(|_| "a token part is not base64url")
    };
    let decoded: Header =
        serde_json::from_slice(&decode(header)?).map_err(|_| "the token header is not JSON")?;
    if decoded.alg != alg {
        return Err("the token is signed with another algorithm");
    }
    Ok(Jwt {
        signing_input: &token[..header.len() + 1 + payload.len()],
        kid: decoded.kid,
        payload: decode(payload)?,
        signature: decode(signature)?,
    })
}

#[cfg(test)]
mod tests {
    use super::parse;

    #[test]
    fn a_token_is_three_base64url_parts_of_the_expected_algorithm() {
        // {"alg":"RS256","kid":"k1"} . {"a":1} . "sig"
        let token = b"eyJhbGciOiJSUzI1NiIsImtpZCI6ImsxIn0.eyJhIjoxfQ.c2ln";
        let jwt = parse(token, "RS256").unwrap();
        assert_eq!(jwt.kid.as_deref(), Some("k1"));
        assert_eq!(jwt.payload, br#"{"a":1}"#);
        assert_eq!(jwt.signature, b"sig");
        assert_eq!(
            jwt.signing_input,
            b"eyJhbGciOiJSUzI1NiIsImtpZCI6ImsxIn0.eyJhIjoxfQ"
        );
        assert!(parse(token, "ES256").is_err());
        // {"alg":"none"}
        assert!(parse(b"eyJhbGciOiJub25lIn0.eyJhIjoxfQ.", "RS256").is_err());
        for bad in [&b""[..], b"a.b", b"a.b.c.d", b"!!.eyJhIjoxfQ.c2ln"] {
            assert!(parse(bad, "RS256").is_err());
        }
        assert!(parse(&vec![b'a'; 9000], "RS256").is_err());
    }
}
