//! Reading a signature header.

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
}
