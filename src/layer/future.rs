//! [`ResponseFuture`]: buffer and verify the body, then run the inner service's future.

use std::{
    future::Future,
    pin::Pin,
    sync::Arc,
    task::{Context, Poll, ready},
    time::Duration,
};

use bytes::Bytes;
use http::{Request, Response, header, request::Parts};
use http_body::Body;
use pin_project_lite::pin_project;
use tokio::time::Sleep;
use tower_service::Service;

use super::{
    RequestBody, ResponseBody,
    body::Drain,
    budget::{MemoryBudget, Reservation},
    collect::{Collector, TooLarge},
    grpc::is_grpc,
    layer::Settings,
    policy::apply_policy,
    response::{panicked, reject},
};
use crate::{
    KeyFetch, Rejection, ResponsePolicy, SignatureScheme, SignedStream, Verification,
    VerificationInfo, Verified,
    scheme_kit::catch_unwind::{guard, poll_guarded},
};

pin_project! {
    /// The response future of [`WebhookSignature`](crate::layer::WebhookSignature): it buffers
    /// and verifies the body, then runs the inner service's future.
    pub struct ResponseFuture<B, S, V>
    where
        S: Service<Request<RequestBody>>,
    {
        #[pin]
        state: State<B, S::Future, S>,
        // Armed when the body first makes the delivery wait: a body that has already arrived,
        // as most webhooks have, costs no timer. Boxed: it is large and rarely needed.
        deadline: Option<Pin<Box<Sleep>>>,
        body_timeout: Option<Duration>,
        scheme: Arc<V>,
        policy: ResponsePolicy,
        // This delivery's share of the layer's memory budget, held until the inner service
        // has answered (it holds the verified bytes until then).
        reservation: Option<Reservation>,
        // A gRPC client reads `grpc-status`, not the HTTP status: rejections say it there.
        grpc: bool,
    }
}

