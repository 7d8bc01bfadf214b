use std::{
    future::Future,
    pin::Pin,
    sync::Arc,
    task::{Context, Poll, ready},
};

use bytes::Bytes;
use http::{Request, Response, header, request::Parts};
use http_body::Body;
use pin_project_lite::pin_project;
use tower_service::Service;

use super::{
    RequestBody, ResponseBody,
    collect::{Collector, TooLarge},
    layer::Settings,
};
use crate::{Rejection, ResponsePolicy, SignatureScheme, Verification, VerificationInfo, Verified};

pin_project! {
    /// The response future of [`WebhookSignature`](crate::layer::WebhookSignature): it buffers
    /// and verifies the body, then runs the inner service's future.
    pub struct ResponseFuture<B, S, V>
    where
        S: Service<Request<RequestBody>>,
    {
        #[pin]
        state: State<B, S::Future>,
        // Held while buffering; taken when the inner service is called.
        pending: Option<Pending<S>>,
        scheme: Arc<V>,
        policy: ResponsePolicy,
    }
}

pin_project! {
    #[project = StateProj]
    enum State<B, F> {
        Buffering { #[pin] body: B },
        Calling { #[pin] future: F },
        // An `Option` so the rejection can be moved out through the pinned projection.
        Rejecting { rejection: Option<Rejection> },
        // The scheme answers a verified handshake itself; `Option` for the same reason.
        Answering { response: Option<Response<Bytes>> },
    }
}

struct Pending<S> {
    head: Parts,
    inner: S,
    collector: Collector,
}

impl<B, S, V> ResponseFuture<B, S, V>
where
    S: Service<Request<RequestBody>>,
{
    pub(super) fn new(request: Request<B>, inner: S, scheme: Arc<V>, settings: Settings) -> Self
    where
        B: Body,
    {
        let (head, body) = request.into_parts();
        let content_length = declared_length(&head);
        // A declared length over the limit is refused before a byte of the body is read.
        let state = match content_length {
            Some(n) if n > settings.body_limit as u64 => State::Rejecting {
                rejection: Some(Rejection::body_too_large(settings.body_limit)),
            },
            _ => State::Buffering { body },
        };
        Self {
            state,
            pending: Some(Pending {
                head,
                inner,
                collector: Collector::new(settings.body_limit, content_length),
            }),
            scheme,
            policy: settings.policy,
        }
    }
}

fn declared_length(head: &Parts) -> Option<u64> {
    head.headers
        .get(header::CONTENT_LENGTH)?
        .to_str()
        .ok()?
        .parse()
        .ok()
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
                StateProj::Rejecting { rejection } => {
                    let rejection = rejection.take().expect("polled after completion");
                    return Poll::Ready(Ok(reject(this.scheme.name(), rejection)));
                }
                StateProj::Answering { response } => {
                    let response = response.take().expect("polled after completion");
                    return Poll::Ready(Ok(response.map(ResponseBody::full)));
                }
                StateProj::Buffering { body } => {
                    let pending = this.pending.as_mut().expect("polled after completion");
                    match ready!(body.poll_frame(cx)) {
                        Some(Ok(frame)) => {
                            if let Ok(data) = frame.into_data() {
                                if let Err(TooLarge) = pending.collector.push(data) {
                                    State::Rejecting {
                                        rejection: Some(Rejection::body_too_large(
                                            pending.collector.limit(),
                                        )),
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
                            }
                        }
                        None => {
                            let Pending {
                                mut head,
                                mut inner,
                                collector,
                            } = this.pending.take().expect("polled after completion");
                            let raw = collector.finish();
                            match this.scheme.verify(&head, &raw) {
                                Err(rejection) => State::Rejecting {
                                    rejection: Some(rejection),
                                },
                                Ok(Verification {
                                    answer: Some(response),
                                    ..
                                }) => State::Answering {
                                    response: Some(response),
                                },
                                Ok(verification) => {
                                    head.extensions.insert(VerificationInfo::new(
                                        this.scheme.name(),
                                        verification.key_id,
                                        verification.signed_at,
                                        verification.delivery_id,
                                    ));
                                    let signed = verification.signed_body.unwrap_or(raw);
                                    head.extensions.insert(Verified::new(
                                        signed.clone(),
                                        this.scheme.name(),
                                        this.scheme.event_layout(),
                                    ));
                                    let request =
                                        Request::from_parts(head, RequestBody::new(signed));
                                    State::Calling {
                                        future: inner.call(request),
                                    }
                                }
                            }
                        }
                    }
                }
                StateProj::Calling { future } => {
                    let response = ready!(future.poll(cx))?;
                    return Poll::Ready(Ok(apply_policy(*this.policy, response)));
                }
            };
            this.state.set(next);
        }
    }
}

/// An empty response with the rejection's status, the rejection in its extensions.
fn reject<B>(scheme: &'static str, rejection: Rejection) -> Response<ResponseBody<B>> {
    tracing::warn!(
        scheme,
        status = rejection.status().as_u16(),
        code = rejection.code(),
        reason = %rejection,
        skew_secs = rejection.skew_secs(),
        hint = rejection.hint(),
        "webhook delivery rejected"
    );
    let mut response = Response::new(ResponseBody::empty());
    *response.status_mut() = rejection.status();
    response.extensions_mut().insert(rejection);
    response
}

fn apply_policy<B>(policy: ResponsePolicy, response: Response<B>) -> Response<ResponseBody<B>> {
    let (mut parts, body) = response.into_parts();
    if policy.strips_cookies() {
        // `remove` drops every value of the header, not only the first.
        parts.headers.remove(header::SET_COOKIE);
    }
    let body = if policy.strips_body() {
        for name in [
            header::CONTENT_LENGTH,
            header::CONTENT_TYPE,
            header::CONTENT_ENCODING,
            header::TRANSFER_ENCODING,
        ] {
            parts.headers.remove(name);
        }
        ResponseBody::empty()
    } else {
        ResponseBody::passed(body)
    };
    Response::from_parts(parts, body)
}
