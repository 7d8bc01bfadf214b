//! [`KeyFetcher`]: the HTTPS client that fetches providers' keys, within bounds.

use std::{
    collections::HashMap,
    net::SocketAddr,
    sync::{
        Arc,
        atomic::{AtomicU64, Ordering},
    },
    time::Duration,
};

use bytes::Bytes;
use http::{Request, Uri};
use http_body_util::{BodyExt as _, Full, Limited};
use hyper_rustls::{HttpsConnector, HttpsConnectorBuilder};
use hyper_util::{
    client::legacy::{
        Client,
        connect::{HttpConnector, dns::Name},
    },
    rt::TokioExecutor,
};
use rustls::pki_types::{CertificateDer, pem::PemObject as _};

use crate::{ConfigError, Rejection, scheme_kit::gate::Gate};

/// How long one fetch may take, by default.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(5);

/// How many fetches a second a [`KeyFetcher`] makes at most, by default.
pub const DEFAULT_FETCHES_PER_SECOND: u32 = 10;

/// The largest key document read: certificates and key sets are a few KiB.
const MAX_DOCUMENT: usize = 64 * 1024;

/// Fetches at once, at most.
const CONCURRENT_FETCHES: usize = 4;

/// Fetches the providers' public keys over HTTPS, within bounds; cheap to clone, and its
/// clones share one bound and one count. See the [module docs](super).
#[derive(Clone)]
pub struct KeyFetcher {
    inner: Arc<Inner>,
}

struct Inner {
    client: Client<HttpsConnector<HttpConnector<Resolver>>, Full<Bytes>>,
    pinned: HashMap<String, Bytes>,
    gate: Gate,
    fetches: AtomicU64,
    timeout: Duration,
}

impl std::fmt::Debug for KeyFetcher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("KeyFetcher")
            .field("pinned", &self.inner.pinned.len())
            .field("fetches", &self.fetches())
            .field("timeout", &self.inner.timeout)
            .finish_non_exhaustive()
    }
}

impl Default for KeyFetcher {
    fn default() -> Self {
        Self::new()
    }
}

impl KeyFetcher {
    /// A fetcher trusting Mozilla's roots, with the default bounds.
    #[must_use]
    pub fn new() -> Self {
        Self::builder()
            .build()
            .expect("the built-in roots and defaults")
    }

    /// Starts describing a fetcher with other roots, bounds or pinned documents.
    pub fn builder() -> KeyFetcherBuilder {
        KeyFetcherBuilder::default()
    }

    /// How many requests it has sent (pinned documents are not fetched): for tests, and for
    /// a metric.
    #[must_use]
    pub fn fetches(&self) -> u64 {
        self.inner.fetches.load(Ordering::Relaxed)
    }

    /// The document pinned for `url`, if any.
    pub(crate) fn pinned(&self, url: &str) -> Option<Bytes> {
        self.inner.pinned.get(url).cloned()
    }

    /// The body of a `2xx` answer to `request`, within the bounds; a pinned document when
    /// there is one for its URL. Every failure is [`Rejection::key_unavailable`], since the
    /// provider retries a `503`.
    pub(crate) async fn fetch(&self, request: Request<Bytes>) -> Result<Fetched, Rejection> {
        if let Some(document) = self.inner.pinned.get(&request.uri().to_string()) {
            return Ok(Fetched {
                body: document.clone(),
                max_age: None,
            });
        }
        let Some(_pass) = self.inner.gate.try_enter() else {
            return Err(Rejection::key_unavailable(OVER_BOUND));
        };
        self.inner.fetches.fetch_add(1, Ordering::Relaxed);
        let (head, body) = request.into_parts();
        let sent = self
            .inner
            .client
            .request(Request::from_parts(head, Full::new(body)));
        let response = match tokio::time::timeout(self.inner.timeout, sent).await {
            Err(_) => {
                return Err(Rejection::key_unavailable(
                    "the key server did not answer in time",
                ));
            }
            Ok(Err(_)) => {
                return Err(Rejection::key_unavailable(
                    "the key server could not be reached",
                ));
            }
            Ok(Ok(response)) => response,
        };
        if !response.status().is_success() {
            return Err(Rejection::key_unavailable(
                "the key server answered with an error",
            ));
        }
        let max_age = max_age(response.headers());
        let body = Limited::new(response.into_body(), MAX_DOCUMENT);
        match tokio::time::timeout(self.inner.timeout, body.collect()).await {
            Ok(Ok(body)) => Ok(Fetched {
                body: body.to_bytes(),
                max_age,
            }),
            Ok(Err(_)) => Err(Rejection::key_unavailable(
                "the key document is too large or cut short",
            )),
            Err(_) => Err(Rejection::key_unavailable(
                "the key document did not arrive in time",
            )),
        }
    }
}

