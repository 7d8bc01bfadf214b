//! Where the signatures, the timestamp and the keys are, and how to read them.

use http::HeaderValue;

use crate::scheme_kit::few::Few;

/// How the signature header holds its signature(s).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum SignatureFormat {
    /// The header is one signature after an optional fixed prefix: `sha256=<hex>` (GitHub),
    /// `v0=<hex>` (Slack, Zoom), or the bare tag (Shopify, Square, Xero) with `prefix: ""`.
    Single {
        /// Text before the tag, such as `"sha256="`; `""` for none.
        prefix: &'static str,
    },
    /// The header is a list of `<tag><delimiter><value>` entries split by `separator`; every
    /// entry tagged `tag` is a signature, and the delivery is accepted when any of them matches.
    /// Entries with other tags are ignored (other versions), except the timestamp when it is
    /// read from this header ([`Timestamp::SignatureField`]).
    ///
    /// Standard Webhooks: `' '`, `','`, `"v1"` (`v1,<b64> v1,<b64>`). Stripe: `','`, `'='`,
    /// `"v1"` (`t=…,v1=…,v1=…`). Paddle: `';'`, `'='`, `"h1"` (`ts=…;h1=…`).
    Tagged {
        /// Between entries.
        separator: char,
        /// Between an entry's tag and its value.
        delimiter: char,
        /// The tag of a signature entry.
        tag: &'static str,
    },
}

impl SignatureFormat {
    /// The whole header is one signature, with no prefix.
    pub const BARE: Self = Self::Single { prefix: "" };
}

/// Where a scheme reads its signed timestamp.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Timestamp {
    /// In the header(s) given to
    /// [`timestamp_header`](super::HmacSchemeBuilder::timestamp_header), as decimal digits.
    Header,
    /// In the signature header's entry with this tag (Stripe's `t`, Paddle's `ts`).
    SignatureField(&'static str),
    /// In the JSON body's top-level field of this name, a number (Linear's
    /// `webhookTimestamp`). It is read after the signature has been checked.
    BodyField(&'static str),
}

/// The unit of a signed timestamp.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum TimestampUnit {
    /// Seconds since the Unix epoch (almost every provider).
    Seconds,
    /// Milliseconds since the Unix epoch (Linear, HubSpot, Webflow).
    Milliseconds,
    /// An RFC 3339 time, such as `2023-07-19T14:56:51.634234626Z` (Twitch) or
    /// `2020-01-01T12:00:00-07:00` (Box), signed as sent. Only in a header.
    Rfc3339,
}

impl TimestampUnit {
    /// A number of this unit, as milliseconds (`None` for [`Rfc3339`](Self::Rfc3339), which is
    /// no number).
    pub(crate) fn to_millis(self, value: i64) -> Option<i64> {
        match self {
            Self::Seconds => value.checked_mul(1000),
            Self::Milliseconds => Some(value),
            Self::Rfc3339 => None,
        }
    }

    /// A timestamp as sent, as milliseconds since the epoch.
    pub(crate) fn read(self, text: &[u8]) -> Option<i64> {
        match self {
            Self::Rfc3339 => crate::scheme_kit::rfc3339::parse_millis(text),
            _ => crate::scheme_kit::header::parse_digits(text).and_then(|v| self.to_millis(v)),
        }
    }
}

/// How the configured secret becomes the HMAC key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum KeyEncoding {
    /// The secret's bytes, exactly as given, even when it looks like base64 (Stripe's `whsec_…`,
    /// Xero's keys).
    Utf8,
    /// Standard Webhooks and Svix: drop a `whsec_` prefix, then base64-decode the rest.
    StandardWebhooks,
}

/// What the signature header gave: the candidate tags and, for
/// [`Timestamp::SignatureField`], the timestamp text.
pub(crate) struct Parsed<'a> {
    pub(crate) signatures: Few<&'a [u8], MAX_SIGNATURES>,
    pub(crate) timestamp: Option<&'a [u8]>,
}

/// The most signatures one header may carry. More is no rotation anyone does, and each costs a
/// comparison.
pub(crate) const MAX_SIGNATURES: usize = 8;

