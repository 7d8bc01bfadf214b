//! [`EventKey`]: where an event's type is written.

use std::{borrow::Cow, fmt};

use http::{HeaderMap, HeaderName};
use serde::de::{self, DeserializeSeed, IgnoredAny, MapAccess, Visitor};
use serde_json::value::RawValue;

/// Where a provider writes an event's type, which [`EventRouter`](super::EventRouter) routes
/// on.
///
/// Each provider module has its own as `EVENT_KEY`
/// ([`xero::EVENT_KEY`](crate::xero::EVENT_KEY) is `eventCategory.eventType`, so
/// `INVOICE.UPDATE`; [`stripe::EVENT_KEY`](crate::stripe::EVENT_KEY) is `type`).
///
/// ```
/// use http::HeaderName;
/// use tower_webhooks::routing::EventKey;
///
/// // Stripe, Standard Webhooks: `{"type": "invoice.created", ...}`.
/// let stripe = EventKey::field("type");
/// // Linear: `{"type": "Issue", "action": "create", ...}` routes as `Issue.create`.
/// let linear = EventKey::fields(&["type", "action"]);
/// // GitHub: the `X-GitHub-Event` header names the one event of the delivery.
/// let github = EventKey::header(HeaderName::from_static("x-github-event"));
/// # let _ = (stripe, linear, github);
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct EventKey(Source);

#[derive(Clone, PartialEq, Eq)]
enum Source {
    Fields(&'static [&'static str]),
    Field(&'static str),
    Path(&'static [&'static str]),
    Header(HeaderName),
}

impl EventKey {
    /// The event's type is the string in its top-level field `name`.
    #[must_use]
    pub const fn field(name: &'static str) -> Self {
        Self(Source::Field(name))
    }

    /// The event's type is the strings in these top-level fields, joined with `.` (Xero's
    /// `eventCategory` and `eventType` give `INVOICE.UPDATE`).
    #[must_use]
    pub const fn fields(names: &'static [&'static str]) -> Self {
        Self(Source::Fields(names))
    }

    /// The event's type is the string at this path of nested objects: `&["event", "type"]`
    /// reads `{"event": {"type": "charge:created"}}` (Coinbase Commerce, Trello's `action.type`).
    ///
    /// ```
    /// use tower_webhooks::routing::EventKey;
    ///
    /// let coinbase = EventKey::path(&["event", "type"]);
    /// # let _ = coinbase;
    /// ```
    #[must_use]
    pub const fn path(names: &'static [&'static str]) -> Self {
        Self(Source::Path(names))
    }

    /// The event's type is this request header (GitHub's `X-GitHub-Event`, Shopify's
    /// `X-Shopify-Topic`): one type for the whole delivery.
    #[must_use]
    pub const fn header(name: HeaderName) -> Self {
        Self(Source::Header(name))
    }

    /// The header it reads, when it reads one.
    #[cfg(feature = "inbox")]
    pub(crate) fn header_name(&self) -> Option<&HeaderName> {
        match &self.0 {
            Source::Header(name) => Some(name),
            Source::Field(_) | Source::Fields(_) | Source::Path(_) => None,
        }
    }

    /// The type of `event`, or `None` if it does not say (a field that is missing or not a
    /// string, a header that is missing or not text).
    pub(crate) fn read<'a>(
        &self,
        event: &'a RawValue,
        headers: &'a HeaderMap,
    ) -> Option<Cow<'a, str>> {
        match &self.0 {
            Source::Header(name) => headers
                .get(name)
                .and_then(|value| value.to_str().ok())
                .map(Cow::Borrowed),
            Source::Field(name) => read_fields(event, std::slice::from_ref(name)),
            Source::Fields(names) => read_fields(event, names),
            Source::Path(path) => {
                let (last, parents) = path.split_last()?;
                let mut current = event;
                for name in parents {
                    current = child(current, name)?;
                }
                read_fields(current, std::slice::from_ref(last))
            }
        }
    }

    /// The top-level fields the type is read from, for a key that reads only those.
    pub(super) fn top_level_names(&self) -> Option<&[&'static str]> {
        match &self.0 {
            Source::Field(name) => Some(std::slice::from_ref(name)),
            Source::Fields(names) => Some(names),
            Source::Path(_) | Source::Header(_) => None,
        }
    }

    /// The type of an event already split into its top-level fields, for a key that
    /// [reads only those](Self::top_level_names); read as [`read`](Self::read) reads it (the
    /// last of a repeated name, a string or nothing).
    pub(super) fn read_from_fields<'a>(
        &self,
        fields: &'a [(Cow<'a, str>, &'a RawValue)],
    ) -> Option<Cow<'a, str>> {
        let names = self.top_level_names()?;
        joined(names.iter().map(|name| {
            // Every occurrence must be a string or null, as the parser requires of each.
            fields
                .iter()
                .filter(|(field, _)| field == name)
                .try_fold(None, |_, (_, value)| super::event::string_value(value).ok())?
        }))
    }
}

