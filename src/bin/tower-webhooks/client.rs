//! Sends a request and reads the whole answer, timing it.

use std::time::{Duration, Instant};

use bytes::Bytes;
use http::{HeaderMap, Request, StatusCode, Uri};
use http_body_util::{BodyExt as _, Full};
use hyper_util::{client::legacy::Client, rt::TokioExecutor};

/// What the endpoint answered.
#[derive(Debug)]
pub(crate) struct Answer {
    pub(crate) status: StatusCode,
    pub(crate) headers: HeaderMap,
    pub(crate) body: Bytes,
    pub(crate) elapsed: Duration,
}

/// Why nothing was answered.
#[derive(Debug)]
pub(crate) struct Unreachable(pub(crate) String);

/// The longest the command waits for an answer: past it the endpoint has failed any
/// provider's deadline anyway.
const PATIENCE: Duration = Duration::from_secs(30);

#[derive(Clone)]
pub(crate) struct Sender {
    client: Client<hyper_util::client::legacy::connect::HttpConnector, Full<Bytes>>,
}

impl Sender {
    pub(crate) fn new() -> Self {
        Self {
            // A connection per delivery, as providers send them; and a refused oversize body
            // leaves its connection unusable, which a pooled client would try again.
            client: Client::builder(TokioExecutor::new())
                .pool_max_idle_per_host(0)
                .build_http(),
        }
    }

    /// Sends `request` to `url` (its path and `Host` come from `url`).
    pub(crate) async fn send(
        &self,
        url: &Uri,
        request: Request<Bytes>,
    ) -> Result<Answer, Unreachable> {
        if url.scheme_str() != Some("http") {
            return Err(Unreachable(format!(
                "{url}: only http:// URLs are supported; point the command at the server itself \
                 (http://127.0.0.1:PORT/...), not at its HTTPS proxy"
            )));
        }
        let (mut head, body) = request.into_parts();
        head.uri = url.clone();
        let started = Instant::now();
        let sent = tokio::time::timeout(
            PATIENCE,
            self.client
                .request(Request::from_parts(head, Full::new(body))),
        );
        let response = match sent.await {
            Err(_) => return Err(Unreachable(format!("{url}: no answer within {PATIENCE:?}"))),
            Ok(Err(error)) => return Err(Unreachable(format!("{url}: {}", source_chain(&error)))),
            Ok(Ok(response)) => response,
        };
        let (parts, body) = response.into_parts();
        let body = match tokio::time::timeout(PATIENCE, body.collect()).await {
            Ok(Ok(body)) => body.to_bytes(),
            Ok(Err(error)) => {
                return Err(Unreachable(format!("{url}: reading the answer: {error}")));
            }
            Err(_) => {
                return Err(Unreachable(format!(
                    "{url}: the answer did not finish within {PATIENCE:?}"
                )));
            }
        };
        Ok(Answer {
            status: parts.status,
            headers: parts.headers,
            body,
            elapsed: started.elapsed(),
        })
    }
}

fn source_chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}
