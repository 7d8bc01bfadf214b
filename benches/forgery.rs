//! What a forger costs: for every provider of the registry, the worst forged delivery we know
//! how to build against a valid delivery of the same size (1 KiB, 64 KiB, 1 MiB), each through
//! the scheme's `check_head` and `verify`, as the layer calls them. The target is forged ≤ 1.2×
//! valid everywhere.
//!
//! `cargo bench --bench forgery --all-features` prints a Markdown table (the README's).
//! Each figure is a mean over 200 ms of calls, the fastest of six rounds taken in turns with
//! the other side's (1.2 s each in all), so that extras a scheme allows only a few times a
//! second (the near-miss hints, Xemelgo's `JSON.stringify` fallback) count at the rate a
//! sustained forger gets them, and a neighbour's burst on a shared machine does not land on
//! one side only.

use std::{
    hint::black_box,
    time::{Duration, Instant, SystemTime},
};

use bytes::Bytes;
use http::request::Parts;
use tower_webhooks::{
    SignatureScheme,
    test_util::{Provider, Signer},
};

const SIZES: [usize; 3] = [1024, 64 * 1024, 1024 * 1024];

/// The secret each provider is configured with: the `whsec_` ones are what Stripe and Standard
/// Webhooks issue, and give the near-miss hints something to try.
fn secret(provider: Provider) -> &'static str {
    match provider.name() {
        "stripe" => "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
        _ => tower_webhooks::test_util::example_secret(provider),
    }
}

/// `text` padded with `a`s to `size` bytes, where `{pad}` stands.
fn padded(template: &str, size: usize) -> String {
    let pad = size.saturating_sub(template.len() - "{pad}".len());
    template.replace("{pad}", &"a".repeat(pad))
}

/// A delivery the provider could send, of `size` bytes.
fn valid_body(provider: Provider, signer: &Signer, size: usize) -> String {
    match provider.name() {
        // An inbound SMS carries some thirty parameters.
        "twilio" => {
            let mut form = String::from(
                "ToCountry=US&ToState=CA&SmsMessageSid=SM1&NumMedia=0&ToCity=SAN+FRANCISCO&\
                 FromZip=94105&SmsSid=SM1&FromState=CA&SmsStatus=received&FromCity=OAKLAND&\
                 FromCountry=US&To=%2B15005550001&ToZip=94105&NumSegments=1&MessageSid=SM1&\
                 AccountSid=AC1&From=%2B15005550006&ApiVersion=2010-04-01&ReferralNumMedia=0&\
                 MessagingServiceSid=MG1&OptOutType=&ErrorCode=&AddOns=&Latitude=&Longitude=&\
                 ProfileName=&WaId=&ForwardedFrom=&CallerName=&",
            );
            form.push_str(&padded("Body={pad}", size - form.len()));
            form
        }
        "linear" => {
            let ms = signer
                .clock()
                .now()
                .duration_since(SystemTime::UNIX_EPOCH)
                .unwrap()
                .as_millis();
            padded(
                &format!(r#"{{"type":"Issue","webhookTimestamp":{ms},"pad":"{{pad}}"}}"#),
                size,
            )
        }
        "discord" => padded(r#"{"type":2,"pad":"{pad}"}"#, size),
        _ => padded(
            r#"{"type":"invoice.paid","id":"evt_1","pad":"{pad}"}"#,
            size,
        ),
    }
}

/// The worst forged body we know for `provider`, of `size` bytes.
fn forged_body(provider: Provider, valid: &str, size: usize) -> (String, &'static str) {
    match provider.name() {
        // The `JSON.stringify` fallback's worst case: arrays nested as deep as it parses, with
        // spaces, so that the stringified form differs and is MACed too.
        "xemelgo" => {
            let depth = 126;
            let unit = format!("{}{},", "[ ".repeat(depth), "]".repeat(depth));
            let mut body = String::from("[");
            while body.len() + unit.len() < size {
                body.push_str(&unit);
            }
            body.pop();
            body.push(']');
            (body, "126-deep nested arrays")
        }
        // As many parameters as the scheme takes, then one that fills the size.
        "twilio" => {
            let mut body = "a=1&".repeat(tower_webhooks::twilio::MAX_PARAMETERS - 1);
            body.push_str(&padded("b={pad}", size - body.len()));
            (body, "128 parameters, the most it takes")
        }
        _ => (valid.to_owned(), "the valid body, wrongly signed"),
    }
}

/// Mean time per call over at least `span`.
fn mean(call: &mut impl FnMut(), span: Duration) -> Duration {
    let start = Instant::now();
    let mut calls = 0u32;
    while start.elapsed() < span {
        call();
        calls += 1;
    }
    start.elapsed() / calls
}

/// The valid and the forged delivery's mean times, measured in turns (six rounds of 200 ms
/// each, 1.2 s in all, so that the rate-limited extras still count at a sustained forger's
/// rate), each the fastest of its rounds: on a shared machine a neighbour's burst lands on one
/// round of one side, not on the ratio.
fn paired(mut valid: impl FnMut(), mut forged: impl FnMut()) -> (Duration, Duration) {
    for _ in 0..3 {
        valid();
        forged();
    }
    let span = Duration::from_millis(200);
    let (mut best_valid, mut best_forged) = (Duration::MAX, Duration::MAX);
    for _ in 0..6 {
        best_valid = best_valid.min(mean(&mut valid, span));
        best_forged = best_forged.min(mean(&mut forged, span));
    }
    (best_valid, best_forged)
}

fn call<'a>(
    scheme: &'a dyn SignatureScheme,
    head: &'a Parts,
    body: &'a Bytes,
    ok: bool,
) -> impl FnMut() + 'a {
    move || {
        let verdict = scheme
            .check_head(black_box(head))
            .and_then(|()| scheme.verify(head, black_box(body)));
        // Mailgun accepts a token once: the same valid delivery again does all the work of a
        // valid one (the JSON, the MAC, the window) and is refused only at its token.
        let replayed = verdict
            .as_ref()
            .is_err_and(|rejection| rejection.kind() == tower_webhooks::RejectionKind::Replayed);
        assert_eq!(verdict.is_ok() || (ok && replayed), ok, "{}", scheme.name());
        black_box(verdict).ok();
    }
}