/// Why a fetch the bound refused was refused.
const OVER_BOUND: &str = "key fetches are over their bound";

impl KeyFetcher {
    /// Whether `rejection` is this fetcher's bound refusing a fetch (not the key server failing).
    pub(crate) fn was_refused_by_bound(&self, rejection: &Rejection) -> bool {
        rejection.kind() == crate::RejectionKind::KeyUnavailable
            && rejection.detail() == Some(OVER_BOUND)
    }
}

/// A fetched document, and how long its server says it stays valid.
pub(crate) struct Fetched {
    pub(crate) body: Bytes,
    pub(crate) max_age: Option<Duration>,
}

/// `Cache-Control: max-age=<seconds>`, if the answer says it.
fn max_age(headers: &http::HeaderMap) -> Option<Duration> {
    let value = headers.get(http::header::CACHE_CONTROL)?.to_str().ok()?;
    value.split(',').find_map(|directive| {
        let seconds = directive.trim().strip_prefix("max-age=")?;
        seconds.parse().ok().map(Duration::from_secs)
    })
}

/// Describes a [`KeyFetcher`].
#[derive(Debug, Default)]
#[must_use]
pub struct KeyFetcherBuilder {
    roots: Vec<Vec<u8>>,
    resolve: HashMap<String, SocketAddr>,
    pinned: HashMap<String, Bytes>,
    per_second: Option<u32>,
    timeout: Option<Duration>,
}

impl KeyFetcherBuilder {
    /// Also trusts the CA certificates in this PEM (a test key server's); Mozilla's roots are
    /// always trusted.
    pub fn root_certificates(mut self, pem: &[u8]) -> Self {
        self.roots.push(pem.to_vec());
        self
    }

    /// Connects to `addr` for `host`, as `curl --resolve` does: for tests that serve a
    /// provider's keys from the loopback under the provider's host name (the certificate must
    /// still be valid for the name).
    pub fn resolve(mut self, host: &str, addr: SocketAddr) -> Self {
        self.resolve.insert(host.to_ascii_lowercase(), addr);
        self
    }

    /// Answers `url` with `document`, never fetching it: for a service without a way out, or
    /// a test. The URL must still pass the scheme's allow-list.
    pub fn pin(mut self, url: &str, document: impl Into<Bytes>) -> Self {
        self.pinned.insert(url.to_owned(), document.into());
        self
    }

    /// At most `n` fetches a second (default [`DEFAULT_FETCHES_PER_SECOND`]).
    pub fn fetches_per_second(mut self, n: u32) -> Self {
        self.per_second = Some(n);
        self
    }

    /// How long one fetch may take (default [`DEFAULT_TIMEOUT`]).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// Builds it. Fails when a root certificate does not parse.
    pub fn build(self) -> Result<KeyFetcher, ConfigError> {
        let invalid = |why: &str| ConfigError::invalid_setting("fetch", why);
        let mut roots = rustls::RootCertStore::empty();
        roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
        for pem in &self.roots {
            let mut added = 0;
            for certificate in CertificateDer::pem_slice_iter(pem) {
                let certificate =
                    certificate.map_err(|_| invalid("a root certificate is not PEM"))?;
                roots
                    .add(certificate)
                    .map_err(|_| invalid("a root certificate does not parse"))?;
                added += 1;
            }
            if added == 0 {
                return Err(invalid("no PEM certificate among the roots given"));
            }
        }
        let tls = rustls::ClientConfig::builder_with_provider(Arc::new(
            rustls::crypto::ring::default_provider(),
        ))
        .with_safe_default_protocol_versions()
        .map_err(|_| invalid("no TLS protocol version"))?
        .with_root_certificates(roots)
        .with_no_client_auth();
        let mut http = HttpConnector::new_with_resolver(Resolver {
            overrides: Arc::new(self.resolve),
        });
        http.enforce_http(false);
        http.set_connect_timeout(Some(self.timeout.unwrap_or(DEFAULT_TIMEOUT)));
        // https only: a key is never fetched in the clear.
        let connector = HttpsConnectorBuilder::new()
            .with_tls_config(tls)
            .https_only()
            .enable_http1()
            .wrap_connector(http);
        Ok(KeyFetcher {
            inner: Arc::new(Inner {
                client: Client::builder(TokioExecutor::new()).build(connector),
                pinned: self.pinned,
                gate: Gate::new(
                    CONCURRENT_FETCHES,
                    self.per_second.unwrap_or(DEFAULT_FETCHES_PER_SECOND),
                ),
                fetches: AtomicU64::new(0),
                timeout: self.timeout.unwrap_or(DEFAULT_TIMEOUT),
            }),
        })
    }
}

