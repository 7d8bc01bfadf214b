//! Which keys a verified delivery is claimed under.

use sha2::{Digest, Sha256};

use crate::{EventLayout, VerificationInfo, Verified, hmac_scheme::Encoding};

/// The keys to claim: one per delivery, or one per event for a batched layout.
pub(crate) fn keys_of(verified: &Verified, info: &VerificationInfo) -> Vec<String> {
    let scheme = verified.scheme();
    if let Some(keys) = &info.event_keys {
        return keys
            .iter()
            .map(|key| format!("{scheme}:event:{key}"))
            .collect();
    }
    if let layout @ (EventLayout::Field(_) | EventLayout::Path(_)) = verified.event_layout()
        && let Some(events) = batch_events(verified.body(), layout)
    {
        return events
            .iter()
            .map(|event| format!("{scheme}:event:{}", hash(event)))
            .collect();
    }
    if let Some(id) = info.idempotency_key() {
        return vec![format!("{scheme}:id:{id}")];
    }
    if let Some(id) = info
        .idempotency_field
        .and_then(|field| body_string_field(verified.body(), field))
    {
        return vec![format!("{scheme}:id:{id}")];
    }
    vec![format!("{scheme}:sha256:{}", hash(verified.body()))]
}

/// Each event of a batch, found by the one splitter every reader of events uses, and
/// re-serialised so that the same event hashes the same in any batch.
fn batch_events(body: &[u8], layout: EventLayout) -> Option<Vec<Vec<u8>>> {
    let events: Vec<serde_json::Value> = crate::events::events(body, layout).ok()?;
    Some(
        events
            .iter()
            .map(|event| serde_json::to_vec(event).expect("a Value serialises"))
            .collect(),
    )
}

fn body_string_field(body: &[u8], field: &str) -> Option<String> {
    let object: serde_json::Map<String, serde_json::Value> = serde_json::from_slice(body).ok()?;
    match object.get(field)? {
        serde_json::Value::String(value) if !value.is_empty() => Some(value.clone()),
        _ => None,
    }
}

fn hash(bytes: &[u8]) -> String {
    Encoding::Hex.encode(&Sha256::digest(bytes))
}
