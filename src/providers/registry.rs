//! [`Provider`]: the one registry of the providers this crate ships. The test kit's signers, the
//! command line, the `multi_provider` example and the docs' lists are derived from it, and a
//! test (`tests/it/providers.rs`) fails when a provider lacks its signer, its README row, its
//! vectors or its route.

use std::{fmt, str::FromStr};

use crate::{Clock, ConfigError, Keys, SignatureScheme, routing::EventKey};

/// A provider this crate ships a scheme for, by name: to choose one from configuration, and
/// for the test kit's [`Signer`](crate::test_util::Signer)s.
///
/// ```
/// use tower_webhooks::{Provider, WebhookSignatureLayer};
///
/// let provider: Provider = "stripe".parse()?;
/// let layer = WebhookSignatureLayer::new(provider.scheme("whsec_test")?);
/// assert_eq!(layer.scheme().name(), "stripe");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Provider {
    /// `webhook-id`, `webhook-timestamp`, `webhook-signature: v1,…` (the secret is `whsec_…`).
    StandardWebhooks,
    /// The same with `svix-*` headers.
    Svix,
    /// `Stripe-Signature: t=…,v1=…`.
    Stripe,
    /// `X-Hub-Signature-256: sha256=…` and `X-GitHub-Delivery`.
    GitHub,
    /// GitHub's legacy `X-Hub-Signature: sha1=…`, for `GitHub::legacy_sha1`.
    GitHubSha1,
    /// `X-Slack-Signature: v0=…`, `X-Slack-Request-Timestamp`.
    Slack,
    /// `X-Shopify-Hmac-Sha256`.
    Shopify,
    /// `Paddle-Signature: ts=…;h1=…`.
    Paddle,
    /// `Linear-Signature` (the body's `webhookTimestamp` is the body's business).
    Linear,
    /// `x-zm-signature: v0=…`, `x-zm-request-timestamp`.
    Zoom,
    /// `x-square-hmacsha256-signature` over the URL and the body.
    Square,
    /// `X-Twilio-Signature` over the URL and the sorted form parameters of the body. A JSON
    /// body (one that starts with `{` or `[`) is signed as Twilio signs one: its SHA-256 goes
    /// into the URL as `bodySHA256`, and the URL alone is signed.
    Twilio,
    /// `x-xero-signature`.
    Xero,
    /// `x-ia-signature`.
    InvoiceAhoy,
    /// `xemelgo-signature: sha256=…`.
    Xemelgo,
    /// QuickBooks Online: `intuit-signature` (base64).
    QuickBooks,
    /// HubSpot: `X-HubSpot-Signature-v3` over the method, URL, body and timestamp.
    HubSpot,
    /// Typeform: `Typeform-Signature: sha256=<base64>`.
    Typeform,
    /// Calendly: `Calendly-Webhook-Signature: t=…,v1=…`.
    Calendly,
    /// Mux: `Mux-Signature: t=…,v1=…`.
    Mux,
    /// Sentry integrations: `Sentry-Hook-Signature` (hex).
    Sentry,
    /// Vercel: `x-vercel-signature` (HMAC-SHA1, hex).
    Vercel,
    /// Coinbase Commerce: `X-CC-Webhook-Signature` (hex).
    CoinbaseCommerce,
    /// Razorpay: `X-Razorpay-Signature` (hex).
    Razorpay,
    /// Paystack: `x-paystack-signature` (HMAC-SHA512, hex).
    Paystack,
    /// Lemon Squeezy: `X-Signature` (hex).
    LemonSqueezy,
    /// Webflow: `x-webflow-signature` over `{timestamp}:{body}`.
    Webflow,
    /// Bitbucket Cloud: `X-Hub-Signature: sha256=<hex>`.
    Bitbucket,
    /// Box: `box-signature-primary` and `-secondary` over the body and the RFC 3339 timestamp.
    Box,
    /// WooCommerce: `X-WC-Webhook-Signature` (base64).
    WooCommerce,
    /// Trello: `X-Trello-Webhook` over the body and the callback URL (HMAC-SHA1, base64).
    Trello,
    /// Intercom: `X-Hub-Signature: sha1=<hex>`.
    Intercom,
    /// Resend, through Svix: `svix-signature: v1,…` (the secret is `whsec_…`).
    Resend,
    /// Clerk, through Svix: `svix-signature: v1,…` (the secret is `whsec_…`).
    Clerk,
    /// Twitch EventSub: `Twitch-Eventsub-Message-Signature: sha256=<hex>` over the id, the RFC 3339 timestamp and the body; the challenge is answered.
    Twitch,
    /// Dropbox: `X-Dropbox-Signature` (hex); the `GET ?challenge=` is answered.
    Dropbox,
    /// Meta (WhatsApp, Messenger, Instagram): `X-Hub-Signature-256: sha256=<hex>`; the `GET` subscription check is answered when a verify token is configured.
    Meta,
    /// GitLab: the secret token in `X-Gitlab-Token` (no signature).
    GitLab,
    /// Telegram bots: the `secret_token` in `X-Telegram-Bot-Api-Secret-Token` (no signature).
    Telegram,
    /// Postmark: HTTP Basic credentials from the webhook URL (no signature); the secret is `user:password`.
    Postmark,
    /// Okta event hooks: a secret `Authorization` value (no signature); the verification `GET` is answered.
    Okta,
    /// Microsoft Graph change notifications: each notification's `clientState`; the `validationToken` is answered.
    MicrosoftGraph,
    /// Mailgun: the body's `signature` object, HMAC-SHA256 of its timestamp and token (each token accepted once).
    Mailgun,
    /// Adyen: an `hmacSignature` in each notification item (the key in hex); answers `[accepted]`.
    Adyen,
    /// SendGrid's event webhook: `X-Twilio-Email-Event-Webhook-Signature`, ECDSA P-256 over
    /// the timestamp and the body. The secret is a P-256 private key (hex, 64 digits); the
    /// verifier takes `Signer::public_key` (base64 of its DER SubjectPublicKeyInfo).
    #[cfg(feature = "ecdsa")]
    SendGrid,
    /// AWS SNS: an RSA signature in the body, the certificate fetched from `SigningCertURL` on
    /// SNS's hosts. The "key" is the topic ARN accepted; the test kit's secret is its RSA
    /// private key and certificate (PEM).
    #[cfg(feature = "fetch")]
    AwsSns,
    /// PayPal: `PAYPAL-TRANSMISSION-SIG`, RSA over the transmission, the webhook id and the
    /// body's CRC32, the certificate fetched from `PAYPAL-CERT-URL` on PayPal's hosts. The
    /// "key" is the webhook id.
    #[cfg(feature = "fetch")]
    PayPal,
    /// Google Cloud Pub/Sub push: an RS256 token in `Authorization: Bearer`, Google's keys
    /// fetched. The "key" is `<push service account> <audience>`.
    #[cfg(feature = "fetch")]
    GooglePubSub,
    /// Discord interactions: `X-Signature-Ed25519` over `{timestamp}{body}`. The secret is the
    /// application's Ed25519 private key seed in hex (64 digits); the verifier takes
    /// `Signer::public_key`.
    #[cfg(feature = "ed25519")]
    Discord,
    /// Standard Webhooks `v1a` (Ed25519): `webhook-signature: v1a,…`. The secret is `whsk_` +
    /// base64 of the 32-byte seed (or of the 64-byte seed and public key); the verifier takes
    /// `Signer::public_key`.
    #[cfg(feature = "ed25519")]
    StandardWebhooksV1a,
}

