//! A plan whose last step fans out ([`crate::plan::each`]): one request
//! template, many targets, one confirmation. Called by the pipeline after
//! the key, the scopes (checked once, for the template) and the warnings:
//!
//! 1. nobody can consent (no terminal, no `--yes`): refused before any
//!    request, even the reads a list source needs;
//! 2. the targets are counted, their first and last shown: a file is
//!    scanned; a list step is read page by page (GET only) and its items,
//!    filtered locally, spooled to a private file;
//! 3. `--resume`: targets the journal holds as done by the same request
//!    template are skipped;
//! 4. one confirmation ([`confirm::ask_bulk`]): the count, the template,
//!    the reads before each write, the pace; more than 5 deletes are
//!    confirmed by typing their count;
//! 5. sending ([`send`]) at the instance's rate, a few at a time, every
//!    write journaled; Ctrl-C stops after the requests in flight;
//! 6. the summary: succeeded, failed (with Clerk's error), skipped.

mod done;
mod send;
pub mod targets;

use sha2::{Digest, Sha256};

use super::runner::Runner;
use crate::app::{AppError, Status};
use crate::journal::{self, Journal, before};
use crate::pipeline::confirm::{self, BulkQuestion, Consent, Shown};
use crate::pipeline::{SecretKey, Verdict};
use crate::plan::each::{Each, Targets};
use crate::plan::explicit::is_paginated;
use crate::plan::{Plan, Slot, Step, links};
use crate::render::View;
use crate::render::bulk as shown;
use crate::render::plan::{display_body, step_url};
use crate::render::result::list_items;
use done::Done;
use targets::{Scan, Source, Spool, SpoolFile};

/// Stands for the target in the template shown (kept as is by URL
/// encoding, so it can be replaced by `{name}` afterwards).
const PLACEHOLDER: &str = "__TARGET__";

/// The largest page a list source is read with.
const PAGE: u64 = 500;

