//! One server for every built-in provider, each at `POST /webhooks/<name>` behind its own layer.
//!
//! ```sh
//! WEBHOOK_SECRET_STRIPE='whsec_…' WEBHOOK_SECRET_GITHUB='…' cargo run --example multi_provider
//! ```
//!
//! `<name>` is one of `standard-webhooks`, `svix`, `stripe`, `github`, `slack`, `shopify`,
//! `paddle`, `linear`, `zoom`, `square`, `twilio`, `xero`, `invoiceahoy`, `xemelgo`. Each reads
//! its secret from `WEBHOOK_SECRET_<NAME>` (upper case, `-` as `_`: `WEBHOOK_SECRET_STANDARD_WEBHOOKS`);
//! a provider whose variable is unset is not mounted, and the start-up log lists those that
//! are. It listens on `127.0.0.1:$PORT` (default 3000). Twilio and Square sign the URL they
//! call: set `PUBLIC_BASE_URL` (`https://example.com`) when a proxy or tunnel is in front.
//!
//! A verified delivery gets `200`; the handler logs which scheme and key verified it, the
//! delivery id and the signed time. Each delivery is handled once: a duplicate is acknowledged
//! without the handler (an in-memory idempotency store shared by every route). Anything else
//! gets an empty `401` (or `413`/`408`/`400`), and the reason is logged.

use std::{process::ExitCode, sync::Arc};

use axum::{Router, body::Bytes, http::StatusCode, routing::post};
use tower_webhooks::{
    ConfigError, SignatureScheme, VerificationInfo, WebhookSignatureLayer,
    github::GitHub,
    idempotency::{IdempotencyLayer, MemoryStore, Redelivery},
    invoice_ahoy::InvoiceAhoy,
    linear::Linear,
    paddle::Paddle,
    shopify::Shopify,
    slack::Slack,
    square::Square,
    standard_webhooks::StandardWebhooks,
    stripe::Stripe,
    svix::Svix,
    twilio::Twilio,
    xemelgo::Xemelgo,
    xero::Xero,
    zoom::Zoom,
};

/// The providers, in the order they are listed.
const PROVIDERS: [&str; 14] = [
    "standard-webhooks",
    "svix",
    "stripe",
    "github",
    "slack",
    "shopify",
    "paddle",
    "linear",
    "zoom",
    "square",
    "twilio",
    "xero",
    "invoiceahoy",
    "xemelgo",
];

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
    for name in PROVIDERS {
        let var = format!("WEBHOOK_SECRET_{}", name.to_uppercase().replace('-', "_"));
        let secret = match tower_webhooks::Secret::from_env(&var) {
            Ok(secret) => secret,
            Err(error) if error.kind() == tower_webhooks::SecretErrorKind::Missing => continue,
            Err(error) => {
                eprintln!("error: {error}");
                return ExitCode::FAILURE;
            }
        };
        let route = match mount(name, secret, public_base_url.as_deref(), &store) {
            Ok(route) => route,
            Err(error) => {
                eprintln!("error: {var}: {error}");
                return ExitCode::FAILURE;
            }
        };
        app = app.merge(route);
        mounted.push(name);
    }
    if mounted.is_empty() {
        eprintln!(
            "error: no provider is configured; set at least one of {}",
            PROVIDERS
                .map(|n| format!("WEBHOOK_SECRET_{}", n.to_uppercase().replace('-', "_")))
                .join(", ")
        );
        return ExitCode::FAILURE;
    }
    serve(app, &mounted).await
}

/// The route for one provider: its scheme in front, then the idempotency stage.
fn mount(
    name: &'static str,
    secret: tower_webhooks::Secret,
    public_base_url: Option<&str>,
    store: &Arc<MemoryStore>,
) -> Result<Router, ConfigError> {
    let route = |scheme: Box<dyn SignatureScheme>| {
        Router::new()
            .route(&format!("/webhooks/{name}"), post(receive))
            // Inside the signature layer: it keys on what the signature covers.
            .route_layer(IdempotencyLayer::new(Arc::clone(store)))
            .route_layer(WebhookSignatureLayer::new(scheme))
    };
    Ok(route(match name {
        "standard-webhooks" => Box::new(StandardWebhooks::new(secret)?),
        "svix" => Box::new(Svix::new(secret)?),
        "stripe" => Box::new(Stripe::new(secret)),
        "github" => Box::new(GitHub::new(secret)),
        "slack" => Box::new(Slack::new(secret)),
        "shopify" => Box::new(Shopify::new(secret)),
        "paddle" => Box::new(Paddle::new(secret)),
        "linear" => Box::new(Linear::new(secret)),
        "zoom" => Box::new(Zoom::new(secret)),
        "square" => match public_base_url {
            Some(base) => Box::new(Square::new(secret).with_public_base_url(base)?),
            None => Box::new(Square::new(secret)),
        },
        "twilio" => match public_base_url {
            Some(base) => Box::new(Twilio::new(secret).with_public_base_url(base)?),
            None => Box::new(Twilio::new(secret)),
        },
        "xero" => Box::new(Xero::new(secret)),
        "invoiceahoy" => Box::new(InvoiceAhoy::new(secret)),
        "xemelgo" => Box::new(Xemelgo::new(secret)?),
        other => unreachable!("{other} is not in PROVIDERS"),
    }))
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
    let port = match std::env::var("PORT").map(|p| p.parse::<u16>()) {
        Err(_) => 3000,
        Ok(Ok(port)) => port,
        Ok(Err(_)) => {
            eprintln!("error: PORT must be a port number");
            return ExitCode::FAILURE;
        }
    };
    let listener = match tokio::net::TcpListener::bind(("127.0.0.1", port)).await {
        Ok(listener) => listener,
        Err(error) => {
            eprintln!("error: cannot listen on 127.0.0.1:{port}: {error}");
            return ExitCode::FAILURE;
        }
    };
    let addr = listener.local_addr().expect("bound socket has an address");
    tracing::info!(providers = %mounted.join(","), "mounted {} providers", mounted.len());
    tracing::info!("listening on http://{addr}/webhooks/<provider>");
    match axum::serve(listener, app).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::FAILURE
        }
    }
}
