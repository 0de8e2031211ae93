//! The client-side rate limiter: at most N requests started in any window
//! of W seconds, N and W by instance kind (`grammar/request_rates.txt`:
//! Clerk's 100 per 10 s for development, 1,000 per 10 s for production).
//! Keeping to the limit ourselves makes HTTP 429 the exception; when one
//! comes anyway, its `Retry-After` pauses every request, not just the one
//! that got it.
//!
//! The window is a sliding log of the last N requests (Clerk counts
//! requests per window; a log of N is the exact form of "no more than N in
//! any W", and its memory is fixed by N, not by the run's length), each
//! counted from its start until a window after its answer ([`Permit`]).

use std::sync::Mutex;
use std::time::{Duration, Instant};

use crate::pipeline::Instance;

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
    crate::grammar::file("request_rates.txt")
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
    state: Mutex<State>,
}

#[derive(Debug, Default)]
struct State {
    /// The requests of the last window: `None` while in flight, then
    /// when its answer came. At most `rate.requests` entries.
    log: Vec<(u64, Option<Instant>)>,
    next: u64,
    paused_until: Option<Instant>,
}

/// A request counted by the limiter; dropping it (the answer came, or the
/// attempt failed) starts its window.
#[derive(Debug)]
pub struct Permit<'a> {
    limiter: &'a Limiter,
    id: u64,
}

impl Drop for Permit<'_> {
    fn drop(&mut self) {
        let mut s = self.limiter.lock();
        let now = Instant::now();
        if let Some(entry) = s.log.iter_mut().find(|(id, _)| *id == self.id) {
            entry.1 = Some(now);
        }
    }
}

impl Limiter {
    pub fn new(rate: Rate) -> Limiter {
        Limiter {
            rate,
            state: Mutex::new(State::default()),
        }
    }

    pub fn rate(&self) -> Rate {
        self.rate
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Waits until a request may start, and counts it until the permit is
    /// dropped.
    pub async fn acquire(&self) -> Permit<'_> {
        loop {
            match self.try_start(Instant::now()) {
                Ok(id) => return Permit { limiter: self, id },
                Err(w) => tokio::time::sleep(w).await,
            }
        }
    }

    /// Starts a request now (its id), or says how long to wait first.
    ///
    /// A request counts from its start until a window after its answer:
    /// the server saw it somewhere in between, so request N+1 starting a
    /// window after request 1's answer reaches the server a window after
    /// request 1 did, however the network delays them. (Counting from the
    /// start alone let a scheduling hiccup put N+1 requests in the
    /// server's window and earn 429s.) It costs one round trip a window.
    fn try_start(&self, now: Instant) -> Result<u64, Duration> {
        let mut s = self.lock();
        if let Some(until) = s.paused_until {
            if until > now {
                return Err(until - now);
            }
            s.paused_until = None;
        }
        let window = self.rate.window;
        s.log
            .retain(|(_, end)| end.is_none_or(|t| now.duration_since(t) < window));
        if s.log.len() < self.rate.requests as usize {
            s.next += 1;
            let id = s.next;
            s.log.push((id, None));
            return Ok(id);
        }
        // The first answered request to leave the window; with every one
        // still in flight, look again shortly.
        let wait = s
            .log
            .iter()
            .filter_map(|(_, end)| end.map(|t| (t + window).saturating_duration_since(now)))
            .min()
            .unwrap_or(Duration::from_millis(5));
        Err(wait.max(Duration::from_millis(1)))
    }

    /// Clerk said to wait (`Retry-After`): nothing starts before then.
    pub fn pause(&self, wait: Duration) {
        let until = Instant::now() + wait;
        let mut s = self.lock();
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
    fn no_more_than_n_in_any_window_counted_from_their_answers() {
        let rate = Rate {
            requests: 3,
            window: Duration::from_millis(100),
        };
        let l = Limiter::new(rate);
        let t0 = Instant::now();
        let ids: Vec<u64> = (0..3).map(|_| l.try_start(t0).unwrap()).collect();
        // All three in flight: the fourth waits, whatever the clock says.
        assert!(l.try_start(t0 + Duration::from_secs(5)).is_err());
        drop(Permit {
            limiter: &l,
            id: ids[0],
        });
        // Taken after the drop: the window runs from a moment before it.
        let answered = Instant::now();
        let wait = l
            .try_start(answered)
            .expect_err("a window after the answer");
        assert!(wait > Duration::from_millis(90) && wait <= Duration::from_millis(100));
        assert!(l.try_start(answered + Duration::from_millis(100)).is_ok());
        l.pause(Duration::from_secs(5));
        let now = Instant::now();
        assert!(l.try_start(now).unwrap_err() > Duration::from_secs(4));
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
