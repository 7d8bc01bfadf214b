//! The bytes JavaScript's `JSON.stringify(JSON.parse(text))` produces, computed in Rust.
//!
//! Some providers (Xemelgo's earlier documentation, Zoom's `@zoom/rivet`) sign
//! `JSON.stringify(body)` after their framework parsed the body, not the raw bytes on the wire.
//! To verify such a signature the receiver must rebuild those exact bytes:
//!
//! - whitespace outside strings is dropped;
//! - object keys keep their first position, the last duplicate's value wins, and keys that are
//!   array indices (`"0"` to `"4294967294"`, written canonically) move to the front in ascending
//!   numeric order;
//! - numbers become IEEE doubles printed as ECMAScript's `Number::toString` prints them
//!   (`1.50` → `1.5`, `1e2` → `100`, `-0` → `0`, `1e21` → `1e+21`, `0.0000001` → `1e-7`,
//!   `12345678901234567891` → `12345678901234567000`, `1e400` → `null`);
//! - strings are decoded and re-escaped minimally: only `"`, `\` and code points below U+0020,
//!   everything else raw UTF-8;
//! - invalid UTF-8 in the input becomes U+FFFD first, as Node's decoder does.
//!
//! Where exact emulation is not possible this module **fails closed**: a string holding a lone
//! UTF-16 surrogate (`"\ud800"`) and nesting deeper than 128 levels are errors, never a guess.
//! The fixtures in `tests/fixtures/xemelgo/` were produced by Node's own `JSON.stringify`.
//!
//! ```
//! use tower_webhooks::json_stringify::stringify_parsed;
//!
//! let raw = br#"{ "b": 1.50, "10": "x", "2": [1e2, -0], "b": 1e21 }"#;
//! assert_eq!(
//!     stringify_parsed(raw).unwrap(),
//!     br#"{"2":[100,0],"10":"x","b":1e+21}"#,
//! );
//! ```

mod parse;
mod write;

use std::fmt;

/// Nesting deeper than this is refused.
pub const MAX_DEPTH: usize = 128;

/// Returns the bytes of `JSON.stringify(JSON.parse(text))` for `raw` decoded as UTF-8 with
/// invalid sequences replaced by U+FFFD, or an error where JavaScript would throw or where exact
/// emulation is impossible.
pub fn stringify_parsed(raw: &[u8]) -> Result<Vec<u8>, StringifyError> {
    let text = String::from_utf8_lossy(raw);
    let value = parse::parse(&text)?;
    let mut out = Vec::with_capacity(raw.len());
    write::write(&value, &mut out);
    Ok(out)
}

/// Why [`stringify_parsed`] could not produce the bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StringifyError {
    kind: StringifyErrorKind,
    offset: usize,
}

/// The reason in a [`StringifyError`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum StringifyErrorKind {
    /// The text is not JSON: `JSON.parse` would throw.
    InvalidJson,
    /// A string holds an unpaired UTF-16 surrogate escape, which a Rust string cannot hold.
    LoneSurrogate,
    /// Arrays and objects nest deeper than [`MAX_DEPTH`].
    TooDeep,
}

impl StringifyError {
    pub(crate) fn new(kind: StringifyErrorKind, offset: usize) -> Self {
        Self { kind, offset }
    }

    /// What went wrong.
    #[must_use]
    pub fn kind(&self) -> StringifyErrorKind {
        self.kind
    }

    /// The byte offset in the (U+FFFD-repaired) text where it went wrong.
    #[must_use]
    pub fn offset(&self) -> usize {
        self.offset
    }
}

impl fmt::Display for StringifyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let what = match self.kind {
            StringifyErrorKind::InvalidJson => "invalid JSON",
            StringifyErrorKind::LoneSurrogate => "a string holds a lone UTF-16 surrogate",
            StringifyErrorKind::TooDeep => "nesting exceeds the depth limit",
        };
        write!(f, "{what} at byte {}", self.offset)
    }
}

impl std::error::Error for StringifyError {}

#[cfg(test)]
mod tests {
    use super::*;

    fn canon(raw: &str) -> String {
        String::from_utf8(stringify_parsed(raw.as_bytes()).unwrap()).unwrap()
    }

