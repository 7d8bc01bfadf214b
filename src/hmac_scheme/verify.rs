//! [`HmacScheme`]'s verification.

use std::time::{Duration, UNIX_EPOCH};

use bytes::Bytes;
use http::{HeaderName, HeaderValue, request::Parts};

use super::{
    HmacScheme, Timestamp, TimestampUnit,
    format::{MAX_SIGNATURES, Parsed},
    template::{MAX_PARTS, Part},
};
use crate::{
    EventLayout, Rejection, ResponsePolicy, SignatureScheme, SignedStream, Verification,
    scheme_kit::few::{Few, Tag},
    scheme_kit::header::first_present,
};

impl HmacScheme {
    /// Everything the head says: the tags, and the timestamp, id and URL the signed content
    /// needs.
    /// Fills `prepared` in place: it holds the decoded tags, too large to move through a
    /// `Result` on every delivery.
    pub(super) fn prepare<'h>(
        &self,
        head: &'h Parts,
        prepared: &mut Prepared<'h>,
    ) -> Result<(), Rejection> {
        let (header_name, tagged_timestamp) = self.read_signatures(head, &mut prepared.tags)?;

        let (text, millis) = self.read_timestamp(head, header_name, tagged_timestamp)?;
        prepared.timestamp_text = text;
        prepared.timestamp = millis;
        prepared.id = if self.id_headers.is_empty() {
            None
        } else if self.template.uses(&Part::Id) {
            Some(first_present(head, &self.id_headers)?.1)
        } else {
            first_present(head, &self.id_headers).ok().map(|(_, v)| v)
        };
        if self.template.uses(&Part::Url) {
            prepared.url = Some(self.url.url_of(head)?);
        }
        prepared.method = head.method.as_str();
        Ok(())
    }

    /// The timestamp a header carries, as sent (it is signed verbatim) and in milliseconds:
    /// from its own header, or from the signature header's entry (`tagged`). Refused unless it
    /// is plain digits.
    fn read_timestamp<'h>(
        &self,
        head: &'h Parts,
        signature_header: &HeaderName,
        tagged: Option<&'h [u8]>,
    ) -> Result<(Option<&'h [u8]>, Option<i64>), Rejection> {
        let (name, text): (&HeaderName, &'h [u8]) = match self.timestamp {
            Some((Timestamp::Header, _)) => {
                let (name, value) = first_present(head, &self.timestamp_headers)?;
                (name, value.as_bytes())
            }
            Some((Timestamp::SignatureField(_), _)) => (
                signature_header,
                tagged.ok_or_else(|| {
                    Rejection::malformed_header(signature_header.clone(), "has no timestamp entry")
                })?,
            ),
            Some((Timestamp::BodyField(_), _)) | None => return Ok((None, None)),
        };
        let unit = self.timestamp.map(|(_, unit)| unit).expect("matched above");
        let millis = unit.read(text).ok_or_else(|| {
            let why = match unit {
                TimestampUnit::Rfc3339 => "the timestamp is not an RFC 3339 time",
                _ => "the timestamp is not plain digits",
            };
            Rejection::malformed_header(name.clone(), why)
        })?;
        Ok((Some(text), Some(millis)))
    }

    /// Reads the signature header: its tags decoded into `tags`, and the header's name and its
    /// timestamp entry (for [`Timestamp::SignatureField`]).
    fn read_signatures<'h>(
        &self,
        head: &'h Parts,
        tags: &mut Few<Tag, MAX_SIGNATURES>,
    ) -> Result<(&HeaderName, Option<&'h [u8]>), Rejection> {
        if self.every_signature_header {
            return self.read_every_signature_header(head, tags);
        }
        let (header_name, value) = first_present(head, &self.signature_headers)?;
        let timestamp_tag = match self.timestamp {
            Some((Timestamp::SignatureField(tag), _)) => Some(tag),
            _ => None,
        };
        let Parsed {
            signatures,
            timestamp,
        } = self
            .format
            .parse(value, timestamp_tag)
            .map_err(|why| Rejection::malformed_header(header_name.clone(), why))?;
        self.decode_tags(header_name, signatures.as_slice(), tags)?;
        Ok((header_name, timestamp))
    }

    /// For [`every_signature_header`](super::HmacSchemeBuilder::every_signature_header): the
    /// tags of every signature header present (each at most once), the first one's name.
    fn read_every_signature_header<'h>(
        &self,
        head: &'h Parts,
        tags: &mut Few<Tag, MAX_SIGNATURES>,
    ) -> Result<(&HeaderName, Option<&'h [u8]>), Rejection> {
        // One header that does not parse (an empty secondary signature) does not hide a good
        // one beside it; with none that gives a signature, the first reason is the answer.
        let mut first = None;
        let mut refused = None;
        for name in &self.signature_headers {
            let read = first_present(head, std::slice::from_ref(name)).and_then(|(name, value)| {
                let Parsed { signatures, .. } = self
                    .format
                    .parse(value, None)
                    .map_err(|why| Rejection::malformed_header(name.clone(), why))?;
                self.decode_tags(name, signatures.as_slice(), tags)?;
                Ok(name)
            });
            match read {
                Ok(name) => {
                    first.get_or_insert(name);
                }
                Err(rejection) if rejection.kind() != crate::RejectionKind::MissingHeader => {
                    refused.get_or_insert(rejection);
                }
                Err(_) => {}
            }
        }
        match (first, refused) {
            (Some(name), _) => Ok((name, None)),
            (None, Some(rejection)) => Err(rejection),
            (None, None) => Err(Rejection::missing_header(self.signature_headers[0].clone())),
        }
    }

    /// The signed content's parts, in order, with `body` in its place.
    pub(super) fn message<'a>(
        &'a self,
        prepared: &'a Prepared<'_>,
        body: &'a [u8],
    ) -> Few<&'a [u8], MAX_PARTS> {
        let mut message = Few::new();
        for part in &self.template.parts {
            message
                .push(prepared.part(part, body))
                .expect("templates are limited to MAX_PARTS when parsed");
        }
        message
    }

    /// After the key at `matched` matched: the replay window, and what the handler learns.
    pub(super) fn conclude(
        &self,
        prepared: &Prepared<'_>,
        matched: usize,
        body: &Bytes,
    ) -> Result<Verification, Rejection> {
        let key = &self.keys[matched];
        let signed_at_ms = match (self.timestamp, prepared.timestamp) {
            (Some((Timestamp::BodyField(field), unit)), _) => {
                Some(body_timestamp(body, field, unit)?)
            }
            (_, at) => at,
        };
        // Fields set in place: each by-value builder call would move the whole `Verification`.
        let mut verification = Verification::raw_body();
        verification.key_id = key.id.clone();
        verification.key_index = Some(matched);
        if let Some(ms) = signed_at_ms {
            if let Some(window) = &self.window {
                window.check(&self.clock, ms)?;
            }
            if let Ok(ms) = u64::try_from(ms) {
                verification.signed_at = Some(UNIX_EPOCH + Duration::from_millis(ms));
            }
        }
        if let Some(id) = prepared.id.and_then(|id| id.to_str().ok()) {
            // One allocation for both: the signed id is the delivery's and its key.
            let id: std::sync::Arc<str> = id.into();
            if self.template.uses(&Part::Id) {
                verification.idempotency_key = Some(id.clone());
            }
            verification.delivery_id = Some(id);
        }
        // Read from the body only if the idempotency stage asks: most routes never do.
        verification.idempotency_field = self.idempotency_field;
        Ok(verification)
    }

    fn decode_tags(
        &self,
        header_name: &HeaderName,
        signatures: &[&[u8]],
        tags: &mut Few<Tag, MAX_SIGNATURES>,
    ) -> Result<(), Rejection> {
        // One undecodable signature among good ones is skipped (a provider may add formats we
        // do not know); a header with none that decodes is malformed.
        let before = tags.as_slice().len();
        for tag in signatures
            .iter()
            .filter_map(|text| self.encoding.decode_tag(text))
            .filter(|tag| tag.as_slice().len() == self.algorithm.tag_len())
        {
            let _ = tags.push(tag); // as many places as signatures
        }
        if tags.as_slice().len() == before {
            let why = match (self.encoding.describe(), self.algorithm.tag_len()) {
                ("hex", 32) => "not hex of a 32-byte HMAC-SHA256",
                ("base64", 32) => "not base64 of a 32-byte HMAC-SHA256",
                ("base64", 20) => "not base64 of a 20-byte HMAC-SHA1",
                ("hex", 20) => "not hex of a 20-byte HMAC-SHA1",
                _ => "not an encoded tag of the expected length",
            };
            return Err(Rejection::malformed_header(header_name.clone(), why));
        }
        Ok(())
    }
}

