//! `check` and `itr`: deliveries a provider would send, and what each answer must be.

use std::{
    io::Write as _,
    time::{Duration, SystemTime},
};

use bytes::Bytes;
use http::{Request, StatusCode, Uri, header};

use tower_webhooks::test_util::Provider;

use crate::{
    client::{Answer, Sender, Unreachable},
    providers::{an_hour_before, sample, signer, wants_empty_answers, xero_batch},
};

/// One delivery and the answer it must get.
pub(crate) struct Case {
    pub(crate) name: String,
    pub(crate) request: Request<Bytes>,
    pub(crate) expect: Expect,
    /// Send the first delivery's request again, byte for byte, instead of `request`.
    pub(crate) resend: bool,
    /// The body the answer must have (a handshake's): text byte for byte, JSON as JSON.
    pub(crate) answer: Option<Bytes>,
}

impl Case {
    fn new(name: &str, request: Request<Bytes>, expect: Expect) -> Self {
        Self {
            name: name.to_owned(),
            request,
            expect,
            resend: false,
            answer: None,
        }
    }
}

#[derive(Clone, Copy)]
pub(crate) enum Expect {
    /// A `2xx` (exactly `200` where the provider says so).
    Accepted { exactly_200: bool },
    /// This status.
    Refused(StatusCode),
    /// Not sent, for this reason.
    Skipped(&'static str),
}

/// What every answer must also satisfy.
#[derive(Clone, Copy)]
pub(crate) struct Rules {
    pub(crate) empty_body: bool,
    pub(crate) deadline: Duration,
}

impl Rules {
    pub(crate) fn for_provider(provider: Provider) -> Self {
        Self {
            empty_body: wants_empty_answers(provider),
            // Xero: "responds within 5 seconds"; the others give up after about 10 to 30.
            deadline: Duration::from_secs(if provider == Provider::Xero { 5 } else { 10 }),
        }
    }
}

/// `check`: the handshake where the provider has one (and a forged one where it signs it),
/// then good, wrong key, stale, oversize, duplicate.
pub(crate) fn check_cases(
    provider: Provider,
    secret: &str,
    url: &str,
    body_limit: usize,
    verify_token: Option<&str>,
) -> Vec<Case> {
    let now = SystemTime::now();
    let then = an_hour_before(now);
    let signer = |at: SystemTime, id: &str| {
        let signer = signer(provider, secret, url, at).id(id);
        match verify_token {
            Some(token) => signer.verify_token(token),
            None => signer,
        }
    };
    let mut cases = handshake_cases(signer(now, "msg_check_handshake"));
    cases.extend(delivery_cases(provider, now, then, signer, body_limit));
    cases
}

/// The provider's handshake, answered as it wants, and a forged one refused.
fn handshake_cases(signer: tower_webhooks::test_util::Signer) -> Vec<Case> {
    let Some(handshake) = signer.handshake() else {
        return Vec::new();
    };
    let (request, answer, forged) = handshake.into_parts();
    let mut cases = vec![Case {
        answer: Some(answer),
        ..Case::new("handshake", request, Expect::Accepted { exactly_200: true })
    }];
    if let Some(forged) = forged {
        cases.push(Case::new(
            "forged handshake",
            forged,
            Expect::Refused(StatusCode::UNAUTHORIZED),
        ));
    }
    cases
}

fn delivery_cases(
    provider: Provider,
    now: SystemTime,
    then: SystemTime,
    signer: impl Fn(SystemTime, &str) -> tower_webhooks::test_util::Signer,
    body_limit: usize,
) -> Vec<Case> {
    let accepted = Expect::Accepted {
        exactly_200: provider == Provider::Xero,
    };
    let unauthorized = Expect::Refused(StatusCode::UNAUTHORIZED);
    let mut oversize = sample(provider, now).into_bytes();
    oversize.resize(body_limit + 1, b' ');
    vec![
        Case::new(
            "good",
            signer(now, "msg_check_good").request(sample(provider, now)),
            accepted,
        ),
        Case::new(
            "wrong key",
            signer(now, "msg_check_wrong_key").wrongly_signed(sample(provider, now)),
            unauthorized,
        ),
        Case::new(
            "stale",
            signer(then, "msg_check_stale").request(sample(provider, then)),
            if provider.signs_timestamp() {
                unauthorized
            } else {
                Expect::Skipped(
                    "the provider signs no timestamp, so a delivery of any age verifies",
                )
            },
        ),
        Case::new(
            "oversize",
            signer(now, "msg_check_oversize").request(oversize),
            Expect::Refused(StatusCode::PAYLOAD_TOO_LARGE),
        ),
        Case {
            resend: true,
            // Mailgun signs a single-use token, not the body: the same delivery again is a
            // replay, and refused (Mailgun signs each of its own retries afresh).
            ..Case::new(
                "duplicate",
                Request::new(Bytes::new()),
                if provider == Provider::Mailgun {
                    unauthorized
                } else {
                    accepted
                },
            )
        },
    ]
}

/// `itr`: Xero's "Intent to receive" series, empty batches signed correctly and wrongly in
/// turn, each with its own entropy.
pub(crate) fn itr_cases(key: &str, url: &str, rounds: usize) -> Vec<Case> {
    let now = SystemTime::now();
    let signer = signer(Provider::Xero, key, url, now);
    (0..rounds * 2)
        .map(|n| {
            let body = xero_batch("[]", &format!("ITR{n}{now:?}"));
            if n % 2 == 0 {
                let name = format!("intent to receive {} (correctly signed)", n + 1);
                Case::new(
                    &name,
                    signer.request(body),
                    Expect::Accepted { exactly_200: true },
                )
            } else {
                let name = format!("intent to receive {} (wrongly signed)", n + 1);
                Case::new(
                    &name,
                    signer.wrongly_signed(body),
                    Expect::Refused(StatusCode::UNAUTHORIZED),
                )
            }
        })
        .collect()
}

/// Sends each case in order, printing a line per case; the names of the cases that failed.
pub(crate) async fn run(
    sender: &Sender,
    url: &Uri,
    cases: Vec<Case>,
    rules: Rules,
) -> Result<Vec<String>, Unreachable> {
    let total = cases.len();
    let mut failed = Vec::new();
    let mut first: Option<Request<Bytes>> = None;
    for (n, case) in cases.into_iter().enumerate() {
        if let Expect::Skipped(reason) = case.expect {
            eprintln!("[{}/{total}] {} ... skipped", n + 1, case.name);
            println!("skip  {}: {reason}", case.name);
            continue;
        }
        eprint!("[{}/{total}] {} ... ", n + 1, case.name);
        let _ = std::io::stderr().flush();
        let request = match (case.resend, &first) {
            (true, Some(earlier)) => copy(earlier),
            _ => case.request,
        };
        // A handshake is no delivery to send again.
        if first.is_none() && case.answer.is_none() && !case.name.contains("handshake") {
            first = Some(copy(&request));
        }
        // An oversize body may be answered before it is read: keep reading while writing.
        let sent = if matches!(case.expect, Expect::Refused(StatusCode::PAYLOAD_TOO_LARGE)) {
            sender.send_unread(url, request).await
        } else {
            sender.send(url, request).await
        };
        let answer = sent.inspect_err(|_| eprintln!())?;
        eprintln!("{}", answer.status);
        let mut problems = judge(&answer, case.expect, rules);
        if let Some(wanted) = &case.answer
            && !same_answer(&answer.body, wanted)
        {
            problems.push(format!(
                "answered {:?}, the provider wants {:?}",
                String::from_utf8_lossy(&answer.body),
                String::from_utf8_lossy(wanted)
            ));
        }
        if problems.is_empty() {
            println!(
                "pass  {}: {} in {} ms",
                case.name,
                answer.status,
                answer.elapsed.as_millis()
            );
        } else {
            println!("FAIL  {}: {}", case.name, problems.join("; "));
            failed.push(case.name);
        }
    }
    Ok(failed)
}

fn judge(answer: &Answer, expect: Expect, rules: Rules) -> Vec<String> {
    let mut problems = Vec::new();
    match expect {
        Expect::Accepted { exactly_200 } => {
            let ok = if exactly_200 {
                answer.status == StatusCode::OK
            } else {
                answer.status.is_success()
            };
            if !ok {
                let wanted = if exactly_200 { "200" } else { "a 2xx" };
                problems.push(format!(
                    "answered {}, a good delivery must get {wanted}",
                    answer.status
                ));
            }
        }
        Expect::Refused(status) if answer.status != status => problems.push(format!(
            "answered {}, it must get {status}{}",
            answer.status,
            if answer.status.is_success() {
                ": the endpoint accepts what it must refuse"
            } else {
                ""
            }
        )),
        Expect::Refused(_) | Expect::Skipped(_) => {}
    }
    if answer.headers.contains_key(header::SET_COOKIE) {
        problems.push("the answer sets a cookie (Set-Cookie)".to_owned());
    }
    if rules.empty_body && !answer.body.is_empty() {
        problems.push(format!(
            "the answer has a body ({} bytes); it must have none",
            answer.body.len()
        ));
    }
    if answer.elapsed > rules.deadline {
        problems.push(format!(
            "answered after {} ms, past the provider's {} s",
            answer.elapsed.as_millis(),
            rules.deadline.as_secs()
        ));
    }
    problems
}

/// The same bytes, or the same JSON value.
fn same_answer(got: &[u8], wanted: &[u8]) -> bool {
    got == wanted
        || matches!(
            (
                serde_json::from_slice::<serde_json::Value>(got),
                serde_json::from_slice::<serde_json::Value>(wanted),
            ),
            (Ok(a), Ok(b)) if a == b
        )
}

fn copy(request: &Request<Bytes>) -> Request<Bytes> {
    let mut copy = Request::new(request.body().clone());
    *copy.method_mut() = request.method().clone();
    *copy.uri_mut() = request.uri().clone();
    *copy.headers_mut() = request.headers().clone();
    copy
}
