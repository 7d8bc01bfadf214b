//! A run full of failures, every `tracing` line captured at TRACE, and no byte of any secret in
//! it: wrong keys, malformed and missing headers, stale timestamps, oversize and unreadable
//! bodies, a store that is down, and a secret configured with stray whitespace, for every
//! preset. In the `logs` binary (see `main.rs`).

use std::convert::Infallible;

use crate::{
    capture::Captured,
    common::Down,
    signer::{ALL, NOW, Preset, sign},
};
use bytes::Bytes;
use http::Request;
use http_body_util::Full;
use tower::{Layer as _, ServiceExt as _};
use tower_webhooks::{
    Keys, WebhookSignatureLayer, idempotency::IdempotencyLayer, layer::RequestBody,
};

/// Every 6-byte run of the secret; the log must contain none.
fn leaks(log: &str, secret: &str) -> Option<String> {
    let bytes = secret.trim_start_matches("whsec_").as_bytes();
    bytes
        .windows(6)
        .find(|w| log.as_bytes().windows(6).any(|l| l == *w))
        .map(|w| String::from_utf8_lossy(w).into_owned())
}

#[tokio::test(flavor = "current_thread")]
async fn no_secret_reaches_the_log() {
    let captured = Captured::default();
    let _guard = captured.install(tracing::Level::TRACE);

    let mut secrets = Vec::new();
    for (n, preset) in ALL.into_iter().enumerate() {
        // Secrets no log text could contain by chance, in the form each preset takes.
        let made_up = |seed: u8| match preset {
            Preset::StandardWebhooks | Preset::Svix => {
                format!(
                    "whsec_{}",
                    crate::signer::b64(format!("Zq8kP2wX9vL4mN7rT1y{n:02}{seed}").as_bytes())
                )
            }
            _ => format!("Zq8kP2wX9vL4mN7rT1yH6gF3dS5aJ0-{n:02}-{seed}"),
        };
        let (right, wrong) = (made_up(1), made_up(2));
        secrets.push(right.clone());
        secrets.push(wrong.clone());
        // For Standard Webhooks, the decoded key too.
        secrets.push(format!("Zq8kP2wX9vL4mN7rT1y{n:02}1"));
        let body = crate::signer::body_for(preset, "payload");
        // Configured with a trailing newline where that is not a config error, to draw hints.
        let configured = match preset {
            Preset::StandardWebhooks | Preset::Svix => right.clone(),
            _ => format!("{right}\n"),
        };
        let scheme = crate::signer::scheme(preset, Keys::new().key("k1", configured));
        let inner = tower::service_fn(|_: Request<RequestBody>| async {
            Ok::<_, Infallible>(http::Response::new(Full::new(Bytes::new())))
        });
        let service = IdempotencyLayer::new(Down).layer(inner);
        let service = WebhookSignatureLayer::new(scheme)
            .body_limit(256)
            .layer(service);

        let mut cases = Vec::new();
        // Wrong key, then the right one (through a store that is down), then stale.
        cases.push(sign(preset, &[&wrong], &body, NOW, "msg_1"));
        cases.push(sign(preset, &[&right], &body, NOW, "msg_1"));
        cases.push(sign(preset, &[&right], &body, NOW - 86_400, "msg_1"));
        // Every header it sends, malformed, then missing.
        let base = sign(preset, &[&right], &body, NOW, "msg_1");
        for (_, name) in &base.parts {
            let mut bad = base.clone();
            bad.head
                .headers
                .insert(*name, "%%% not a signature %%%".parse().unwrap());
            cases.push(bad.clone());
            bad.head.headers.remove(*name);
            cases.push(bad);
        }
        // Oversize.
        let mut big = base.clone();
        big.body = Bytes::from(vec![b'{'; 1024]);
        cases.push(big);
        for case in cases {
            let request = Request::from_parts(case.head, Full::new(case.body));
            let _ = service.clone().oneshot(request).await.unwrap();
        }
    }
    let log = captured.take();
    assert!(
        log.matches("webhook delivery rejected").count() > 14 * 4,
        "{log}"
    );
    assert!(log.contains("idempotency store unavailable"), "{log}");
    assert!(log.contains("hint="), "{log}");
    for secret in &secrets {
        assert_eq!(
            leaks(&log, secret),
            None,
            "a run of a secret is in the log:\n{log}"
        );
    }
}
