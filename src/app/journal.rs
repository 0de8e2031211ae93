//! `history` and `undo`: the journal of writes as a table (a bulk run as
//! one row), one entry in full, and the reverse of a write as a plan that
//! goes through the same pipeline and confirmation as any other.
//!
//! `undo` alone reverses the last write that is not itself an undo and was
//! not undone yet, so repeating it walks back; `undo N` reverses entry N.
//! The last write of a bulk run stands for the run: a run of bans, unbans,
//! locks or unlocks is reversed as one bulk request over its targets.

use std::collections::{HashSet, VecDeque};
use std::path::{Path, PathBuf};

use serde_json::json;

use super::{App, AppError, Status, execute};
use crate::command::Options;
use crate::console::Console;
use crate::journal::undo::{Undo, inverse};
use crate::journal::{self, Entry, JournalError};
use crate::plan::each::{Targets, fan_out};
use crate::plan::{Plan, Slot};
use crate::render::table::Table;
use crate::render::{Style, View};
use crate::spec::Spec;

/// Rows `history` shows, the latest.
const SHOWN: usize = 30;

/// What an undo reverses, recorded on the entries it writes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Undoing {
    Entry(u64),
    Run(String),
}

fn path(app: &App) -> Result<PathBuf, AppError> {
    let dir = app.journal_dir.as_deref().ok_or(JournalError::NoDataDir)?;
    Ok(journal::path_in(dir))
}

/// One row: an entry, or a bulk run's consecutive entries.
struct Row {
    first: u64,
    last: u64,
    entry: Entry,
    ok: u64,
    failed: u64,
}

pub fn history(app: &App, entry: Option<u64>, style: Style, _: &Options) -> Result<View, AppError> {
    let file = path(app)?;
    let shown = file.display().to_string();
    if let Some(n) = entry {
        let Some((_, e)) = journal::entries(&file)?.find(|(i, _)| *i == n) else {
            return Err(AppError::NotFound(format!(
                "there is no entry {n} in the journal {shown}; `history` lists them"
            )));
        };
        let doc = serde_json::to_value(&e).unwrap_or_default();
        let text = format!(
            "{} {n} of {shown}\n{}",
            style.heading("Journal entry"),
            serde_json::to_string_pretty(&doc).unwrap_or_default()
        );
        return Ok(View {
            text,
            json: json!({"mode": "history", "journal": shown, "number": n, "entry": doc}),
            picks: Vec::new(),
        });
    }
    let mut rows: VecDeque<Row> = VecDeque::new();
    let mut total = 0u64;
    for (n, e) in journal::entries(&file)? {
        total += 1;
        let ok = u64::from(e.ok());
        let same_run = rows
            .back()
            .is_some_and(|r| r.entry.run.is_some() && r.entry.run == e.run && r.last + 1 == n);
        if same_run && let Some(r) = rows.back_mut() {
            r.last = n;
            r.ok += ok;
            r.failed += 1 - ok;
            continue;
        }
        rows.push_back(Row {
            first: n,
            last: n,
            ok,
            failed: 1 - ok,
            entry: e,
        });
        if rows.len() > SHOWN {
            rows.pop_front();
        }
    }
    if rows.is_empty() {
        return Ok(View {
            text: format!("The journal {shown} holds no writes yet."),
            json: json!({"mode": "history", "journal": shown, "rows": []}),
            picks: Vec::new(),
        });
    }
    let mut table = Table::new(["#", "time", "instance", "request", "result"]);
    let mut docs = Vec::new();
    for r in &rows {
        let e = &r.entry;
        let number = if r.first == r.last {
            r.first.to_string()
        } else {
            format!("{}-{}", r.first, r.last)
        };
        let (request, result) = if r.first == r.last {
            let result = match (e.status, &e.response_id, &e.error) {
                (Some(s), Some(id), None) => format!("{s} {id}"),
                (Some(s), _, Some(err)) => format!("{s} {err}"),
                (Some(s), _, None) => s.to_string(),
                (None, _, err) => err.clone().unwrap_or_default(),
            };
            (format!("{} {}", e.method, e.url), result)
        } else {
            (
                format!("{} {} × {}", e.method, e.path, r.last - r.first + 1),
                format!(
                    "{} ok, {} failed (run {})",
                    r.ok,
                    r.failed,
                    e.run.as_deref().unwrap_or("")
                ),
            )
        };
        let undo = match (e.undoes, &e.undoes_run) {
            (Some(k), _) => format!(" (undoes {k})"),
            (_, Some(run)) => format!(" (undoes run {run})"),
            _ => String::new(),
        };
        table.row(vec![
            number.clone(),
            e.time.clone(),
            e.instance.clone(),
            format!("{request}{undo}"),
            result.clone(),
        ]);
        docs.push(
            json!({"entries": number, "time": e.time, "instance": e.instance,
            "request": request, "result": result, "run": e.run}),
        );
    }
    let text = format!(
        "{} {shown} ({total} writes; the latest {} rows)\n{}\n{}",
        style.heading("Journal"),
        rows.len(),
        table.render(style).trim_end(),
        style.dim(
            "`history N` shows entry N in full; `undo` reverses the last write, `undo N` entry N."
        )
    );
    Ok(View {
        text,
        json: json!({"mode": "history", "journal": shown, "writes": total, "rows": docs}),
        picks: Vec::new(),
    })
}