fn human(d: Duration) -> String {
    let ns = d.as_nanos();
    if ns < 10_000 {
        format!("{:.2} µs", ns as f64 / 1000.0)
    } else if ns < 10_000_000 {
        format!("{:.1} µs", ns as f64 / 1000.0)
    } else {
        format!("{:.2} ms", ns as f64 / 1e6)
    }
}

fn main() {
    // `cargo bench` passes `--bench`; a filter argument picks providers by name.
    let filter: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with('-'))
        .collect();
    println!("| scheme | size | valid | forged | forged / valid | the forged body |");
    println!("|---|---|---|---|---|---|");
    let mut worst: f64 = 0.0;
    for &provider in Provider::ALL {
        if !filter.is_empty() && !filter.iter().any(|f| provider.name().contains(f.as_str())) {
            continue;
        }
        let signer = Signer::new(provider, secret(provider)).url("https://example.com/hooks");
        let scheme = signer.scheme().unwrap();
        for size in SIZES {
            let body = valid_body(provider, &signer, size);
            let (head, bytes) = signer.request(body.clone()).into_parts();
            let (forged_text, what) = forged_body(provider, &body, size);
            let (forged_head, forged_bytes) = signer.wrongly_signed(forged_text).into_parts();
            let (valid, forged) = paired(
                call(&*scheme, &head, &bytes, true),
                call(&*scheme, &forged_head, &forged_bytes, false),
            );
            let ratio = forged.as_secs_f64() / valid.as_secs_f64();
            worst = worst.max(ratio);
            println!(
                "| {provider} | {} KiB | {} | {} | {ratio:.2}× | {what} |",
                size / 1024,
                human(valid),
                human(forged)
            );
        }
    }
    println!("\nworst forged / valid: {worst:.2}×");
}