pub async fn run(
    runner: &mut Runner<'_>,
    plan: &Plan,
    verdict: &Verdict,
    key: &SecretKey,
    journal: &Journal,
) -> Result<(View, Status), AppError> {
    plan.check_fan_out().map_err(AppError::Usage)?;
    let Some((index, step, each)) = plan.fan_out_step() else {
        return Err(AppError::Usage("the plan does not fan out".into()));
    };
    if let Some(w) = plan.steps[..index].iter().find(|s| s.method.is_write()) {
        return Err(AppError::Usage(format!(
            "{} comes before a request sent once per target; only reads may, so that \
             nothing is written before the one confirmation; send it on its own first",
            w.label()
        )));
    }
    let options = runner.options;
    // Reads before the confirmation (lookups, a list of targets) are only
    // sent when someone can consent; a file or the command's own values are
    // counted and shown, and the confirmation then refuses.
    let reads_first = index > 0 || matches!(each.targets, Targets::Items { .. });
    if reads_first && !(options.yes || runner.console.interactive()) {
        let what = format!("{} for each target", step.label());
        return Err(AppError::Usage(format!(
            "refusing to write without confirmation: {what}, and there is no terminal to ask on; \
             nothing was sent (not even the reads that find the targets); rerun with --yes if you mean it"
        )));
    }
    let run_id = run_id();
    // The reads before the fan-out: lookups, and the list of targets.
    let mut responses = Vec::new();
    let mut spool_guard: Option<SpoolFile> = None;
    let mut found: Option<(Source, Scan)> = None;
    for (i, s) in plan.steps[..index].iter().enumerate() {
        let resolved = links::resolve(s, i, &responses)?;
        if let Targets::Items {
            step: from,
            pointer,
            filters,
        } = &each.targets
            && *from == i
        {
            let dir = journal.path().parent().unwrap_or(journal.path());
            let spool = Spool::create(dir, &run_id).map_err(|e| AppError::Failed(e.to_string()))?;
            let (source, scan, guard) =
                list_into(runner, &resolved, pointer, filters, spool).await?;
            spool_guard = Some(guard);
            found = Some((source, scan));
            responses.push(serde_json::Value::Null);
            continue;
        }
        let reply = runner.send(&resolved).await.map_err(AppError::Client)?;
        if !reply.ok() {
            let view = runner.api_error(&reply, i, plan.steps.len(), &[]);
            return Ok((view, Status::Failed));
        }
        responses.push(reply.body);
    }
    let template = links::resolve(step, index, &responses)?;
    let (source, scan) = match found {
        Some(f) => f,
        None => {
            let source = source_of(&each.targets, &each.slot)?;
            let scan = source.scan().map_err(|e| AppError::Usage(e.to_string()))?;
            (source, scan)
        }
    };
    if scan.count == 0 {
        runner.console.note(&format!(
            "No targets: nothing in {} matched, so nothing was sent.",
            source.describe()
        ));
        return Ok((View::default(), Status::Ok));
    }
    let key_of = template_key(&template, each, runner.client.base_url());
    let done = if options.resume {
        done_targets(journal, &key_of)?
    } else {
        Done::default()
    };
    let skipped = if done.is_empty() {
        0
    } else {
        source
            .open()
            .map_err(usage)?
            .filter(|t| t.as_ref().is_ok_and(|t| done.contains(t)))
            .count() as u64
    };
    let to_send = scan.count - skipped;
    // The warnings, once, with the count (IRREVERSIBLE for a DELETE).
    for w in &verdict.warnings {
        let mut w = w.clone();
        if let Some(rest) = w.text.strip_prefix("IRREVERSIBLE: ") {
            w.text = format!("IRREVERSIBLE, {} times: {rest}", confirm::count(to_send));
        }
        runner.console.warn(&w);
    }
    let client = runner.client;
    let rate = client.rate();
    let concurrency = options
        .concurrency
        .unwrap_or(send::DEFAULT_CONCURRENCY as u64) as usize;
    // The template as shown: the target's place written `{user_id}`.
    let slot_name = format!("{{{}}}", each.slot.name());
    let placed = template.for_target(PLACEHOLDER);
    let show = |url: String| url.replace(PLACEHOLDER, &slot_name);
    let shown_template = Shown {
        method: template.method,
        url: show(step_url(&placed, client.base_url())),
        body: display_body(&placed)
            .map(|b| serde_json::from_str(&show(b.to_string())).unwrap_or(b)),
    };
    let read_before = before::read_for(runner.spec, &placed).map(|b| {
        format!(
            "{} {}",
            b.step.method,
            show(step_url(&b.step, client.base_url()))
        )
    });
    let requests = to_send * if read_before.is_some() { 2 } else { 1 };
    let question = BulkQuestion {
        template: &shown_template,
        count: to_send,
        skipped,
        slot: each.slot.name(),
        from: &source.describe(),
        first: &scan.first,
        last: &scan.last,
        read_before,
        pace: shown::pace(rate, key.instance, requests, concurrency),
        instance: key.instance,
        source: &key.source,
        delete: verdict.delete,
        yes: options.yes,
    };
    match confirm::ask_bulk(runner.console, &question) {
        Consent::Given => {}
        Consent::Declined => {
            runner.console.note("Cancelled: nothing was written.");
            return Ok((View::default(), Status::Failed));
        }
        Consent::NoTerminal => {
            return Err(AppError::Usage(
                "refusing to write without confirmation: there is no terminal to ask on; rerun with --yes if you mean it".into(),
            ));
        }
    }
    if to_send == 0 {
        runner
            .console
            .note("Every target is already done (--resume): nothing was sent.");
        return Ok((View::default(), Status::Ok));
    }
    let job = send::Job {
        spec: runner.spec,
        client,
        journal,
        instance: key.instance,
        template: &template,
        run: run_id.clone(),
        template_key: key_of,
        concurrency,
        context: runner.context(),
    };
    let targets = source.open().map_err(usage)?;
    let tally = send::all(&job, targets, &done, scan.count, runner.console).await?;
    drop(spool_guard);
    let view = shown::summary(
        &tally,
        &template,
        &run_id,
        journal.path(),
        runner.printer.json(),
        runner.console.out_style(),
    );
    let status = if tally.interrupted {
        Status::Interrupted
    } else if tally.failed > 0 {
        Status::Failed
    } else {
        Status::Ok
    };
    Ok((view, status))
}

