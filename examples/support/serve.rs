//! How the example servers listen, shared by them (`#[path]`-included; not an example of its
//! own): on `127.0.0.1:$PORT`, with the limits a server that faces the internet needs and
//! `axum::serve` does not set. A client sending its request head a byte at a time, or opening
//! a thousand HTTP/2 streams on one connection, is cut off (rows 4 and 8 of the attack report).
//!
//! | setting | value | what it bounds |
//! |---|---|---|
//! | HTTP/1 header read timeout | [`HEADER_READ_TIMEOUT`] (10 s) | a slow request head, and how long a kept-alive connection may sit idle (hyper starts it whenever it waits for a head) |
//! | HTTP/1 buffer | [`MAX_BUF_SIZE`] (64 KiB) | the request head's size |
//! | HTTP/2 concurrent streams | [`MAX_CONCURRENT_STREAMS`] (32) | deliveries in flight on one connection |
//! | HTTP/2 keep-alive | a ping every [`KEEP_ALIVE_INTERVAL`] (20 s), closed without an answer in 10 s | dead connections |
//! | connection age | [`MAX_CONNECTION_AGE`] (60 s; `MAX_CONNECTION_AGE_SECS` sets it), then a graceful shutdown | a connection held open, idle or busy, for ever (HTTP/2 has no idle timeout of its own) |
#![allow(dead_code, unreachable_pub)]

use std::{process::ExitCode, time::Duration};

use axum::Router;
use hyper_util::{
    rt::{TokioExecutor, TokioIo, TokioTimer},
    server::conn::auto,
    service::TowerToHyperService,
};

pub const HEADER_READ_TIMEOUT: Duration = Duration::from_secs(10);
pub const MAX_BUF_SIZE: usize = 64 * 1024;
pub const MAX_CONCURRENT_STREAMS: u32 = 32;
pub const KEEP_ALIVE_INTERVAL: Duration = Duration::from_secs(20);
pub const MAX_CONNECTION_AGE: Duration = Duration::from_secs(60);

/// The port from `PORT`, else `default`.
pub fn port(default: u16) -> Result<u16, ExitCode> {
    match std::env::var("PORT").map(|p| p.parse::<u16>()) {
        Err(_) => Ok(default),
        Ok(Ok(port)) => Ok(port),
        Ok(Err(_)) => {
            eprintln!("error: PORT must be a port number");
            Err(ExitCode::FAILURE)
        }
    }
}

/// Serves `app` on `127.0.0.1:$PORT` (default 3000) until the process is stopped, logging
/// `listening on http://…{path}` once bound.
pub async fn serve(app: Router, path: &str) -> ExitCode {
    let port = match port(3000) {
        Ok(port) => port,
        Err(code) => return code,
    };
    let listener = match tokio::net::TcpListener::bind(("127.0.0.1", port)).await {
        Ok(listener) => listener,
        Err(error) => {
            eprintln!("error: cannot listen on 127.0.0.1:{port}: {error}");
            return ExitCode::FAILURE;
        }
    };
    let addr = listener.local_addr().expect("bound socket has an address");
    tracing::info!("listening on http://{addr}{path}");
    let mut builder = auto::Builder::new(TokioExecutor::new());
    builder
        .http1()
        .timer(TokioTimer::new())
        .header_read_timeout(HEADER_READ_TIMEOUT)
        .max_buf_size(MAX_BUF_SIZE);
    builder
        .http2()
        .timer(TokioTimer::new())
        .max_concurrent_streams(MAX_CONCURRENT_STREAMS)
        .keep_alive_interval(KEEP_ALIVE_INTERVAL)
        .keep_alive_timeout(Duration::from_secs(10));
    let max_age = std::env::var("MAX_CONNECTION_AGE_SECS")
        .ok()
        .and_then(|secs| secs.parse().ok())
        .map_or(MAX_CONNECTION_AGE, Duration::from_secs);
    loop {
        let (stream, _) = match listener.accept().await {
            Ok(accepted) => accepted,
            // Out of file descriptors, say: wait a little rather than spin.
            Err(error) => {
                tracing::warn!(%error, "accept failed");
                tokio::time::sleep(Duration::from_millis(50)).await;
                continue;
            }
        };
        let builder = builder.clone();
        let service = TowerToHyperService::new(app.clone());
        tokio::spawn(async move {
            let connection = builder.serve_connection(TokioIo::new(stream), service);
            let mut connection = std::pin::pin!(connection);
            let served = tokio::select! {
                served = connection.as_mut() => served,
                () = tokio::time::sleep(max_age) => {
                    // Finish what is in flight, take nothing new, then close; a client that
                    // stops reading gets 10 s for that.
                    connection.as_mut().graceful_shutdown();
                    tokio::time::timeout(Duration::from_secs(10), connection)
                        .await
                        .unwrap_or(Ok(()))
                }
            };
            if let Err(error) = served {
                tracing::debug!(%error, "connection closed");
            }
        });
    }
}
