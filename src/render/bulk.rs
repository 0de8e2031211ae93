//! A bulk run as people and scripts read it: the pace line of its
//! confirmation, and the summary at the end (succeeded, failed with Clerk's
//! error per failure, skipped), as text or as one JSON document.

use std::path::Path;
use std::time::Duration;

use serde_json::json;

use super::{Style, View};
use crate::client::limit::Rate;
use crate::pipeline::Instance;
use crate::pipeline::confirm::count;
use crate::plan::Step;

/// `at most 100 requests / 10 s (development instance), 8 at a time: at
/// least 3 min 10 s for 2,000 requests`.
pub fn pace(rate: Option<Rate>, instance: Instance, requests: u64, concurrency: usize) -> String {
    match rate {
        Some(r) if r.minimum(requests) > Duration::ZERO => format!(
            "at most {} ({} instance), {concurrency} at a time: at least {} for {} requests",
            r.describe(),
            instance.as_str(),
            duration(r.minimum(requests)),
            count(requests)
        ),
        Some(r) => format!(
            "at most {} ({} instance), {concurrency} at a time: {} requests fit in one window",
            r.describe(),
            instance.as_str(),
            count(requests)
        ),
        None => format!("{concurrency} at a time, {} requests", count(requests)),
    }
}

/// `3 min 10 s`, `12.5 s`.
pub fn duration(d: Duration) -> String {
    let s = d.as_secs_f64();
    if s < 60.0 {
        return format!("{s:.1} s");
    }
    let whole = d.as_secs();
    let (h, m, sec) = (whole / 3600, whole / 60 % 60, whole % 60);
    if h > 0 {
        format!("{h} h {m} min")
    } else {
        format!("{m} min {sec} s")
    }
}

/// How the run went.
#[derive(Debug, Default)]
pub struct Tally {
    pub succeeded: u64,
    pub failed: u64,
    pub skipped: u64,
    /// Why targets were skipped (besides `--resume`), a few.
    pub skip_reasons: Vec<(String, String)>,
    /// `(target, Clerk's error)`, the first failures shown.
    pub failures: Vec<(String, String)>,
    pub interrupted: bool,
    pub elapsed: Duration,
    /// Requests sent (the reads before writes included).
    pub requests: u64,
}

/// The end of a run.
pub fn summary(
    t: &Tally,
    template: &Step,
    run: &str,
    journal: &Path,
    json: bool,
    style: Style,
) -> View {
    let label = template.label();
    let secs = t.elapsed.as_secs_f64();
    let rate = if secs > 0.0 {
        t.requests as f64 / secs
    } else {
        0.0
    };
    let failures: Vec<_> = t
        .failures
        .iter()
        .map(|(target, error)| json!({"target": target, "error": error}))
        .collect();
    let doc = json!({
        "mode": "bulk",
        "request": label,
        "run": run,
        "succeeded": t.succeeded,
        "failed": t.failed,
        "skipped": t.skipped,
        "failures": failures,
        "failures_shown": t.failures.len(),
        "interrupted": t.interrupted,
        "requests": t.requests,
        "seconds": (secs * 1000.0).round() / 1000.0,
        "journal": journal.display().to_string(),
    });
    if json {
        return View {
            json: doc,
            ..View::default()
        };
    }
    let mut out = String::new();
    if t.interrupted {
        out.push_str(
            &style
                .yellow("Stopped before the end: the targets not listed as done were not sent.\n"),
        );
    }
    out.push_str(&format!(
        "{} {label}: {} succeeded, {} failed, {} skipped, in {} ({rate:.1} requests/s)\n",
        style.bold("Bulk"),
        count(t.succeeded),
        count(t.failed),
        count(t.skipped),
        duration(t.elapsed),
    ));
    if !t.failures.is_empty() {
        out.push_str(&style.bold("Failed:\n"));
        for (target, error) in &t.failures {
            out.push_str(&format!("  {target}: {error}\n"));
        }
        if t.failed > t.failures.len() as u64 {
            out.push_str(&format!(
                "  … and {} more, each in the journal\n",
                count(t.failed - t.failures.len() as u64)
            ));
        }
    }
    if !t.skip_reasons.is_empty() {
        out.push_str(&style.bold("Skipped:\n"));
        for (target, why) in &t.skip_reasons {
            out.push_str(&format!("  {target}: {why}\n"));
        }
    }
    out.push_str(&style.dim(&format!("Journal: {} (run {run}).", journal.display())));
    if t.interrupted || t.failed > 0 {
        out.push_str(
            &style.dim(" Rerun the same command with --resume to send only what is not done."),
        );
    }
    View {
        text: out,
        json: doc,
        picks: Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_read_naturally() {
        assert_eq!(duration(Duration::from_millis(12_500)), "12.5 s");
        assert_eq!(duration(Duration::from_secs(190)), "3 min 10 s");
        assert_eq!(duration(Duration::from_secs(3 * 3600 + 120)), "3 h 2 min");
        let rate = Rate::for_instance(Instance::Development, 1.0);
        assert_eq!(
            pace(Some(rate), Instance::Development, 2000, 8),
            "at most 100 requests / 10 s (development instance), 8 at a time: at least 3 min 10 s for 2,000 requests"
        );
    }
}
