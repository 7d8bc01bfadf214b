//! [`HmacSchemeBuilder`].

use base64::Engine as _;
use http::HeaderName;

use super::{
    Algorithm, Encoding, HmacScheme, KeyEncoding, MacState, SignatureFormat, Timestamp,
    TimestampUnit, hints,
    template::{Part, Template},
};
use crate::{
    Clock, ConfigError, EventLayout, Keys, ReplayWindow, ResponsePolicy, Secret, keys::Key,
    scheme_kit::request_url::PublicBaseUrl,
};

/// Describes an [`HmacScheme`]; see the [module docs](super) for an example.
///
/// Defaults: HMAC-SHA256, hex, the whole header is the signature, the signed content is
/// `{body}`, no timestamp, keys used as UTF-8, one event per delivery, responses unchanged.
#[derive(Debug, Clone)]
#[must_use]
pub struct HmacSchemeBuilder {
    name: &'static str,
    signature_headers: Vec<&'static str>,
    every_signature_header: bool,
    format: SignatureFormat,
    algorithm: Algorithm,
    encoding: Encoding,
    template: Result<Template, String>,
    timestamp: Option<(Timestamp, TimestampUnit)>,
    timestamp_headers: Vec<&'static str>,
    id_headers: Vec<&'static str>,
    window: Option<ReplayWindow>,
    clock: Clock,
    keys: Keys,
    key_encoding: KeyEncoding,
    layout: EventLayout,
    policy: ResponsePolicy,
    idempotency_field: Option<&'static str>,
}

impl HmacSchemeBuilder {
    pub(super) fn new(name: &'static str) -> Self {
        Self {
            name,
            signature_headers: Vec::new(),
            every_signature_header: false,
            format: SignatureFormat::BARE,
            algorithm: Algorithm::HmacSha256,
            encoding: Encoding::Hex,
            template: Ok(Template::body()),
            timestamp: None,
            timestamp_headers: Vec::new(),
            id_headers: Vec::new(),
            window: None,
            clock: Clock::system(),
            keys: Keys::new(),
            key_encoding: KeyEncoding::Utf8,
            layout: EventLayout::Single,
            policy: ResponsePolicy::unchanged(),
            idempotency_field: None,
        }
    }

    /// The header the signature is in (case-insensitive). Call again to accept another spelling;
    /// the first one present in a request is used.
    pub fn signature_header(mut self, name: &'static str) -> Self {
        self.signature_headers.push(name);
        self
    }

    /// Reads a signature from every [signature header](Self::signature_header) present, not
    /// only the first: for a provider that signs with two keys at once, each in its own header
    /// (Box's `box-signature-primary` and `box-signature-secondary`). A delivery is accepted
    /// when any of them matches under any key. Not with a timestamp in the signature header.
    pub fn every_signature_header(mut self) -> Self {
        self.every_signature_header = true;
        self
    }

    /// How the header holds its signature(s). Default: [`SignatureFormat::BARE`].
    pub fn format(mut self, format: SignatureFormat) -> Self {
        self.format = format;
        self
    }

    /// The MAC. Default: HMAC-SHA256.
    pub fn algorithm(mut self, algorithm: Algorithm) -> Self {
        self.algorithm = algorithm;
        self
    }

    /// How tags are written. Default: hex.
    pub fn encoding(mut self, encoding: Encoding) -> Self {
        self.encoding = encoding;
        self
    }

    /// What is signed, as a template over `{body}` (exactly once), `{timestamp}` (the
    /// timestamp's text as sent), `{id}` and `{url}`, with anything else signed literally:
    /// `{id}.{timestamp}.{body}` (Standard Webhooks), `v0:{timestamp}:{body}` (Slack),
    /// `{url}{body}` (Square). Default: `{body}`.
    pub fn signed_content(mut self, template: &str) -> Self {
        self.template = Template::parse(template);
        self
    }

    /// Reads the signed timestamp, in seconds, from this header (call again for another
    /// spelling).
    pub fn timestamp_header(mut self, name: &'static str) -> Self {
        self.timestamp_headers.push(name);
        self.timestamp = Some((Timestamp::Header, TimestampUnit::Seconds));
        self
    }

    /// Reads the signed timestamp from somewhere else than a header of its own, or in another
    /// unit.
    pub fn timestamp(mut self, source: Timestamp, unit: TimestampUnit) -> Self {
        self.timestamp = Some((source, unit));
        self
    }

