//! Google Cloud Pub/Sub push: an OIDC token in `Authorization: Bearer`, an RS256 JWT signed by
//! Google, checked with Google's published keys, its audience and its service account.
//!
//! | | |
//! |---|---|
//! | header | `Authorization: Bearer <JWT>` (the subscription's push authentication) |
//! | signed content | the token (`header.payload`), not the body: a push message's body travels over TLS beside it |
//! | algorithm | RS256; any other `alg` (`none` included) is refused |
//! | key | fetched: Google's keys at `https://www.googleapis.com/oauth2/v3/certs`, by the token's `kid`, cached as long as Google's `max-age` says |
//! | what you configure | the subscription's push service account and its audience (by default the push endpoint's URL): both, since anyone with a Google Cloud project can have Google sign a token for any audience, yours included; only the service account says the token is your subscription's |
//! | claims checked | `iss` is `accounts.google.com` or `https://accounts.google.com`, `aud` is yours, `email` is the service account with `email_verified`, `exp` not past and `iat` not ahead (a minute of leeway each) |
//! | events | one push message: `message.data` (base64), `message.attributes`, `message.messageId`; duplicates are recognised by the body |
//!
//! Feature `fetch`. Sources: cloud.google.com/pubsub/docs/authenticate-push-subscriptions
//! (the token, its claims, Google's keys); RFC 7519 and RFC 7515 (the token's form).
//!
//! ```
//! use axum::{Router, routing::post};
//! use tower_webhooks::{VerifiedJson, WebhookSignatureLayer, google_pubsub::GooglePubSub};
//!
//! async fn handle(VerifiedJson(push): VerifiedJson<serde_json::Value>) {
//!     let _ = &push["message"]["messageId"];
//! }
//!
//! let scheme = GooglePubSub::new(
//!     "push@my-project.iam.gserviceaccount.com",
//!     "https://example.com/webhooks/pubsub",
//! )?;
//! let app: Router = Router::new()
//!     .route("/webhooks/pubsub", post(handle))
//!     .route_layer(WebhookSignatureLayer::new(scheme));
//! # Ok::<(), tower_webhooks::ConfigError>(())
//! ```

use std::{collections::HashMap, sync::Arc, time::UNIX_EPOCH};

use bytes::Bytes;
use http::{Request, header, request::Parts};
use rsa::RsaPublicKey;
use serde::Deserialize;

use crate::{
    Clock, ConfigError, KeyFetch, Keys, Rejection, SignatureScheme, Verification,
    fetch::{KeyCache, KeyFetcher, jwt, keys::jwks_rsa_keys},
    token::{Digests, authorization},
};

/// Where Google publishes the keys that sign its tokens.
pub const GOOGLE_KEYS_URL: &str = "https://www.googleapis.com/oauth2/v3/certs";

/// How far `exp` and `iat` may be off from the clock.
const LEEWAY_SECS: i64 = 60;

/// Verifies Pub/Sub push requests. See the [module docs](crate::google_pubsub).
#[derive(Debug, Clone)]
pub struct GooglePubSub {
    audiences: Digests,
    service_account: Digests,
    fetcher: KeyFetcher,
    keys: Arc<KeyCache<HashMap<String, RsaPublicKey>>>,
    clock: Clock,
}

impl GooglePubSub {
    /// Accepts tokens for the push service account `service_account` and `audience` (the push
    /// subscription's audience, by default the push endpoint's URL). Fails when either is
    /// empty.
    pub fn new(service_account: &str, audience: impl Into<Keys>) -> Result<Self, ConfigError> {
        Self::with_keys(service_account, audience.into())
    }

    /// Accepts tokens for `service_account` and any of these audiences. Fails when there is no
    /// audience, or one is empty, or the service account is.
    pub fn with_keys(service_account: &str, audiences: Keys) -> Result<Self, ConfigError> {
        Ok(Self {
            audiences: Digests::new("google-pubsub", audiences)?,
            service_account: Digests::new("google-pubsub", Keys::from(service_account))?,
            fetcher: KeyFetcher::new(),
            keys: Arc::default(),
            clock: Clock::system(),
        })
    }

    /// As the registry's [`Provider::GooglePubSub`](crate::Provider::GooglePubSub) takes it:
    /// each key `<service account> <audience>`, one service account for all.
    pub(crate) fn from_pairs(keys: Keys) -> Result<Self, ConfigError> {
        let invalid = || {
            ConfigError::invalid_setting(
                "google-pubsub",
                "each key is `<service account> <audience>`, one service account for all",
            )
        };
        let mut account: Option<String> = None;
        let mut audiences = Keys::new();
        for key in keys.into_vec() {
            let text = std::str::from_utf8(key.secret.expose_secret()).map_err(|_| invalid())?;
            let (email, audience) = text.trim().split_once(' ').ok_or_else(invalid)?;
            if account.get_or_insert_with(|| email.to_owned()) != email {
                return Err(invalid());
            }
            audiences = match key.id {
                Some(id) => audiences.key(id.to_string(), audience.trim()),
                None => audiences.secret(audience.trim()),
            };
        }
        let account = account.ok_or_else(|| ConfigError::no_keys("google-pubsub"))?;
        Self::with_keys(&account, audiences)
    }

