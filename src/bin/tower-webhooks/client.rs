//! Sends a request over HTTP or HTTPS and reads the whole answer, timing it.

use std::{
    path::Path,
    sync::Arc,
    time::{Duration, Instant},
};

use bytes::Bytes;
use http::{HeaderMap, Request, StatusCode, Uri};
use http_body_util::{BodyExt as _, Full};
use hyper_rustls::{HttpsConnector, HttpsConnectorBuilder};
use hyper_util::{
    client::legacy::{Client, connect::HttpConnector},
    rt::TokioExecutor,
};
use rustls::pki_types::{CertificateDer, ServerName, pem::PemObject as _};
use tokio::io::{AsyncRead, AsyncReadExt as _, AsyncWrite, AsyncWriteExt as _};

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
    client: Client<HttpsConnector<HttpConnector>, Full<Bytes>>,
    tls: Arc<rustls::ClientConfig>,
}

impl Sender {
    /// A sender that trusts the public roots (Mozilla's, built in) and, for a test or
    /// staging server, the certificates in the PEM file `extra_roots`.
    pub(crate) fn new(extra_roots: Option<&Path>) -> Result<Self, String> {
        let mut roots = rustls::RootCertStore::empty();
        roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
        if let Some(path) = extra_roots {
            let read = |e: &dyn std::fmt::Display| format!("--ca-cert {}: {e}", path.display());
            let mut added = 0;
            for certificate in CertificateDer::pem_file_iter(path).map_err(|e| read(&e))? {
                roots
                    .add(certificate.map_err(|e| read(&e))?)
                    .map_err(|e| read(&e))?;
                added += 1;
            }
            if added == 0 {
                return Err(read(&"no PEM certificate in it"));
            }
        }
        let tls = rustls::ClientConfig::builder_with_provider(Arc::new(
            rustls::crypto::ring::default_provider(),
        ))
        .with_safe_default_protocol_versions()
        .map_err(|e| e.to_string())?
        .with_root_certificates(roots)
        .with_no_client_auth();
        let connector = HttpsConnectorBuilder::new()
            .with_tls_config(tls.clone())
            .https_or_http()
            .enable_http1()
            .build();
        Ok(Self {
            // A connection per delivery, as providers send them; and a refused oversize body
            // leaves its connection unusable, which a pooled client would try again.
            client: Client::builder(TokioExecutor::new())
                .pool_max_idle_per_host(0)
                .build(connector),
            tls: Arc::new(tls),
        })
    }

