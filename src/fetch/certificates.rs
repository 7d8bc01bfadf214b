//! [`Certificates`]: the RSA keys of signing certificates that deliveries name by URL (SNS's
//! `SigningCertURL`, PayPal's `PAYPAL-CERT-URL`), fetched and cached.

use std::sync::Arc;

use bytes::Bytes;
use http::{Request, Uri};
use rsa::RsaPublicKey;

use super::{KeyCache, KeyFetcher, keys::certificate_rsa_key};
use crate::{KeyFetch, Rejection};

/// The certificates a scheme has fetched, by canonical URL, and the fetcher it fetches with.
#[derive(Debug, Clone)]
pub(crate) struct Certificates {
    fetcher: KeyFetcher,
    cache: Arc<KeyCache<RsaPublicKey>>,
}

impl Default for Certificates {
    fn default() -> Self {
        Self::new(KeyFetcher::new())
    }
}

impl Certificates {
    pub(crate) fn new(fetcher: KeyFetcher) -> Self {
        Self {
            fetcher,
            cache: Arc::default(),
        }
    }

    /// What the layer awaits for the certificate at `url` (already checked against the
    /// provider's allow-list, or the reason it was not): nothing if it is cached or pinned, or
    /// its last fetch failed a moment ago; the refusal itself, at once, without a fetch.
    pub(crate) fn fetch(&self, url: Result<Uri, Rejection>) -> Option<KeyFetch> {
        let url = match url {
            Ok(url) => url,
            Err(rejection) => return Some(Box::pin(std::future::ready(Err(rejection)))),
        };
        let id = url.to_string();
        match self
            .cache
            .get_or_pinned(&id, &self.fetcher, certificate_rsa_key)
        {
            Ok(Some(_)) | Err(_) => None,
            Ok(None) => {
                let request = Request::get(url)
                    .body(Bytes::new())
                    .expect("a valid request");
                Some(Box::pin(Arc::clone(&self.cache).load(
                    id,
                    self.fetcher.clone(),
                    request,
                    certificate_rsa_key,
                    false,
                )))
            }
        }
    }

    /// The key of the certificate at `url`, if it has been fetched (or is pinned).
    pub(crate) fn key(&self, url: &Uri) -> Result<Arc<RsaPublicKey>, Rejection> {
        self.cache
            .get_or_pinned(&url.to_string(), &self.fetcher, certificate_rsa_key)?
            .ok_or(Rejection::key_unavailable(
                "the signing certificate is not fetched yet (verify through the layer)",
            ))
    }

    /// The fetcher, for what else a scheme fetches (SNS's confirmations).
    pub(crate) fn fetcher(&self) -> &KeyFetcher {
        &self.fetcher
    }
}
