//! `tower-webhooks inbox`: look into a durable inbox and replay what failed.

use std::{
    process::ExitCode,
    time::{Duration, SystemTime},
};

use clap::{Args, Subcommand};
use tower_webhooks::inbox::{EventRecord, EventState, Filter, Inbox};

use crate::{FAILED, Outcome, USAGE};

#[derive(Args)]
pub(crate) struct InboxArgs {
    /// The inbox: a SQLite file's path, or a postgres:// URL (or set INBOX).
    #[arg(long, env = "INBOX", default_value = "webhooks.db")]
    db: String,
    /// With a postgres:// URL: also trust the CA certificates in this PEM file.
    #[arg(long)]
    db_ca_cert: Option<std::path::PathBuf>,
    #[command(subcommand)]
    action: Action,
}

#[derive(Subcommand)]
enum Action {
    /// The newest events: id, state, attempts, age, last error.
    List {
        /// Only events in this state: pending, running, handled or dead.
        #[arg(long)]
        state: Option<EventState>,
        /// At most this many.
        #[arg(long, default_value_t = 50)]
        limit: u32,
    },
    /// One event in full: its times, attempts, last error and payload.
    Show {
        /// The event's id (from `list`).
        id: i64,
    },
    /// Counts by state, attempts, and the age of the oldest event not yet handled.
    Stats,
    /// Make an event due now with its attempts counted afresh, or with --dead every dead one.
    Retry {
        /// The event's id (dead, or pending and waiting for its next attempt).
        #[arg(required_unless_present = "dead", conflicts_with = "dead")]
        id: Option<i64>,
        /// Every dead event.
        #[arg(long)]
        dead: bool,
    },
    /// Delete handled events older than --older-than (and dead ones too, with --dead).
    Purge {
        /// How long ago they ended: 90s, 30m, 72h, 3d.
        #[arg(long, value_parser = parse_duration, default_value = "3d")]
        older_than: Duration,
        /// Delete dead events that old too.
        #[arg(long)]
        dead: bool,
    },
}

