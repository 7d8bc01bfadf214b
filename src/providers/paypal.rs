//! PayPal: `PAYPAL-TRANSMISSION-SIG`, an RSA signature over the transmission id and time, your
//! webhook's id and the body's CRC32, checked with the certificate PayPal names in
//! `PAYPAL-CERT-URL`, fetched from PayPal's own hosts only.
//!
//! | | |
//! |---|---|
//! | headers | `PAYPAL-TRANSMISSION-ID`, `PAYPAL-TRANSMISSION-TIME`, `PAYPAL-TRANSMISSION-SIG` (base64), `PAYPAL-CERT-URL`, `PAYPAL-AUTH-ALGO: SHA256withRSA` |
//! | signed content | `{transmission id}|{transmission time}|{webhook id}|{CRC32 of the raw body, decimal}` |
//! | algorithm | SHA256withRSA |
//! | key | fetched: the certificate at `PAYPAL-CERT-URL`, which must be `https://api.paypal.com/…`, `api-m.paypal.com` or their `sandbox.` twins; anything else is refused before any fetch |
//! | what you configure | your webhook's id (`WH-…`, from the app's dashboard): a delivery for another webhook does not verify |
//! | replay window | none by default; duplicates are recognised by the signed transmission id |
//! | type | `event_type` (`PAYMENT.CAPTURE.COMPLETED`) |
//!
//! **What the signature does not cover.** PayPal signs a CRC32 of the body, which is no
//! cryptographic hash: a body with the same CRC32 as a captured delivery's can be made at will.
//! Treat the event as a notification: fetch the resource it names from PayPal's API before
//! acting on money.
//!
//! Feature `fetch`. Sources: developer.paypal.com/api/rest/webhooks/rest/#link-verifysignature
//! (the headers, the signed string, the certificate); paypal/PayPal-node-SDK
//! `lib/notification/webhook-event.js` (the CRC32 as a decimal, the certificate hosts).
//!
//! ```
//! use axum::{Router, routing::post};
//! use tower_webhooks::{VerifiedJson, WebhookSignatureLayer, paypal::PayPal};
//!
//! async fn handle(VerifiedJson(event): VerifiedJson<serde_json::Value>) {
//!     let _ = &event["event_type"];
//! }
//!
//! let app: Router = Router::new()
//!     .route("/webhooks/paypal", post(handle))
//!     .route_layer(WebhookSignatureLayer::new(PayPal::new("WH-2WR32451HC0233532-67976317FL4543714")?));
//! # Ok::<(), tower_webhooks::ConfigError>(())
//! ```

use std::sync::Arc;

use base64::Engine as _;
use bytes::Bytes;
use http::{HeaderName, request::Parts};

use crate::{
    ConfigError, KeyFetch, Keys, Rejection, SignatureScheme, Verification,
    fetch::{Certificates, KeyFetcher},
    keys::Key,
    routing::EventKey,
    scheme_kit::header::single_value,
};

/// Where a PayPal event says its type: `event_type` (`PAYMENT.CAPTURE.COMPLETED`). See
/// [`routing`](crate::routing).
pub const EVENT_KEY: EventKey = EventKey::field("event_type");

/// The header with the transmission's id (signed).
pub const ID_HEADER: HeaderName = HeaderName::from_static("paypal-transmission-id");
/// The header with the transmission's time (signed).
pub const TIME_HEADER: HeaderName = HeaderName::from_static("paypal-transmission-time");
/// The header PayPal puts its signature in.
pub const SIGNATURE_HEADER: HeaderName = HeaderName::from_static("paypal-transmission-sig");
/// The header with the signing certificate's URL.
pub const CERT_URL_HEADER: HeaderName = HeaderName::from_static("paypal-cert-url");
/// The header naming the algorithm (`SHA256withRSA`).
pub const ALGORITHM_HEADER: HeaderName = HeaderName::from_static("paypal-auth-algo");

/// Verifies PayPal webhooks. See the [module docs](crate::paypal).
#[derive(Debug, Clone)]
pub struct PayPal {
    webhooks: Arc<[Key]>,
    certificates: Certificates,
}

impl PayPal {
    /// Verifies the deliveries of the webhook `webhook_id`. Fails when it is empty.
    pub fn new(webhook_id: impl Into<Keys>) -> Result<Self, ConfigError> {
        Self::with_keys(webhook_id.into())
    }

    /// Verifies the deliveries of any of these webhooks. Fails when there is none or one is
    /// empty.
    pub fn with_keys(webhooks: Keys) -> Result<Self, ConfigError> {
        if webhooks.is_empty() {
            return Err(ConfigError::no_keys("paypal"));
        }
        let webhooks = webhooks.into_vec();
        if webhooks
            .iter()
            .any(|key| key.secret.expose_secret().is_empty())
        {
            return Err(ConfigError::invalid_secret(
                "paypal",
                "a webhook id is empty",
            ));
        }
        Ok(Self {
            webhooks: webhooks.into(),
            certificates: Certificates::default(),
        })
    }

