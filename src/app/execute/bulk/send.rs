//! Sending a bulk run: targets taken from their stream one at a time, a
//! few requests in flight (the client's limiter keeps the instance's rate,
//! and a 429's `Retry-After` pauses them all), every write journaled, a
//! progress bar with rate and ETA on stderr when it is a terminal. Ctrl-C
//! stops taking targets; the requests in flight finish and are journaled,
//! so `--resume` later sends exactly the rest.

use std::cell::RefCell;
use std::time::{Duration, Instant};

use futures_util::StreamExt;
use futures_util::stream::FuturesUnordered;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use super::targets::TargetError;
use crate::app::AppError;
use crate::app::execute::record::{self, Context};
use crate::client::bapi::{Bapi, ClientError};
use crate::console::Console;
use crate::journal::Journal;
use crate::pipeline::Instance;
use crate::plan::Step;
use crate::render::bulk::Tally;
use crate::render::result::error_lines;
use crate::spec::Spec;

/// Requests in flight at once unless `--concurrency` says otherwise: with
/// Clerk's latency (~100-300 ms) eight keep up with 100 requests / 10 s and
/// most of 1,000 / 10 s, and stay kind to the server.
pub const DEFAULT_CONCURRENCY: usize = 8;

/// Failures kept for the summary; all of them are in the journal.
pub const FAILURES_SHOWN: usize = 20;

/// What every request of the run shares.
pub struct Job<'a> {
    pub spec: &'a Spec,
    pub client: &'a Bapi,
    pub journal: &'a Journal,
    pub instance: Instance,
    /// The resolved step, still fanning out.
    pub template: &'a Step,
    pub run: String,
    pub template_key: String,
    pub concurrency: usize,
    /// What the run's entries reverse (`undo` of a run), if anything.
    pub context: Context,
}

enum Outcome {
    Ok,
    Failed(String),
    Skipped(String),
}

pub async fn all(
    job: &Job<'_>,
    mut targets: Box<dyn Iterator<Item = Result<String, TargetError>>>,
    done: &super::done::Done,
    total: u64,
    console: &mut dyn Console,
) -> Result<Tally, AppError> {
    let bar = progress(total);
    let notice: RefCell<Option<String>> = RefCell::new(None);
    let mut tally = Tally::default();
    let mut in_flight = FuturesUnordered::new();
    let mut feeding = true;
    let mut fatal: Option<AppError> = None;
    let started = Instant::now();
    let ctrl_c = tokio::signal::ctrl_c();
    tokio::pin!(ctrl_c);
    loop {
        while feeding && in_flight.len() < job.concurrency.max(1) {
            match targets.next() {
                None => feeding = false,
                Some(Err(e)) => {
                    fatal = Some(AppError::Failed(format!("{e}; stopped taking targets")));
                    feeding = false;
                }
                Some(Ok(t)) if done.contains(&t) => {
                    tally.skipped += 1;
                    bar.inc(1);
                }
                Some(Ok(t)) => in_flight.push(one(job, t, &notice)),
            }
        }
        if in_flight.is_empty() {
            break;
        }
        tokio::select! {
            Some((target, outcome, requests, journaled)) = in_flight.next() => {
                bar.inc(1);
                tally.requests += requests;
                if let Some(n) = notice.borrow_mut().take() {
                    bar.set_message(n);
                }
                if let Err(e) = journaled {
                    // Nothing may go unrecorded: stop taking targets.
                    fatal.get_or_insert(AppError::Failed(format!("{e}; stopped taking targets")));
                    feeding = false;
                }
                match outcome {
                    Outcome::Ok => tally.succeeded += 1,
                    Outcome::Failed(why) => {
                        tally.failed += 1;
                        if tally.failures.len() < FAILURES_SHOWN {
                            // On a terminal a long run shows failures as they
                            // come; the summary lists them either way.
                            if !bar.is_hidden() {
                                bar.suspend(|| console.error(&format!("{target}: {why}")));
                            }
                            tally.failures.push((target, why));
                        }
                    }
                    Outcome::Skipped(why) => {
                        tally.skipped += 1;
                        if tally.skip_reasons.len() < FAILURES_SHOWN {
                            tally.skip_reasons.push((target, why));
                        }
                    }
                }
            }
            Ok(()) = &mut ctrl_c, if feeding => {
                feeding = false;
                tally.interrupted = true;
                let n = in_flight.len();
                bar.suspend(|| console.note(&format!(
                    "Ctrl-C: taking no more targets; waiting for the {n} request(s) in flight."
                )));
            }
        }
    }
    bar.finish_and_clear();
    tally.elapsed = started.elapsed();
    match fatal {
        Some(e) if tally.succeeded + tally.failed == 0 => Err(e),
        Some(e) => {
            console.error(&e.to_string());
            tally.interrupted = true;
            Ok(tally)
        }
        None => Ok(tally),
    }
}

/// One target: its request checked, read before where needed, sent,
/// journaled. Returns the target, what became of it, the requests it
/// took, and whether the journal line was written.
async fn one(
    job: &Job<'_>,
    target: String,
    notice: &RefCell<Option<String>>,
) -> (
    String,
    Outcome,
    u64,
    Result<(), crate::journal::JournalError>,
) {
    let step = job.template.for_target(&target);
    if let Err(why) = step.check_path_values() {
        return (target, Outcome::Skipped(why), 0, Ok(()));
    }
    let context = Context {
        run: Some(job.run.clone()),
        target: Some(target.clone()),
        template: Some(job.template_key.clone()),
        ..job.context.clone()
    };
    let reads = u64::from(crate::journal::before::read_for(job.spec, &step).is_some());
    let mut notify = |m: &str| *notice.borrow_mut() = Some(m.to_string());
    let written = record::write(
        job.spec,
        job.client,
        job.journal,
        job.instance,
        &step,
        context,
        &mut notify,
    )
    .await;
    let outcome = match written.reply {
        Ok(r) if r.ok() => Outcome::Ok,
        Ok(r) => Outcome::Failed(error_lines(r.status, &r.body).join("; ")),
        Err(ClientError::RateLimited { reply, retries }) => Outcome::Failed(format!(
            "{} (still rate-limited after {retries} retries)",
            error_lines(reply.status, &reply.body).join("; ")
        )),
        Err(e) => Outcome::Failed(e.to_string()),
    };
    (target, outcome, 1 + reads, written.journal)
}

/// A bar with the count, rate and ETA; drawn only when stderr is a
/// terminal (indicatif hides it otherwise), so pipes and logs stay clean.
fn progress(total: u64) -> ProgressBar {
    let bar = ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::stderr());
    let style = ProgressStyle::with_template(
        "{bar:30.cyan/blue} {pos}/{len} {per_sec:.dim} ETA {eta} {wide_msg:.dim}",
    )
    .unwrap_or_else(|_| ProgressStyle::default_bar());
    bar.set_style(style.progress_chars("=> "));
    bar.enable_steady_tick(Duration::from_millis(200));
    bar
}
