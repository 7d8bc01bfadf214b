//! [`Both`]: two schemes that must each accept a delivery.

use bytes::Bytes;
use http::{Response, request::Parts};

use crate::{EventLayout, Rejection, ResponsePolicy, SignatureScheme, SignedStream, Verification};

/// Two checks a delivery must pass, built with [`SignatureScheme::and`]: a signature and a token
/// (Xemelgo's HMAC and its OAuth bearer token), or any two schemes.
///
/// The first scheme leads: its name and event layout are the pair's, its MAC is the one
/// streamed, and what its [`Verification`] says (the key that matched, the signed time, the
/// idempotency key) is what the handler sees, with gaps filled from the second's. The response
/// policies combine (what either strips is stripped). Both are asked for their head checks
/// before the body is read. Either may answer a handshake, the first one asked first; a
/// handshake is answered as its scheme decides, without the other's check.
///
/// ```
/// use bytes::Bytes;
/// use tower_webhooks::{SignatureScheme, github::GitHub, token::TokenScheme};
///
/// let scheme = GitHub::new("webhook secret").and(TokenScheme::bearer("github", "proxy token")?);
/// let request = http::Request::post("/hooks")
///     .header("x-hub-signature-256", "sha256=00")
///     .body(())
///     .unwrap();
/// let (head, ()) = request.into_parts();
/// // No bearer token: refused before the body is read.
/// assert!(scheme.check_head(&head).is_err());
/// # Ok::<(), tower_webhooks::ConfigError>(())
/// ```
#[derive(Debug, Clone)]
pub struct Both<A, B> {
    first: A,
    second: B,
}

impl<A, B> Both<A, B> {
    /// `first` and `second`, both. The same as `first.and(second)`.
    pub fn new(first: A, second: B) -> Self {
        Self { first, second }
    }

    /// The two schemes.
    pub fn into_inner(self) -> (A, B) {
        (self.first, self.second)
    }
}

impl<A: SignatureScheme, B: SignatureScheme> SignatureScheme for Both<A, B> {
    fn name(&self) -> &'static str {
        self.first.name()
    }

    fn handshake(&self, head: &Parts) -> Option<Result<Response<Bytes>, Rejection>> {
        self.first
            .handshake(head)
            .or_else(|| self.second.handshake(head))
    }

    fn check_head(&self, head: &Parts) -> Result<(), Rejection> {
        self.first.check_head(head)?;
        self.second.check_head(head)
    }

    fn fetch_keys(&self, head: &Parts, body: &Bytes) -> Option<crate::KeyFetch> {
        match (
            self.first.fetch_keys(head, body),
            self.second.fetch_keys(head, body),
        ) {
            (None, None) => None,
            (Some(one), None) | (None, Some(one)) => Some(one),
            (Some(first), Some(second)) => Some(Box::pin(async move {
                first.await?;
                second.await
            })),
        }
    }

    fn start_stream(&self, head: &Parts) -> Option<SignedStream> {
        self.first.start_stream(head)
    }

    fn verify(&self, head: &Parts, body: &Bytes) -> Result<Verification, Rejection> {
        let first = self.first.verify(head, body)?;
        let second = self.second.verify(head, body)?;
        Ok(first.filled_from(second))
    }

    fn verify_stream(
        &self,
        head: &Parts,
        body: &Bytes,
        stream: SignedStream,
    ) -> Result<Verification, Rejection> {
        let first = self.first.verify_stream(head, body, stream)?;
        let second = self.second.verify(head, body)?;
        Ok(first.filled_from(second))
    }

    fn event_layout(&self) -> EventLayout {
        self.first.event_layout()
    }

    fn response_policy(&self) -> ResponsePolicy {
        self.first
            .response_policy()
            .and(self.second.response_policy())
    }
}
