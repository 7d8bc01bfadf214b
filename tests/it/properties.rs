//! Property tests for every preset: a delivery signed as the provider signs it verifies, and a
//! change to any one byte of its body, signature, timestamp or id is refused.

use crate::signer::{ALL, NOW, Part, Preset, scheme, secret, sign};
use bytes::Bytes;
use http::HeaderValue;
use proptest::prelude::*;
use tower_webhooks::Keys;

fn preset() -> impl Strategy<Value = Preset> {
    proptest::sample::select(ALL.to_vec())
}

/// Letters, digits, punctuation and some non-ASCII: what event bodies hold.
fn text() -> impl Strategy<Value = String> {
    "[a-zA-Z0-9 {}\":,.é☃-]{0,200}"
}

fn id() -> impl Strategy<Value = String> {
    "msg_[a-zA-Z0-9]{1,24}"
}

fn params(form: &[u8]) -> Vec<(String, String)> {
    let mut params: Vec<_> = form_urlencoded::parse(form)
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    params.sort();
    params.dedup();
    params
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    /// The test kit users sign with (`test_util::Signer`) and this file's signer, written apart
    /// from it from the providers' docs, put the same signature headers on any delivery.
    #[test]
    fn the_test_kit_signs_as_the_independent_signer_does(
        preset in preset(),
        text in text(),
        id in id(),
        seed in any::<u8>(),
        at in 1_000_000_000u64..4_000_000_000,
    ) {
        use std::time::{Duration, UNIX_EPOCH};
        let key = secret(preset, seed);
        let body = crate::signer::body_for(preset, &text);
        let independent = sign(preset, &[&key], &body, at, &id);
        let kit = tower_webhooks::test_util::Signer::new(crate::signer::kit(preset), key.as_str())
            .url(&format!("https://{}{}", crate::signer::HOST, crate::signer::PATH))
            .at(UNIX_EPOCH + Duration::from_secs(at))
            .id(&id)
            .headers(body.as_bytes());
        for (_, name) in &independent.parts {
            prop_assert_eq!(kit.get(*name), independent.head.headers.get(*name), "{:?} {}", preset, name);
        }
    }

    #[test]
    fn signed_deliveries_verify(preset in preset(), text in text(), id in id(), skew in -5i64..=5) {
        let key = secret(preset, 1);
        let body = crate::signer::body_for(preset, &text);
        let at = NOW.checked_add_signed(skew).unwrap();
        let delivery = sign(preset, &[&key], &body, at, &id);
        let scheme = scheme(preset, Keys::from(key.as_str()));
        let verdict = scheme.verify(&delivery.head, &delivery.body);
        prop_assert!(verdict.is_ok(), "{:?}: {:?}", preset, verdict);
    }

    #[test]
    fn one_changed_body_byte_is_refused(
        preset in preset(),
        text in text(),
        at in any::<prop::sample::Index>(),
        flip in 1u8..=255,
    ) {
        let key = secret(preset, 1);
        let body = crate::signer::body_for(preset, &text);
        let delivery = sign(preset, &[&key], &body, NOW, "msg_1");
        prop_assume!(!delivery.body.is_empty());
        let mut changed = delivery.body.to_vec();
        let at = at.index(changed.len());
        changed[at] ^= flip;
        // Twilio signs the decoded form parameters, not the bytes: `%C3` and `%c3` are the
        // same parameters, so that is no change to what was signed.
        prop_assume!(preset != Preset::Twilio || params(&changed) != params(&delivery.body));
        let scheme = scheme(preset, Keys::from(key.as_str()));
        let verdict = scheme.verify(&delivery.head, &Bytes::from(changed));
        prop_assert!(verdict.is_err(), "{:?}: byte {} ^ {:#x} still verified", preset, at, flip);
    }

    #[test]
    fn one_changed_header_byte_is_refused(
        preset in preset(),
        text in text(),
        part in proptest::sample::select(vec![Part::Signature, Part::Timestamp, Part::Id]),
        at in any::<prop::sample::Index>(),
        flip in 1u8..=255,
    ) {
        let key = secret(preset, 1);
        let body = crate::signer::body_for(preset, &text);
        let delivery = sign(preset, &[&key], &body, NOW, "msg_1");
        // Presets whose timestamp or id lives inside the signature header (or is not signed)
        // are covered by the signature case.
        let Some((_, name)) = delivery.parts.iter().find(|(p, _)| *p == part) else {
            return Ok(());
        };
        let value = delivery.head.headers[*name].as_bytes().to_vec();
        let at = at.index(value.len());
        let mut changed = value.clone();
        changed[at] ^= flip;
        // Hex tags are case-insensitive: `a` and `A` are the same signature, not a change.
        prop_assume!(!(crate::signer::hex_tags(preset) && part == Part::Signature
            && flip == 0x20 && changed[at].is_ascii_alphabetic()));
        let Ok(changed) = HeaderValue::from_bytes(&changed) else {
            return Ok(()); // not a header a client could send
        };
        let mut head = delivery.head.clone();
        head.headers.insert(*name, changed);
        let scheme = scheme(preset, Keys::from(key.as_str()));
        let verdict = scheme.verify(&head, &delivery.body);
        prop_assert!(verdict.is_err(), "{:?}: {} byte {} ^ {:#x} still verified", preset, name, at, flip);
    }
}

#[test]
fn every_timestamped_preset_refuses_a_delivery_outside_its_window() {
    for preset in ALL.into_iter().filter(|p| crate::signer::timestamped(*p)) {
        let key = secret(preset, 1);
        let scheme = scheme(preset, Keys::from(key.as_str()));
        let body_at = |at: u64| match preset {
            // Linear's time is in the body, in milliseconds.
            Preset::Linear => crate::signer::body_for(preset, "x")
                .replace(&(NOW * 1000).to_string(), &(at * 1000).to_string()),
            _ => crate::signer::body_for(preset, "x"),
        };
        for at in [NOW - 3600, NOW + 3600] {
            let delivery = sign(preset, &[&key], &body_at(at), at, "msg_1");
            let rejection = scheme.verify(&delivery.head, &delivery.body).unwrap_err();
            assert_eq!(
                rejection.kind(),
                tower_webhooks::RejectionKind::StaleTimestamp,
                "{preset:?}"
            );
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// The layer feeds streaming schemes frame by frame: whatever the frames, the verdict is the
    /// buffered one, for good deliveries and for changed ones.
    #[test]
    fn streamed_and_buffered_agree(
        preset in preset(),
        text in text(),
        chunk in 1usize..64,
        flip in proptest::option::of((any::<prop::sample::Index>(), 1u8..=255)),
    ) {
        let key = secret(preset, 1);
        let body = crate::signer::body_for(preset, &text);
        let delivery = sign(preset, &[&key], &body, NOW, "msg_1");
        let mut body = delivery.body.to_vec();
        if let (Some((at, flip)), false) = (flip, body.is_empty()) {
            let at = at.index(body.len());
            body[at] ^= flip;
        }
        let body = Bytes::from(body);
        let scheme = scheme(preset, Keys::from(key.as_str()));
        let buffered = scheme.verify(&delivery.head, &body);
        if let Some(mut stream) = scheme.start_stream(&delivery.head) {
            for piece in body.chunks(chunk) {
                stream.update(piece);
            }
            let streamed = scheme.verify_stream(&delivery.head, &body, stream);
            prop_assert_eq!(buffered.is_ok(), streamed.is_ok(), "{:?}", preset);
            if let (Err(a), Err(b)) = (&buffered, &streamed) {
                prop_assert_eq!(a, b);
            }
        }
    }
}
