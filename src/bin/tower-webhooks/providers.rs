//! The providers the command signs as, their sample events, and their verifiers.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use clap::ValueEnum;
use tower_webhooks::{
    Clock, SignatureScheme, github, invoice_ahoy, linear, paddle, shopify, slack, square,
    standard_webhooks, stripe, svix,
    test_util::{Provider, Signer},
    twilio, xemelgo, xero, zoom,
};

/// A provider, as named on the command line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum Name {
    Xero,
    #[value(name = "invoiceahoy")]
    InvoiceAhoy,
    Xemelgo,
    Stripe,
    #[value(name = "standard-webhooks")]
    StandardWebhooks,
    Svix,
    #[value(name = "github")]
    GitHub,
    Slack,
    Shopify,
    Paddle,
    Linear,
    Zoom,
    Square,
    Twilio,
}

impl Name {
    pub(crate) fn kit(self) -> Provider {
        match self {
            Self::Xero => Provider::Xero,
            Self::InvoiceAhoy => Provider::InvoiceAhoy,
            Self::Xemelgo => Provider::Xemelgo,
            Self::Stripe => Provider::Stripe,
            Self::StandardWebhooks => Provider::StandardWebhooks,
            Self::Svix => Provider::Svix,
            Self::GitHub => Provider::GitHub,
            Self::Slack => Provider::Slack,
            Self::Shopify => Provider::Shopify,
            Self::Paddle => Provider::Paddle,
            Self::Linear => Provider::Linear,
            Self::Zoom => Provider::Zoom,
            Self::Square => Provider::Square,
            Self::Twilio => Provider::Twilio,
        }
    }

    /// Whether the provider signs a timestamp, so a stale delivery must be refused.
    pub(crate) fn timestamped(self) -> bool {
        matches!(
            self,
            Self::Stripe
                | Self::StandardWebhooks
                | Self::Svix
                | Self::Slack
                | Self::Paddle
                | Self::Linear
                | Self::Zoom
        )
    }

    /// Whether the provider demands answers without a body (Xero).
    pub(crate) fn wants_empty_answers(self) -> bool {
        self == Self::Xero
    }

    /// A realistic event of this provider's, as sent at `at`.
    pub(crate) fn sample(self, at: SystemTime) -> String {
        let ms = millis(at);
        match self {
            Self::Xero => xero_batch(
                r#"[{"resourceUrl":"https://api.xero.com/api.xro/2.0/Invoices/3a4f5b1c-0000-4000-8000-000000000001","resourceId":"3a4f5b1c-0000-4000-8000-000000000001","eventDateUtc":"2026-11-25T10:00:00.000","eventType":"UPDATE","eventCategory":"INVOICE","tenantId":"c2cc9b6e-9458-4c7d-93cc-f02b81b0594f","tenantType":"ORGANISATION"}]"#,
                &format!("sample{ms}"),
            ),
            Self::InvoiceAhoy => format!(
                r#"{{"id":"evt_{ms}","type":"invoice.created","payload":{{"id":"inv_sample","total":100}}}}"#
            ),
            Self::Xemelgo => format!(
                r#"{{"id":"evt_{ms}","eventTimestamp":{ms},"topic":"inventory.cycle_count","data":{{"location":"sample"}}}}"#
            ),
            Self::Stripe => format!(
                r#"{{"id":"evt_{ms}","object":"event","type":"invoice.created","data":{{"object":{{"id":"in_sample"}}}}}}"#
            ),
            Self::StandardWebhooks | Self::Svix => format!(
                r#"{{"type":"invoice.paid","timestamp":"{}","data":{{"id":"inv_sample"}}}}"#,
                at.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs())
            ),
            Self::GitHub => format!(r#"{{"zen":"Keep it logically awesome.","hook_id":{ms}}}"#),
            Self::Slack => format!(
                r#"{{"type":"event_callback","event_id":"Ev{ms}","event":{{"type":"app_mention","text":"sample"}}}}"#
            ),
            Self::Shopify => format!(r#"{{"id":{ms},"topic":"orders/create"}}"#),
            Self::Paddle => format!(
                r#"{{"event_id":"evt_{ms}","event_type":"transaction.completed","data":{{"id":"txn_sample"}}}}"#
            ),
            Self::Linear => format!(
                r#"{{"action":"create","type":"Issue","data":{{"id":"sample"}},"webhookTimestamp":{ms}}}"#
            ),
            Self::Zoom => {
                format!(r#"{{"event":"meeting.started","event_ts":{ms},"payload":{{}}}}"#)
            }
            Self::Square => format!(
                r#"{{"type":"payment.created","event_id":"evt_{ms}","data":{{"id":"sample"}}}}"#
            ),
            Self::Twilio => "Body=Hello&From=%2B15005550006&To=%2B15005550001".to_owned(),
        }
    }

    /// The verifier for this provider, with `secret`, checking timestamps as of `at`, for
    /// deliveries to `url` (which Square and Twilio sign).
    pub(crate) fn scheme(
        self,
        secret: &str,
        at: SystemTime,
        url: &str,
    ) -> Result<Box<dyn SignatureScheme>, String> {
        let clock = Clock::fixed(at);
        let base = url
            .parse::<http::Uri>()
            .map_err(|e| format!("--url: {e}"))?;
        let base = match (base.scheme_str(), base.authority()) {
            (Some(scheme), Some(authority)) => format!("{scheme}://{authority}"),
            _ => return Err("--url must be absolute: https://host/path".to_owned()),
        };
        let config = |e: tower_webhooks::ConfigError| e.to_string();
        Ok(match self {
            Self::Xero => Box::new(xero::Xero::new(secret)),
            Self::InvoiceAhoy => Box::new(invoice_ahoy::InvoiceAhoy::new(secret)),
            Self::Xemelgo => Box::new(xemelgo::Xemelgo::new(secret).map_err(config)?),
            Self::Stripe => Box::new(stripe::Stripe::new(secret).with_clock(clock)),
            Self::StandardWebhooks => Box::new(
                standard_webhooks::StandardWebhooks::new(secret)
                    .map_err(config)?
                    .with_clock(clock),
            ),
            Self::Svix => Box::new(svix::Svix::new(secret).map_err(config)?.with_clock(clock)),
            Self::GitHub => Box::new(github::GitHub::new(secret)),
            Self::Slack => Box::new(slack::Slack::new(secret).with_clock(clock)),
            Self::Shopify => Box::new(shopify::Shopify::new(secret)),
            Self::Paddle => Box::new(paddle::Paddle::new(secret).with_clock(clock)),
            Self::Linear => Box::new(linear::Linear::new(secret).with_clock(clock)),
            Self::Zoom => Box::new(zoom::Zoom::new(secret).with_clock(clock)),
            Self::Square => Box::new(
                square::Square::new(secret)
                    .with_public_base_url(&base)
                    .map_err(config)?,
            ),
            Self::Twilio => Box::new(
                twilio::Twilio::new(secret)
                    .with_public_base_url(&base)
                    .map_err(config)?,
            ),
        })
    }

    /// A signer for this provider, signing for `url` as of `at`.
    pub(crate) fn signer(self, secret: &str, url: &str, at: SystemTime) -> Signer {
        Signer::new(self.kit(), secret)
            .url(url)
            .at(at)
            .id(&format!("msg_{}", millis(at)))
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
