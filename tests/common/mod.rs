//! Helpers shared by the integration tests: the seed providers' secrets and sample bodies, and a
//! router that records what its handler saw. Signing is `tests/signer`'s.
#![allow(dead_code, unreachable_pub)]

use std::{
    sync::{Arc, Mutex},
    time::Duration,
};

use axum::{
    Router,
    body::{Body, Bytes},
    extract::State,
    http::{HeaderMap, Request, StatusCode, header},
    response::IntoResponse,
    routing::post,
};
use http_body_util::BodyExt as _;
use tower::ServiceExt as _;
use tower_webhooks::{SignatureScheme, WebhookSignatureLayer};

pub const XERO_KEY: &str = "wJq0sWkq0yQzZ6Dk8Jm2Vb1n3Xo5Tq7Ue9Gr1Ht3Ky5Lz7Mx9Nc1Pv3Rb5Sd7Ff9Hg1Jh3Kk5Ll7Mm9Nn1Pp3Qq5Rr7Ss9Tt1Uu3Vv5Ww7==";
pub const INVOICE_AHOY_SECRET: &str = "ia_whsec_example_0123456789";
pub const XEMELGO_SECRET: &str = "your-secret-key-must-be-longer-than-24-characters";

/// One of the seed providers, with how it signs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Provider {
    Xero,
    InvoiceAhoy,
    Xemelgo,
}

impl Provider {
    pub const ALL: [Provider; 3] = [Provider::Xero, Provider::InvoiceAhoy, Provider::Xemelgo];

    pub fn header(self) -> &'static str {
        match self {
            Provider::Xero => "x-xero-signature",
            Provider::InvoiceAhoy => "x-ia-signature",
            Provider::Xemelgo => "xemelgo-signature",
        }
    }

    pub fn secret(self) -> &'static str {
        match self {
            Provider::Xero => XERO_KEY,
            Provider::InvoiceAhoy => INVOICE_AHOY_SECRET,
            Provider::Xemelgo => XEMELGO_SECRET,
        }
    }

    /// The header value the provider would send for `body` under `key`.
    /// Signed by the tests' one independent signer (`tests/signer`).
    pub fn signature_with(self, key: &str, body: &[u8]) -> String {
        let preset = match self {
            Provider::Xero => crate::signer::Preset::Xero,
            Provider::InvoiceAhoy => crate::signer::Preset::InvoiceAhoy,
            Provider::Xemelgo => crate::signer::Preset::Xemelgo,
        };
        crate::signer::raw_body_signature(preset, key.as_bytes(), body).1
    }

    pub fn signature(self, body: &[u8]) -> String {
        self.signature_with(self.secret(), body)
    }

    pub fn layer(self) -> WebhookSignatureLayer<Box<dyn SignatureScheme>> {
        self.layer_with(self.secret())
    }

    pub fn layer_with(self, secret: &str) -> WebhookSignatureLayer<Box<dyn SignatureScheme>> {
        let scheme: Box<dyn SignatureScheme> = match self {
            Provider::Xero => Box::new(tower_webhooks::xero::Xero::new(secret)),
            Provider::InvoiceAhoy => {
                Box::new(tower_webhooks::invoice_ahoy::InvoiceAhoy::new(secret))
            }
            Provider::Xemelgo => Box::new(tower_webhooks::xemelgo::Xemelgo::new(secret).unwrap()),
        };
        WebhookSignatureLayer::new(scheme)
    }

    pub fn from_name(name: &str) -> Option<Provider> {
        match name {
            "xero" => Some(Provider::Xero),
            "invoiceahoy" => Some(Provider::InvoiceAhoy),
            "xemelgo" => Some(Provider::Xemelgo),
            _ => None,
        }
    }

    /// A body of the provider's shape.
    pub fn sample_body(self) -> &'static str {
        match self {
            Provider::Xero => XERO_BATCH,
            Provider::InvoiceAhoy => {
                r#"{"id":"a056V7R7NmNRjl70","type":"invoice.updated","payload":{"id":"SIuAFUNKdSYHZF2w","total":12.5}}"#
            }
            Provider::Xemelgo => {
                r#"{"id":"c1314cc5-60f7-ddba-7be3-900030a8ee05","eventTimestamp":1765572297000,"topic":"inventory.cycle_count","data":{"qty":3}}"#
            }
        }
    }
}

pub const XERO_BATCH: &str = r#"{"events":[{"resourceUrl":"https://api.xero.com/api.xro/2.0/Invoices/0d3a5e2c","resourceId":"0d3a5e2c","eventDateUtc":"2024-05-01T10:00:00.000","eventType":"CREATE","eventCategory":"INVOICE","tenantId":"tenant-a","tenantType":"ORGANISATION"},{"resourceUrl":"https://api.xero.com/api.xro/2.0/Contacts/7f1b","resourceId":"7f1b","eventDateUtc":"2024-05-01T10:00:01.000","eventType":"UPDATE","eventCategory":"CONTACT","tenantId":"tenant-b","tenantType":"ORGANISATION"}],"firstEventSequence":11,"lastEventSequence":12,"entropy":"S0m3r4Nd0mt3xt"}"#;

/// What the recording handler saw: each call's body bytes.
#[derive(Clone, Default)]
pub struct Seen(Arc<Mutex<Vec<Bytes>>>);

impl Seen {
    pub fn calls(&self) -> usize {
        self.0.lock().unwrap().len()
    }
    pub fn last(&self) -> Option<Bytes> {
        self.0.lock().unwrap().last().cloned()
    }
}

