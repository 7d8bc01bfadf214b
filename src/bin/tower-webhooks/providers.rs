//! The sample events the command sends as each provider, and how it signs them.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use tower_webhooks::test_util::{Provider, Signer};

/// Whether the provider demands answers without a body (Xero).
pub(crate) fn wants_empty_answers(provider: Provider) -> bool {
    provider == Provider::Xero
}

/// A signer for `provider`, signing for `url` as of `at`, with a delivery id of that time.
pub(crate) fn signer(provider: Provider, secret: &str, url: &str, at: SystemTime) -> Signer {
    Signer::new(provider, secret)
        .url(url)
        .at(at)
        .id(&format!("msg_{}", millis(at)))
}

/// A realistic event of this provider's, as sent at `at`.
pub(crate) fn sample(provider: Provider, at: SystemTime) -> String {
    let ms = millis(at);
    match provider {
        Provider::Xero => xero_batch(
            r#"[{"resourceUrl":"https://api.xero.com/api.xro/2.0/Invoices/3a4f5b1c-0000-4000-8000-000000000001","resourceId":"3a4f5b1c-0000-4000-8000-000000000001","eventDateUtc":"2026-11-25T10:00:00.000","eventType":"UPDATE","eventCategory":"INVOICE","tenantId":"c2cc9b6e-9458-4c7d-93cc-f02b81b0594f","tenantType":"ORGANISATION"}]"#,
            &format!("sample{ms}"),
        ),
        Provider::InvoiceAhoy => format!(
            r#"{{"id":"evt_{ms}","type":"invoice.created","payload":{{"id":"inv_sample","total":100}}}}"#
        ),
        Provider::Xemelgo => format!(
            r#"{{"id":"evt_{ms}","eventTimestamp":{ms},"topic":"inventory.cycle_count","data":{{"location":"sample"}}}}"#
        ),
        Provider::Stripe => format!(
            r#"{{"id":"evt_{ms}","object":"event","type":"invoice.created","data":{{"object":{{"id":"in_sample"}}}}}}"#
        ),
        Provider::StandardWebhooks | Provider::Svix | Provider::StandardWebhooksV1a => format!(
            r#"{{"type":"invoice.paid","timestamp":"{}","data":{{"id":"inv_sample"}}}}"#,
            at.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs())
        ),
        Provider::GitHub | Provider::GitHubSha1 => {
            format!(r#"{{"zen":"Keep it logically awesome.","hook_id":{ms}}}"#)
        }
        Provider::Slack => format!(
            r#"{{"type":"event_callback","event_id":"Ev{ms}","event":{{"type":"app_mention","text":"sample"}}}}"#
        ),
        Provider::Shopify => format!(r#"{{"id":{ms},"topic":"orders/create"}}"#),
        Provider::Paddle => format!(
            r#"{{"event_id":"evt_{ms}","event_type":"transaction.completed","data":{{"id":"txn_sample"}}}}"#
        ),
        Provider::Linear => format!(
            r#"{{"action":"create","type":"Issue","data":{{"id":"sample"}},"webhookTimestamp":{ms}}}"#
        ),
        Provider::Zoom => {
            format!(r#"{{"event":"meeting.started","event_ts":{ms},"payload":{{}}}}"#)
        }
        Provider::Square => format!(
            r#"{{"type":"payment.created","event_id":"evt_{ms}","data":{{"id":"sample"}}}}"#
        ),
        Provider::Twilio => "Body=Hello&From=%2B15005550006&To=%2B15005550001".to_owned(),
        // A PING, which the endpoint must answer `{"type":1}`.
        Provider::Discord => r#"{"type":1}"#.to_owned(),
        // The registry is `non_exhaustive` to users: a provider added without a sample here
        // gets this one, and `check` against it still exercises its signature.
        _ => format!(r#"{{"type":"test.event","id":"evt_{ms}"}}"#),
    }
}

/// A Xero payload around `events` (a JSON array), with its `entropy`.
pub(crate) fn xero_batch(events: &str, entropy: &str) -> String {
    format!(
        r#"{{"events":{events},"firstEventSequence":1,"lastEventSequence":1,"entropy":"{entropy}"}}"#
    )
}

fn millis(at: SystemTime) -> u128 {
    at.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_millis())
}

/// `at`, an hour earlier: far outside every provider's replay window.
pub(crate) fn an_hour_before(at: SystemTime) -> SystemTime {
    at - Duration::from_secs(3600)
}
