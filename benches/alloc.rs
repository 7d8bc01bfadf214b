//! Allocations per delivery: a counting global allocator (`stats_alloc`) around one signed
//! delivery through the layer and a handler that takes the verified `Bytes`, for 1 KiB and
//! 1 MiB bodies arriving as 16 KiB frames (as hyper delivers them) with a `Content-Length`.
//! Prints the allocation count and the bytes allocated per delivery beside the body size, then
//! times the same call.
//!
//! `cargo bench --bench alloc`.

use std::{alloc::System, convert::Infallible, hint::black_box};

use bytes::Bytes;
use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use hmac::{Hmac, KeyInit as _, Mac};
use http::Request;
use http_body_util::{BodyExt as _, StreamBody};
use sha2::Sha256;
use stats_alloc::{INSTRUMENTED_SYSTEM, Region, StatsAlloc};
use tower::{Layer as _, ServiceExt as _};
use tower_webhooks::{WebhookSignatureLayer, invoice_ahoy::InvoiceAhoy, layer::RequestBody};

#[global_allocator]
static GLOBAL: &StatsAlloc<System> = &INSTRUMENTED_SYSTEM;

const SECRET: &str = "ia_whsec_alloc_bench_secret";
const FRAME: usize = 16 * 1024;

fn signature(body: &[u8]) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(SECRET.as_bytes()).unwrap();
    mac.update(body);
    mac.finalize()
        .into_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

type Frames = StreamBody<
    futures_stream::Iter<std::vec::IntoIter<Result<http_body::Frame<Bytes>, Infallible>>>,
>;

mod futures_stream {
    //! The smallest `Stream` over an iterator, to feed frames without another dependency.
    use std::{
        pin::Pin,
        task::{Context, Poll},
    };

    pub(crate) struct Iter<I>(pub(crate) I);

    impl<I: Iterator + Unpin> futures_core::Stream for Iter<I> {
        type Item = I::Item;
        fn poll_next(mut self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<Option<I::Item>> {
            Poll::Ready(self.0.next())
        }
    }
}

fn request(body: &Bytes, signature: &str) -> Request<Frames> {
    // Slicing `Bytes` does not allocate: the frames share the prepared body.
    let frames: Vec<_> = (0..body.len())
        .step_by(FRAME)
        .map(|at| {
            Ok(http_body::Frame::data(
                body.slice(at..(at + FRAME).min(body.len())),
            ))
        })
        .collect();
    Request::post("/")
        .header("content-length", body.len())
        .header("x-ia-signature", signature)
        .body(StreamBody::new(futures_stream::Iter(frames.into_iter())))
        .unwrap()
}

fn alloc(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
        .unwrap();
    let service = WebhookSignatureLayer::new(InvoiceAhoy::new(SECRET)).layer(tower::service_fn(
        |request: Request<RequestBody>| async move {
            let body = request.into_body().collect().await.unwrap().to_bytes();
            black_box(body.len());
            Ok::<_, Infallible>(http::Response::new(String::new()))
        },
    ));
    let mut group = c.benchmark_group("alloc");
    for size in [1024, 1024 * 1024] {
        let body = Bytes::from(vec![b'a'; size]);
        let signature = signature(&body);
        // Warm up once so lazily initialised state is not counted.
        runtime
            .block_on(service.clone().oneshot(request(&body, &signature)))
            .unwrap();
        let mut prepared: Vec<_> = (0..101).map(|_| request(&body, &signature)).collect();
        let region = Region::new(GLOBAL);
        for _ in 0..100 {
            let request = prepared.pop().unwrap();
            let response = runtime.block_on(service.clone().oneshot(request)).unwrap();
            assert_eq!(response.status(), 200);
        }
        let stats = region.change();
        let allocations = stats.allocations as f64 / 100.0;
        let bytes = stats.bytes_allocated as f64 / 100.0;
        println!(
            "alloc/{size}: {allocations:.1} allocations and {bytes:.0} bytes allocated per delivery \
             ({:.3}x the body; target below 1.1x + 4 KiB at 1 MiB)",
            bytes / size as f64
        );
        group.bench_with_input(BenchmarkId::new("delivery", size), &body, |b, body| {
            b.iter_batched(
                || request(body, &signature),
                |request| runtime.block_on(service.clone().oneshot(request)).unwrap(),
                criterion::BatchSize::SmallInput,
            )
        });
    }
    group.finish();
}

criterion_group!(benches, alloc);
criterion_main!(benches);