    fn kind(raw: &[u8]) -> StringifyErrorKind {
        stringify_parsed(raw).unwrap_err().kind()
    }

    #[test]
    fn the_catalogue_cases() {
        // ../shared/vectors/SCHEMES.md section 3; Node's output is in the fixtures too.
        assert_eq!(
            canon("{ \"topic\" : \"a\",\n \"data\" : { } }\n"),
            r#"{"topic":"a","data":{}}"#
        );
        assert_eq!(
            canon(r#"{"b":1,"10":"x","2":"y","-1":"n","01":"z","4294967295":"w"}"#),
            r#"{"2":"y","10":"x","b":1,"-1":"n","01":"z","4294967295":"w"}"#
        );
        assert_eq!(canon(r#"{"a":1,"b":2,"a":3}"#), r#"{"a":3,"b":2}"#);
        assert_eq!(
            canon("[1.0,1.50,-0,-0.0,1e2,1E+2,2.5e-3,1e21,1e20,0.0000001,0.000001]"),
            "[1,1.5,0,0,100,100,0.0025,1e+21,100000000000000000000,1e-7,0.000001]"
        );
        assert_eq!(
            canon("[9007199254740993,12345678901234567890,1e400,1.7976931348623157e308]"),
            "[9007199254740992,12345678901234567000,null,1.7976931348623157e+308]"
        );
        assert_eq!(canon(r#""\u0041\/\u00e9""#), "\"A/é\"");
        assert_eq!(
            canon(r#""\ud83d\ude00\u2028\u007f<>&""#),
            "\"😀\u{2028}\u{7f}<>&\""
        );
        assert_eq!(
            canon(r#""\u001F\b\f\n\r\t\"\\""#),
            r#""\u001f\b\f\n\r\t\"\\""#
        );
        assert_eq!(canon(r#"{"__proto__":1}"#), r#"{"__proto__":1}"#);
    }

    #[test]
    fn invalid_utf8_becomes_replacement_characters() {
        assert_eq!(
            stringify_parsed(b"\"a\xffb\xed\xa0\x80\"").unwrap(),
            "\"a\u{fffd}b\u{fffd}\u{fffd}\u{fffd}\"".as_bytes()
        );
    }

    #[test]
    fn fails_closed_where_javascript_cannot_be_matched() {
        assert_eq!(kind(br#""\ud800""#), StringifyErrorKind::LoneSurrogate);
        assert_eq!(
            kind(br#""\udc00\ud800""#),
            StringifyErrorKind::LoneSurrogate
        );
        assert_eq!(
            kind(br#""\ud800\u0041""#),
            StringifyErrorKind::LoneSurrogate
        );
        let deep = "[".repeat(MAX_DEPTH + 1) + &"]".repeat(MAX_DEPTH + 1);
        assert_eq!(kind(deep.as_bytes()), StringifyErrorKind::TooDeep);
        let ok = "[".repeat(MAX_DEPTH) + &"]".repeat(MAX_DEPTH);
        assert_eq!(canon(&ok), ok);
    }

    #[test]
    fn rejects_what_json_parse_rejects() {
        for bad in [
            "",
            " ",
            "{",
            "[1,]",
            "{\"a\":1,}",
            "01",
            "1.",
            ".5",
            "+1",
            "-",
            "1e",
            "--1",
            "NaN",
            "Infinity",
            "'a'",
            "\"\\x\"",
            "\"\u{1}\"",
            "\"abc",
            "{a:1}",
            "[1] [2]",
            "tru",
            "nul",
            "\u{feff}{}",
            "\"\\u12\"",
            "{\"a\" 1}",
            "[1 2]",
        ] {
            assert_eq!(
                kind(bad.as_bytes()),
                StringifyErrorKind::InvalidJson,
                "{bad:?}"
            );
        }
    }

    #[test]
    fn errors_report_where() {
        let err = stringify_parsed(b"[1,]").unwrap_err();
        assert_eq!(err.offset(), 3);
        assert_eq!(err.to_string(), "invalid JSON at byte 3");
    }
}
