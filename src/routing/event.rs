//! [`Event`]: one event of a delivery as the router reads it, either whole or already split
//! into its top-level fields.

use std::{borrow::Cow, fmt};

use serde::de::{self, Deserialize as _, DeserializeOwned, MapAccess, Visitor};
use serde_json::value::RawValue;

/// One event: its text, or its top-level fields (names and unparsed values) when the batch was
/// split that way.
#[derive(Clone, Copy)]
pub(super) enum Event<'a> {
    Raw(&'a RawValue),
    Fields(&'a [(Cow<'a, str>, &'a RawValue)]),
}

impl Event<'_> {
    /// The event as `T`. From fields, each value is parsed where it lies, once: the object
    /// around them is not read again.
    pub(super) fn parse<T: DeserializeOwned>(self) -> Result<T, serde_json::Error> {
        match self {
            Self::Raw(raw) => serde_json::from_str(raw.get()),
            Self::Fields(fields) => {
                // As a deserializer, the map checks that every field was taken.
                T::deserialize(de::value::MapDeserializer::new(
                    fields.iter().map(|(name, value)| (name.as_ref(), *value)),
                ))
            }
        }
    }
}

/// An event object split into its top-level fields as the batch is split: the router finds an
/// event's type among them and parses its payload from them, where a `RawValue` per event would
/// be read once to split, once for the type and once for the payload.
pub(super) struct Fields<'a>(pub(super) Vec<(Cow<'a, str>, &'a RawValue)>);

impl<'de> de::Deserialize<'de> for Fields<'de> {
    fn deserialize<D: de::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Object;
        impl<'de> Visitor<'de> for Object {
            type Value = Fields<'de>;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an event object")
            }

            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Fields<'de>, A::Error> {
                let mut fields = Vec::with_capacity(map.size_hint().unwrap_or(8));
                while let Some(name) = map.next_key::<Cow<'de, str>>()? {
                    fields.push((name, map.next_value::<&'de RawValue>()?));
                }
                Ok(Fields(fields))
            }
        }
        deserializer.deserialize_map(Object)
    }
}

/// Whether a top-level field's value is a string (`Some`, borrowed when it has no escapes),
/// `null` (`None`), or anything else (`Err`): what [`EventKey`](super::EventKey) reads of a
/// whole event, read from one field.
pub(super) fn string_value(value: &RawValue) -> Result<Option<Cow<'_, str>>, serde_json::Error> {
    Option::<super::key::Borrowed<'_>>::deserialize(value).map(|text| text.map(|text| text.0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, PartialEq, serde::Deserialize)]
    struct Typed {
        kind: String,
        n: Option<u32>,
        #[serde(default)]
        tags: Vec<String>,
    }

    /// From its fields, an event parses to what its text parses to, and fails where it fails.
    #[test]
    fn fields_parse_as_the_whole_event_does() {
        for json in [
            r#"{"kind":"a","n":1,"tags":["x","y\"z"]}"#,
            r#"{"n":null,"kind":"\u00e9","extra":{"deep":[1,2]}}"#,
            r#"{"kind":"a","kind":"b"}"#,
            r#"{"kind":1}"#,
            r#"{"n":2}"#,
        ] {
            let raw: Box<RawValue> = serde_json::from_str(json).unwrap();
            let fields: Fields<'_> = serde_json::from_str(json).unwrap();
            let whole = Event::Raw(&raw).parse::<Typed>();
            let split = Event::Fields(&fields.0).parse::<Typed>();
            assert_eq!(split.as_ref().ok(), whole.as_ref().ok(), "{json}");
            assert_eq!(split.is_err(), whole.is_err(), "{json}");
            let value: serde_json::Value = Event::Fields(&fields.0).parse().unwrap();
            assert_eq!(
                value,
                serde_json::from_str::<serde_json::Value>(json).unwrap()
            );
        }
        assert!(serde_json::from_str::<Fields<'_>>("[1]").is_err());
    }
}
