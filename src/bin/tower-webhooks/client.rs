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

impl Sender {
    /// Sends a body the endpoint may refuse before reading it (one over its limit), reading
    /// the answer while still writing. A client that writes the whole body first (hyper's
    /// among them) fails with a broken pipe when the server answers `413` and closes, and
    /// loses the answer; a provider's client sees it.
    pub(crate) async fn send_unread(
        &self,
        url: &Uri,
        request: Request<Bytes>,
    ) -> Result<Answer, Unreachable> {
        use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};

        let fail = |what: &str, error: &dyn std::fmt::Display| {
            Unreachable(format!("{url}: {what}: {error}"))
        };
        let authority = url
            .authority()
            .ok_or_else(|| Unreachable(format!("{url}: no host")))?;
        let address = match authority.port_u16() {
            Some(_) => authority.as_str().to_owned(),
            None => format!("{}:80", authority.host()),
        };
        let started = Instant::now();
        let stream = tokio::time::timeout(PATIENCE, tokio::net::TcpStream::connect(&address))
            .await
            .map_err(|_| Unreachable(format!("{url}: no connection within {PATIENCE:?}")))?
            .map_err(|e| fail("connecting", &e))?;
        let (mut reader, mut writer) = stream.into_split();

        let (head, body) = request.into_parts();
        let mut text = format!(
            "POST {} HTTP/1.1\r\nhost: {authority}\r\ncontent-length: {}\r\nconnection: close\r\n",
            url.path_and_query().map_or("/", |p| p.as_str()),
            body.len()
        );
        for (name, value) in &head.headers {
            if name != http::header::HOST && name != http::header::CONTENT_LENGTH {
                text.push_str(&format!(
                    "{name}: {}\r\n",
                    String::from_utf8_lossy(value.as_bytes())
                ));
            }
        }
        text.push_str("\r\n");
        // The writer's errors are expected (the server closes early) and say nothing the
        // answer does not.
        let writing = tokio::spawn(async move {
            let _ = writer.write_all(text.as_bytes()).await;
            let _ = writer.write_all(&body).await;
        });
        let mut received = Vec::new();
        let read = tokio::time::timeout(PATIENCE, async {
            let mut chunk = [0u8; 8192];
            loop {
                match reader.read(&mut chunk).await {
                    Ok(0) => return Ok(()),
                    Ok(n) => received.extend_from_slice(&chunk[..n]),
                    // A reset after the answer arrived still leaves the answer.
                    Err(_) if !received.is_empty() => return Ok(()),
                    Err(error) => return Err(error),
                }
            }
        })
        .await;
        writing.abort();
        match read {
            Err(_) => return Err(Unreachable(format!("{url}: no answer within {PATIENCE:?}"))),
            Ok(Err(error)) => return Err(fail("reading the answer", &error)),
            Ok(Ok(())) => {}
        }
        let elapsed = started.elapsed();
        let mut header_slots = [httparse::EMPTY_HEADER; 64];
        let mut response = httparse::Response::new(&mut header_slots);
        let length = match response.parse(&received) {
            Ok(httparse::Status::Complete(length)) => length,
            Ok(httparse::Status::Partial) => {
                return Err(Unreachable(format!(
                    "{url}: the connection closed mid-answer"
                )));
            }
            Err(error) => return Err(fail("not an HTTP answer", &error)),
        };
        let status =
            StatusCode::from_u16(response.code.unwrap_or(0)).map_err(|e| fail("the status", &e))?;
        let mut headers = HeaderMap::new();
        for header in response.headers.iter() {
            if let (Ok(name), Ok(value)) = (
                http::HeaderName::from_bytes(header.name.as_bytes()),
                http::HeaderValue::from_bytes(header.value),
            ) {
                headers.append(name, value);
            }
        }
        Ok(Answer {
            status,
            headers,
            body: Bytes::copy_from_slice(&received[length..]),
            elapsed,
        })
    }
}