/// The system's resolver, but for the hosts given to [`KeyFetcherBuilder::resolve`].
#[derive(Clone)]
struct Resolver {
    overrides: Arc<HashMap<String, SocketAddr>>,
}

type Resolving = std::pin::Pin<
    Box<dyn Future<Output = Result<std::vec::IntoIter<SocketAddr>, std::io::Error>> + Send>,
>;

impl tower_service::Service<Name> for Resolver {
    type Response = std::vec::IntoIter<SocketAddr>;
    type Error = std::io::Error;
    type Future = Resolving;

    fn poll_ready(
        &mut self,
        _: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Result<(), Self::Error>> {
        std::task::Poll::Ready(Ok(()))
    }

    fn call(&mut self, name: Name) -> Self::Future {
        if let Some(addr) = self.overrides.get(&name.as_str().to_ascii_lowercase()) {
            let addr = *addr;
            return Box::pin(async move { Ok(vec![addr].into_iter()) });
        }
        let host = name.as_str().to_owned();
        Box::pin(async move {
            let addrs = tokio::net::lookup_host((host.as_str(), 0)).await?;
            Ok(addrs.collect::<Vec<_>>().into_iter())
        })
    }
}

/// `url` in its one canonical form (`https://<host, lower case>/<path>`: the cache's id, so
/// that spellings of one URL are one entry), if it is `https` on a host `hosts` accepts with a
/// path `paths` accepts, no user info, no query or fragment, and no port but 443.
pub(crate) fn allowed(
    url: &str,
    hosts: impl Fn(&str) -> bool,
    paths: impl Fn(&str) -> bool,
) -> Option<Uri> {
    if url.len() > 2048 {
        return None;
    }
    let uri: Uri = url.parse().ok()?;
    let authority = uri.authority()?;
    let host = authority.host().to_ascii_lowercase();
    if uri.scheme_str() != Some("https")
        || authority.as_str().contains('@')
        || authority.port().is_some_and(|port| port.as_u16() != 443)
        || uri.query().is_some()
        || !hosts(&host)
        || !paths(uri.path())
    {
        return None;
    }
    format!("https://{host}{}", uri.path()).parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_https_urls_on_allowed_hosts_pass() {
        let sns = |host: &str| host == "sns.us-east-1.amazonaws.com";
        let check = |url: &str| allowed(url, sns, |_: &str| true);
        assert!(check("https://sns.us-east-1.amazonaws.com/a.pem").is_some());
        for bad in [
            "http://sns.us-east-1.amazonaws.com/a.pem",
            "https://sns.us-east-1.amazonaws.com.evil.com/a.pem",
            "https://evil.com/sns.us-east-1.amazonaws.com/a.pem",
            "https://user@sns.us-east-1.amazonaws.com/a.pem",
            "https://sns.us-east-1.amazonaws.com:8443/a.pem",
            "sns.us-east-1.amazonaws.com/a.pem",
            "https://sns.us-east-1.amazonaws.com/a.pem?x=1",
            "https://sns.us-east-1.amazonaws.com./a.pem",
            "",
        ] {
            assert!(check(bad).is_none(), "{bad}");
        }
        // Spellings of one URL are one canonical URL.
        for same in [
            "https://SNS.us-east-1.amazonaws.com:443/a.pem",
            "https://sns.us-east-1.amazonaws.com:0443/a.pem",
        ] {
            assert_eq!(
                check(same).unwrap().to_string(),
                "https://sns.us-east-1.amazonaws.com/a.pem"
            );
        }
        assert!(
            allowed("https://sns.us-east-1.amazonaws.com/a.pem", sns, |p| p
                == "/b")
            .is_none()
        );
    }

    #[test]
    fn max_age_is_read_from_cache_control() {
        let mut headers = http::HeaderMap::new();
        headers.insert(
            http::header::CACHE_CONTROL,
            "public, max-age=19800, must-revalidate".parse().unwrap(),
        );
        assert_eq!(max_age(&headers), Some(Duration::from_secs(19800)));
        assert_eq!(max_age(&http::HeaderMap::new()), None);
    }
}
