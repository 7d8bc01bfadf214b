use serde::{Deserialize, Serialize};

use crate::scheme_kit::string_enum::string_enum;

/// A whole Xero delivery: the batch of events and its sequence numbers. Read it with
/// [`VerifiedJson<Envelope>`](crate::VerifiedJson).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Envelope {
    /// The events, possibly for several tenants; empty for "Intent to receive".
    pub events: Vec<Event>,
    /// The sequence number of the first event in this payload.
    pub first_event_sequence: i64,
    /// The sequence number of the last event in this payload.
    pub last_event_sequence: i64,
    /// A random string that makes the payload harder to forge.
    pub entropy: String,
}

/// One Xero event: what changed, where to fetch it, and in which tenant.
///
/// Field names are Xero's (`resourceUrl`, `eventDateUtc`, …).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Event {
    /// The API URL to fetch the changed resource from.
    pub resource_url: String,
    /// The ID of the changed resource.
    pub resource_id: String,
    /// When the event occurred, in UTC, as Xero formats it (`2017-06-21T01:15:39.902`).
    pub event_date_utc: String,
    /// What happened.
    pub event_type: EventType,
    /// What kind of resource it happened to.
    pub event_category: EventCategory,
    /// The tenant the event happened in.
    pub tenant_id: String,
    /// What kind of tenant that is.
    pub tenant_type: TenantType,
}

string_enum! {
    /// [`Event::event_type`].
    pub enum EventType {
        /// `CREATE`
        Create = "CREATE",
        /// `UPDATE`
        Update = "UPDATE",
    }
}

string_enum! {
    /// [`Event::event_category`].
    pub enum EventCategory {
        /// `CONTACT`
        Contact = "CONTACT",
        /// `INVOICE`
        Invoice = "INVOICE",
        /// `SUBSCRIPTION`
        Subscription = "SUBSCRIPTION",
    }
}

string_enum! {
    /// [`Event::tenant_type`].
    pub enum TenantType {
        /// `ORGANISATION`
        Organisation = "ORGANISATION",
        /// `APPLICATION`
        Application = "APPLICATION",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_xeros_field_names_and_keeps_unknown_values() {
        let event: Event = serde_json::from_str(
            r#"{"resourceUrl":"https://api.xero.com/api.xro/2.0/Invoices/1","resourceId":"1",
                "eventDateUtc":"2017-06-21T01:15:39.902","eventType":"Update",
                "eventCategory":"PAYMENT","tenantId":"t","tenantType":"ORGANISATION"}"#,
        )
        .unwrap();
        assert_eq!(event.event_type, EventType::Update);
        assert_eq!(event.event_category, EventCategory::Other("PAYMENT".into()));
        assert_eq!(event.tenant_type, TenantType::Organisation);
        let back = serde_json::to_value(&event).unwrap();
        assert_eq!(back["eventType"], "UPDATE");
        assert_eq!(back["eventCategory"], "PAYMENT");
    }
}