pin_project! {
    // What each state holds lives in it, not beside it in the future: the future is moved
    // (boxed by axum's routes) once per delivery, and its size is what that move copies.
    #[project = StateProj]
    enum State<B, F, S> {
        // `pending`: an `Option` so it can be moved out through the pinned projection.
        Buffering { #[pin] body: B, pending: Option<Pending<S>> },
        Calling { #[pin] future: F },
        // An `Option` so the rejection can be moved out through the pinned projection.
        // `drain`: the unread body of a request refused from its head, read and thrown away
        // after the answer.
        Rejecting { rejection: Option<Rejection>, drain: Option<Drain> },
        // The scheme fetches the key the delivery needs before it can verify it; `ready`, the
        // whole delivery, waits for it.
        Fetching { fetch: KeyFetch, ready: Option<Ready<S>> },
        // The scheme answers a handshake itself; `Option` for the same reason. `drain`: the
        // unread body of a handshake answered from its head.
        Answering { response: Option<Response<Bytes>>, drain: Option<Drain> },
    }
}

/// A delivery whose body is complete, to verify.
struct Ready<S> {
    head: Parts,
    inner: S,
    raw: Bytes,
    stream: Option<SignedStream>,
}

struct Pending<S> {
    head: Parts,
    inner: S,
    collector: Collector,
    // The MAC fed frame by frame, for schemes that stream; started at the second frame, since
    // a body that arrives in one frame gains nothing from it.
    stream: Option<SignedStream>,
}

impl<B, S, V> ResponseFuture<B, S, V>
where
    S: Service<Request<RequestBody>>,
{
    pub(super) fn new(
        request: Request<B>,
        inner: S,
        scheme: Arc<V>,
        settings: Settings,
        budget: &MemoryBudget,
    ) -> Self
    where
        B: Body + Send + 'static,
        V: SignatureScheme,
    {
        let (head, body) = request.into_parts();
        let content_length = declared_length(&head);
        let grpc = is_grpc(&head);

        // A declared length over the limit, a head that cannot be verified, or a budget that
        // cannot take the declared length, is refused before a byte of the body is read.
        let mut reservation = None;
        // A handshake is answered before the limits: it is no delivery, and often a `GET`.
        let handshake = scheme.handshake(&head);
        let early = match content_length {
            _ if handshake.is_some() => Ok(()),
            Some(n) if n > settings.body_limit as u64 => {
                Err(Rejection::body_too_large(settings.body_limit))
            }
            _ => scheme.check_head(&head).and_then(|()| {
                let declared = content_length.map_or(0, |n| n as usize);
                reservation = budget.reserve(declared);
                match reservation {
                    Some(_) => Ok(()),
                    None => Err(Rejection::overloaded(budget.limit())),
                }
            }),
        };
        // A client that waits for `100 Continue` has not sent its body, and polling it would
        // invite it to; a gRPC stream is reset cleanly without reading.
        let drains = !expects_continue(&head) && !grpc;
        let state = match (handshake, early) {
            (Some(Ok(response)), _) => State::Answering {
                response: Some(response),
                drain: drains.then(|| Drain::new(body)),
            },
            (Some(Err(rejection)), _) | (None, Err(rejection)) => State::Rejecting {
                rejection: Some(rejection),
                drain: drains.then(|| Drain::new(body)),
            },
            (None, Ok(())) => State::Buffering {
                body,
                pending: Some(Pending {
                    head,
                    inner,
                    collector: Collector::new(settings.body_limit, content_length),
                    stream: None,
                }),
            },
        };
        Self {
            state,
            deadline: None,
            body_timeout: settings.body_timeout,
            scheme,
            policy: settings.policy,
            reservation,
            grpc,
        }
    }
}

/// Whether the client waits for `100 Continue` before it sends its body.
fn expects_continue(head: &Parts) -> bool {
    head.headers
        .get(header::EXPECT)
        .is_some_and(|value| value.as_bytes().eq_ignore_ascii_case(b"100-continue"))
}

fn declared_length(head: &Parts) -> Option<u64> {
    head.headers
        .get(header::CONTENT_LENGTH)?
        .to_str()
        .ok()?
        .parse()
        .ok()
}

/// Verifies a complete delivery: the state that follows (a rejection, the scheme's own answer,
/// or the inner service called with the verified bytes), or `None` when the inner service
/// panicked as it was called.
fn verify<B, S, V>(scheme: &V, ready: Ready<S>) -> Option<State<B, S::Future, S>>
where
    S: Service<Request<RequestBody>>,
    V: SignatureScheme,
{
    let Ready {
        mut head,
        mut inner,
        raw,
        stream,
    } = ready;
    let verdict = match stream {
        Some(stream) => scheme.verify_stream(&head, &raw, stream),
        None => scheme.verify(&head, &raw),
    };
    Some(match verdict {
        Err(rejection) => State::Rejecting {
            rejection: Some(rejection),
            drain: None,
        },
        Ok(Verification {
            answer: Some(response),
            ..
        }) => State::Answering {
            response: Some(*response),
            drain: None,
        },
        Ok(verification) => {
            head.extensions
                .insert(VerificationInfo::new(scheme.name(), &verification));
            let signed = verification.signed_body.unwrap_or(raw);
            head.extensions.insert(Verified::new(
                signed.clone(),
                scheme.name(),
                scheme.event_layout(),
            ));
            let request = Request::from_parts(head, RequestBody::new(signed));
            match guard(|| inner.call(request)) {
                Ok(future) => State::Calling { future },
                Err(_) => return None,
            }
        }
    })
}

impl<B, S, V, ResBody> Future for ResponseFuture<B, S, V>
where
    B: Body,
    B::Error: std::fmt::Display,
    S: Service<Request<RequestBody>, Response = Response<ResBody>>,
    V: SignatureScheme,
{
    type Output = Result<Response<ResponseBody<ResBody>>, S::Error>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let mut this = self.project();
        loop {
            let next = match this.state.as_mut().project() {
                StateProj::Rejecting { rejection, drain } => {
                    let rejection = rejection.take().expect("polled after completion");
                    let mut response = reject(this.scheme.name(), rejection, *this.grpc);
                    if let Some(drain) = drain.take() {
                        *response.body_mut() = ResponseBody::draining(drain);
                    }
                    return Poll::Ready(Ok(response));
                }
                StateProj::Answering { response, drain } => {
                    let response = response.take().expect("polled after completion");
                    let drain = drain.take();
                    return Poll::Ready(Ok(response.map(|data| match drain {
                        Some(drain) => ResponseBody::full_then_draining(data, drain),
                        None => ResponseBody::full(data),
                    })));
                }
                StateProj::Buffering { body, pending } => {
                    let frame = match body.poll_frame(cx) {
                        Poll::Ready(frame) => frame,
                        Poll::Pending => {
                            if let (None, Some(timeout)) =
                                (this.deadline.as_ref(), *this.body_timeout)
                            {
                                *this.deadline = Some(Box::pin(tokio::time::sleep(timeout)));
                            }
                            let expired = this
                                .deadline
                                .as_mut()
                                .is_some_and(|deadline| deadline.as_mut().poll(cx).is_ready());
                            if !expired {
                                return Poll::Pending;
                            }
                            // Leaving the state drops the body and frees what was buffered.
                            this.state.set(State::Rejecting {
                                rejection: Some(Rejection::body_timeout()),
                                drain: None,
                            });
                            continue;
                        }
                    };
                    let Some(buffered) = pending.as_mut() else {
                        panic!("polled after completion");
                    };
                    match frame {
                        Some(Ok(frame)) => {
                            if let Ok(data) = frame.into_data() {
                                let Pending {
                                    head,
                                    collector,
                                    stream,
                                    ..
                                } = buffered;
                                let was_joining = collector.is_joining();
                                let pushed = collector.push(data).map(|appended| {
                                    if let Some(stream) = stream.as_mut() {
                                        stream.update(appended);
                                    }
                                });
                                // The second frame starts the stream with all bytes so far.
                                if !was_joining && collector.is_joining() {
                                    *stream = this.scheme.start_stream(head);
                                    if let Some(stream) = stream.as_mut() {
                                        stream.update(collector.so_far());
                                    }
                                }
                                let within_budget = this
                                    .reservation
                                    .as_mut()
                                    .is_none_or(|r| r.grow_to(buffered.collector.len()));
                                let budget_limit =
                                    this.reservation.as_ref().map_or(0, Reservation::limit);
                                if let Err(TooLarge) = pushed {
                                    State::Rejecting {
                                        rejection: Some(Rejection::body_too_large(
                                            buffered.collector.limit(),
                                        )),
                                        drain: None,
                                    }
                                } else if !within_budget {
                                    State::Rejecting {
                                        rejection: Some(Rejection::overloaded(budget_limit)),
                                        drain: None,
                                    }
                                } else {
                                    continue;
                                }
                            } else {
                                continue; // trailers are not part of what is signed
                            }
                        }
                        Some(Err(error)) => {
                            tracing::debug!(scheme = this.scheme.name(), %error, "webhook body read failed");
                            State::Rejecting {
                                rejection: Some(Rejection::body_unreadable()),
                                drain: None,
                            }
                        }
                        None => {
                            let Pending {
                                head,
                                inner,
                                collector,
                                stream,
                            } = pending.take().expect("polled after completion");
                            let raw = collector.finish();
                            let fetch = this.scheme.fetch_keys(&head, &raw);
                            let ready = Ready {
                                head,
                                inner,
                                raw,
                                stream,
                            };
                            match fetch {
                                Some(fetch) => State::Fetching {
                                    fetch,
                                    ready: Some(ready),
                                },
                                None => match verify(&**this.scheme, ready) {
                                    Some(state) => {
                                        *this.deadline = None;
                                        state
                                    }
                                    None => {
                                        return Poll::Ready(Ok(panicked(this.scheme.name())));
                                    }
                                },
                            }
                        }
                    }
                }
                StateProj::Fetching { fetch, ready } => match ready!(fetch.as_mut().poll(cx)) {
                    Err(rejection) => State::Rejecting {
                        rejection: Some(rejection),
                        drain: None,
                    },
                    Ok(()) => {
                        let ready = ready.take().expect("polled after completion");
                        match verify(&**this.scheme, ready) {
                            Some(state) => {
                                *this.deadline = None;
                                state
                            }
                            None => return Poll::Ready(Ok(panicked(this.scheme.name()))),
                        }
                    }
                },
                StateProj::Calling { future } => {
                    // A panicking handler must not take the connection down with it, nor leave
                    // the provider without an answer: it gets a 500 and retries.
                    let response = match ready!(poll_guarded(future, cx)) {
                        Ok(result) => result?,
                        Err(_) => {
                            return Poll::Ready(Ok(panicked(this.scheme.name())));
                        }
                    };
                    return Poll::Ready(Ok(apply_policy(*this.policy, response)));
                }
            };
            this.state.set(next);
        }
    }
}
