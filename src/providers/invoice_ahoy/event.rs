use serde::{Deserialize, Serialize};

use crate::scheme_kit::string_enum::string_enum;

/// One InvoiceAhoy delivery: `{"id": …, "type": "invoice.updated", "payload": {"id": …, …}}`.
///
/// `P` is the payload's type; by default an [`Invoice`] that keeps every field.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Event<P = Invoice> {
    /// The event's ID.
    pub id: String,
    /// What happened.
    #[serde(rename = "type")]
    pub event_type: EventType,
    /// The invoice it happened to.
    pub payload: P,
}

/// The payload of an invoice event: its `id` and whatever else InvoiceAhoy sent.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Invoice {
    /// The invoice's ID.
    pub id: String,
    /// Every other field, as sent.
    #[serde(flatten)]
    pub fields: serde_json::Map<String, serde_json::Value>,
}

string_enum! {
    /// [`Event::event_type`].
    pub enum EventType {
        /// `invoice.created`: a new invoice was created.
        InvoiceCreated = "invoice.created",
        /// `invoice.updated`: an existing invoice was updated.
        InvoiceUpdated = "invoice.updated",
        /// `invoice.deleted`: an invoice was deleted.
        InvoiceDeleted = "invoice.deleted",
    }
}