impl Provider {
    /// Every provider, in the order of the [crate's scheme table](crate#providers).
    pub const ALL: &'static [Provider] = &[
        Provider::StandardWebhooks,
        Provider::Svix,
        Provider::Stripe,
        Provider::GitHub,
        Provider::GitHubSha1,
        Provider::Slack,
        Provider::Shopify,
        Provider::Paddle,
        Provider::Linear,
        Provider::Zoom,
        Provider::Square,
        Provider::Twilio,
        Provider::Xero,
        Provider::InvoiceAhoy,
        Provider::Xemelgo,
        Provider::QuickBooks,
        Provider::HubSpot,
        Provider::Typeform,
        Provider::Calendly,
        Provider::Mux,
        Provider::Sentry,
        Provider::Vercel,
        Provider::CoinbaseCommerce,
        Provider::Razorpay,
        Provider::Paystack,
        Provider::LemonSqueezy,
        Provider::Webflow,
        Provider::Bitbucket,
        Provider::Box,
        Provider::WooCommerce,
        Provider::Trello,
        Provider::Intercom,
        Provider::Resend,
        Provider::Clerk,
        Provider::Twitch,
        Provider::Dropbox,
        Provider::Meta,
        Provider::GitLab,
        Provider::Telegram,
        Provider::Postmark,
        Provider::Okta,
        Provider::MicrosoftGraph,
        Provider::Mailgun,
        Provider::Adyen,
        #[cfg(feature = "ecdsa")]
        Provider::SendGrid,
        #[cfg(feature = "fetch")]
        Provider::AwsSns,
        #[cfg(feature = "fetch")]
        Provider::PayPal,
        #[cfg(feature = "fetch")]
        Provider::GooglePubSub,
        #[cfg(feature = "ed25519")]
        Provider::Discord,
        #[cfg(feature = "ed25519")]
        Provider::StandardWebhooksV1a,
    ];

    /// Its name: its [`SignatureScheme::name`] (but for `github-sha1`, whose scheme is
    /// `github`), on the command line and in `multi_provider`'s routes: `xero`, `invoiceahoy`,
    /// `standard-webhooks`, `github-sha1`, … [`FromStr`] reads it back.
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Self::StandardWebhooks => "standard-webhooks",
            Self::Svix => "svix",
            Self::Stripe => "stripe",
            Self::GitHub => "github",
            Self::GitHubSha1 => "github-sha1",
            Self::Slack => "slack",
            Self::Shopify => "shopify",
            Self::Paddle => "paddle",
            Self::Linear => "linear",
            Self::Zoom => "zoom",
            Self::Square => "square",
            Self::Twilio => "twilio",
            Self::Xero => "xero",
            Self::InvoiceAhoy => "invoiceahoy",
            Self::Xemelgo => "xemelgo",
            Self::QuickBooks => "quickbooks",
            Self::HubSpot => "hubspot",
            Self::Typeform => "typeform",
            Self::Calendly => "calendly",
            Self::Mux => "mux",
            Self::Sentry => "sentry",
            Self::Vercel => "vercel",
            Self::CoinbaseCommerce => "coinbase-commerce",
            Self::Razorpay => "razorpay",
            Self::Paystack => "paystack",
            Self::LemonSqueezy => "lemonsqueezy",
            Self::Webflow => "webflow",
            Self::Bitbucket => "bitbucket",
            Self::Box => "box",
            Self::WooCommerce => "woocommerce",
            Self::Trello => "trello",
            Self::Intercom => "intercom",
            Self::Resend => "resend",
            Self::Clerk => "clerk",
            Self::Twitch => "twitch",
            Self::Dropbox => "dropbox",
            Self::Meta => "meta",
            Self::GitLab => "gitlab",
            Self::Telegram => "telegram",
            Self::Postmark => "postmark",
            Self::Okta => "okta",
            Self::MicrosoftGraph => "microsoft-graph",
            Self::Mailgun => "mailgun",
            Self::Adyen => "adyen",
            #[cfg(feature = "ecdsa")]
            Self::SendGrid => "sendgrid",
            #[cfg(feature = "fetch")]
            Self::AwsSns => "aws-sns",
            #[cfg(feature = "fetch")]
            Self::PayPal => "paypal",
            #[cfg(feature = "fetch")]
            Self::GooglePubSub => "google-pubsub",
            #[cfg(feature = "ed25519")]
            Self::Discord => "discord",
            #[cfg(feature = "ed25519")]
            Self::StandardWebhooksV1a => "standard-webhooks-v1a",
        }
    }

    /// Whether it signs a timestamp, so that a stale delivery must be
    /// refused. Linear's is in the body (`webhookTimestamp`), which the signer does not write:
    /// a stale Linear delivery needs a stale body.
    #[must_use]
    pub fn signs_timestamp(self) -> bool {
        match self {
            Self::StandardWebhooks
            | Self::Svix
            | Self::Stripe
            | Self::Slack
            | Self::Paddle
            | Self::Linear
            | Self::Zoom
            | Self::HubSpot
            | Self::Calendly
            | Self::Mux
            | Self::Webflow
            | Self::Box
            | Self::Resend
            | Self::Clerk
            | Self::Twitch
            | Self::Mailgun => true,
            #[cfg(feature = "ed25519")]
            Self::Discord | Self::StandardWebhooksV1a => true,
            #[cfg(feature = "fetch")]
            Self::GooglePubSub => true,
            _ => false,
        }
    }

    /// Whether it signs the URL it calls (Square, Twilio, HubSpot, Trello): behind a proxy or a tunnel, give that
    /// URL with [`SchemeConfig::public_base_url`].
    #[must_use]
    pub fn signs_url(self) -> bool {
        matches!(
            self,
            Self::Square | Self::Twilio | Self::HubSpot | Self::Trello
        )
    }

    /// Where its events say their type, for [`EventRouter`](crate::routing::EventRouter): the
    /// provider module's `EVENT_KEY`. `None` for Twilio (form parameters, not JSON events) and
    /// Discord (interactions are typed by number, and answered by the scheme when they are
    /// PINGs).
    #[must_use]
    pub fn event_key(self) -> Option<EventKey> {
        use crate::providers::*;
        Some(match self {
            Self::StandardWebhooks => standard_webhooks::EVENT_KEY,
            Self::Svix => svix::EVENT_KEY,
            Self::Stripe => stripe::EVENT_KEY,
            Self::GitHub | Self::GitHubSha1 => github::EVENT_KEY,
            Self::Slack => slack::EVENT_KEY,
            Self::Shopify => shopify::EVENT_KEY,
            Self::Paddle => paddle::EVENT_KEY,
            Self::Linear => linear::EVENT_KEY,
            Self::Zoom => zoom::EVENT_KEY,
            Self::Square => square::EVENT_KEY,
            Self::Xero => xero::EVENT_KEY,
            Self::InvoiceAhoy => invoice_ahoy::EVENT_KEY,
            Self::Xemelgo => xemelgo::EVENT_KEY,
            Self::QuickBooks => quickbooks::EVENT_KEY,
            Self::HubSpot => hubspot::EVENT_KEY,
            Self::Typeform => typeform::EVENT_KEY,
            Self::Calendly => calendly::EVENT_KEY,
            Self::Mux => mux::EVENT_KEY,
            Self::Sentry => sentry::EVENT_KEY,
            Self::Vercel => vercel::EVENT_KEY,
            Self::CoinbaseCommerce => coinbase_commerce::EVENT_KEY,
            Self::Razorpay => razorpay::EVENT_KEY,
            Self::Paystack => paystack::EVENT_KEY,
            Self::LemonSqueezy => lemon_squeezy::EVENT_KEY,
            Self::Webflow => webflow::EVENT_KEY,
            Self::Bitbucket => bitbucket::EVENT_KEY,
            Self::Box => box_com::EVENT_KEY,
            Self::WooCommerce => woocommerce::EVENT_KEY,
            Self::Trello => trello::EVENT_KEY,
            Self::Intercom => intercom::EVENT_KEY,
            Self::Resend => resend::EVENT_KEY,
            Self::Clerk => clerk::EVENT_KEY,
            Self::Twitch => twitch::EVENT_KEY,
            Self::Meta => meta::EVENT_KEY,
            Self::GitLab => gitlab::EVENT_KEY,
            Self::Postmark => postmark::EVENT_KEY,
            Self::Okta => okta::EVENT_KEY,
            Self::MicrosoftGraph => microsoft_graph::EVENT_KEY,
            Self::Mailgun => mailgun::EVENT_KEY,
            Self::Adyen => adyen::EVENT_KEY,
            #[cfg(feature = "ecdsa")]
            Self::SendGrid => sendgrid::EVENT_KEY,
            #[cfg(feature = "fetch")]
            Self::AwsSns => aws_sns::EVENT_KEY,
            #[cfg(feature = "fetch")]
            Self::PayPal => paypal::EVENT_KEY,
            #[cfg(feature = "fetch")]
            Self::GooglePubSub => return None,
            #[cfg(feature = "ed25519")]
            Self::StandardWebhooksV1a => standard_webhooks::EVENT_KEY,
            Self::Twilio | Self::Dropbox | Self::Telegram => return None,
            #[cfg(feature = "ed25519")]
            Self::Discord => return None,
        })
    }

    /// Its scheme with the provider's defaults, verifying with `keys` (for Discord and Standard
    /// Webhooks `v1a`, public keys). The same as
    /// [`configure(keys).build()`](SchemeConfig::build).
    pub fn scheme(self, keys: impl Into<Keys>) -> Result<Box<dyn SignatureScheme>, ConfigError> {
        self.configure(keys).build()
    }

    /// Starts configuring its scheme, for the settings that are not the provider's defaults.
    pub fn configure(self, keys: impl Into<Keys>) -> SchemeConfig {
        SchemeConfig {
            provider: self,
            keys: keys.into(),
            clock: None,
            public_base_url: None,
            verify_token: None,
            #[cfg(feature = "fetch")]
            fetcher: None,
        }
    }
}

