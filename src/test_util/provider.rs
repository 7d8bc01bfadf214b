//! [`Provider`]: whom a [`Signer`](super::Signer) signs as, by name.

use std::{fmt, str::FromStr};

/// The providers a [`Signer`](super::Signer) signs as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
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
    /// [`Signer::public_key`](super::Signer::public_key).
    #[cfg(feature = "ed25519")]
    Discord,
    /// Standard Webhooks `v1a` (Ed25519): `webhook-signature: v1a,…`. The secret is `whsk_` +
    /// base64 of the 32-byte seed (or of the 64-byte seed and public key); the verifier takes
    /// [`Signer::public_key`](super::Signer::public_key).
    #[cfg(feature = "ed25519")]
    StandardWebhooksV1a,
}

impl Provider {
    /// Every provider, in the order of the [crate's scheme table](crate#schemes).
    #[cfg(not(feature = "ed25519"))]
    pub const ALL: &'static [Provider] = &HMAC;
    /// Every provider, in the order of the [crate's scheme table](crate#schemes).
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

    /// Its name on the command line and in `multi_provider`'s routes: `xero`, `invoiceahoy`,
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

    /// Whether it signs a timestamp, so that a [stale](super::Signer::stale) delivery must be
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
    /// use tower_webhooks::test_util::Provider;
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
