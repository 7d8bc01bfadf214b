//! `tower-webhooks`: play a webhook provider against your endpoint.
//!
//! ```sh
//! cargo install tower-webhooks --features cli
//! tower-webhooks check http://127.0.0.1:3000/webhooks/xero --provider xero --secret "$XERO_WEBHOOK_KEY"
//! ```
//!
//! Exit codes: `0` all good; `1` the endpoint failed a case, or the signature does not verify;
//! `2` the command was used wrongly (bad arguments, unreadable files); `3` the endpoint could
//! not be reached.

mod client;
mod conformance;
mod inbox;
mod providers;
mod verify;

use std::{
    io::Read as _,
    process::ExitCode,
    time::{Duration, SystemTime, UNIX_EPOCH},
};

use bytes::Bytes;
use clap::{Args, Parser, Subcommand};
use http::Uri;
use tower_webhooks::{layer::DEFAULT_BODY_LIMIT, test_util::Provider};

/// Sign, send and check webhooks as Xero, Stripe, GitHub and a dozen other providers sign them.
#[derive(Parser)]
#[command(name = "tower-webhooks", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Print the signature headers for a body.
    Sign {
        #[command(flatten)]
        signing: Signing,
        #[command(flatten)]
        body: BodyArgs,
    },
    /// Sign a body (or a built-in sample event) and POST it to URL; print the answer.
    Send {
        /// Where to send it (http:// or https://).
        url: String,
        #[command(flatten)]
        net: Net,
        #[command(flatten)]
        signing: Signing,
        #[command(flatten)]
        body: BodyArgs,
    },
    /// Play Xero's "Intent to receive" series against URL: would Xero accept the endpoint?
    Itr {
        /// The endpoint (http:// or https://).
        url: String,
        #[command(flatten)]
        net: Net,
        /// The webhook key from the Xero developer portal (or set XERO_WEBHOOK_KEY).
        #[arg(long, env = "XERO_WEBHOOK_KEY", hide_env_values = true)]
        key: String,
        /// How many correctly and wrongly signed pairs to send.
        #[arg(long, default_value_t = 2)]
        rounds: usize,
    },
    /// Run a conformance suite against URL: good, wrong key, stale, oversize, duplicate.
    Check {
        /// The endpoint (http:// or https://).
        url: String,
        #[command(flatten)]
        net: Net,
        #[arg(long)]
        provider: Provider,
        /// The endpoint's signing secret (or set WEBHOOK_SECRET; `@path` reads it from a file).
        #[arg(
            long,
            env = "WEBHOOK_SECRET",
            hide_env_values = true,
            allow_hyphen_values = true
        )]
        secret: String,
        /// The endpoint's body limit: the oversize case sends one byte more.
        #[arg(long, default_value_t = DEFAULT_BODY_LIMIT)]
        body_limit: usize,
        /// The verify token of a handshake that carries one (Meta's `hub.verify_token`; or set
        /// WEBHOOK_VERIFY_TOKEN): the handshake is checked with it.
        #[arg(long, env = "WEBHOOK_VERIFY_TOKEN", hide_env_values = true)]
        verify_token: Option<String>,
    },
    /// Check a captured request (headers and body from files) and explain why it fails.
    Verify {
        #[arg(long)]
        provider: Provider,
        /// The signing secret (or set WEBHOOK_SECRET; `@path` reads it from a file).
        #[arg(
            long,
            env = "WEBHOOK_SECRET",
            hide_env_values = true,
            allow_hyphen_values = true
        )]
        secret: String,
        /// A file of `Name: value` lines, optionally after the request line.
        #[arg(long)]
        headers: String,
        /// The body, byte for byte as received (`-` for standard input).
        #[arg(long)]
        body: String,
        /// The public URL the provider posted to, which Square and Twilio sign (default:
        /// https:// with the captured Host and request line).
        #[arg(long)]
        url: Option<String>,
        /// Check the signed timestamp as of this Unix time (when the capture was made).
        #[arg(long)]
        at: Option<u64>,
    },
    /// Look into a durable inbox: list, show, stats; retry what failed; purge what is done.
    Inbox(inbox::InboxArgs),
}