/// A provider's scheme being configured by name, from [`Provider::configure`].
///
/// ```
/// use tower_webhooks::Provider;
///
/// let twilio = Provider::Twilio
///     .configure("auth token")
///     .public_base_url("https://example.com")
///     .build()?;
/// assert_eq!(twilio.name(), "twilio");
/// # Ok::<(), tower_webhooks::ConfigError>(())
/// ```
#[derive(Debug)]
#[must_use]
pub struct SchemeConfig {
    provider: Provider,
    keys: Keys,
    clock: Option<Clock>,
    public_base_url: Option<String>,
    verify_token: Option<Keys>,
    #[cfg(feature = "fetch")]
    fetcher: Option<crate::fetch::KeyFetcher>,
}

impl SchemeConfig {
    /// The clock the replay window is checked against, for providers that
    /// [sign a timestamp](Provider::signs_timestamp); the others have no use for it.
    pub fn clock(mut self, clock: Clock) -> Self {
        self.clock = Some(clock);
        self
    }

    /// The public URL the provider calls, up to the path, for providers that
    /// [sign the URL](Provider::signs_url); the others have no use for it.
    pub fn public_base_url(mut self, base: &str) -> Self {
        self.public_base_url = Some(base.to_owned());
        self
    }

    /// The secret of a handshake that carries one of its own, for the providers whose
    /// handshake does (Meta's `hub.verify_token`); the others have no use for it.
    pub fn verify_token(mut self, token: impl Into<Keys>) -> Self {
        self.verify_token = Some(token.into());
        self
    }

