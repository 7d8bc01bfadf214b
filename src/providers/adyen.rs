//! Adyen: an HMAC in each notification item of the body, over named fields, and the
//! `[accepted]` answer Adyen demands.
//!
//! | | |
//! |---|---|
//! | where | `notificationItems[].NotificationRequestItem.additionalData.hmacSignature`, one per item |
//! | signed content | per item, `pspReference:originalReference:merchantAccountCode:merchantReference:value:currency:eventCode:success`, a missing field empty (its colon kept), `value` the amount in minor units, nothing escaped |
//! | MAC, encoding | HMAC-SHA256, base64 |
//! | key | the HMAC key from the Customer Area, in hex (decoded: 32 bytes) |
//! | replay window | none: Adyen signs no timestamp (`eventDate` is not signed) |
//! | events | `notificationItems[]`, each `{"NotificationRequestItem": {…}}` with `eventCode` (`AUTHORISATION`, `CAPTURE`, …); every item of a delivery must verify |
//! | rotation | a new key signs new notifications while queued ones carry the old: [`Adyen::with_keys`] accepts both |
//! | answer | `[accepted]`: every successful response gets exactly that body, whatever the handler wrote |
//!
//! **What the signature does not cover.** Only the eight fields are signed: `eventDate`,
//! `reason`, `paymentMethod` and the rest of `additionalData` can be changed without breaking
//! an item's signature, and nothing signed says when it was sent. So
//! [`Idempotency`](crate::idempotency) recognises an item by its signed fields alone, and a
//! handler should act on those.
//!
//! This covers Adyen's standard webhooks (payments). The Balance Platform and Management
//! webhooks sign the raw body in an `HmacSignature` header instead.
//!
//! Sources: docs.adyen.com/development-resources/webhooks/secure-webhooks/verify-hmac-signatures;
//! Adyen/adyen-node-api-library `src/utils/hmacValidator.ts` and its
//! `src/__tests__/hmacValidator.spec.ts`, Adyen/adyen-java-api-library
//! `src/test/java/com/adyen/util/HMACValidatorTest.java` (the vectors in `tests/fixtures/signatures.json`).
//!
//! ```
//! use axum::{Router, routing::post};
//! use tower_webhooks::{VerifiedEvents, WebhookSignatureLayer, adyen::Adyen};
//!
//! async fn handle(items: VerifiedEvents<serde_json::Value>) {
//!     for item in &items {
//!         let _ = &item["NotificationRequestItem"]["eventCode"];
//!     }
//! }
//!
//! let key = "DFB1EB5485895CFA84146406857104ABB4CBCABDC8AAF103A624C8F6A3EAAB00";
//! let app: Router = Router::new()
//!     .route("/webhooks/adyen", post(handle))
//!     .route_layer(WebhookSignatureLayer::new(Adyen::new(key)?));
//! # Ok::<(), tower_webhooks::ConfigError>(())
//! ```

use std::sync::Arc;

use bytes::Bytes;
use http::request::Parts;
use serde::Deserialize;

use crate::{
    ConfigError, EventLayout, Keys, Rejection, ResponsePolicy, Secret, SignatureScheme,
    Verification,
    hmac_scheme::{Algorithm, Encoding},
    keys::Key,
    routing::EventKey,
};

/// Where an Adyen item says its type: `NotificationRequestItem.eventCode` (`AUTHORISATION`).
/// See [`routing`](crate::routing).
pub const EVENT_KEY: EventKey = EventKey::path(&["NotificationRequestItem", "eventCode"]);

/// Where the items are: `notificationItems`.
pub const EVENT_LAYOUT: EventLayout = EventLayout::Field("notificationItems");

/// What Adyen wants in the body of a response that accepts a delivery.
pub const ACCEPTED: &str = "[accepted]";

/// Verifies Adyen's standard webhooks. See the [module docs](crate::adyen).
#[derive(Debug, Clone)]
pub struct Adyen {
    keys: Arc<[Key]>,
}

impl Adyen {
    /// Verifies with the HMAC key, in hex as the Customer Area shows it. Fails when it is not
    /// hex.
    pub fn new(key: impl Into<Secret>) -> Result<Self, ConfigError> {
        Self::with_keys(Keys::from(key.into()))
    }

    /// Verifies with any of several HMAC keys. Fails when `keys` is empty or a key is not hex.
    pub fn with_keys(keys: Keys) -> Result<Self, ConfigError> {
        if keys.is_empty() {
            return Err(ConfigError::no_keys("adyen"));
        }
        let keys = keys
            .into_vec()
            .into_iter()
            .map(|key| {
                let decoded = unhex(key.secret.expose_secret()).ok_or_else(|| {
                    ConfigError::invalid_secret("adyen", "the HMAC key is not hex")
                })?;
                Ok(Key {
                    id: key.id,
                    secret: Secret::new(decoded),
                })
            })
            .collect::<Result<Vec<_>, ConfigError>>()?;
        Ok(Self { keys: keys.into() })
    }
}