pub(crate) async fn run(args: InboxArgs) -> Outcome {
    let inbox = open(&args.db, args.db_ca_cert.as_deref()).await?;
    let fail = |error: tower_webhooks::inbox::InboxError| (FAILED, error.to_string());
    match args.action {
        Action::List { state, limit } => {
            let mut filter = Filter::new().limit(limit);
            if let Some(state) = state {
                filter = filter.state(state);
            }
            let events = inbox.list(filter).await.map_err(fail)?;
            println!(
                "{:>8} {:>8} {:<8} {:>8} {:>10}  {:<10} last error",
                "id", "delivery", "state", "attempts", "age", "scheme"
            );
            for event in &events {
                println!(
                    "{:>8} {:>8} {:<8} {:>8} {:>10}  {:<10} {}",
                    event.id,
                    event.delivery_id,
                    event.state,
                    event.attempts,
                    age(event.received_at),
                    event.scheme,
                    one_line(event.last_error.as_deref().unwrap_or("")),
                );
            }
            Ok(ExitCode::SUCCESS)
        }
        Action::Show { id } => match inbox.event(id).await.map_err(fail)? {
            Some(event) => {
                show(&event);
                Ok(ExitCode::SUCCESS)
            }
            None => Err((FAILED, format!("the inbox holds no event {id}"))),
        },
        Action::Stats => {
            let stats = inbox.stats().await.map_err(fail)?;
            println!("events    {}", stats.events);
            println!("pending   {} ({} retrying)", stats.pending, stats.retrying);
            println!("running   {}", stats.running);
            println!("handled   {}", stats.handled);
            println!("dead      {}", stats.dead);
            println!("attempts  {}", stats.attempts);
            println!(
                "oldest pending  {}",
                seconds(Duration::from_millis(stats.oldest_pending_age_ms))
            );
            Ok(ExitCode::SUCCESS)
        }
        Action::Retry { id: Some(id), .. } => {
            if inbox.retry(id).await.map_err(fail)? {
                println!("event {id} is due now");
                Ok(ExitCode::SUCCESS)
            } else {
                Err((
                    FAILED,
                    format!("event {id} is not in the inbox, or is handled or running"),
                ))
            }
        }
        Action::Retry { id: None, .. } => {
            let retried = inbox.retry_dead().await.map_err(fail)?;
            println!("{retried} dead events are due now");
            Ok(ExitCode::SUCCESS)
        }
        Action::Purge { older_than, dead } => {
            let purged = inbox.purge(older_than, dead).await.map_err(fail)?;
            println!("{purged} events purged");
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// Opens an inbox that exists, beside the process that stores into it: inspecting never
/// creates one.
async fn open(location: &str, ca: Option<&std::path::Path>) -> Result<Inbox, (u8, String)> {
    if location.starts_with("postgres://") || location.starts_with("postgresql://") {
        let ca = match ca {
            Some(path) => std::fs::read(path)
                .map_err(|error| (USAGE, format!("{}: {error}", path.display())))?,
            None => Vec::new(),
        };
        return open_postgres(location, &ca).await;
    }
    if !std::path::Path::new(location).is_file() {
        return Err((USAGE, format!("no inbox at {location}")));
    }
    tower_webhooks::inbox::SqliteInbox::inspect(location)
        .map(Inbox::from)
        .map_err(|error| (USAGE, format!("{location}: {error}")))
}

#[cfg(feature = "postgres")]
async fn open_postgres(url: &str, ca: &[u8]) -> Result<Inbox, (u8, String)> {
    tower_webhooks::inbox::PostgresInbox::inspect_trusting(url, ca)
        .await
        .map(Inbox::from)
        .map_err(|error| (USAGE, error.to_string()))
}

#[cfg(not(feature = "postgres"))]
async fn open_postgres(_url: &str, _ca: &[u8]) -> Result<Inbox, (u8, String)> {
    Err((
        USAGE,
        "this build has no PostgreSQL: install with --features cli,postgres".to_owned(),
    ))
}

fn show(event: &EventRecord) {
    let time =
        |at: Option<SystemTime>| at.map_or_else(|| "-".to_owned(), |at| format!("{} ago", age(at)));
    println!("id          {}", event.id);
    println!("delivery    {}", event.delivery_id);
    println!("scheme      {}", event.scheme);
    println!("key         {}", event.dedup_key);
    if let Some(order) = &event.order_key {
        println!("ordered by  {order}");
    }
    println!("state       {}", event.state);
    println!("attempts    {}", event.attempts);
    println!("received    {} ago", age(event.received_at));
    if let Some(next) = event.next_attempt_at {
        let wait = next.duration_since(SystemTime::now()).unwrap_or_default();
        println!("next        in {}", seconds(wait));
    }
    if event.lease_until.is_some() {
        println!(
            "leased      until {}",
            time(event.lease_until).replace(" ago", " (ago)")
        );
    }
    if event.finished_at.is_some() {
        println!("finished    {}", time(event.finished_at));
    }
    if let Some(key_id) = &event.key_id {
        println!("key id      {key_id}");
    }
    if let Some(provider_id) = &event.provider_id {
        println!("provider id {provider_id}");
    }
    if let Some(error) = &event.last_error {
        println!("last error  {error}");
    }
    println!("\n{}", String::from_utf8_lossy(&event.payload));
}

fn age(at: SystemTime) -> String {
    seconds(SystemTime::now().duration_since(at).unwrap_or_default())
}

fn seconds(duration: Duration) -> String {
    let secs = duration.as_secs();
    match secs {
        0..120 => format!("{}.{:01}s", secs, duration.subsec_millis() / 100),
        120..7200 => format!("{}m", secs / 60),
        7200..172_800 => format!("{}h", secs / 3600),
        _ => format!("{}d", secs / 86_400),
    }
}

fn one_line(text: &str) -> String {
    let line = text.lines().next().unwrap_or("");
    if line.chars().count() > 60 {
        format!("{}…", line.chars().take(59).collect::<String>())
    } else {
        line.to_owned()
    }
}

fn parse_duration(text: &str) -> Result<Duration, String> {
    let split = text
        .find(|c: char| !c.is_ascii_digit())
        .ok_or_else(|| format!("`{text}` needs a unit: s, m, h or d"))?;
    let (number, unit) = text.split_at(split);
    let number: u64 = number
        .parse()
        .map_err(|_| format!("`{text}` does not start with a number"))?;
    let unit = match unit {
        "s" => 1,
        "m" => 60,
        "h" => 3600,
        "d" => 86_400,
        _ => return Err(format!("`{unit}` is not a unit: s, m, h or d")),
    };
    Ok(Duration::from_secs(number.saturating_mul(unit)))
}
