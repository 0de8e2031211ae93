//! The client-side rate limiter: at most N requests started in any window
//! of W seconds, N and W by instance kind (`grammar/request_rates.txt`:
//! Clerk's 100 per 10 s for development, 1,000 per 10 s for production).
//! Keeping to the limit ourselves makes HTTP 429 the exception; when one
//! comes anyway, its `Retry-After` pauses every request, not just the one
//! that got it.
//!
//! The window is a sliding log of the last N start times (Clerk counts
//! requests per window; a log of N instants is the exact form of "no more
//! than N in any W", and its memory is fixed by N, not by the run's length).

use std::collections::VecDeque;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use crate::pipeline::Instance;

const RATES: &str = include_str!("../../grammar/request_rates.txt");

/// How many requests may start within a window.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rate {
    pub requests: u32,
    pub window: Duration,
}

impl Rate {
    /// The rate for an instance kind; `scale` divides the window (for tests
    /// only: `CLERK_BACKEND_API_RATE_SCALE=10` makes 100 per 10 s into 100
    /// per 1 s, so a test of thousands of requests takes seconds).
    pub fn for_instance(instance: Instance, scale: f64) -> Rate {
        let (requests, secs) = table()
            .into_iter()
            .find(|(kind, _, _)| *kind == instance.as_str())
            .map_or((100, 10.0), |(_, n, s)| (n, s));
        let scale = if scale.is_finite() && scale >= 1.0 {
            scale
        } else {
            1.0
        };
        Rate {
            requests,
            window: Duration::from_secs_f64(secs / scale),
        }
    }

    /// The least time `n` requests can take at this rate: the first window
    /// is a burst, each later group of `requests` waits a window.
    pub fn minimum(&self, n: u64) -> Duration {
        if n == 0 {
            return Duration::ZERO;
        }
        self.window * ((n - 1) / u64::from(self.requests)) as u32
    }

    /// `100 requests / 10 s`.
    pub fn describe(&self) -> String {
        format!(
            "{} requests / {} s",
            self.requests,
            trim_secs(self.window.as_secs_f64())
        )
    }
}

fn trim_secs(s: f64) -> String {
    let t = format!("{s:.2}");
    t.trim_end_matches('0').trim_end_matches('.').to_string()
}

/// `(kind, requests, seconds)` lines of `request_rates.txt`; a line that
/// does not parse is skipped (a unit test keeps the file well-formed).
fn table() -> Vec<(&'static str, u32, f64)> {
    RATES
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .filter_map(|l| {
            let mut parts = l.split_whitespace();
            let kind = parts.next()?;
            let n = parts.next()?.parse().ok()?;
            let s = parts.next()?.parse().ok()?;
            Some((kind, n, s))
        })
        .collect()
}

/// Shared by every request of one client.
#[derive(Debug)]
pub struct Limiter {
    rate: Rate,
    /// Added to the window: requests reach the server a little after they
    /// start, in an order that may differ, so the server's window must not
    /// see N+1 where ours saw N.
    margin: Duration,
    state: Mutex<State>,
}

#[derive(Debug, Default)]
struct State {
    started: VecDeque<Instant>,
    paused_until: Option<Instant>,
}

impl Limiter {
    pub fn new(rate: Rate) -> Limiter {
        Limiter {
            rate,
            margin: rate.window / 50,
            state: Mutex::new(State::default()),
        }
    }

    pub fn rate(&self) -> Rate {
        self.rate
    }

    /// Waits until a request may start, and counts it as started.
    pub async fn acquire(&self) {
        loop {
            let wait = self.try_start(Instant::now());
            match wait {
                None => return,
                Some(w) => tokio::time::sleep(w).await,
            }
        }
    }

    /// Starts a request now (`None`), or says how long to wait first.
    fn try_start(&self, now: Instant) -> Option<Duration> {
        let mut s = self.state.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(until) = s.paused_until {
            if until > now {
                return Some(until - now);
            }
            s.paused_until = None;
        }
        let span = self.rate.window + self.margin;
        while s
            .started
            .front()
            .is_some_and(|t| now.duration_since(*t) >= span)
        {
            s.started.pop_front();
        }
        if s.started.len() < self.rate.requests as usize {
            s.started.push_back(now);
            return None;
        }
        let oldest = *s.started.front()?;
        Some(
            (oldest + span)
                .saturating_duration_since(now)
                .max(Duration::from_millis(1)),
        )
    }

    /// Clerk said to wait (`Retry-After`): nothing starts before then.
    pub fn pause(&self, wait: Duration) {
        let until = Instant::now() + wait;
        let mut s = self.state.lock().unwrap_or_else(|p| p.into_inner());
        if s.paused_until.is_none_or(|p| p < until) {
            s.paused_until = Some(until);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_rates_file_names_both_instance_kinds() {
        let t = table();
        assert_eq!(t.len(), 2, "{t:?}");
        let dev = Rate::for_instance(Instance::Development, 1.0);
        assert_eq!((dev.requests, dev.window), (100, Duration::from_secs(10)));
        let live = Rate::for_instance(Instance::Production, 1.0);
        assert_eq!(live.requests, 1000);
        let scaled = Rate::for_instance(Instance::Development, 10.0);
        assert_eq!(scaled.window, Duration::from_secs(1));
        assert_eq!(
            Rate::for_instance(Instance::Development, 0.1)
                .window
                .as_secs(),
            10
        );
    }

    #[test]
    fn no_more_than_n_start_in_any_window() {
        let rate = Rate {
            requests: 3,
            window: Duration::from_millis(100),
        };
        let l = Limiter::new(rate);
        let t0 = Instant::now();
        for _ in 0..3 {
            assert_eq!(l.try_start(t0), None);
        }
        let wait = l.try_start(t0).expect("the fourth waits");
        assert_eq!(wait, Duration::from_millis(102));
        assert_eq!(l.try_start(t0 + wait), None);
        l.pause(Duration::from_secs(5));
        assert!(l.try_start(t0 + wait).unwrap() > Duration::from_secs(4));
    }

    #[test]
    fn the_minimum_time_counts_whole_windows_after_the_first_burst() {
        let r = Rate::for_instance(Instance::Development, 1.0);
        assert_eq!(r.minimum(100), Duration::ZERO);
        assert_eq!(r.minimum(101), Duration::from_secs(10));
        assert_eq!(r.minimum(2000), Duration::from_secs(190));
        assert_eq!(r.describe(), "100 requests / 10 s");
    }
}
