//! The provider checklist, from the one registry (`Provider::ALL`): every provider has its row
//! in the README's scheme table, its vectors in `fixtures/signatures.json`, a test-kit signer
//! whose requests its scheme accepts, and a scheme built by name that streams like the
//! provider's own type. (Its `multi_provider` route is checked in `cli.rs`, by driving the
//! example with every provider of the registry.) Adding a provider without one of these fails
//! here.

use serde_json::Value;
use tower_webhooks::{Provider, test_util::Signer};

const README: &str = include_str!("../../README.md");
const VECTORS: &str = include_str!("../fixtures/signatures.json");

/// The names in the first column of the README's scheme table.
fn readme_names() -> Vec<String> {
    let table = README
        .split("\n## Schemes\n")
        .nth(1)
        .expect("the README has a Schemes section")
        .split("\n## ")
        .next()
        .unwrap();
    table
        .lines()
        .filter(|line| line.starts_with("| `"))
        .flat_map(|row| {
            let first = row.split('|').nth(1).unwrap();
            first
                .split(',')
                .map(|name| name.trim().trim_matches('`').to_owned())
                .collect::<Vec<_>>()
        })
        .collect()
}

#[test]
fn every_provider_has_a_readme_row_and_every_row_a_provider() {
    let names = readme_names();
    for provider in Provider::ALL {
        assert!(
            names.iter().any(|name| name == provider.name()),
            "the README's scheme table has no row for `{provider}`: add one"
        );
    }
    for name in &names {
        assert!(
            name.parse::<Provider>().is_ok(),
            "the README's scheme table names `{name}`, which is no provider"
        );
    }
}

#[test]
fn every_provider_has_vectors() {
    let fixtures: Value = serde_json::from_str(VECTORS).unwrap();
    let vectors = fixtures["vectors"].as_array().unwrap();
    for vector in vectors {
        if let Some(name) = vector["provider"].as_str() {
            assert!(
                name.parse::<Provider>().is_ok(),
                "{}: `{name}` is no provider",
                vector["id"]
            );
        }
    }
    for provider in Provider::ALL {
        assert!(
            vectors
                .iter()
                .any(|vector| vector["provider"] == provider.name()),
            "fixtures/signatures.json has no vector for `{provider}`: add one, with its source"
        );
    }
}

#[test]
fn every_provider_has_a_signer_its_scheme_accepts_and_names() {
    for &provider in Provider::ALL {
        let signer = Signer::new(provider, crate::common::kit_secret(provider))
            .url("https://example.com/hooks");
        let body = match provider {
            Provider::Twilio => "Body=hello".to_owned(),
            // Linear's signed timestamp is in the body, and must be the signer's clock's.
            Provider::Linear => {
                let now = signer.clock().now();
                let ms = now
                    .duration_since(std::time::UNIX_EPOCH)
                    .unwrap()
                    .as_millis();
                format!(r#"{{"type":"Issue","webhookTimestamp":{ms}}}"#)
            }
            _ => r#"{"type":"test.event","id":"evt_1"}"#.to_owned(),
        };
        let scheme = signer.scheme().unwrap();
        let (head, bytes) = signer.request(body.clone()).into_parts();
        assert!(
            scheme.verify(&head, &bytes).is_ok(),
            "{provider}: its scheme refuses its signer's request"
        );
        let (head, bytes) = signer.wrongly_signed(body).into_parts();
        assert!(scheme.verify(&head, &bytes).is_err(), "{provider}");
        // The scheme's name is the provider's (GitHub's legacy header is still GitHub).
        let expected = match provider {
            Provider::GitHubSha1 => "github",
            other => other.name(),
        };
        assert_eq!(scheme.name(), expected);
    }
}

#[test]
fn a_scheme_built_by_name_has_the_providers_defaults() {
    for &provider in Provider::ALL {
        // The asymmetric providers' verifiers take the signer's public key.
        let signer = Signer::new(provider, crate::common::kit_secret(provider));
        let keys = signer
            .public_key()
            .unwrap_or_else(|| crate::common::kit_secret(provider).to_owned());
        let scheme = provider.scheme(keys.as_str()).unwrap();
        assert_eq!(
            scheme.response_policy().strips_body(),
            provider == Provider::Xero,
            "{provider}"
        );
        assert!(
            provider
                .configure(tower_webhooks::Keys::new())
                .build()
                .is_err(),
            "{provider}: no key must be a configuration error"
        );
        assert_eq!(provider.name().parse::<Provider>().unwrap(), provider);
        assert_eq!(
            provider.event_key().is_some(),
            !matches!(
                provider.name(),
                "twilio" | "discord" | "dropbox" | "telegram" | "google-pubsub"
            )
        );
    }
}