#[derive(Args)]
struct Net {
    /// Also trust the CA certificates in this PEM file (a staging or test server's); the
    /// public roots are always trusted.
    #[arg(long)]
    ca_cert: Option<std::path::PathBuf>,
}

impl Net {
    fn sender(&self) -> Result<client::Sender, (u8, String)> {
        client::Sender::new(self.ca_cert.as_deref()).map_err(|e| (USAGE, e))
    }
}

#[derive(Args)]
struct Signing {
    #[arg(long)]
    provider: Provider,
    /// The signing secret (or set WEBHOOK_SECRET; `@path` reads it from a file).
    #[arg(
        long,
        env = "WEBHOOK_SECRET",
        hide_env_values = true,
        allow_hyphen_values = true
    )]
    secret: String,
    /// Sign as of this Unix time instead of now.
    #[arg(long)]
    at: Option<u64>,
}

#[derive(Args)]
struct BodyArgs {
    /// The body's file (`-` for standard input); without it, the provider's sample event.
    #[arg(long)]
    body: Option<String>,
    /// The URL signed over, for Square and Twilio (`send` uses its own).
    #[arg(long = "signed-url", default_value = "https://example.com/webhooks")]
    signed_url: String,
}

const FAILED: u8 = 1;
const USAGE: u8 = 2;
const UNREACHABLE: u8 = 3;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a Tokio runtime");
    match runtime.block_on(run(cli.command)) {
        Ok(code) => code,
        Err((code, message)) => {
            eprintln!("error: {message}");
            ExitCode::from(code)
        }
    }
}

type Outcome = Result<ExitCode, (u8, String)>;