impl fmt::Debug for EventKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.0 {
            Source::Field(name) => write!(f, "EventKey::field({name:?})"),
            Source::Fields(names) => write!(f, "EventKey::fields({names:?})"),
            Source::Path(names) => write!(f, "EventKey::path({names:?})"),
            Source::Header(name) => write!(f, "EventKey::header({name:?})"),
        }
    }
}

fn read_fields<'a>(event: &'a RawValue, names: &[&'static str]) -> Option<Cow<'a, str>> {
    let mut deserializer = serde_json::Deserializer::from_str(event.get());
    let values = FieldsOf(names).deserialize(&mut deserializer).ok()?;
    joined(values.into_iter())
}

/// The values joined with `.`; `None` when one is missing.
fn joined<'a>(mut values: impl Iterator<Item = Option<Cow<'a, str>>>) -> Option<Cow<'a, str>> {
    let first = values.next()??;
    values.try_fold(first, |mut key, next| {
        let next = next?;
        key.to_mut().push('.');
        key.to_mut().push_str(&next);
        Some(key)
    })
}

/// The value of the top-level field `name` of an object, unparsed.
fn child<'a>(event: &'a RawValue, name: &str) -> Option<&'a RawValue> {
    let fields: std::collections::BTreeMap<Cow<'a, str>, &'a RawValue> =
        serde_json::from_str(event.get()).ok()?;
    fields.get(name).copied()
}

/// Reads the string values of some top-level fields, skipping everything else unbuilt.
struct FieldsOf<'n>(&'n [&'static str]);

impl<'de> DeserializeSeed<'de> for FieldsOf<'_> {
    type Value = Vec<Option<Cow<'de, str>>>;

    fn deserialize<D: de::Deserializer<'de>>(
        self,
        deserializer: D,
    ) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for FieldsOf<'_> {
    type Value = Vec<Option<Cow<'de, str>>>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an event object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut values = vec![None; self.0.len()];
        while let Some(position) = map.next_key_seed(Position(self.0))? {
            match position {
                Some(at) => values[at] = map.next_value::<Option<Borrowed<'de>>>()?.map(|b| b.0),
                None => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(values)
    }
}

/// Which of the names a map key is, compared in place: a key is never allocated.
struct Position<'n>(&'n [&'static str]);

impl<'de> DeserializeSeed<'de> for Position<'_> {
    type Value = Option<usize>;

    fn deserialize<D: de::Deserializer<'de>>(
        self,
        deserializer: D,
    ) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_str(self)
    }
}

impl Visitor<'_> for Position<'_> {
    type Value = Option<usize>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a field name")
    }

    fn visit_str<E: de::Error>(self, key: &str) -> Result<Self::Value, E> {
        Ok(self.0.iter().position(|name| *name == key))
    }
}

