//! The tokens a Mailgun scheme has accepted, each refused a second time while the replay window
//! would still accept its timestamp.

use std::{
    collections::{HashMap, VecDeque},
    sync::Mutex,
};

/// The most tokens remembered at once. Only verified, fresh tokens are stored, so reaching
/// this takes that many genuine deliveries within one replay window; past it the oldest is
/// forgotten first (and could then be replayed until its timestamp leaves the window).
pub const MAX_TOKENS: usize = 100_000;

#[derive(Default)]
pub(super) struct UsedTokens {
    inner: Mutex<Inner>,
}

impl std::fmt::Debug for UsedTokens {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let held = self.inner.lock().map_or(0, |inner| inner.order.len());
        f.debug_struct("UsedTokens").field("held", &held).finish()
    }
}

#[derive(Debug, Default)]
struct Inner {
    /// Token → when it may be forgotten (Unix milliseconds).
    until: HashMap<Box<str>, i64>,
    /// Tokens in the order they were stored, to forget the oldest first.
    order: VecDeque<Box<str>>,
}

impl UsedTokens {
    pub(super) fn new() -> Self {
        Self::default()
    }

    /// Records `token` until `keep_until`; `false` if it is already recorded (a replay).
    pub(super) fn first_use(&self, token: &str, keep_until: i64, now: i64) -> bool {
        let mut inner = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        let Inner { until, order } = &mut *inner;
        while let Some(oldest) = order.front() {
            let expired = until.get(oldest).is_none_or(|&at| at < now);
            if !expired && order.len() < MAX_TOKENS {
                break;
            }
            if let Some(oldest) = order.pop_front() {
                until.remove(&oldest);
            }
        }
        if until.contains_key(token) {
            return false;
        }
        until.insert(token.into(), keep_until);
        order.push_back(token.into());
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_token_is_accepted_once_while_kept_and_forgotten_after() {
        let used = UsedTokens::new();
        assert!(used.first_use("a", 1_000, 0));
        assert!(!used.first_use("a", 1_000, 500));
        assert!(used.first_use("b", 2_000, 500));
        // Past its time "a" is forgotten (its timestamp no longer passes the window anyway).
        assert!(used.first_use("a", 3_000, 1_001));
        assert!(!used.first_use("b", 2_000, 1_001));
    }

    #[test]
    fn memory_is_bounded() {
        let used = UsedTokens::new();
        for n in 0..MAX_TOKENS + 10 {
            assert!(used.first_use(&n.to_string(), i64::MAX, 0));
        }
        let inner = used.inner.lock().unwrap();
        assert_eq!(inner.until.len(), MAX_TOKENS);
        assert_eq!(inner.order.len(), MAX_TOKENS);
    }
}
