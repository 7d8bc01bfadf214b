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
    #[cfg(not(feature = "ed25519"))]
    pub const ALL: &'static [Provider] = &HMAC;
    /// Every provider, in the order of the [crate's scheme table](crate#providers).
    #[cfg(feature = "ed25519")]
    pub const ALL: &'static [Provider] = &[
        HMAC[0],
        HMAC[1],
        HMAC[2],
        HMAC[3],
        HMAC[4],
        HMAC[5],
        HMAC[6],
        HMAC[7],
        HMAC[8],
        HMAC[9],
        HMAC[10],
        HMAC[11],
        HMAC[12],
        HMAC[13],
        HMAC[14],
        Provider::Discord,
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
            | Self::Zoom => true,
            #[cfg(feature = "ed25519")]
            Self::Discord | Self::StandardWebhooksV1a => true,
            _ => false,
        }
    }

    /// Whether it signs the URL it calls (Square, Twilio): behind a proxy or a tunnel, give that
    /// URL with [`SchemeConfig::public_base_url`].
    #[must_use]
    pub fn signs_url(self) -> bool {
        matches!(self, Self::Square | Self::Twilio)
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
            #[cfg(feature = "ed25519")]
            Self::StandardWebhooksV1a => standard_webhooks::EVENT_KEY,
            Self::Twilio => return None,
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

    /// Builds the scheme. Fails as the provider's own constructor does (no key, a key of the
    /// wrong form), or when the public base URL is not an absolute `http(s)` URL.
    pub fn build(self) -> Result<Box<dyn SignatureScheme>, ConfigError> {
        use crate::providers::*;
        let Self {
            provider,
            keys,
            clock,
            public_base_url,
        } = self;
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
            #[cfg(feature = "ed25519")]
            Provider::Discord => Box::new(discord::Discord::with_keys(keys)?.with_clock(clock)),
            #[cfg(feature = "ed25519")]
            Provider::StandardWebhooksV1a => {
                Box::new(standard_webhooks::StandardWebhooksV1a::with_keys(keys)?.with_clock(clock))
            }
        })
    }
}

const HMAC: [Provider; 15] = [
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
];

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