    /// The header with the provider's delivery id (call again for another spelling). It is
    /// signed when the signed content has `{id}`, and reported to the handler either way.
    pub fn id_header(mut self, name: &'static str) -> Self {
        self.id_headers.push(name);
        self
    }

    /// How far from now the signed timestamp may be. Without one, no freshness check is made.
    pub fn replay_window(mut self, window: ReplayWindow) -> Self {
        self.window = Some(window);
        self
    }

    /// The clock the replay window is checked against. Default: the system clock.
    pub fn clock(mut self, clock: Clock) -> Self {
        self.clock = clock;
        self
    }

    /// The key(s) to verify with: a secret, or [`Keys`] for rotation.
    pub fn keys(mut self, keys: impl Into<Keys>) -> Self {
        self.keys = keys.into();
        self
    }

    /// How a secret becomes the HMAC key. Default: [`KeyEncoding::Utf8`].
    pub fn key_encoding(mut self, encoding: KeyEncoding) -> Self {
        self.key_encoding = encoding;
        self
    }

    /// Where the events are in the body, for [`VerifiedEvents`](crate::VerifiedEvents).
    pub fn event_layout(mut self, layout: EventLayout) -> Self {
        self.layout = layout;
        self
    }

    /// The top-level string field of the JSON body that names the delivery across retries
    /// (Stripe's `id`, Paddle's `notification_id`): signed, since the body is, so
    /// [`Idempotency`](crate::idempotency) keys on it. An id header in the signed content is
    /// used that way without this.
    pub fn idempotency_field(mut self, field: &'static str) -> Self {
        self.idempotency_field = Some(field);
        self
    }

    /// What the provider demands of responses.
    pub fn response_policy(mut self, policy: ResponsePolicy) -> Self {
        self.policy = policy;
        self
    }

    /// Checks the description and builds the scheme.
    ///
    /// Fails when there is no signature header or no key, a header name is invalid, the
    /// template is not one (or lacks `{body}`), the template or the timestamp needs a header
    /// that was not named, or a secret does not decode.
    pub fn build(self) -> Result<HmacScheme, ConfigError> {
        let name = self.name;
        let invalid = |why: String| ConfigError::invalid_setting(name, why);
        let headers = |names: &[&'static str]| -> Result<Vec<HeaderName>, ConfigError> {
            names
                .iter()
                .map(|n| {
                    HeaderName::from_bytes(n.as_bytes())
                        .map_err(|_| invalid(format!("`{n}` is not a header name")))
                })
                .collect()
        };
        let signature_headers = headers(&self.signature_headers)?;
        if signature_headers.is_empty() {
            return Err(invalid("no signature header".into()));
        }
        let template = self.template.map_err(invalid)?;
        let timestamp_headers = headers(&self.timestamp_headers)?;
        let id_headers = headers(&self.id_headers)?;
        if template.uses(&Part::Id) && id_headers.is_empty() {
            return Err(invalid(
                "the signed content has {id} but no id header".into(),
            ));
        }
        match self.timestamp {
            None if template.uses(&Part::Timestamp) => {
                return Err(invalid(
                    "the signed content has {timestamp} but no timestamp is read".into(),
                ));
            }
            None if self.window.is_some() => {
                return Err(invalid("a replay window needs a signed timestamp".into()));
            }
            Some((Timestamp::Header, _)) if timestamp_headers.is_empty() => {
                return Err(invalid("no timestamp header".into()));
            }
            Some((Timestamp::SignatureField(_), _))
                if !matches!(self.format, SignatureFormat::Tagged { .. }) =>
            {
                return Err(invalid(
                    "a timestamp in the signature header needs SignatureFormat::Tagged".into(),
                ));
            }
            Some((Timestamp::SignatureField(_), _)) if self.every_signature_header => {
                return Err(invalid(
                    "a timestamp in the signature header needs one signature header".into(),
                ));
            }
            Some((
                Timestamp::BodyField(_) | Timestamp::SignatureField(_),
                TimestampUnit::Rfc3339,
            )) => {
                return Err(invalid(
                    "an RFC 3339 timestamp is read from a header of its own".into(),
                ));
            }
            Some((Timestamp::BodyField(_), _)) if template.uses(&Part::Timestamp) => {
                return Err(invalid(
                    "a timestamp read from the body cannot also be in the signed content".into(),
                ));
            }
            _ => {}
        }
        if self.keys.is_empty() {
            return Err(ConfigError::no_keys(name));
        }
        let mut keys = Vec::new();
        let mut near_misses = Vec::new();
        for key in self.keys.into_vec() {
            let secret = decode_key(name, &key.secret, self.key_encoding)?;
            near_misses.extend(hints::near_misses(&key.secret, self.key_encoding));
            keys.push(Key { id: key.id, secret });
        }
        Ok(HmacScheme {
            name,
            signature_headers,
            every_signature_header: self.every_signature_header,
            format: self.format,
            algorithm: self.algorithm,
            encoding: self.encoding,
            template,
            timestamp: self.timestamp,
            timestamp_headers,
            id_headers,
            window: self.window,
            clock: self.clock,
            macs: keys
                .iter()
                .map(|key| MacState::new(self.algorithm, key.secret.expose_secret()))
                .collect(),
            keys,
            near_misses,
            hint_gate: hints::hint_gate(),
            url: PublicBaseUrl::default(),
            layout: self.layout,
            policy: self.policy,
            idempotency_field: self.idempotency_field,
        })
    }
}