/// A top-level JSON number field of the (already verified) body, as milliseconds.
fn body_timestamp(body: &[u8], field: &str, unit: super::TimestampUnit) -> Result<i64, Rejection> {
    let object: serde_json::Map<String, serde_json::Value> = serde_json::from_slice(body)
        .map_err(|_| Rejection::unverifiable_body("not a JSON object with a signed timestamp"))?;
    object
        .get(field)
        .and_then(serde_json::Value::as_i64)
        .and_then(|value| unit.to_millis(value))
        .ok_or_else(|| {
            Rejection::unverifiable_body("the signed timestamp field is missing or not an integer")
        })
}

/// What the head of a delivery gave.
pub(super) struct Prepared<'h> {
    pub(super) tags: Few<Tag, MAX_SIGNATURES>,
    timestamp_text: Option<&'h [u8]>,
    timestamp: Option<i64>,
    id: Option<&'h HeaderValue>,
    url: Option<String>,
    method: &'h str,
}

impl Prepared<'_> {
    pub(super) fn new() -> Self {
        Self {
            tags: Few::new(),
            timestamp_text: None,
            timestamp: None,
            id: None,
            url: None,
            method: "",
        }
    }

    /// The bytes of one part of the signed content.
    pub(super) fn part<'a>(&'a self, part: &'a Part, body: &'a [u8]) -> &'a [u8] {
        match part {
            Part::Literal(text) => text.as_bytes(),
            Part::Body => body,
            Part::Timestamp => self.timestamp_text.unwrap_or_default(),
            Part::Id => self.id.map_or(&[][..], HeaderValue::as_bytes),
            Part::Url => self.url.as_deref().unwrap_or_default().as_bytes(),
            Part::Method => self.method.as_bytes(),
        }
    }
}

