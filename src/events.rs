//! The one event splitter: finds the events in a verified body, as the scheme's
//! [`EventLayout`] places them, for every reader of events (the extractors, the event router,
//! the idempotency stage's per-event keys). A batch field sent twice is refused, never guessed
//! at.

use std::{fmt, marker::PhantomData};

use serde::de::{self, Deserialize, DeserializeSeed, IgnoredAny, MapAccess, Visitor};

use crate::EventLayout;

/// The events in `body`, each deserialised as `T` (which may borrow from `body`, as
/// `&RawValue` does for the event router).
pub(crate) fn events<'de, T: Deserialize<'de>>(
    body: &'de [u8],
    layout: EventLayout,
) -> Result<Vec<T>, serde_json::Error> {
    let body = text(body)?;
    match layout {
        EventLayout::Single => serde_json::from_str(body).map(|event| vec![event]),
        EventLayout::Array => serde_json::from_str(body),
        EventLayout::Field(field) => batch(body, EventsIn::field(field)),
        EventLayout::Path([first, rest @ ..]) => batch(body, EventsIn::path(first, rest)),
        EventLayout::Path([]) => Err(de::Error::custom("an empty event path")),
    }
}

/// The body as text, checked once. JSON is UTF-8 throughout, so this refuses nothing the parser
/// would take; parsing a `str` then skips checking each string again, which parsing bytes does
/// (a tenth of a 1 KiB Xero batch's parse).
pub(crate) fn text(body: &[u8]) -> Result<&str, serde_json::Error> {
    std::str::from_utf8(body).map_err(|_| de::Error::custom("the body is not UTF-8"))
}

fn batch<'de, T: Deserialize<'de>>(
    body: &'de str,
    seed: EventsIn<T>,
) -> Result<Vec<T>, serde_json::Error> {
    let mut deserializer = serde_json::Deserializer::from_str(body);
    seed.deserialize(&mut deserializer)
        .and_then(|events| deserializer.end().map(|()| events))
}

/// Reads the array in one named field of an object (or, with `rest`, in the field of the
/// objects nested there), skipping the other fields without building them.
struct EventsIn<T> {
    field: &'static str,
    rest: &'static [&'static str],
    marker: PhantomData<T>,
}

impl<T> EventsIn<T> {
    fn field(field: &'static str) -> Self {
        Self::path(field, &[])
    }

    fn path(field: &'static str, rest: &'static [&'static str]) -> Self {
        Self {
            field,
            rest,
            marker: PhantomData,
        }
    }
}

impl<'de, T: de::Deserialize<'de>> DeserializeSeed<'de> for EventsIn<T> {
    type Value = Vec<T>;

    fn deserialize<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<Vec<T>, D::Error> {
        deserializer.deserialize_map(self)
    }
}

impl<'de, T: de::Deserialize<'de>> Visitor<'de> for EventsIn<T> {
    type Value = Vec<T>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "an object with an array field `{}`", self.field)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Vec<T>, A::Error> {
        let mut events = None;
        while let Some(is_field) = map.next_key_seed(KeyIs(self.field))? {
            if !is_field {
                map.next_value::<IgnoredAny>()?;
            } else if events.is_some() {
                return Err(de::Error::duplicate_field(self.field));
            } else if let [next, rest @ ..] = self.rest {
                events = Some(map.next_value_seed(EventsIn::<T>::path(next, rest))?);
            } else {
                events = Some(map.next_value()?);
            }
        }
        events.ok_or_else(|| de::Error::missing_field(self.field))
    }
}

/// Compares a map key with a name without allocating it.
struct KeyIs(&'static str);

impl<'de> DeserializeSeed<'de> for KeyIs {
    type Value = bool;

    fn deserialize<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<bool, D::Error> {
        deserializer.deserialize_str(self)
    }
}

impl Visitor<'_> for KeyIs {
    type Value = bool;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a field name")
    }

    fn visit_str<E: de::Error>(self, key: &str) -> Result<bool, E> {
        Ok(key == self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_path_reaches_events_in_nested_objects_and_refuses_a_repeated_field() {
        let layout = EventLayout::Path(&["data", "events"]);
        let body =
            br#"{"eventType":"com.okta.event_hook","data":{"x":1,"events":[{"a":1},{"a":2}]}}"#;
        let found: Vec<serde_json::Value> = events(body, layout).unwrap();
        assert_eq!(found.len(), 2);
        assert_eq!(found[1]["a"], 2);
        for bad in [
            &br#"{"data":{"events":[],"events":[]}}"#[..],
            br#"{"data":{},"data":{"events":[]}}"#,
            br#"{"data":[]}"#,
            br#"{"events":[]}"#,
        ] {
            assert!(events::<serde_json::Value>(bad, layout).is_err());
        }
        let same: Vec<serde_json::Value> =
            events(br#"{"events":[1]}"#, EventLayout::Path(&["events"])).unwrap();
        assert_eq!(same, [serde_json::json!(1)]);
        assert!(events::<serde_json::Value>(b"{}", EventLayout::Path(&[])).is_err());
    }
}