/// A string that borrows from the input when it has no escapes; anything else is `None`.
pub(super) struct Borrowed<'de>(pub(super) Cow<'de, str>);

impl<'de> de::Deserialize<'de> for Borrowed<'de> {
    fn deserialize<D: de::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Text;
        impl<'de> Visitor<'de> for Text {
            type Value = Borrowed<'de>;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string")
            }

            fn visit_borrowed_str<E: de::Error>(self, text: &'de str) -> Result<Self::Value, E> {
                Ok(Borrowed(Cow::Borrowed(text)))
            }

            fn visit_str<E: de::Error>(self, text: &str) -> Result<Self::Value, E> {
                Ok(Borrowed(Cow::Owned(text.to_owned())))
            }
        }
        deserializer.deserialize_str(Text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key_of(key: &EventKey, json: &str) -> Option<String> {
        let event: Box<RawValue> = serde_json::from_str(json).unwrap();
        key.read(&event, &HeaderMap::new()).map(Cow::into_owned)
    }

    #[test]
    fn a_path_reads_nested_objects() {
        let coinbase = EventKey::path(&["event", "type"]);
        let json = r#"{"id":1,"event":{"id":"e","type":"charge:created"}}"#;
        assert_eq!(key_of(&coinbase, json).as_deref(), Some("charge:created"));
        assert_eq!(key_of(&coinbase, r#"{"event":"x"}"#), None);
        assert_eq!(key_of(&coinbase, r#"{"type":"x"}"#), None);
    }

    #[test]
    fn reads_one_or_several_fields_and_skips_the_rest() {
        let xero = EventKey::fields(&["eventCategory", "eventType"]);
        let event = r#"{"resourceUrl":"u","nested":{"eventType":"NO"},"eventType":"UPDATE","eventCategory":"INVOICE"}"#;
        assert_eq!(key_of(&xero, event).as_deref(), Some("INVOICE.UPDATE"));
        let stripe = EventKey::field("type");
        assert_eq!(
            key_of(&stripe, r#"{"type":"invoice.created","data":[1,2]}"#).as_deref(),
            Some("invoice.created")
        );
        assert_eq!(
            key_of(&stripe, r#"{"type":"a\u002eb"}"#).as_deref(),
            Some("a.b")
        );
    }

    #[test]
    fn split_fields_give_the_type_the_whole_event_gives() {
        for key in [
            EventKey::field("type"),
            EventKey::fields(&["eventCategory", "eventType"]),
        ] {
            for json in [
                r#"{"type":"a","eventCategory":"C","eventType":"T"}"#,
                r#"{"type":"a\u002eb","nested":{"type":"no"}}"#,
                r#"{"type":"a","type":"b","eventType":"T","eventCategory":"C"}"#,
                r#"{"type":7,"type":"b"}"#,
                r#"{"type":"b","type":null}"#,
                r#"{"type":null,"type":"b"}"#,
                r#"{"eventType":"T"}"#,
                r#"{"type":["x"]}"#,
                "{}",
            ] {
                let event: Box<RawValue> = serde_json::from_str(json).unwrap();
                let fields: super::super::event::Fields<'_> = serde_json::from_str(json).unwrap();
                assert_eq!(
                    key.read_from_fields(&fields.0),
                    key.read(&event, &HeaderMap::new()),
                    "{key:?} of {json}"
                );
            }
        }
    }

    #[test]
    fn a_missing_or_non_string_type_is_none() {
        let key = EventKey::fields(&["eventCategory", "eventType"]);
        assert_eq!(key_of(&key, r#"{"eventType":"UPDATE"}"#), None);
        assert_eq!(key_of(&EventKey::field("type"), r#"{"type":7}"#), None);
        assert_eq!(key_of(&EventKey::field("type"), r#"{"type":null}"#), None);
        assert_eq!(key_of(&EventKey::field("type"), "[1]"), None);
    }
}