fn unhex(text: &[u8]) -> Option<Vec<u8>> {
    if text.is_empty() || !text.len().is_multiple_of(2) || !text.iter().all(u8::is_ascii_hexdigit) {
        return None;
    }
    text.chunks_exact(2)
        .map(|pair| u8::from_str_radix(std::str::from_utf8(pair).ok()?, 16).ok())
        .collect()
}

#[derive(Deserialize)]
struct Notification<'a> {
    #[serde(rename = "notificationItems", borrow)]
    items: Vec<Wrapper<'a>>,
}

#[derive(Deserialize)]
struct Wrapper<'a> {
    #[serde(rename = "NotificationRequestItem", borrow)]
    item: Item<'a>,
}

type Text<'a> = Option<std::borrow::Cow<'a, str>>;

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Item<'a> {
    #[serde(borrow)]
    psp_reference: Text<'a>,
    #[serde(borrow)]
    original_reference: Text<'a>,
    #[serde(borrow)]
    merchant_account_code: Text<'a>,
    #[serde(borrow)]
    merchant_reference: Text<'a>,
    #[serde(borrow)]
    amount: Option<Amount<'a>>,
    #[serde(borrow)]
    event_code: Text<'a>,
    #[serde(borrow)]
    success: Text<'a>,
    #[serde(borrow)]
    additional_data: Option<AdditionalData<'a>>,
}

#[derive(Deserialize)]
struct Amount<'a> {
    value: Option<serde_json::Value>,
    #[serde(borrow)]
    currency: Text<'a>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct AdditionalData<'a> {
    #[serde(borrow)]
    hmac_signature: Text<'a>,
}

impl Item<'_> {
    /// The signed string: the eight fields, in Adyen's order, joined by `:`.
    fn signed(&self) -> Result<String, Rejection> {
        let value = match self.amount.as_ref().and_then(|a| a.value.as_ref()) {
            None | Some(serde_json::Value::Null) => String::new(),
            Some(serde_json::Value::Number(n)) => n.to_string(),
            Some(serde_json::Value::String(s)) => s.clone(),
            Some(_) => {
                return Err(Rejection::unverifiable_body(
                    "an amount value that is no number",
                ));
            }
        };
        let text = |field: &Text<'_>| field.as_deref().unwrap_or_default().to_owned();
        let currency = self
            .amount
            .as_ref()
            .map(|a| text(&a.currency))
            .unwrap_or_default();
        Ok([
            text(&self.psp_reference),
            text(&self.original_reference),
            text(&self.merchant_account_code),
            text(&self.merchant_reference),
            value,
            currency,
            text(&self.event_code),
            text(&self.success),
        ]
        .join(":"))
    }
}

impl SignatureScheme for Adyen {
    fn name(&self) -> &'static str {
        "adyen"
    }

    fn verify(&self, _head: &Parts, body: &Bytes) -> Result<Verification, Rejection> {
        let notification: Notification<'_> = serde_json::from_slice(body).map_err(|_| {
            Rejection::unverifiable_body("not an Adyen notification (`notificationItems`)")
        })?;
        if notification.items.is_empty() {
            return Err(Rejection::unverifiable_body("a notification of no items"));
        }
        // Every item must verify: one good item would otherwise vouch for forged ones.
        let mut matched = None;
        let mut event_keys = Vec::with_capacity(notification.items.len());
        for Wrapper { item } in &notification.items {
            let signature = item
                .additional_data
                .as_ref()
                .and_then(|data| data.hmac_signature.as_deref())
                .ok_or(Rejection::unverifiable_body(
                    "an item without hmacSignature",
                ))?;
            let tag = Encoding::Base64
                .decode_tag(signature.as_bytes())
                .filter(|tag| tag.as_slice().len() == Algorithm::HmacSha256.tag_len())
                .ok_or_else(Rejection::signature_mismatch)?;
            let signed = item.signed()?;
            // Duplicates are recognised by what the signature covers: the rest of an item
            // can be changed without breaking it.
            event_keys.push(
                Encoding::Hex
                    .encode(&<sha2::Sha256 as sha2::Digest>::digest(signed.as_bytes()))
                    .into_boxed_str(),
            );
            let key = self
                .keys
                .iter()
                .find(|key| {
                    Algorithm::HmacSha256.matches_any(
                        key.secret.expose_secret(),
                        &[signed.as_bytes()],
                        std::slice::from_ref(&tag),
                    )
                })
                .ok_or_else(Rejection::signature_mismatch)?;
            matched = Some(key);
        }
        let mut verification =
            Verification::raw_body().maybe_key_id(matched.and_then(|key| key.id.as_ref()));
        verification.event_keys = Some(event_keys.into());
        Ok(verification)
    }

    fn event_layout(&self) -> EventLayout {
        EVENT_LAYOUT
    }

    fn response_policy(&self) -> ResponsePolicy {
        ResponsePolicy::unchanged().success_body(ACCEPTED)
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn keys_are_hex() {
        assert_eq!(super::unhex(b"0aFf"), Some(vec![0x0a, 0xff]));
        for bad in [&b""[..], b"0", b"zz", b"0a0", b"+a"] {
            assert_eq!(super::unhex(bad), None);
        }
        assert!(super::Adyen::new("not hex").is_err());
    }
}