    /// Fetches Google's keys with `fetcher` (to share its cache and bound, or pin the keys).
    #[must_use]
    pub fn with_fetcher(mut self, fetcher: KeyFetcher) -> Self {
        self.fetcher = fetcher;
        self
    }

    /// Replaces the clock `exp` and `iat` are checked against.
    #[must_use]
    pub fn with_clock(mut self, clock: Clock) -> Self {
        self.clock = clock;
        self
    }
}

fn token(head: &Parts) -> Result<jwt::Jwt<'_>, Rejection> {
    jwt::parse(authorization(head, "bearer")?, "RS256")
        .map_err(|why| Rejection::malformed_header(header::AUTHORIZATION, why))
}

#[derive(Deserialize)]
struct Claims {
    iss: String,
    aud: String,
    exp: i64,
    iat: i64,
    email: Option<String>,
    email_verified: Option<bool>,
}

impl SignatureScheme for GooglePubSub {
    fn name(&self) -> &'static str {
        "google-pubsub"
    }

    fn check_head(&self, head: &Parts) -> Result<(), Rejection> {
        token(head).map(drop)
    }

    fn fetch_keys(&self, head: &Parts, _body: &Bytes) -> Option<KeyFetch> {
        let kid = token(head).ok()?.kid?;
        let cached = self
            .keys
            .get_or_pinned(GOOGLE_KEYS_URL, &self.fetcher, jwks_rsa_keys);
        match cached {
            Err(_) => None,
            Ok(Some(keys)) if keys.contains_key(&kid) => None,
            // Google rotates its keys: a kid not in a set fetched a while ago fetches it again
            // (within the fetcher's bound).
            Ok(Some(_))
                if !self
                    .keys
                    .older_than(GOOGLE_KEYS_URL, std::time::Duration::from_secs(60)) =>
            {
                None
            }
            Ok(cached) => {
                let request = Request::get(GOOGLE_KEYS_URL)
                    .body(Bytes::new())
                    .expect("a valid request");
                Some(Box::pin(Arc::clone(&self.keys).load(
                    GOOGLE_KEYS_URL.to_owned(),
                    self.fetcher.clone(),
                    request,
                    jwks_rsa_keys,
                    cached.is_some(),
                )))
            }
        }
    }

    fn verify(&self, head: &Parts, _body: &Bytes) -> Result<Verification, Rejection> {
        let token = token(head)?;
        let keys = self
            .keys
            .get_or_pinned(GOOGLE_KEYS_URL, &self.fetcher, jwks_rsa_keys)?
            .ok_or(Rejection::key_unavailable(
                "Google's keys are not fetched yet (verify through the layer)",
            ))?;
        let key = token
            .kid
            .as_ref()
            .and_then(|kid| keys.get(kid))
            .ok_or_else(|| {
                Rejection::signature_mismatch()
                    .with_hint("the token's kid is none of Google's keys")
            })?;
        if !crate::fetch::keys::pkcs1v15(
            crate::fetch::keys::RsaDigest::Sha256,
            key,
            token.signing_input,
            &token.signature,
        ) {
            return Err(Rejection::signature_mismatch());
        }
        let claims: Claims = serde_json::from_slice(&token.payload)
            .map_err(|_| Rejection::unverifiable_body("the token's claims are not Google's"))?;
        if !matches!(
            claims.iss.as_str(),
            "accounts.google.com" | "https://accounts.google.com"
        ) {
            return Err(
                Rejection::signature_mismatch().with_hint("the token is not issued by Google")
            );
        }
        let audience = self
            .audiences
            .matching(claims.aud.as_bytes())
            .ok_or_else(|| {
                Rejection::signature_mismatch().with_hint("the token is for another audience")
            })?;
        let account = claims.email.as_deref().unwrap_or_default().as_bytes();
        if self.service_account.matching(account).is_none() || claims.email_verified != Some(true) {
            return Err(Rejection::signature_mismatch()
                .with_hint("the token is for another service account"));
        }
        let now = self.clock.now_unix_millis() / 1000;
        if claims.exp < now - LEEWAY_SECS {
            return Err(Rejection::stale_timestamp(now - claims.exp));
        }
        if claims.iat > now + LEEWAY_SECS {
            return Err(Rejection::stale_timestamp(now - claims.iat));
        }
        let mut verification = Verification::raw_body().maybe_key_id(audience);
        if let Ok(iat) = u64::try_from(claims.iat) {
            verification = verification.signed_at(UNIX_EPOCH + std::time::Duration::from_secs(iat));
        }
        Ok(verification)
    }
}