/// `POST /raw` records the body it receives and answers 200 with a body and two cookies;
/// `POST /boom` answers 500 with a body and a cookie. Both behind the provider's layer.
pub fn recording_app(layer: WebhookSignatureLayer<Box<dyn SignatureScheme>>, seen: Seen) -> Router {
    async fn raw(State(seen): State<Seen>, body: Bytes) -> impl IntoResponse {
        seen.0.lock().unwrap().push(body);
        let mut headers = HeaderMap::new();
        headers.append(header::SET_COOKIE, "session=abc".parse().unwrap());
        headers.append(header::SET_COOKIE, "tracking=xyz".parse().unwrap());
        // RFC 2965's obsolete header, which some clients still obey.
        headers.append("set-cookie2", "legacy=1; Version=1".parse().unwrap());
        (StatusCode::OK, headers, "handled")
    }
    async fn boom(State(seen): State<Seen>, body: Bytes) -> impl IntoResponse {
        seen.0.lock().unwrap().push(body);
        (
            StatusCode::INTERNAL_SERVER_ERROR,
            [(header::SET_COOKIE, "crash=1")],
            "internal error details",
        )
    }
    Router::new()
        .route("/raw", post(raw))
        .route("/boom", post(boom))
        .route_layer(layer)
        .with_state(seen)
}

pub fn signed_request(
    path: &str,
    header: &str,
    signature: &str,
    body: impl Into<Body>,
) -> Request<Body> {
    Request::post(path)
        .header(header, signature)
        .header(header::CONTENT_TYPE, "application/json")
        .body(body.into())
        .unwrap()
}

/// A response, read whole.
#[derive(Debug)]
pub struct Reply {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Bytes,
}

pub async fn send(app: Router, request: Request<Body>) -> Reply {
    let response = app.oneshot(request).await.unwrap();
    let (parts, body) = response.into_parts();
    Reply {
        status: parts.status,
        headers: parts.headers,
        body: body.collect().await.unwrap().to_bytes(),
    }
}

/// A store that cannot be reached: every call fails as a refused connection would.
pub struct Down;

impl tower_webhooks::idempotency::Store for Down {
    fn claim<'a>(
        &'a self,
        _: &'a str,
        _: Duration,
    ) -> tower_webhooks::idempotency::StoreFuture<'a, tower_webhooks::idempotency::Claim> {
        Box::pin(async {
            Err(tower_webhooks::idempotency::StoreError::new(
                "connection refused",
            ))
        })
    }
    fn renew<'a>(
        &'a self,
        _: &'a str,
        _: tower_webhooks::idempotency::ClaimToken,
        _: Duration,
    ) -> tower_webhooks::idempotency::StoreFuture<'a, bool> {
        Box::pin(async {
            Err(tower_webhooks::idempotency::StoreError::new(
                "connection refused",
            ))
        })
    }
    fn commit<'a>(
        &'a self,
        _: &'a str,
        _: tower_webhooks::idempotency::ClaimToken,
        _: Duration,
    ) -> tower_webhooks::idempotency::StoreFuture<'a, ()> {
        Box::pin(async {
            Err(tower_webhooks::idempotency::StoreError::new(
                "connection refused",
            ))
        })
    }
    fn release<'a>(
        &'a self,
        _: &'a str,
        _: tower_webhooks::idempotency::ClaimToken,
        _: Duration,
    ) -> tower_webhooks::idempotency::StoreFuture<'a, ()> {
        Box::pin(async {
            Err(tower_webhooks::idempotency::StoreError::new(
                "connection refused",
            ))
        })
    }
    fn abandon<'a>(
        &'a self,
        _: &'a str,
        _: tower_webhooks::idempotency::ClaimToken,
        _: bool,
        _: Duration,
    ) -> tower_webhooks::idempotency::StoreFuture<'a, ()> {
        Box::pin(async {
            Err(tower_webhooks::idempotency::StoreError::new(
                "connection refused",
            ))
        })
    }
}

/// A secret of the form each provider's scheme accepts, for the test kit's signers (the
/// Ed25519 ones take a private key, whose public half the scheme is given).
pub fn kit_secret(provider: tower_webhooks::Provider) -> &'static str {
    tower_webhooks::test_util::example_secret(provider)
}

/// Serves `app` over TLS on a free port of 127.0.0.1 with the certificate and key in `dir`
/// (`server.pem`, `server.key`), until the test ends.
pub async fn serve_tls(app: Router, dir: &str) -> std::net::SocketAddr {
    use hyper_util::{rt::TokioIo, service::TowerToHyperService};
    use rustls::pki_types::{CertificateDer, PrivateKeyDer, pem::PemObject as _};

    let chain = CertificateDer::pem_file_iter(format!("{dir}/server.pem"))
        .unwrap()
        .collect::<Result<Vec<_>, _>>()
        .unwrap();
    let key = PrivateKeyDer::from_pem_file(format!("{dir}/server.key")).unwrap();
    let config = rustls::ServerConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .unwrap()
    .with_no_client_auth()
    .with_single_cert(chain, key)
    .unwrap();
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        loop {
            let Ok((tcp, _)) = listener.accept().await else {
                return;
            };
            let (acceptor, app) = (acceptor.clone(), app.clone());
            tokio::spawn(async move {
                let Ok(tls) = acceptor.accept(tcp).await else {
                    return;
                };
                let _ = hyper::server::conn::http1::Builder::new()
                    .serve_connection(TokioIo::new(tls), TowerToHyperService::new(app))
                    .await;
            });
        }
    });
    addr
}