    /// Sends `request` to `url` (its path and `Host` come from `url`; a query the request
    /// carries, as a handshake's does, is added to the URL's).
    pub(crate) async fn send(
        &self,
        url: &Uri,
        request: Request<Bytes>,
    ) -> Result<Answer, Unreachable> {
        let (mut head, body) = request.into_parts();
        head.uri = with_query(url, head.uri.query());
        let started = Instant::now();
        let sent = tokio::time::timeout(
            PATIENCE,
            self.client
                .request(Request::from_parts(head, Full::new(body))),
        );
        let response = match sent.await {
            Err(_) => {
                return Err(Unreachable(format!("{url}: no answer within {PATIENCE:?}")));
            }
            Ok(Err(error)) => {
                return Err(Unreachable(format!("{url}: {}", source_chain(&error))));
            }
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

    /// Sends a body the endpoint may refuse before reading it (one over its limit), reading
    /// the answer while still writing. A client that writes the whole body first (hyper's
    /// among them) fails with a broken pipe when the server answers `413` and closes, and
    /// loses the answer; a provider's client sees it.
    pub(crate) async fn send_unread(
        &self,
        url: &Uri,
        request: Request<Bytes>,
    ) -> Result<Answer, Unreachable> {
        let fail = |what: &str, error: &dyn std::fmt::Display| {
            Unreachable(format!("{url}: {what}: {error}"))
        };
        let authority = url
            .authority()
            .ok_or_else(|| Unreachable(format!("{url}: no host")))?;
        let https = url.scheme_str() == Some("https");
        let port = authority.port_u16().unwrap_or(if https { 443 } else { 80 });
        let started = Instant::now();
        let connecting = tokio::net::TcpStream::connect((authority.host(), port));
        let tcp = tokio::time::timeout(PATIENCE, connecting)
            .await
            .map_err(|_| Unreachable(format!("{url}: no connection within {PATIENCE:?}")))?
            .map_err(|e| fail("connecting", &e))?;
        let received = if https {
            let host = authority
                .host()
                .trim_start_matches('[')
                .trim_end_matches(']');
            let name = ServerName::try_from(host.to_owned()).map_err(|e| fail("the host", &e))?;
            let tls = tokio_rustls::TlsConnector::from(Arc::clone(&self.tls))
                .connect(name, tcp)
                .await
                .map_err(|e| fail("TLS", &e))?;
            exchange(tls, url, request).await?
        } else {
            exchange(tcp, url, request).await?
        };
        parse_answer(&received, started.elapsed()).map_err(|e| fail("the answer", &e))
    }
}

/// Writes the request on `stream` while reading the answer until the server closes.
async fn exchange<S>(stream: S, url: &Uri, request: Request<Bytes>) -> Result<Vec<u8>, Unreachable>
where
    S: AsyncRead + AsyncWrite + Send + 'static,
{
    let (mut reader, mut writer) = tokio::io::split(stream);
    let (head, body) = request.into_parts();
    let authority = url.authority().map_or("", |a| a.as_str());
    let mut text = format!(
        "POST {} HTTP/1.1\r\nhost: {authority}\r\ncontent-length: {}\r\nconnection: close\r\n",
        url.path_and_query().map_or("/", |p| p.as_str()),
        body.len()
    );
    for (name, value) in &head.headers {
        if name != http::header::HOST && name != http::header::CONTENT_LENGTH {
            let value = String::from_utf8_lossy(value.as_bytes());
            text.push_str(&format!("{name}: {value}\r\n"));
        }
    }
    text.push_str("\r\n");
    // The writer's errors are expected (the server closes early) and say nothing the answer
    // does not.
    let writing = tokio::spawn(async move {
        let _ = writer.write_all(text.as_bytes()).await;
        let _ = writer.write_all(&body).await;
        let _ = writer.flush().await;
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
        Err(_) => Err(Unreachable(format!("{url}: no answer within {PATIENCE:?}"))),
        Ok(Err(error)) => Err(Unreachable(format!("{url}: reading the answer: {error}"))),
        Ok(Ok(())) => Ok(received),
    }
}

fn parse_answer(received: &[u8], elapsed: Duration) -> Result<Answer, String> {
    let mut header_slots = [httparse::EMPTY_HEADER; 64];
    let mut response = httparse::Response::new(&mut header_slots);
    let length = match response.parse(received) {
        Ok(httparse::Status::Complete(length)) => length,
        Ok(httparse::Status::Partial) => return Err("the connection closed mid-answer".into()),
        Err(error) => return Err(format!("not HTTP: {error}")),
    };
    let status = StatusCode::from_u16(response.code.unwrap_or(0)).map_err(|e| e.to_string())?;
    let mut headers = HeaderMap::new();
    for header in response.headers.iter() {
        if let (Ok(name), Ok(value)) = (
            http::HeaderName::from_bytes(header.name.as_bytes()),
            http::HeaderValue::from_bytes(header.value),
        ) {
            headers.append(name, value);
        }
    }
    let rest = &received[length..];
    let chunked = headers
        .get(http::header::TRANSFER_ENCODING)
        .is_some_and(|v| v.as_bytes().eq_ignore_ascii_case(b"chunked"));
    let body = if chunked {
        dechunk(rest)?
    } else {
        Bytes::copy_from_slice(rest)
    };
    Ok(Answer {
        status,
        headers,
        body,
        elapsed,
    })
}

/// A chunked body's data (the layer answers an early refusal chunked: its empty body ends only
/// once the request's rest has been read and thrown away).
fn dechunk(mut raw: &[u8]) -> Result<Bytes, String> {
    let mut body = Vec::new();
    loop {
        let (consumed, size) = match httparse::parse_chunk_size(raw) {
            Ok(httparse::Status::Complete(parsed)) => parsed,
            Ok(httparse::Status::Partial) => return Err("the connection closed mid-chunk".into()),
            Err(_) => return Err("a malformed chunk size".into()),
        };
        if size == 0 {
            return Ok(body.into());
        }
        let end = usize::try_from(size)
            .ok()
            .and_then(|size| consumed.checked_add(size))
            .ok_or("a chunk too large")?;
        let data = raw
            .get(consumed..end)
            .ok_or("the connection closed mid-chunk")?;
        body.extend_from_slice(data);
        raw = raw.get(end.saturating_add(2)..).unwrap_or_default();
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

/// `url` with `query` added to its own.
fn with_query(url: &Uri, query: Option<&str>) -> Uri {
    let Some(query) = query else {
        return url.clone();
    };
    let joined = match url.query() {
        Some(own) => format!("{}?{own}&{query}", url.path()),
        None => format!("{}?{query}", url.path()),
    };
    let mut parts = url.clone().into_parts();
    parts.path_and_query = joined.parse().ok();
    Uri::from_parts(parts).unwrap_or_else(|_| url.clone())
}