async fn run(command: Command) -> Outcome {
    match command {
        Command::Inbox(args) => inbox::run(args).await,
        Command::Sign { signing, body } => {
            let at = time(signing.at);
            let secret = secret(&signing.secret)?;
            let bytes = read_body(body.body.as_deref(), signing.provider, at)?;
            let signer = providers::signer(signing.provider, &secret, &body.signed_url, at);
            // Mailgun, Adyen and Microsoft Graph sign in the body: print the body that carries
            // the signature after the headers, as an HTTP message would.
            let signed = signer.body(&bytes);
            for (name, value) in &signer.headers(&signed) {
                println!("{name}: {}", value.to_str().unwrap_or_default());
            }
            if signed != bytes {
                println!();
                println!("{}", String::from_utf8_lossy(&signed));
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Send {
            url,
            net,
            signing,
            body,
        } => {
            let target = parse_url(&url)?;
            let at = time(signing.at);
            let secret = secret(&signing.secret)?;
            let bytes = read_body(body.body.as_deref(), signing.provider, at)?;
            let request = providers::signer(signing.provider, &secret, &url, at).request(bytes);
            let answer = net
                .sender()?
                .send(&target, request)
                .await
                .map_err(|e| (UNREACHABLE, e.0))?;
            println!("{} in {} ms", answer.status, answer.elapsed.as_millis());
            for (name, value) in &answer.headers {
                println!("{name}: {}", String::from_utf8_lossy(value.as_bytes()));
            }
            if !answer.body.is_empty() {
                println!("\n{}", String::from_utf8_lossy(&answer.body));
            }
            Ok(if answer.status.is_success() {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(FAILED)
            })
        }
        Command::Itr {
            url,
            net,
            key,
            rounds,
        } => {
            let target = parse_url(&url)?;
            let key = secret(&key)?;
            if rounds == 0 {
                return Err((USAGE, "--rounds must be at least 1".to_owned()));
            }
            let cases = conformance::itr_cases(&key, &url, rounds);
            let rules = conformance::Rules::for_provider(Provider::Xero);
            let failed = conformance::run(&net.sender()?, &target, cases, rules)
                .await
                .map_err(|e| (UNREACHABLE, e.0))?;
            if target.scheme_str() != Some("https") || target.port_u16().is_some_and(|p| p != 443) {
                eprintln!(
                    "note: Xero itself calls https:// on port 443; serve this endpoint behind TLS"
                );
            }
            verdict(
                &failed,
                "Xero would accept this endpoint's Intent to receive",
            )
        }
        Command::Check {
            url,
            net,
            provider,
            secret: text,
            body_limit,
            verify_token,
        } => {
            let target = parse_url(&url)?;
            let key = secret(&text)?;
            let cases =
                conformance::check_cases(provider, &key, &url, body_limit, verify_token.as_deref());
            let failed = conformance::run(
                &net.sender()?,
                &target,
                cases,
                conformance::Rules::for_provider(provider),
            )
            .await
            .map_err(|e| (UNREACHABLE, e.0))?;
            verdict(&failed, "the endpoint passed every case")
        }
        Command::Verify {
            provider,
            secret: text,
            headers,
            body,
            url,
            at,
        } => {
            let key = secret(&text)?;
            let header_text = std::fs::read_to_string(&headers)
                .map_err(|e| (USAGE, format!("--headers {headers}: {e}")))?;
            let (path, header_map) = verify::parse_headers(&header_text)
                .map_err(|e| (USAGE, format!("--headers {headers}: {e}")))?;
            let body = read_file(&body)?;
            // Without --url, the captured request line and Host say where it was sent, as far
            // as Square and Twilio (which sign the URL) are concerned; behind TLS it was https.
            let url = url.unwrap_or_else(|| {
                let host = header_map
                    .get(http::header::HOST)
                    .and_then(|host| host.to_str().ok())
                    .unwrap_or("example.com");
                format!("https://{host}{}", path.as_deref().unwrap_or("/"))
            });
            match verify::verify(provider, &key, &url, time(at), header_map, body)
                .map_err(|e| (USAGE, e))?
            {
                Ok(verified) => {
                    println!("{verified}");
                    Ok(ExitCode::SUCCESS)
                }
                Err(why) => {
                    for line in why {
                        println!("{line}");
                    }
                    Ok(ExitCode::from(FAILED))
                }
            }
        }
    }
}

fn verdict(failed: &[String], success: &str) -> Outcome {
    if failed.is_empty() {
        println!("{success}");
        Ok(ExitCode::SUCCESS)
    } else {
        println!("failed: {}", failed.join(", "));
        Ok(ExitCode::from(FAILED))
    }
}

fn time(at: Option<u64>) -> SystemTime {
    at.map_or_else(SystemTime::now, |secs| {
        UNIX_EPOCH + Duration::from_secs(secs)
    })
}

/// The secret's text, refused when empty (a variable that is set but blank).
/// The secret given, or with `@path` the contents of that file (a PEM key, say).
fn secret(text: &str) -> Result<String, (u8, String)> {
    let text = match text.strip_prefix('@') {
        Some(path) => {
            std::fs::read_to_string(path).map_err(|e| (USAGE, format!("--secret @{path}: {e}")))?
        }
        None => text.to_owned(),
    };
    if text.is_empty() {
        return Err((USAGE, "the secret is empty".to_owned()));
    }
    Ok(text)
}

fn parse_url(url: &str) -> Result<Uri, (u8, String)> {
    url.parse::<Uri>()
        .ok()
        .filter(|uri| uri.authority().is_some())
        .ok_or_else(|| {
            (
                USAGE,
                format!("{url}: not an absolute URL (http://host:port/path)"),
            )
        })
}

fn read_body(
    path: Option<&str>,
    provider: Provider,
    at: SystemTime,
) -> Result<Bytes, (u8, String)> {
    match path {
        None => Ok(Bytes::from(providers::sample(provider, at))),
        Some(path) => read_file(path),
    }
}

fn read_file(path: &str) -> Result<Bytes, (u8, String)> {
    let bytes = if path == "-" {
        let mut bytes = Vec::new();
        std::io::stdin().read_to_end(&mut bytes).map(|_| bytes)
    } else {
        std::fs::read(path)
    };
    bytes
        .map(Bytes::from)
        .map_err(|e| (USAGE, format!("{path}: {e}")))
}
