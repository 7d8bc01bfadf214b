//! [`ReplayWindow`] and [`Clock`]: how old (or how far ahead) a signed timestamp may be.

use std::{
    fmt,
    sync::Arc,
    time::{Duration, SystemTime, UNIX_EPOCH},
};

use crate::Rejection;

/// How far a delivery's signed timestamp may be from now, separately into the past (delivery
/// delay, a replayed delivery) and into the future (the provider's clock running ahead).
///
/// Every scheme with a signed timestamp has one, defaulting to what the provider's own SDK
/// uses; a delivery outside it gets `401` with
/// [`RejectionKind::StaleTimestamp`](crate::RejectionKind::StaleTimestamp).
///
/// ```
/// use std::time::Duration;
/// use tower_webhooks::ReplayWindow;
///
/// let window = ReplayWindow::new(Duration::from_secs(600), Duration::from_secs(30));
/// assert_eq!(window.past(), Duration::from_secs(600));
/// assert_eq!(ReplayWindow::symmetric(Duration::from_secs(300)).future(), Duration::from_secs(300));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReplayWindow {
    past: Duration,
    future: Duration,
}

impl ReplayWindow {
    /// Accepts timestamps up to `past` before now and up to `future` after it.
    #[must_use]
    pub const fn new(past: Duration, future: Duration) -> Self {
        Self { past, future }
    }

    /// The same tolerance both ways, as most providers' SDKs do.
    #[must_use]
    pub const fn symmetric(tolerance: Duration) -> Self {
        Self::new(tolerance, tolerance)
    }

    /// How far in the past a timestamp may be.
    #[must_use]
    pub const fn past(&self) -> Duration {
        self.past
    }

    /// How far in the future a timestamp may be.
    #[must_use]
    pub const fn future(&self) -> Duration {
        self.future
    }

    /// Checks a timestamp given in milliseconds since the Unix epoch.
    pub(crate) fn check(&self, clock: &Clock, signed_at_ms: i64) -> Result<(), Rejection> {
        let now_ms = clock.now_unix_millis();
        let age_ms = i128::from(now_ms) - i128::from(signed_at_ms);
        let past_ms = i128::try_from(self.past.as_millis()).unwrap_or(i128::MAX);
        let future_ms = i128::try_from(self.future.as_millis()).unwrap_or(i128::MAX);
        if age_ms > past_ms || -age_ms > future_ms {
            let skew_secs = i64::try_from(age_ms / 1000).unwrap_or(if age_ms < 0 {
                i64::MIN
            } else {
                i64::MAX
            });
            return Err(Rejection::stale_timestamp(skew_secs));
        }
        Ok(())
    }
}

/// Where a scheme reads the time from when it checks a [`ReplayWindow`].
///
/// The system clock by default; tests inject a fixed one so the window's edges are exact:
///
/// ```
/// use std::time::{Duration, UNIX_EPOCH};
/// use tower_webhooks::Clock;
///
/// let clock = Clock::fixed(UNIX_EPOCH + Duration::from_secs(1_700_000_000));
/// assert_eq!(clock.now(), UNIX_EPOCH + Duration::from_secs(1_700_000_000));
/// ```
#[derive(Clone)]
pub struct Clock {
    now: Arc<dyn Fn() -> SystemTime + Send + Sync>,
}

impl Clock {
    /// The system clock.
    #[must_use]
    pub fn system() -> Self {
        Self::from_fn(SystemTime::now)
    }

    /// A clock stopped at `at`.
    #[must_use]
    pub fn fixed(at: SystemTime) -> Self {
        Self::from_fn(move || at)
    }

    /// A clock that asks `now` for the time.
    pub fn from_fn(now: impl Fn() -> SystemTime + Send + Sync + 'static) -> Self {
        Self { now: Arc::new(now) }
    }

    /// The time now, by this clock.
    #[must_use]
    pub fn now(&self) -> SystemTime {
        (self.now)()
    }

    pub(crate) fn now_unix_millis(&self) -> i64 {
        match self.now().duration_since(UNIX_EPOCH) {
            Ok(after) => i64::try_from(after.as_millis()).unwrap_or(i64::MAX),
            Err(before) => i64::try_from(before.duration().as_millis()).map_or(i64::MIN, |ms| -ms),
        }
    }
}

impl Default for Clock {
    fn default() -> Self {
        Self::system()
    }
}

impl fmt::Debug for Clock {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Clock").field("now", &self.now()).finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW_S: i64 = 1_700_000_000;

    fn clock() -> Clock {
        Clock::fixed(UNIX_EPOCH + Duration::from_secs(NOW_S as u64))
    }

    #[test]
    fn edges_are_inclusive_and_directions_separate() {
        let window = ReplayWindow::new(Duration::from_secs(300), Duration::from_secs(5));
        let at = |s: i64| window.check(&clock(), (NOW_S + s) * 1000);
        assert!(at(0).is_ok());
        assert!(at(-300).is_ok());
        assert!(at(5).is_ok());
        let old = at(-301).unwrap_err();
        assert_eq!(old.kind(), crate::RejectionKind::StaleTimestamp);
        assert_eq!(old.skew_secs(), Some(301));
        assert_eq!(
            old.to_string(),
            "the signed timestamp is 301 s old, outside the replay window"
        );
        let ahead = at(6).unwrap_err();
        assert_eq!(ahead.skew_secs(), Some(-6));
        assert!(ahead.to_string().contains("6 s in the future"));
    }

    #[test]
    fn extreme_timestamps_do_not_overflow() {
        let window = ReplayWindow::symmetric(Duration::MAX);
        assert!(window.check(&clock(), i64::MIN).is_ok());
        let tight = ReplayWindow::symmetric(Duration::ZERO);
        assert!(tight.check(&clock(), i64::MAX).is_err());
        assert!(tight.check(&clock(), i64::MIN).is_err());
    }
}
