//! Reading a signature header.

use http::{HeaderName, HeaderValue, request::Parts};

use crate::Rejection;

/// The single value of `name`. A header sent twice is ambiguous (which one did the provider
/// mean?) and is refused rather than guessed at.
pub(crate) fn single_value<'a>(head: &'a Parts, name: &HeaderName) -> Result<&'a [u8], Rejection> {
    first_present(head, std::slice::from_ref(name)).map(|(_, value)| value.as_bytes())
}

/// The value of the first of `names` present in the request (each refused if repeated); a
/// missing header is reported under the first name.
pub(crate) fn first_present<'h, 'n>(
    head: &'h Parts,
    names: &'n [HeaderName],
) -> Result<(&'n HeaderName, &'h HeaderValue), Rejection> {
    for name in names {
        let mut values = head.headers.get_all(name).iter();
        if let Some(value) = values.next() {
            if values.next().is_some() {
                return Err(Rejection::malformed_header(
                    name.clone(),
                    "sent more than once",
                ));
            }
            return Ok((name, value));
        }
    }
    Err(Rejection::missing_header(names[0].clone()))
}

/// Parses a timestamp made only of ASCII digits (no sign, no space, no fraction).
pub(crate) fn parse_digits(text: &[u8]) -> Option<i64> {
    if text.is_empty() || text.len() > 18 || !text.iter().all(u8::is_ascii_digit) {
        return None;
    }
    // At most 18 digits: below `i64::MAX`, so the sum cannot overflow.
    Some(
        text.iter()
            .fold(0, |value, &digit| value * 10 + i64::from(digit - b'0')),
    )
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
    fn timestamps_are_plain_digits() {
        assert_eq!(parse_digits(b"1700000000"), Some(1_700_000_000));
        assert_eq!(parse_digits(b"0"), Some(0));
        assert_eq!(parse_digits(b"000000000000000042"), Some(42));
        assert_eq!(
            parse_digits(b"999999999999999999"),
            Some(999_999_999_999_999_999)
        );
        for bad in [
            &b""[..],
            b"-1",
            b"+1",
            b" 1",
            b"1.5",
            b"1e9",
            b"9999999999999999999",
        ] {
            assert_eq!(parse_digits(bad), None);
        }
    }

    #[test]
    fn first_present_takes_the_first_spelling_sent() {
        let names = [
            HeaderName::from_static("svix-id"),
            HeaderName::from_static("webhook-id"),
        ];
        let only_webhook = head(&[("webhook-id", "b")]);
        let (name, value) = first_present(&only_webhook, &names).unwrap();
        assert_eq!((name.as_str(), value.as_bytes()), ("webhook-id", &b"b"[..]));
        let both = head(&[("webhook-id", "b"), ("svix-id", "a")]);
        assert_eq!(first_present(&both, &names).unwrap().1, "a");
        let missing = first_present(&head(&[]), &names).unwrap_err();
        assert_eq!(missing.header().unwrap(), "svix-id");
    }
}