    /// The fetcher of the providers whose keys are fetched (AWS SNS, PayPal, Google Pub/Sub):
    /// to share one cache and bound, trust a test CA or pin documents. Default:
    /// [`KeyFetcher::new`](crate::fetch::KeyFetcher::new).
    #[cfg(feature = "fetch")]
    pub fn fetcher(mut self, fetcher: crate::fetch::KeyFetcher) -> Self {
        self.fetcher = Some(fetcher);
        self
    }

    /// Builds the scheme. Fails as the provider's own constructor does (no key, a key of the
    /// wrong form), or when the public base URL is not an absolute `http(s)` URL.
    pub fn build(self) -> Result<Box<dyn SignatureScheme>, ConfigError> {
        use crate::providers::*;
        let Self {
            provider,
            keys,
            clock,
            public_base_url,
            verify_token,
            #[cfg(feature = "fetch")]
            fetcher,
        } = self;
        #[cfg(feature = "fetch")]
        let fetcher = fetcher.unwrap_or_default();
        let clock = clock.unwrap_or_else(Clock::system);
        let url = public_base_url.as_deref();
        Ok(match provider {
            Provider::StandardWebhooks => {
                Box::new(standard_webhooks::StandardWebhooks::with_keys(keys)?.with_clock(clock))
            }
            Provider::Svix => Box::new(svix::Svix::with_keys(keys)?.with_clock(clock)),
            Provider::Stripe => Box::new(stripe::Stripe::with_keys(keys)?.with_clock(clock)),
            Provider::GitHub => Box::new(github::GitHub::with_keys(keys)?),
            Provider::GitHubSha1 => Box::new(github::GitHub::legacy_sha1(keys)?),
            Provider::Slack => Box::new(slack::Slack::with_keys(keys)?.with_clock(clock)),
            Provider::Shopify => Box::new(shopify::Shopify::with_keys(keys)?),
            Provider::Paddle => Box::new(paddle::Paddle::with_keys(keys)?.with_clock(clock)),
            Provider::Linear => Box::new(linear::Linear::with_keys(keys)?.with_clock(clock)),
            Provider::Zoom => Box::new(zoom::Zoom::with_keys(keys)?.with_clock(clock)),
            Provider::Square => {
                let square = square::Square::with_keys(keys)?;
                Box::new(match url {
                    Some(base) => square.with_public_base_url(base)?,
                    None => square,
                })
            }
            Provider::Twilio => {
                let twilio = twilio::Twilio::with_keys(keys)?;
                Box::new(match url {
                    Some(base) => twilio.with_public_base_url(base)?,
                    None => twilio,
                })
            }
            Provider::Xero => Box::new(xero::Xero::with_keys(keys)?),
            Provider::InvoiceAhoy => Box::new(invoice_ahoy::InvoiceAhoy::with_keys(keys)?),
            Provider::Xemelgo => Box::new(xemelgo::Xemelgo::with_keys(keys)?),
            Provider::QuickBooks => Box::new(quickbooks::QuickBooks::with_keys(keys)?),
            Provider::HubSpot => {
                let scheme = hubspot::HubSpot::with_keys(keys)?.with_clock(clock);
                Box::new(match url {
                    Some(base) => scheme.with_public_base_url(base)?,
                    None => scheme,
                })
            }
            Provider::Typeform => Box::new(typeform::Typeform::with_keys(keys)?),
            Provider::Calendly => Box::new(calendly::Calendly::with_keys(keys)?.with_clock(clock)),
            Provider::Mux => Box::new(mux::Mux::with_keys(keys)?.with_clock(clock)),
            Provider::Sentry => Box::new(sentry::Sentry::with_keys(keys)?),
            Provider::Vercel => Box::new(vercel::Vercel::with_keys(keys)?),
            Provider::CoinbaseCommerce => {
                Box::new(coinbase_commerce::CoinbaseCommerce::with_keys(keys)?)
            }
            Provider::Razorpay => Box::new(razorpay::Razorpay::with_keys(keys)?),
            Provider::Paystack => Box::new(paystack::Paystack::with_keys(keys)?),
            Provider::LemonSqueezy => Box::new(lemon_squeezy::LemonSqueezy::with_keys(keys)?),
            Provider::Webflow => Box::new(webflow::Webflow::with_keys(keys)?.with_clock(clock)),
            Provider::Bitbucket => Box::new(bitbucket::Bitbucket::with_keys(keys)?),
            Provider::Box => Box::new(box_com::BoxCom::with_keys(keys)?.with_clock(clock)),
            Provider::WooCommerce => Box::new(woocommerce::WooCommerce::with_keys(keys)?),
            Provider::Trello => {
                let scheme = trello::Trello::with_keys(keys)?;
                Box::new(match url {
                    Some(base) => scheme.with_public_base_url(base)?,
                    None => scheme,
                })
            }
            Provider::Intercom => Box::new(intercom::Intercom::with_keys(keys)?),
            Provider::Resend => Box::new(resend::Resend::with_keys(keys)?.with_clock(clock)),
            Provider::Clerk => Box::new(clerk::Clerk::with_keys(keys)?.with_clock(clock)),
            Provider::Twitch => Box::new(twitch::Twitch::with_keys(keys)?.with_clock(clock)),
            Provider::Dropbox => Box::new(dropbox::Dropbox::with_keys(keys)?),
            Provider::Meta => {
                let meta = meta::Meta::with_keys(keys)?;
                Box::new(match verify_token {
                    Some(token) => meta.with_verify_token(token)?,
                    None => meta,
                })
            }
            Provider::GitLab => Box::new(gitlab::GitLab::with_keys(keys)?),
            Provider::Telegram => Box::new(telegram::Telegram::with_keys(keys)?),
            Provider::Postmark => Box::new(postmark::Postmark::with_keys(keys)?),
            Provider::Okta => Box::new(okta::Okta::with_keys(keys)?),
            Provider::MicrosoftGraph => Box::new(microsoft_graph::MicrosoftGraph::with_keys(keys)?),
            Provider::Mailgun => Box::new(mailgun::Mailgun::with_keys(keys)?.with_clock(clock)),
            Provider::Adyen => Box::new(adyen::Adyen::with_keys(keys)?),
            #[cfg(feature = "ecdsa")]
            Provider::SendGrid => Box::new(sendgrid::SendGrid::with_keys(keys)?.with_clock(clock)),
            #[cfg(feature = "fetch")]
            Provider::AwsSns => Box::new(aws_sns::AwsSns::with_keys(keys)?.with_fetcher(fetcher)),
            #[cfg(feature = "fetch")]
            Provider::PayPal => Box::new(paypal::PayPal::with_keys(keys)?.with_fetcher(fetcher)),
            #[cfg(feature = "fetch")]
            Provider::GooglePubSub => Box::new(
                google_pubsub::GooglePubSub::from_pairs(keys)?
                    .with_clock(clock)
                    .with_fetcher(fetcher),
            ),
            #[cfg(feature = "ed25519")]
            Provider::Discord => Box::new(discord::Discord::with_keys(keys)?.with_clock(clock)),
            #[cfg(feature = "ed25519")]
            Provider::StandardWebhooksV1a => {
                Box::new(standard_webhooks::StandardWebhooksV1a::with_keys(keys)?.with_clock(clock))
            }
        })
    }
}

impl fmt::Display for Provider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A name that is no [`Provider`]'s.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownProvider(String);

impl fmt::Display for UnknownProvider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "no provider is called {:?}; the providers are ", self.0)?;
        for (n, provider) in Provider::ALL.iter().enumerate() {
            let separator = if n == 0 { "" } else { ", " };
            write!(f, "{separator}{provider}")?;
        }
        Ok(())
    }
}

impl std::error::Error for UnknownProvider {}

impl FromStr for Provider {
    type Err = UnknownProvider;

    /// ```
    /// use tower_webhooks::Provider;
    ///
    /// assert_eq!("xero".parse(), Ok(Provider::Xero));
    /// assert!("nobody".parse::<Provider>().unwrap_err().to_string().contains("invoiceahoy"));
    /// ```
    fn from_str(name: &str) -> Result<Self, UnknownProvider> {
        Provider::ALL
            .iter()
            .copied()
            .find(|provider| provider.name().eq_ignore_ascii_case(name))
            .ok_or_else(|| UnknownProvider(name.to_owned()))
    }
}
