//! `LISTEN`: a connection of its own that wakes this process's idle workers when any process
//! stores events. Losing it costs latency, not events: the workers poll as well.

use std::{future::poll_fn, sync::Arc, time::Duration};

use tokio::sync::Notify;
use tokio_postgres::AsyncMessage;
use tokio_postgres_rustls::MakeRustlsConnect;

use super::schema::CHANNEL;

pub(super) async fn listen(
    config: tokio_postgres::Config,
    tls: MakeRustlsConnect,
    notified: Arc<Notify>,
) {
    loop {
        match config.connect(tls.clone()).await {
            Ok((client, mut connection)) => {
                let notify = Arc::clone(&notified);
                // The connection delivers notifications only while it is polled.
                let messages = tokio::spawn(async move {
                    while let Some(message) = poll_fn(|cx| connection.poll_message(cx)).await {
                        match message {
                            Ok(AsyncMessage::Notification(_)) => {
                                notify.notify_waiters();
                                // And a permit for a worker between two waits (busy claiming).
                                notify.notify_one();
                            }
                            Ok(_) => {}
                            Err(_) => break,
                        }
                    }
                });
                if client
                    .batch_execute(&format!("LISTEN {CHANNEL}"))
                    .await
                    .is_ok()
                {
                    // Anything stored while not listening is found by the next poll; wake now.
                    notified.notify_waiters();
                    let _ = messages.await;
                } else {
                    messages.abort();
                }
                tracing::warn!("inbox: the PostgreSQL LISTEN connection ended; reconnecting");
            }
            Err(error) => {
                tracing::debug!(%error, "inbox: the PostgreSQL LISTEN connection failed");
            }
        }
        tokio::time::sleep(Duration::from_secs(1)).await;
    }
}
