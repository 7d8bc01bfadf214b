//! One server for every built-in provider, each at `POST /webhooks/<name>` behind its own layer.
//!
//! ```sh
//! WEBHOOK_SECRET_STRIPE='whsec_…' WEBHOOK_SECRET_GITHUB='…' cargo run --example multi_provider
//! ```
//!
//! `<name>` is the name of any provider in the crate's registry (`Provider::ALL`):
//! `standard-webhooks`, `svix`, `stripe`, `github`, `github-sha1`, `slack`, `shopify`, `paddle`,
//! `linear`, `zoom`, `square`, `twilio`, `xero`, `invoiceahoy`, `xemelgo`, and with the
//! `ed25519` feature `discord` and `standard-webhooks-v1a` (whose "secret" is the public key).
//! Each reads its secret from `WEBHOOK_SECRET_<NAME>` (upper case, `-` as `_`: `WEBHOOK_SECRET_STANDARD_WEBHOOKS`);
//! a provider whose variable is unset is not mounted, and the start-up log lists those that
//! are. It listens on `127.0.0.1:$PORT` (default 3000). Twilio and Square sign the URL they
//! call: set `PUBLIC_BASE_URL` (`https://example.com`) when a proxy or tunnel is in front.
//!
//! A verified delivery gets `200`; the handler logs which scheme and key verified it, the
//! delivery id and the signed time. Each delivery is handled once: a duplicate is acknowledged
//! without the handler (an in-memory idempotency store shared by every route). Anything else
//! gets an empty `401` (or `413`/`408`/`400`), and the reason is logged.

use std::{process::ExitCode, sync::Arc};

#[path = "support/serve.rs"]
mod support;

use axum::{Router, body::Bytes, http::StatusCode, routing::post};
use tower_webhooks::{
    ConfigError, Provider, Secret, SecretErrorKind, VerificationInfo, WebhookSignatureLayer,
    idempotency::{IdempotencyLayer, MemoryStore, Redelivery},
};

/// The variable a provider's secret is read from: `WEBHOOK_SECRET_` and its name in upper case,
/// `-` as `_`.
fn secret_variable(provider: Provider) -> String {
    format!(
        "WEBHOOK_SECRET_{}",
        provider.name().to_uppercase().replace('-', "_")
    )
}

#[tokio::main]
async fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .init();

    let public_base_url = std::env::var("PUBLIC_BASE_URL").ok();
    // One store for every route: keys are namespaced by scheme.
    let store = Arc::new(MemoryStore::default());
    let mut app = Router::new();
    let mut mounted = Vec::new();
    // Every provider of the crate's registry, so that a new one is served here with no change.
    for &provider in Provider::ALL {
        let var = secret_variable(provider);
        let secret = match Secret::from_env(&var) {
            Ok(secret) => secret,
            Err(error) if error.kind() == SecretErrorKind::Missing => continue,
            Err(error) => {
                eprintln!("error: {error}");
                return ExitCode::FAILURE;
            }
        };
        let route = match mount(provider, secret, public_base_url.as_deref(), &store) {
            Ok(route) => route,
            Err(error) => {
                eprintln!("error: {var}: {error}");
                return ExitCode::FAILURE;
            }
        };
        app = app.merge(route);
        mounted.push(provider.name());
    }
    if mounted.is_empty() {
        let names: Vec<String> = Provider::ALL.iter().copied().map(secret_variable).collect();
        eprintln!(
            "error: no provider is configured; set at least one of {}",
            names.join(", ")
        );
        return ExitCode::FAILURE;
    }
    serve(app, &mounted).await
}

/// The route for one provider: its scheme in front, then the idempotency stage.
fn mount(
    provider: Provider,
    secret: Secret,
    public_base_url: Option<&str>,
    store: &Arc<MemoryStore>,
) -> Result<Router, ConfigError> {
    let mut scheme = provider.configure(secret);
    #[cfg(feature = "fetch")]
    if let Some(fetcher) = pinned_keys() {
        scheme = scheme.fetcher(fetcher);
    }
    if let Some(base) = public_base_url.filter(|_| provider.signs_url()) {
        scheme = scheme.public_base_url(base);
    }
    // A handshake with a secret of its own (Meta's verify token) is answered once it is set.
    let token = secret_variable(provider).replace("WEBHOOK_SECRET_", "WEBHOOK_VERIFY_TOKEN_");
    if let Ok(token) = Secret::from_env(&token) {
        scheme = scheme.verify_token(token);
    }
    Ok(Router::new()
        .route(&format!("/webhooks/{}", provider.name()), post(receive))
        // Inside the signature layer: it keys on what the signature covers.
        .route_layer(IdempotencyLayer::new(Arc::clone(store)))
        .route_layer(WebhookSignatureLayer::new(scheme.build()?)))
}

/// With `WEBHOOK_KEY_DOCUMENTS` naming a JSON file of `{"<url>": "<document>"}`, a fetcher
/// that answers those URLs with those documents (certificates, key sets) instead of fetching
/// them: for tests, and for a service with no way out.
#[cfg(feature = "fetch")]
fn pinned_keys() -> Option<tower_webhooks::fetch::KeyFetcher> {
    let path = std::env::var("WEBHOOK_KEY_DOCUMENTS").ok()?;
    let text = std::fs::read_to_string(&path).ok()?;
    let documents: std::collections::HashMap<String, String> = serde_json::from_str(&text).ok()?;
    let builder = documents.into_iter().fold(
        tower_webhooks::fetch::KeyFetcher::builder(),
        |builder, (url, document)| builder.pin(&url, document),
    );
    builder.build().ok()
}

/// Runs only for verified deliveries. Real handlers parse the body with `VerifiedJson` or
/// `VerifiedEvents`; this one logs what the layer learnt.
async fn receive(info: VerificationInfo, redelivery: Redelivery, body: Bytes) -> StatusCode {
    tracing::info!(
        scheme = info.scheme(),
        retry = redelivery.is_retry(),
        key = info.key_id(),
        delivery = info.delivery_id(),
        signed_at = ?info.signed_at(),
        bytes = body.len(),
        "verified delivery"
    );
    StatusCode::OK
}

async fn serve(app: Router, mounted: &[&str]) -> ExitCode {
    tracing::info!(providers = %mounted.join(","), "mounted {} providers", mounted.len());
    support::serve(app, "/webhooks/<provider>").await
}
