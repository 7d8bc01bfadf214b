//! Rows 3 and 11 of the attack report: work a forger could trigger at will before the
//! signature is known to be bad. Xemelgo's `JSON.stringify` fallback ran for every forgery
//! (a wrongly signed 1 MiB body of nested arrays cost 66 ms and +153 MiB), and the near-miss
//! hints MACed a whole forged body once more per near miss. Both are bounded now; what that
//! costs is measured by `benches/forgery.rs`.

use bytes::Bytes;
use http::Request;
use tower_webhooks::{
    RejectionKind, SignatureScheme,
    standard_webhooks::StandardWebhooks,
    test_util::{Provider, Signer},
    xemelgo::{DEFAULT_STRINGIFY_LIMIT, Xemelgo},
};

const XEMELGO_SECRET: &str = "a-xemelgo-secret-longer-than-24-characters";

/// A delivery signed over the `JSON.stringify` form of `pretty`, sent as `pretty`.
fn signed_over_stringified(pretty: &str) -> (http::request::Parts, Bytes) {
    let canonical = tower_webhooks::json_stringify::stringify_parsed(pretty.as_bytes()).unwrap();
    let signer = Signer::new(Provider::Xemelgo, XEMELGO_SECRET);
    let (head, _) = signer.request(canonical).into_parts();
    (head, Bytes::from(pretty.to_owned()))
}

fn pretty_of(size: usize) -> String {
    let pad = "a".repeat(size);
    format!("{{ \"topic\" : \"inventory.cycle_count\",\n  \"data\" : \"{pad}\" }}\n")
}

#[test]
fn the_stringify_fallback_is_only_tried_on_bodies_within_its_limit() {
    let scheme = Xemelgo::new(XEMELGO_SECRET).unwrap();
    let (head, body) = signed_over_stringified(&pretty_of(1000));
    assert!(
        scheme.verify(&head, &body).is_ok(),
        "a small body falls back"
    );

    let (head, body) = signed_over_stringified(&pretty_of(DEFAULT_STRINGIFY_LIMIT));
    assert!(body.len() > DEFAULT_STRINGIFY_LIMIT);
    let refused = scheme.verify(&head, &body).unwrap_err();
    assert_eq!(refused.kind(), RejectionKind::SignatureMismatch);
    // A user whose Xemelgo events really are that large raises the limit.
    let raised = Xemelgo::new(XEMELGO_SECRET)
        .unwrap()
        .stringify_limit(1024 * 1024);
    assert!(raised.verify(&head, &body).is_ok());
}

#[test]
fn the_stringify_fallback_runs_a_bounded_number_of_times_a_second() {
    let scheme = Xemelgo::new(XEMELGO_SECRET).unwrap();
    let (head, body) = signed_over_stringified(&pretty_of(100));
    let (limit, per_second) = tower_webhooks::xemelgo::MAX_FALLBACKS;
    assert!(limit >= 1);
    let accepted = (0..per_second * 3)
        .filter(|_| scheme.clone().verify(&head, &body).is_ok())
        .count();
    // All within one second (this loop takes microseconds): at most the second's share.
    assert!(
        (1..=per_second as usize * 2).contains(&accepted),
        "{accepted} fallbacks ran"
    );
}

/// Signs as a sender that used the `whsec_` secret as plain text: the near miss the scheme
/// names in its hint.
fn raw_whsec_request(body: Vec<u8>) -> (http::request::Parts, Bytes) {
    use base64::Engine as _;
    use hmac::{Hmac, KeyInit as _, Mac};
    let secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    let mut mac = Hmac::<sha2::Sha256>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(b"msg_1.1700000000.");
    mac.update(&body);
    let tag = base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes());
    let request = Request::post("/")
        .header("webhook-id", "msg_1")
        .header("webhook-timestamp", "1700000000")
        .header("webhook-signature", format!("v1,{tag}"))
        .body(Bytes::from(body))
        .unwrap();
    request.into_parts()
}

#[test]
fn near_miss_hints_are_tried_on_small_bodies_only() {
    let clock = tower_webhooks::Clock::fixed(
        std::time::UNIX_EPOCH + std::time::Duration::from_secs(1_700_000_000),
    );
    let scheme = StandardWebhooks::new("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")
        .unwrap()
        .with_clock(clock);
    let (head, body) = raw_whsec_request(b"{}".to_vec());
    let small = scheme.verify(&head, &body).unwrap_err();
    assert!(small.hint().is_some_and(|h| h.contains("plain text")));
    // A forged megabyte gets its mismatch without a second MAC over it.
    let (head, body) = raw_whsec_request(vec![b' '; 1024 * 1024]);
    let large = scheme.verify(&head, &body).unwrap_err();
    assert_eq!(large.kind(), RejectionKind::SignatureMismatch);
    assert_eq!(large.hint(), None);
}

#[test]
fn near_miss_hints_are_tried_a_bounded_number_of_times_a_second() {
    let scheme = StandardWebhooks::new("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")
        .unwrap()
        .with_clock(tower_webhooks::Clock::fixed(
            std::time::UNIX_EPOCH + std::time::Duration::from_secs(1_700_000_000),
        ));
    let (head, body) = raw_whsec_request(b"{}".to_vec());
    let hinted = (0..200)
        .filter(|_| scheme.verify(&head, &body).unwrap_err().hint().is_some())
        .count();
    assert!((1..=40).contains(&hinted), "{hinted} of 200 were hinted");
}