impl SignatureFormat {
    pub(crate) fn parse<'a>(
        &self,
        value: &'a HeaderValue,
        timestamp_tag: Option<&str>,
    ) -> Result<Parsed<'a>, &'static str> {
        let bytes = value.as_bytes();
        match *self {
            Self::Single { prefix } => {
                // `strip_prefix("")` still calls `memcmp`, a measurable share of a 1 KiB verify.
                let tag = if prefix.is_empty() {
                    bytes
                } else {
                    bytes
                        .strip_prefix(prefix.as_bytes())
                        .ok_or("does not start with the expected prefix")?
                };
                let mut signatures = Few::new();
                let _ = signatures.push(tag);
                Ok(Parsed {
                    signatures,
                    timestamp: None,
                })
            }
            Self::Tagged {
                separator,
                delimiter,
                tag,
            } => {
                let mut parsed = Parsed {
                    signatures: Few::new(),
                    timestamp: None,
                };
                // Bytes, not `str` patterns: searching by `char` was a fifth of a Stripe
                // delivery's fixed cost. The check is a fold without early exit, which the
                // compiler vectorizes.
                let invisible = bytes.iter().fold(false, |seen, &b| {
                    seen | ((b < 0x20 && b != b'\t') | (b >= 0x7f))
                });
                if invisible {
                    return Err("not visible ASCII");
                }
                let (separator, delimiter) = (ascii(separator), ascii(delimiter));
                for entry in bytes
                    .split(|&b| b == separator)
                    .map(<[u8]>::trim_ascii)
                    .filter(|e| !e.is_empty())
                {
                    let Some(at) = entry.iter().position(|&b| b == delimiter) else {
                        return Err("has an entry without a tag");
                    };
                    let (name, value) = (&entry[..at], &entry[at + 1..]);
                    if name == tag.as_bytes() {
                        if parsed.signatures.push(value).is_err() {
                            return Err("has more than 8 signatures");
                        }
                    } else if timestamp_tag.is_some_and(|t| t.as_bytes() == name)
                        && parsed.timestamp.replace(value).is_some()
                    {
                        return Err("has the timestamp more than once");
                    }
                }
                if parsed.signatures.is_empty() {
                    return Err("has no signature with the expected tag");
                }
                Ok(parsed)
            }
        }
    }
}

/// `c` as the byte it is in visible ASCII text; NUL, which such text never holds, for a `char`
/// that is not ASCII, so that it matches nothing, as the `char` itself would not.
fn ascii(c: char) -> u8 {
    u8::try_from(c).ok().filter(u8::is_ascii).unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn value(text: &'static str) -> HeaderValue {
        HeaderValue::from_static(text)
    }

    const STRIPE: SignatureFormat = SignatureFormat::Tagged {
        separator: ',',
        delimiter: '=',
        tag: "v1",
    };

    #[test]
    fn tagged_headers_yield_every_signature_and_the_timestamp() {
        let v = value("t=17,v1=aa,v0=ff,v1=bb");
        let parsed = STRIPE.parse(&v, Some("t")).unwrap();
        assert_eq!(parsed.signatures.as_slice(), [b"aa", b"bb"]);
        assert_eq!(parsed.timestamp, Some(&b"17"[..]));
        let stdwh = SignatureFormat::Tagged {
            separator: ' ',
            delimiter: ',',
            tag: "v1",
        };
        let v = value("v1a,xx  v1,abc=");
        assert_eq!(
            stdwh.parse(&v, None).unwrap().signatures.as_slice(),
            [b"abc="]
        );
    }

    #[test]
    fn tagged_headers_refuse_what_they_cannot_read() {
        for (text, why) in [
            ("t=1,v0=aa", "no signature"),
            ("t=1,t=2,v1=aa", "timestamp more than once"),
            ("t=1,garbage", "without a tag"),
            ("", "no signature"),
        ] {
            let err = STRIPE.parse(&value(text), Some("t")).err().unwrap();
            assert!(err.contains(why), "{text}: {err}");
        }
        let many = (0..9).map(|_| "v1=aa").collect::<Vec<_>>().join(",");
        let v = HeaderValue::from_str(&many).unwrap();
        assert!(STRIPE.parse(&v, None).is_err());
    }

    #[test]
    fn single_needs_its_prefix() {
        let github = SignatureFormat::Single { prefix: "sha256=" };
        assert_eq!(
            github
                .parse(&value("sha256=ab"), None)
                .unwrap()
                .signatures
                .as_slice(),
            [b"ab"]
        );
        assert!(github.parse(&value("sha1=ab"), None).is_err());
        assert_eq!(
            SignatureFormat::BARE
                .parse(&value("ab"), None)
                .unwrap()
                .signatures
                .as_slice(),
            [b"ab"]
        );
    }
}
