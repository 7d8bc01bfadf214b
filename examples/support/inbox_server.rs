//! The inbox example's receiver and workers, shared by `examples/inbox.rs` and
//! `examples/inbox_demo.rs` (`#[path]`-included; not an example of its own). Configured by
//! the environment: see `examples/inbox.rs`.
#![allow(dead_code, unreachable_pub)]

use std::{process::ExitCode, time::Duration};

use axum::{Router, routing::post_service};
use tower_webhooks::{
    Secret, WebhookSignatureLayer,
    inbox::{Accept, Inbox, Retries, Worker},
    routing::{Attempt, EventKey, EventRouter},
    xero,
};

fn env_ms(name: &str, default: u64) -> Result<Duration, ExitCode> {
    match std::env::var(name) {
        Err(_) => Ok(Duration::from_millis(default)),
        Ok(value) => value.parse().map(Duration::from_millis).map_err(|_| {
            eprintln!("error: {name} must be a number of milliseconds");
            ExitCode::FAILURE
        }),
    }
}

/// Runs the receiver and the workers the environment asks for, until SIGINT or SIGTERM.
pub async fn run() -> Result<(), ExitCode> {
    let key = Secret::from_env("XERO_WEBHOOK_KEY").map_err(|error| {
        eprintln!("error: {error}; set it to the webhook key shown in the Xero developer portal");
        ExitCode::FAILURE
    })?;
    let role = std::env::var("INBOX_ROLE").unwrap_or_else(|_| "both".into());
    let (receive, work) = match role.as_str() {
        "both" => (true, true),
        "receive" => (true, false),
        "work" => (false, true),
        _ => {
            eprintln!("error: INBOX_ROLE must be receive, work or both");
            return Err(ExitCode::FAILURE);
        }
    };
    let work_time = env_ms("WORK_MS", 0)?;
    let lease = env_ms("LEASE_MS", 30_000)?;
    let retry_delay = env_ms("RETRY_DELAY_MS", 10_000)?;
    let workers: usize = std::env::var("WORKERS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(16);
    let inbox = open().await?;

    let worker = work.then(|| {
        let fail = std::env::var("FAIL_RESOURCE").ok();
        let handle = move |event: xero::Event, attempt: Attempt| {
            let fail = fail.clone();
            async move {
                tokio::time::sleep(work_time).await;
                if fail.as_deref() == Some(&*event.resource_id) && attempt.number() == 1 {
                    tracing::warn!(resource = %event.resource_id, attempt = attempt.number(),
                        "simulated failure (FAIL_RESOURCE)");
                    return Err("simulated failure");
                }
                tracing::info!(
                    resource = %event.resource_id,
                    attempt = attempt.number(),
                    event_id = attempt.event_id(),
                    kind = format!("{}.{}", event.event_category, event.event_type),
                    "handled Xero event"
                );
                Ok(())
            }
        };
        let mut router = EventRouter::new(xero::EVENT_KEY);
        for kind in [
            "INVOICE.CREATE",
            "INVOICE.UPDATE",
            "CONTACT.CREATE",
            "CONTACT.UPDATE",
        ] {
            router = router.on(kind, handle.clone());
        }
        Worker::new(inbox.clone(), router)
            .concurrency(workers)
            .lease(lease)
            .retries(Retries::default().first_delay(retry_delay))
            .start()
    });

    let stopped = async {
        let interrupt = tokio::signal::ctrl_c();
        let mut terminate =
            tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
                .expect("a SIGTERM handler");
        tokio::select! {
            _ = interrupt => {}
            _ = terminate.recv() => {}
        }
    };
    if receive {
        // Events of one resource are handled in order: an UPDATE never before its CREATE.
        let accept =
            Accept::new(inbox.clone()).ordered_by(EventKey::fields(&["tenantId", "resourceId"]));
        let app = Router::new().route(
            "/webhooks/xero",
            post_service(accept).layer(WebhookSignatureLayer::new(xero::Xero::new(key))),
        );
        tokio::select! {
            code = crate::support::serve(app, "/webhooks/xero") => return Err(code),
            () = stopped => {}
        }
    } else {
        tracing::info!("working on the inbox's events");
        stopped.await;
    }
    if let Some(worker) = worker {
        let stopped = worker.shutdown(Duration::from_secs(10)).await;
        tracing::info!(
            finished = stopped.finished,
            handed_back = stopped.handed_back,
            "workers stopped"
        );
    }
    Ok(())
}

async fn open() -> Result<Inbox, ExitCode> {
    let grouped = std::env::var("INBOX_GROUP_COMMIT").map_or(true, |v| v != "off");
    #[cfg(feature = "postgres")]
    if let Ok(url) = std::env::var("DATABASE_URL") {
        let connecting = match std::env::var("DATABASE_CA_CERT") {
            // A private CA (a managed database's): trusted beside the public roots.
            Ok(path) => {
                let ca = std::fs::read(&path).map_err(|error| {
                    eprintln!("error: DATABASE_CA_CERT {path}: {error}");
                    ExitCode::FAILURE
                })?;
                tower_webhooks::inbox::PostgresInbox::connect_trusting(&url, &ca).await
            }
            Err(_) => tower_webhooks::inbox::PostgresInbox::connect_with(&url, 16, grouped).await,
        };
        let inbox = connecting.map(Inbox::from).map_err(|error| {
            eprintln!("error: the inbox at DATABASE_URL: {error}");
            ExitCode::FAILURE
        })?;
        tracing::info!("inbox in PostgreSQL");
        return Ok(inbox);
    }
    let path = std::env::var("INBOX_PATH").unwrap_or_else(|_| "webhooks.db".into());
    let opened = if grouped {
        tower_webhooks::inbox::SqliteInbox::open(&path)
    } else {
        tower_webhooks::inbox::SqliteInbox::open_ungrouped(&path)
    };
    let inbox = opened.map(Inbox::from).map_err(|error| {
        eprintln!("error: the inbox at {path}: {error}");
        ExitCode::FAILURE
    })?;
    tracing::info!(path, "inbox in SQLite");
    Ok(inbox)
}
