use serde::{Deserialize, Serialize};

/// One Xemelgo delivery: `{"id", "eventTimestamp", "topic", "data"}`.
///
/// `D` is the type of `data`, which depends on the topic; by default any JSON.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Event<D = serde_json::Value> {
    /// The delivery's ID. Xemelgo's newer docs say it changes per attempt, so it is not a
    /// reliable key for de-duplication.
    pub id: String,
    /// When the event happened, in milliseconds since the Unix epoch.
    pub event_timestamp: i64,
    /// The event type, such as `inventory.cycle_count`.
    pub topic: String,
    /// The event's data.
    pub data: D,
}
