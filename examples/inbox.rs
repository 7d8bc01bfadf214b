//! A Xero receiver with the durable inbox: each verified delivery is stored before it is
//! acknowledged, and its events are handled afterwards by workers, with retries.
//!
//! ```sh
//! XERO_WEBHOOK_KEY='<the key from the Xero developer portal>' cargo run --example inbox --features inbox
//! ```
//!
//! | variable | default | what it does |
//! |---|---|---|
//! | `XERO_WEBHOOK_KEY` | (required) | the webhook key |
//! | `PORT` | 3000 | serves `POST /webhooks/xero` on `127.0.0.1:$PORT` |
//! | `INBOX_PATH` | `webhooks.db` | the SQLite file |
//! | `DATABASE_URL` | (unset) | with `--features postgres`: PostgreSQL instead of SQLite; several copies share it; TLS as its `sslmode` asks |
//! | `DATABASE_CA_CERT` | (unset) | a PEM file of CA certificates to trust for PostgreSQL's TLS, beside the public roots |
//! | `INBOX_ROLE` | `both` | `receive` (store, no workers), `work` (workers, no server) or `both` |
//! | `WORK_MS` | 0 | how long each event's handling takes, standing for a call to Xero's API |
//! | `WORKERS` | 16 | events handled at once |
//! | `LEASE_MS` | 30000 | a claim's lease |
//! | `RETRY_DELAY_MS` | 10000 | the wait after a first failure (doubling after each next one) |
//! | `FAIL_RESOURCE` | (unset) | events of this `resourceId` fail their first attempt: to watch a retry |
//! | `INBOX_GROUP_COMMIT` | `on` | `off`: one transaction per delivery, to measure what group commit is worth (`benches/loopback/inbox.sh`) |
//!
//! Each handled event is logged at INFO with `resource=<resourceId> attempt=<n>`. On Ctrl-C or
//! SIGTERM the workers stop claiming, finish what runs (up to 10 s), and hand the rest back.

use std::process::ExitCode;

#[path = "support/inbox_server.rs"]
mod inbox_server;
#[path = "support/serve.rs"]
mod support;

#[tokio::main]
async fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_max_level(tracing::Level::INFO)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .init();
    match inbox_server::run().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(code) => code,
    }
}
