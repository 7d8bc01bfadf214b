//! Reading a signature header and decoding the tag in it.

use base64::Engine as _;
use http::{HeaderName, request::Parts};

use crate::Rejection;

/// The single value of `name`. A header sent twice is ambiguous (which one did the provider
/// mean?) and is refused rather than guessed at.
pub(crate) fn single_value<'a>(head: &'a Parts, name: &HeaderName) -> Result<&'a [u8], Rejection> {
    let mut values = head.headers.get_all(name).iter();
    let value = values
        .next()
        .ok_or_else(|| Rejection::missing_header(name.clone()))?;
    if values.next().is_some() {
        return Err(Rejection::malformed_header(
            name.clone(),
            "sent more than once",
        ));
    }
    Ok(value.as_bytes())
}

/// Decodes hex (either case) of exactly `N` bytes.
pub(crate) fn decode_hex<const N: usize>(text: &[u8]) -> Option<[u8; N]> {
    if text.len() != 2 * N {
        return None;
    }
    let mut out = [0u8; N];
    for (byte, pair) in out.iter_mut().zip(text.chunks_exact(2)) {
        *byte = (hex_digit(pair[0])? << 4) | hex_digit(pair[1])?;
    }
    Some(out)
}

fn hex_digit(c: u8) -> Option<u8> {
    match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        b'A'..=b'F' => Some(c - b'A' + 10),
        _ => None,
    }
}

/// Decodes standard, padded base64 of exactly `N` bytes.
pub(crate) fn decode_base64<const N: usize>(text: &[u8]) -> Option<[u8; N]> {
    let mut out = [0u8; N];
    // A buffer one byte too long lets us tell "exactly N" from "more than N".
    let mut scratch = [0u8; 96];
    let len = base64::engine::general_purpose::STANDARD
        .decode_slice(text, &mut scratch)
        .ok()?;
    if len != N {
        return None;
    }
    out.copy_from_slice(&scratch[..N]);
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn head(headers: &[(&'static str, &'static str)]) -> Parts {
        let mut builder = http::Request::builder();
        for (name, value) in headers {
            builder = builder.header(*name, *value);
        }
        builder.body(()).unwrap().into_parts().0
    }

    #[test]
    fn single_value_refuses_missing_and_repeated_headers() {
        let name = HeaderName::from_static("x-sig");
        assert_eq!(single_value(&head(&[("x-sig", "a")]), &name).unwrap(), b"a");
        let missing = single_value(&head(&[]), &name).unwrap_err();
        assert_eq!(missing.kind(), crate::RejectionKind::MissingHeader);
        let twice = single_value(&head(&[("x-sig", "a"), ("x-sig", "b")]), &name).unwrap_err();
        assert_eq!(twice.kind(), crate::RejectionKind::MalformedHeader);
    }

    #[test]
    fn hex_is_exact_length_and_case_insensitive() {
        assert_eq!(decode_hex::<2>(b"0aFf"), Some([0x0a, 0xff]));
        assert_eq!(decode_hex::<2>(b"0aF"), None);
        assert_eq!(decode_hex::<2>(b"0aFf00"), None);
        assert_eq!(decode_hex::<2>(b"0g00"), None);
        assert_eq!(decode_hex::<1>(b"+1"), None);
    }

    #[test]
    fn base64_is_exact_length_and_padded() {
        let tag = [7u8; 32];
        let text = base64::engine::general_purpose::STANDARD.encode(tag);
        assert_eq!(decode_base64::<32>(text.as_bytes()), Some(tag));
        assert_eq!(
            decode_base64::<32>(text.trim_end_matches('=').as_bytes()),
            None
        );
        assert_eq!(decode_base64::<32>(&text.as_bytes()[..40]), None);
        let long = base64::engine::general_purpose::STANDARD.encode([7u8; 33]);
        assert_eq!(decode_base64::<32>(long.as_bytes()), None);
        assert_eq!(decode_base64::<32>(b"not base64 at all!!"), None);
    }
}
