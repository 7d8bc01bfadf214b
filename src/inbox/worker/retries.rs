//! [`Retries`]: how often, and how far apart, a failing event is tried.

use std::{
    hash::{BuildHasher, Hasher},
    time::Duration,
};

/// How a failing event is retried: up to [`max_attempts`](Self::max_attempts) tries in all,
/// the waits between them doubling from [`first_delay`](Self::first_delay) up to
/// [`max_delay`](Self::max_delay), each shortened by a random part of up to
/// [`jitter`](Self::jitter) of itself so that events that failed together do not return
/// together.
///
/// The default: 12 attempts, 10 s doubling to at most 1 h, 20 % jitter; the last attempt comes
/// about 4 h after the first.
///
/// ```
/// use std::time::Duration;
/// use tower_webhooks::inbox::Retries;
///
/// let retries = Retries::default().max_attempts(5).first_delay(Duration::from_secs(1)).jitter(0.0);
/// assert_eq!(retries.delay_after(1), Duration::from_secs(1));
/// assert_eq!(retries.delay_after(3), Duration::from_secs(4));
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Retries {
    max_attempts: u32,
    first_delay: Duration,
    max_delay: Duration,
    jitter: f64,
}

impl Default for Retries {
    fn default() -> Self {
        Self {
            max_attempts: 12,
            first_delay: Duration::from_secs(10),
            max_delay: Duration::from_secs(3600),
            jitter: 0.2,
        }
    }
}

impl Retries {
    /// At most `attempts` tries in all (at least 1); after the last failure the event is dead.
    #[must_use]
    pub fn max_attempts(mut self, attempts: u32) -> Self {
        self.max_attempts = attempts.max(1);
        self
    }

    /// The wait after the first failure.
    #[must_use]
    pub fn first_delay(mut self, delay: Duration) -> Self {
        self.first_delay = delay;
        self
    }

    /// The longest wait between two attempts.
    #[must_use]
    pub fn max_delay(mut self, delay: Duration) -> Self {
        self.max_delay = delay;
        self
    }

    /// The largest part of each wait taken off at random, from 0.0 (exact waits) to 1.0.
    #[must_use]
    pub fn jitter(mut self, jitter: f64) -> Self {
        // NaN is no jitter.
        self.jitter = if jitter.is_nan() {
            0.0
        } else {
            jitter.clamp(0.0, 1.0)
        };
        self
    }

    pub(crate) fn attempts(&self) -> u32 {
        self.max_attempts
    }

    /// The wait after failed attempt `attempt` (1 for the first), before jitter.
    #[must_use]
    pub fn delay_after(&self, attempt: u32) -> Duration {
        let doublings = attempt.saturating_sub(1).min(32);
        self.first_delay
            .saturating_mul(1u32 << doublings.min(31))
            .min(self.max_delay)
    }

    /// The wait after failed attempt `attempt`, jitter taken off.
    pub(crate) fn jittered_delay_after(&self, attempt: u32) -> Duration {
        let delay = self.delay_after(attempt);
        if self.jitter == 0.0 {
            return delay;
        }
        // A fresh `RandomState` is seeded at random: enough randomness to spread retries,
        // without a dependency for it.
        let random = std::collections::hash_map::RandomState::new()
            .build_hasher()
            .finish();
        let fraction = (random >> 11) as f64 / (1u64 << 53) as f64;
        delay.mul_f64(1.0 - self.jitter * fraction)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn waits_double_up_to_the_cap_and_jitter_only_shortens_them() {
        let retries = Retries::default()
            .first_delay(Duration::from_secs(10))
            .max_delay(Duration::from_secs(60))
            .jitter(0.5);
        let delays: Vec<_> = (1..=5).map(|n| retries.delay_after(n).as_secs()).collect();
        assert_eq!(delays, [10, 20, 40, 60, 60]);
        let jittered: Vec<_> = (0..200).map(|_| retries.jittered_delay_after(2)).collect();
        assert!(
            jittered
                .iter()
                .all(|d| *d <= Duration::from_secs(20) && *d >= Duration::from_secs(10))
        );
        let distinct: std::collections::HashSet<_> = jittered.iter().collect();
        assert!(
            distinct.len() > 100,
            "jitter spreads the waits: {} distinct",
            distinct.len()
        );
        assert_eq!(retries.delay_after(u32::MAX), Duration::from_secs(60));
    }
}
