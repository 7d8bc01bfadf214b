//! [`Handshake`]: a provider's handshake request and the answer it wants.

use bytes::Bytes;
use http::{Request, Uri};
use serde_json::json;

use super::{
    Provider, Signer,
    sign::{hex, value},
};

/// A provider's handshake as the provider sends it, the answer it wants, and (where the
/// provider signs its handshake or sends a secret with it) a forged one that must be refused.
/// From [`Signer::handshake`].
#[derive(Debug)]
pub struct Handshake {
    request: Request<Bytes>,
    answer: Bytes,
    forged: Option<Request<Bytes>>,
}

impl Handshake {
    /// The request the provider sends.
    #[must_use]
    pub fn request(&self) -> &Request<Bytes> {
        &self.request
    }

    /// The body of the `200` the provider wants back: the challenge as text, or JSON (Zoom,
    /// Okta, Discord), which compares as JSON.
    #[must_use]
    pub fn answer(&self) -> &Bytes {
        &self.answer
    }

    /// The same handshake signed with another key (or with another verify token), which must be
    /// refused; `None` where the provider neither signs its handshake nor sends a secret with it.
    #[must_use]
    pub fn forged(&self) -> Option<&Request<Bytes>> {
        self.forged.as_ref()
    }

    /// The request, the answer and the forged request.
    #[must_use]
    pub fn into_parts(self) -> (Request<Bytes>, Bytes, Option<Request<Bytes>>) {
        (self.request, self.answer, self.forged)
    }
}

impl Signer {
    /// The provider's handshake, as its docs show it, for the providers whose scheme answers
    /// one: Slack's `url_verification`, Twitch's `webhook_callback_verification`, Zoom's
    /// `endpoint.url_validation`, Discord's PING (all signed), Dropbox's `GET ?challenge=`,
    /// Microsoft Graph's `validationToken`, Okta's verification `GET`, and Meta's `GET`
    /// subscription check once a [verify token](Self::verify_token) is given. `None` for the
    /// others.
    ///
    /// ```
    /// use tower_webhooks::test_util::{Provider, Signer};
    ///
    /// let handshake = Signer::new(Provider::Dropbox, "app secret").handshake().unwrap();
    /// assert_eq!(handshake.request().method(), http::Method::GET);
    /// assert!(handshake.forged().is_none(), "Dropbox does not sign its challenge");
    /// ```
    #[must_use]
    pub fn handshake(&self) -> Option<Handshake> {
        let challenge = format!("challenge-{}", self.id);
        let signed = |body: serde_json::Value| {
            (
                self.request(body.to_string()),
                Some(self.wrongly_signed(body.to_string())),
            )
        };
        let ((mut request, mut forged), answer) = match self.provider {
            Provider::Slack => (
                signed(
                    json!({"token": "Jhj5dZrVaK7ZwHHjRyZWjbDl", "challenge": challenge, "type": "url_verification"}),
                ),
                Bytes::from(challenge),
            ),
            Provider::Twitch => (
                signed(json!({
                    "challenge": challenge,
                    "subscription": {"id": self.id, "status": "webhook_callback_verification_pending", "type": "channel.follow", "version": "2"},
                })),
                Bytes::from(challenge),
            ),
            Provider::Zoom => {
                let encrypted = hex(&super::sign::hmac256(
                    self.secret.expose_secret(),
                    &[challenge.as_bytes()],
                ));
                (
                    signed(
                        json!({"event": "endpoint.url_validation", "event_ts": 1, "payload": {"plainToken": challenge}}),
                    ),
                    Bytes::from(
                        json!({"plainToken": challenge, "encryptedToken": encrypted}).to_string(),
                    ),
                )
            }
            #[cfg(feature = "ed25519")]
            Provider::Discord => (
                signed(json!({"type": 1})),
                Bytes::from_static(br#"{"type":1}"#),
            ),
            Provider::Dropbox => (
                (self.get(&format!("challenge={challenge}"), &[]), None),
                Bytes::from(challenge),
            ),
            Provider::MicrosoftGraph => {
                let mut request = self.get(&format!("validationToken={challenge}"), &[]);
                *request.method_mut() = http::Method::POST;
                ((request, None), Bytes::from(challenge))
            }
            Provider::Okta => (
                (
                    self.get("", &[("x-okta-verification-challenge", &challenge)]),
                    None,
                ),
                Bytes::from(json!({"verification": challenge}).to_string()),
            ),
            Provider::Meta => {
                let token = self.verify_token.as_deref()?;
                let query = |token: &str| {
                    format!(
                        "hub.mode=subscribe&hub.challenge={challenge}&hub.verify_token={}",
                        urlencode(token)
                    )
                };
                (
                    (
                        self.get(&query(token), &[]),
                        Some(self.get(&query(&format!("{token}x")), &[])),
                    ),
                    Bytes::from(challenge),
                )
            }
            _ => return None,
        };
        // The handshake's own message type, which Twitch sends beside its signature.
        if self.provider == Provider::Twitch {
            for request in std::iter::once(&mut request).chain(forged.as_mut()) {
                request.headers_mut().insert(
                    "twitch-eventsub-message-type",
                    value("webhook_callback_verification"),
                );
            }
        }
        Some(Handshake {
            request,
            answer,
            forged,
        })
    }

    /// A bodiless `GET` of the signer's URL with `query` added and these headers.
    fn get(&self, query: &str, headers: &[(&'static str, &str)]) -> Request<Bytes> {
        let uri: Uri = self.url.parse().expect("a valid URL");
        let path = uri.path();
        let target = match (uri.query(), query) {
            (_, "") => uri.path_and_query().map_or("/", |p| p.as_str()).to_owned(),
            (Some(own), _) => format!("{path}?{own}&{query}"),
            (None, _) => format!("{path}?{query}"),
        };
        let mut request = Request::get(target)
            .body(Bytes::new())
            .expect("a valid request");
        if let Some(authority) = uri.authority() {
            request
                .headers_mut()
                .insert(http::header::HOST, value(authority.as_str()));
        }
        for (name, text) in headers {
            request.headers_mut().insert(*name, value(text));
        }
        request
    }
}

fn urlencode(text: &str) -> String {
    form_urlencoded::byte_serialize(text.as_bytes()).collect()
}