/// `--dry-run` of a bulk plan: the targets counted (a file or the values
/// given; a list is read only when the plan runs), the template, how it
/// would be confirmed, the pace. Reads no network.
pub fn preview(
    spec: &crate::spec::Spec,
    plan: &Plan,
    base_url: &str,
    instance: Option<crate::pipeline::Instance>,
    concurrency: Option<usize>,
    delete: bool,
) -> (Vec<String>, serde_json::Value) {
    let Some((_, step, each)) = plan.fan_out_step() else {
        return (Vec::new(), serde_json::Value::Null);
    };
    let slot = format!("{{{}}}", each.slot.name());
    let placed = step.for_target(PLACEHOLDER);
    let url = step_url(&placed, base_url).replace(PLACEHOLDER, &slot);
    let mut lines = vec![format!("each request: {} {url}", step.method)];
    let mut json = serde_json::json!({"template": url, "slot": each.slot.name()});
    let scanned = match &each.targets {
        Targets::Items { step: from, .. } => {
            lines.push(format!(
                "targets: {} (read when it runs, GET only)",
                each.targets.describe()
            ));
            json["from"] = serde_json::json!(format!("step {}", from + 1));
            None
        }
        other => match source_of(other, &each.slot)
            .and_then(|s| s.scan().map(|sc| (s, sc)).map_err(usage))
        {
            Ok((source, scan)) => {
                let mut ends = scan.first.clone();
                if scan.count > (scan.first.len() + scan.last.len()) as u64 {
                    ends.push("…".into());
                }
                ends.extend(scan.last.iter().cloned());
                lines.push(format!(
                    "targets: {} from {}: {}",
                    confirm::count(scan.count),
                    source.describe(),
                    ends.join(", ")
                ));
                json["from"] = serde_json::json!(source.describe());
                json["count"] = serde_json::json!(scan.count);
                json["first"] = serde_json::json!(scan.first);
                json["last"] = serde_json::json!(scan.last);
                Some(scan.count)
            }
            Err(e) => {
                lines.push(format!("targets: {e}"));
                None
            }
        },
    };
    let read = before::read_for(spec, &placed).map(|b| {
        format!(
            "{} {}",
            b.step.method,
            step_url(&b.step, base_url).replace(PLACEHOLDER, &slot)
        )
    });
    if let Some(r) = &read {
        lines.push(format!("before each write: {r}, kept in the journal"));
    }
    json["read_before"] = serde_json::json!(read);
    let confirmation = match (delete, scanned) {
        (true, Some(n)) if n > confirm::TYPED_COUNT_ABOVE => {
            format!("you would type the count ({n}) to confirm")
        }
        (true, _) => "you would type `yes`, or the count when there are more than 5".into(),
        (false, _) => "one confirmation for all of them (default No)".into(),
    };
    lines.push(format!("confirmation: {confirmation}"));
    json["confirmation"] = serde_json::json!(confirmation);
    if let (Some(i), Some(n)) = (instance, scanned) {
        let rate = crate::client::limit::Rate::for_instance(i, 1.0);
        let requests = n * if read.is_some() { 2 } else { 1 };
        let c = concurrency.unwrap_or(send::DEFAULT_CONCURRENCY);
        lines.push(format!("pace: {}", shown::pace(Some(rate), i, requests, c)));
    }
    (lines, json)
}

fn usage(e: targets::TargetError) -> AppError {
    AppError::Usage(e.to_string())
}