const WHSEC: &[u8] = b"whsec_";

/// The HMAC key for `secret`.
fn decode_key(scheme: &str, secret: &Secret, encoding: KeyEncoding) -> Result<Secret, ConfigError> {
    match encoding {
        KeyEncoding::Utf8 => Ok(secret.clone()),
        KeyEncoding::StandardWebhooks => {
            let bytes = secret.expose_secret();
            let body = bytes.strip_prefix(WHSEC).unwrap_or(bytes);
            decode_base64(body).ok_or_else(|| {
                let why = if bytes.trim_ascii().len() == bytes.len() {
                    "is not base64 after `whsec_`"
                } else {
                    "is not base64 after `whsec_`: it has leading or trailing whitespace"
                };
                ConfigError::invalid_secret(scheme, why)
            })
        }
    }
}

/// The `whsec_` secret's base64 part, decoded.
pub(super) fn decode_whsec(text: &[u8]) -> Option<Secret> {
    text.strip_prefix(WHSEC).and_then(decode_base64)
}

fn decode_base64(text: &[u8]) -> Option<Secret> {
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(text)
        .ok()?;
    (!decoded.is_empty()).then(|| Secret::new(decoded))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ConfigErrorKind;

    fn base() -> HmacSchemeBuilder {
        HmacScheme::builder("t").signature_header("x-sig").keys("k")
    }

    fn error(builder: HmacSchemeBuilder) -> (ConfigErrorKind, String) {
        let err = builder.build().unwrap_err();
        (err.kind(), err.to_string())
    }

    #[test]
    fn refuses_descriptions_that_cannot_work() {
        let cases = [
            (HmacScheme::builder("t").keys("k"), "no signature header"),
            (
                base().signature_header("bad header"),
                "is not a header name",
            ),
            (base().signed_content("{timestamp}"), "no {body}"),
            (base().signed_content("{id}{body}"), "no id header"),
            (
                base().signed_content("{timestamp}{body}"),
                "no timestamp is read",
            ),
            (
                base().replay_window(ReplayWindow::symmetric(std::time::Duration::ZERO)),
                "needs a signed timestamp",
            ),
            (
                base().timestamp(Timestamp::SignatureField("t"), TimestampUnit::Seconds),
                "needs SignatureFormat::Tagged",
            ),
            (
                base()
                    .timestamp(Timestamp::BodyField("ts"), TimestampUnit::Seconds)
                    .signed_content("{timestamp}{body}"),
                "cannot also be in the signed content",
            ),
            (
                base().timestamp(Timestamp::Header, TimestampUnit::Seconds),
                "no timestamp header",
            ),
        ];
        for (builder, expected) in cases {
            let (kind, text) = error(builder);
            assert_eq!(kind, ConfigErrorKind::InvalidSetting, "{text}");
            assert!(text.contains(expected), "{text} lacks {expected}");
        }
        let (kind, _) = error(HmacScheme::builder("t").signature_header("x-sig"));
        assert_eq!(kind, ConfigErrorKind::NoKeys);
    }

    #[test]
    fn standard_webhooks_secrets_must_decode_and_errors_do_not_quote_them() {
        let with = |secret: &str| {
            base()
                .keys(secret)
                .key_encoding(KeyEncoding::StandardWebhooks)
                .build()
        };
        assert!(with("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").is_ok());
        assert!(with("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").is_ok());
        let err = with("whsec_not*base64").unwrap_err();
        assert_eq!(err.kind(), ConfigErrorKind::InvalidSecret);
        assert!(!err.to_string().contains("not*base64"));
        let err = with("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw\n").unwrap_err();
        assert!(err.to_string().contains("whitespace"));
    }
}
