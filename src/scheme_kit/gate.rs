//! [`Gate`]: at most a few of an expensive extra at a time and per second, for the work a
//! forger could otherwise trigger at will before a signature is known to be good (the
//! near-miss hints after a mismatch, Xemelgo's `JSON.stringify` fallback).

use std::{
    sync::{
        Arc, Mutex,
        atomic::{AtomicUsize, Ordering},
    },
    time::{Duration, Instant},
};

/// Lets through at most `concurrent` holders at once and `per_second` in any second, shared by
/// every clone. What it refuses is skipped, never queued: the caller goes on without the
/// extra.
#[derive(Debug, Clone)]
pub(crate) struct Gate {
    state: Arc<State>,
    concurrent: usize,
    per_second: u32,
}

#[derive(Debug)]
struct State {
    running: AtomicUsize,
    /// The second being counted, and how many went through in it.
    window: Mutex<(Instant, u32)>,
}

impl Gate {
    pub(crate) fn new(concurrent: usize, per_second: u32) -> Self {
        Self {
            state: Arc::new(State {
                running: AtomicUsize::new(0),
                window: Mutex::new((Instant::now(), 0)),
            }),
            concurrent,
            per_second,
        }
    }

    /// A pass, when one is free now; dropping it frees its place.
    pub(crate) fn try_enter(&self) -> Option<Pass<'_>> {
        {
            let mut window = self
                .state
                .window
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            let now = Instant::now();
            if now.duration_since(window.0) >= Duration::from_secs(1) {
                *window = (now, 0);
            }
            if window.1 >= self.per_second {
                return None;
            }
            window.1 += 1;
        }
        if self.state.running.fetch_add(1, Ordering::AcqRel) >= self.concurrent {
            self.state.running.fetch_sub(1, Ordering::AcqRel);
            return None;
        }
        Some(Pass { gate: self })
    }
}

/// A place taken in a [`Gate`].
pub(crate) struct Pass<'a> {
    gate: &'a Gate,
}

impl Drop for Pass<'_> {
    fn drop(&mut self) {
        self.gate.state.running.fetch_sub(1, Ordering::AcqRel);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lets_a_few_through_per_second_and_no_more_than_allowed_at_once() {
        let gate = Gate::new(8, 3);
        let clone = gate.clone();
        let passes: Vec<_> = (0..3).map(|_| clone.try_enter()).collect();
        assert!(passes.iter().all(Option::is_some));
        assert!(
            gate.try_enter().is_none(),
            "three per second, shared by clones"
        );

        let gate = Gate::new(1, 100);
        let held = gate.try_enter().unwrap();
        assert!(gate.try_enter().is_none(), "one at a time");
        drop(held);
        assert!(gate.try_enter().is_some());
    }
}