    /// Fetches the certificates with `fetcher` (to share its cache and bound, trust a test CA,
    /// or pin certificates).
    #[must_use]
    pub fn with_fetcher(mut self, fetcher: KeyFetcher) -> Self {
        self.certificates = Certificates::new(fetcher);
        self
    }
}

/// `api.paypal.com`, `api-m.paypal.com` and their sandbox twins.
fn paypal_host(host: &str) -> bool {
    matches!(
        host,
        "api.paypal.com"
            | "api-m.paypal.com"
            | "api.sandbox.paypal.com"
            | "api-m.sandbox.paypal.com"
    )
}

/// `/v1/notifications/certs/<name>`, where PayPal serves its signing certificates.
fn certificate_path(path: &str) -> bool {
    path.strip_prefix("/v1/notifications/certs/")
        .is_some_and(|name| {
            (1..=128).contains(&name.len())
                && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
        })
}

/// The certificate URL, checked before anything is fetched.
fn certificate_url(head: &Parts) -> Result<http::Uri, Rejection> {
    let text = single_value(head, &CERT_URL_HEADER)?;
    std::str::from_utf8(text)
        .ok()
        .and_then(|url| crate::fetch::allowed_url(url, paypal_host, certificate_path))
        .ok_or_else(|| {
            Rejection::malformed_header(CERT_URL_HEADER, "not an https URL on PayPal's hosts")
        })
}

/// The signature, decoded: base64 of an RSA signature (no longer than a 4096-bit key's).
fn signature(head: &Parts) -> Result<Vec<u8>, Rejection> {
    let text = single_value(head, &SIGNATURE_HEADER)?;
    base64::engine::general_purpose::STANDARD
        .decode(text)
        .ok()
        .filter(|bytes| (128..=512).contains(&bytes.len()))
        .ok_or_else(|| {
            Rejection::malformed_header(SIGNATURE_HEADER, "not base64 of an RSA signature")
        })
}

/// The CRC-32 (IEEE 802.3, as zlib's) of `data`.
fn crc32(data: &[u8]) -> u32 {
    const TABLE: [u32; 256] = {
        let mut table = [0u32; 256];
        let mut n = 0;
        while n < 256 {
            let mut c = n as u32;
            let mut k = 0;
            while k < 8 {
                c = if c & 1 != 0 {
                    0xEDB8_8320 ^ (c >> 1)
                } else {
                    c >> 1
                };
                k += 1;
            }
            table[n] = c;
            n += 1;
        }
        table
    };
    !data.iter().fold(!0u32, |crc, &byte| {
        TABLE[((crc ^ u32::from(byte)) & 0xff) as usize] ^ (crc >> 8)
    })
}

impl SignatureScheme for PayPal {
    fn name(&self) -> &'static str {
        "paypal"
    }

    /// Every header is there, the algorithm is PayPal's and the certificate URL is on its hosts.
    fn check_head(&self, head: &Parts) -> Result<(), Rejection> {
        for name in [&ID_HEADER, &TIME_HEADER] {
            single_value(head, name)?;
        }
        signature(head)?;
        if single_value(head, &ALGORITHM_HEADER)? != b"SHA256withRSA" {
            return Err(Rejection::malformed_header(
                ALGORITHM_HEADER,
                "not SHA256withRSA",
            ));
        }
        certificate_url(head).map(drop)
    }

    fn fetch_keys(&self, head: &Parts, _body: &Bytes) -> Option<KeyFetch> {
        self.certificates.fetch(certificate_url(head))
    }

    fn verify(&self, head: &Parts, body: &Bytes) -> Result<Verification, Rejection> {
        self.check_head(head)?;
        let url = certificate_url(head)?;
        let key = self.certificates.key(&url)?;
        let id = single_value(head, &ID_HEADER)?;
        let time = single_value(head, &TIME_HEADER)?;
        let signature = signature(head)?;
        let crc = crc32(body).to_string();
        let webhook = self
            .webhooks
            .iter()
            .find(|webhook| {
                let signed = [
                    id,
                    b"|",
                    time,
                    b"|",
                    webhook.secret.expose_secret(),
                    b"|",
                    crc.as_bytes(),
                ]
                .concat();
                crate::fetch::keys::pkcs1v15(
                    crate::fetch::keys::RsaDigest::Sha256,
                    &key,
                    &signed,
                    &signature,
                )
            })
            .ok_or_else(Rejection::signature_mismatch)?;
        let mut verification = Verification::raw_body().maybe_key_id(webhook.id.as_ref());
        if let Ok(id) = std::str::from_utf8(id) {
            verification = verification.delivery_id(id).idempotency_key(id);
        }
        Ok(verification)
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn crc32_is_zlibs() {
        // The standard check value of CRC-32/ISO-HDLC.
        assert_eq!(super::crc32(b"123456789"), 0xCBF4_3926);
        assert_eq!(super::crc32(b""), 0);
    }
}