pub async fn undo(
    app: &mut App,
    spec: &Spec,
    entry: Option<u64>,
    options: &Options,
    console: &mut dyn Console,
) -> Result<(View, Status), AppError> {
    let file = path(app)?;
    let shown = file.display().to_string();
    let (n, e) = match entry {
        Some(n) => journal::entries(&file)?
            .find(|(i, _)| *i == n)
            .ok_or_else(|| {
                AppError::NotFound(format!(
                    "there is no entry {n} in the journal {shown}; `history` lists them"
                ))
            })?,
        None => last_undoable(&file)?.ok_or_else(|| {
            AppError::NotFound(format!("the journal {shown} holds no write left to undo"))
        })?,
    };
    if let Some(by) = undone_by(&file, n, &e)? {
        return Err(AppError::Usage(format!(
            "entry {n} was already undone by entry {by}; `undo {by}` reverses that undo"
        )));
    }
    let (plan, undoing, spool) = match (&e.run, entry) {
        (Some(run), None) => {
            if let Undo::Cannot(why) = inverse(spec, n, &e, &shown) {
                return Err(AppError::Failed(format!(
                    "the last write is entry {n}, of bulk run {run}: {why}"
                )));
            }
            let (plan, spool) = run_inverse(app, spec, &file, run, &e)?;
            (plan, Undoing::Run(run.clone()), Some(spool))
        }
        _ => match inverse(spec, n, &e, &shown) {
            Undo::Plan(p) => (p, Undoing::Entry(n), None),
            Undo::Cannot(why) => return Err(AppError::Failed(why)),
        },
    };
    app.undoing = Some(undoing);
    let result = execute::run_plan(app, spec, plan, options, console).await;
    app.undoing = None;
    if let Some(spool) = spool {
        let _ = std::fs::remove_file(spool);
    }
    result
}

/// The last successful write that is not an undo and was not undone.
fn last_undoable(file: &Path) -> Result<Option<(u64, Entry)>, AppError> {
    let mut undone: HashSet<u64> = HashSet::new();
    let mut undone_runs: HashSet<String> = HashSet::new();
    let mut candidates: Vec<u64> = Vec::new();
    for (n, e) in journal::entries(file)? {
        if !e.ok() {
            continue;
        }
        match (e.undoes, &e.undoes_run) {
            (Some(k), _) => {
                undone.insert(k);
            }
            (_, Some(run)) => {
                undone_runs.insert(run.clone());
            }
            _ => candidates.push(n),
        }
    }
    for n in candidates.into_iter().rev() {
        if undone.contains(&n) {
            continue;
        }
        let Some((_, e)) = journal::entries(file)?.find(|(i, _)| *i == n) else {
            continue;
        };
        if e.run.as_ref().is_some_and(|r| undone_runs.contains(r)) {
            continue;
        }
        return Ok(Some((n, e)));
    }
    Ok(None)
}

/// The entry that already reversed entry `n`, if any.
fn undone_by(file: &Path, n: u64, e: &Entry) -> Result<Option<u64>, AppError> {
    Ok(journal::entries(file)?
        .find(|(_, later)| {
            later.ok()
                && (later.undoes == Some(n)
                    || (later.undoes_run.is_some() && later.undoes_run == e.run))
        })
        .map(|(i, _)| i))
}

/// The reverse of a whole bulk run: the inverse of its last entry as a
/// template, sent once per target the run wrote successfully. Only where
/// that inverse has the target in the same place (ban ↔ unban, lock ↔
/// unlock); other runs are reversed an entry at a time.
fn run_inverse(
    app: &App,
    spec: &Spec,
    file: &Path,
    run: &str,
    last: &Entry,
) -> Result<(Plan, PathBuf), AppError> {
    let target = last.target.clone().unwrap_or_default();
    let Undo::Plan(mut plan) = inverse(spec, 0, last, &file.display().to_string()) else {
        return Err(AppError::Failed(format!(
            "no inverse is known for {} {}, the requests of bulk run {run}",
            last.method, last.path
        )));
    };
    let step = &plan.steps[0];
    let slot = step
        .path_params
        .iter()
        .find(|(_, v)| v.as_str() == Some(&target))
        .map(|(name, _)| Slot::Path(name.clone()));
    let Some(slot) = slot else {
        return Err(AppError::Failed(format!(
            "bulk run {run} ({} {}) cannot be reversed as one request; reverse its entries one at a time with `undo N` (`history` lists them)",
            last.method, last.path
        )));
    };
    // The run's targets, spooled to a private file (a run may be 100,000).
    let dir = app.journal_dir.as_deref().ok_or(JournalError::NoDataDir)?;
    let spool = dir.join(format!("undo-{run}.txt"));
    let done = journal::entries(file)?
        .filter(|(_, e)| e.ok() && e.run.as_deref() == Some(run))
        .filter_map(|(_, e)| e.target);
    write_private(&spool, done)
        .map_err(|err| AppError::Failed(format!("cannot write {} ({err})", spool.display())))?;
    let name = slot.name().to_string();
    plan.steps[0].path_params.retain(|(n, _)| *n != name);
    plan.reason = format!("undo of bulk run {run}");
    plan.notes = vec![format!(
        "This reverses bulk run {run} ({} {}), target by target.",
        last.method, last.path
    )];
    let targets = Targets::File {
        path: spool.display().to_string(),
        column: None,
    };
    fan_out(&mut plan, slot, targets).map_err(AppError::Usage)?;
    Ok((plan, spool))
}

/// One line per target, to a file only its owner reads.
fn write_private(path: &Path, lines: impl Iterator<Item = String>) -> std::io::Result<()> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.create(true).write(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut out = std::io::BufWriter::new(options.open(path)?);
    for line in lines {
        writeln!(out, "{}", line.replace(['\n', '\r'], " "))?;
    }
    out.flush()
}