impl SignatureScheme for HmacScheme {
    fn name(&self) -> &'static str {
        self.name
    }

    fn verify(&self, head: &Parts, body: &Bytes) -> Result<Verification, Rejection> {
        let mut prepared = Prepared::new();
        self.prepare(head, &mut prepared)?;
        // Most providers sign the body alone: no list of parts to build for it.
        let body_only = [&body[..]];
        let built;
        let message = if self.template.is_body_only() {
            &body_only[..]
        } else {
            built = self.message(&prepared, body);
            built.as_slice()
        };
        let tags = prepared.tags.as_slice();
        let matched = self
            .macs
            .iter()
            .position(|mac| mac.matches(message, tags))
            .ok_or_else(|| self.mismatch(head, message, tags))?;
        self.conclude(&prepared, matched, body)
    }

    /// The signature header is present once, parses, and holds a tag that decodes to the
    /// MAC's length; the timestamp is present and plain digits; the id header the signed
    /// content needs is present. What `verify` would refuse from the form of the head, it
    /// refuses here, before a byte of the body is read. (The replay window is checked after
    /// the MAC, in `verify`.)
    fn check_head(&self, head: &Parts) -> Result<(), Rejection> {
        // Exactly what `verify` reads from the head, so the two cannot disagree.
        self.prepare(head, &mut Prepared::new())
    }

    fn start_stream(&self, head: &Parts) -> Option<SignedStream> {
        // A head that does not parse is refused by `verify_stream` with the precise reason.
        let mut prepared = Prepared::new();
        self.prepare(head, &mut prepared).ok()?;
        let body_at = self.template.body_index();
        let prefix = self.message(&prepared, &[]);
        let prefix = &prefix.as_slice()[..body_at];
        let macs = self
            .macs
            .iter()
            .map(|mac| {
                let mut mac = mac.clone();
                for part in prefix {
                    mac.update(part);
                }
                mac
            })
            .collect();
        Some(SignedStream { macs })
    }

    fn verify_stream(
        &self,
        head: &Parts,
        body: &Bytes,
        stream: SignedStream,
    ) -> Result<Verification, Rejection> {
        let mut prepared = Prepared::new();
        self.prepare(head, &mut prepared)?;
        let message = self.message(&prepared, body);
        let (message, tags) = (message.as_slice(), prepared.tags.as_slice());
        let suffix = &message[self.template.body_index() + 1..];
        let matched = stream
            .macs
            .into_iter()
            .position(|mac| mac.matches(suffix, tags))
            .ok_or_else(|| self.mismatch(head, message, tags))?;
        self.conclude(&prepared, matched, body)
    }

    fn event_layout(&self) -> EventLayout {
        self.layout
    }

    fn response_policy(&self) -> ResponsePolicy {
        self.policy
    }
}