/// The targets given in the plan, readable.
fn source_of(targets: &Targets, slot: &Slot) -> Result<Source, AppError> {
    match targets {
        Targets::Given { values } => Ok(Source::Given(values.clone())),
        Targets::File { path, column } => {
            let name = slot.name();
            let preferred = [
                name,
                "id",
                "email",
                "email_address",
                "identifier",
                "user_id",
            ];
            Source::file(path, column.as_deref(), &preferred).map_err(usage)
        }
        Targets::Items { .. } => Err(AppError::Usage(
            "the list the targets come from is not a step before the fan-out".into(),
        )),
    }
}

/// Reads every page of a list step, keeping the value at `pointer` of
/// each item that passes the filters, a page at a time.
async fn list_into(
    runner: &mut Runner<'_>,
    step: &Step,
    pointer: &str,
    filters: &[crate::plan::each::Filter],
    mut spool: Spool,
) -> Result<(Source, Scan, SpoolFile), AppError> {
    let paged = is_paginated(runner.spec, step);
    let mut page = step.clone();
    let mut offset = 0u64;
    let mut read = 0u64;
    loop {
        if paged {
            page.query.retain(|(n, _)| n != "limit" && n != "offset");
            page.query.push(("limit".into(), PAGE.into()));
            page.query.push(("offset".into(), offset.into()));
        }
        let reply = runner.send(&page).await?;
        if !reply.ok() {
            runner.api_error(&reply, 0, 2, &[]);
            return Err(AppError::Failed(format!(
                "the list of targets ({}) could not be read; nothing was written",
                step.label()
            )));
        }
        let Some((items, total)) = list_items(&reply.body) else {
            return Err(AppError::Failed(format!(
                "{} did not return a list, so it cannot give the targets",
                step.label()
            )));
        };
        read += items.len() as u64;
        for item in items
            .iter()
            .filter(|it| filters.iter().all(|f| f.passes(it)))
        {
            let value = item.pointer(pointer).map(|v| match v {
                serde_json::Value::String(s) => s.clone(),
                other => other.to_string(),
            });
            if let Some(v) = value {
                spool
                    .push(&v)
                    .map_err(|e| AppError::Failed(e.to_string()))?;
            }
        }
        let style = runner.console.err_style();
        runner.console.note(&style.dim(&format!(
            "read {read} items of {}, {} targets so far",
            step.label(),
            spool.scan.count
        )));
        let last = !paged
            || (items.len() as u64) < PAGE
            || total.is_some_and(|t| offset + items.len() as u64 >= t);
        if last || items.is_empty() {
            break;
        }
        offset += items.len() as u64;
    }
    spool.finish().map_err(|e| AppError::Failed(e.to_string()))
}

/// What every request of a run shares (the server, method, path, the fixed
/// values, the body without the target), hashed: `--resume` finds the targets of
/// the same request in the journal by it.
pub fn template_key(template: &Step, each: &Each, base_url: &str) -> String {
    let placeholder = template.for_target("\u{0}");
    let text = serde_json::json!({
        "base_url": base_url,
        "method": placeholder.method.as_str(),
        "path": placeholder.path,
        "path_params": placeholder.path_params,
        "query": placeholder.query,
        "body": placeholder.body,
        "slot": each.slot,
    })
    .to_string();
    let digest = Sha256::digest(text.as_bytes());
    digest.iter().take(8).map(|b| format!("{b:02x}")).collect()
}

/// The targets of `key` the journal holds as written successfully.
fn done_targets(journal: &Journal, key: &str) -> Result<Done, AppError> {
    let entries = journal::entries(journal.path()).map_err(|e| AppError::Failed(e.to_string()))?;
    Ok(Done::new(
        entries
            .filter(|(_, e)| e.ok() && e.template.as_deref() == Some(key))
            .filter_map(|(_, e)| e.target),
    ))
}

/// A run's name: its start time and the process.
fn run_id() -> String {
    let now = jiff::Timestamp::now();
    format!("{}-{}", now.strftime("%Y%m%dT%H%M%S"), std::process::id())
}
