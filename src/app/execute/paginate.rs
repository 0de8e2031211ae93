//! `--all`: follow a list's pages (up to 500 items each) and stream them.
//! Text prints each page's rows as they come; `--output json` prints ONE
//! JSON array, written item by item so memory stays flat, and closed even
//! when Ctrl-C stops the run early, so `| jq` always gets valid JSON. A
//! progress line per page goes to stderr.

use serde_json::Value;

use super::runner::Runner;
use crate::app::{AppError, Status};
use crate::plan::Step;
use crate::render::View;
use crate::render::result::list_items;

/// Clerk's largest page.
const MAX_PAGE: u64 = 500;

pub async fn all(run: &mut Runner<'_>, step: &Step) -> Result<(View, Status), AppError> {
    let mut page = step.clone();
    let given = |name: &str| {
        step.query
            .iter()
            .find(|(n, _)| n == name)
            .and_then(|(_, v)| v.as_u64())
    };
    let limit = given("limit").unwrap_or(MAX_PAGE).clamp(1, MAX_PAGE);
    let mut offset = given("offset").unwrap_or(0);
    let mut stream = run.printer.list();
    let ctrl_c = tokio::signal::ctrl_c();
    tokio::pin!(ctrl_c);
    let mut fetched = 0u64;
    let mut pages = 0u32;
    let mut noun = String::from("item");
    let status = loop {
        set(&mut page.query, "limit", limit);
        set(&mut page.query, "offset", offset);
        let reply = tokio::select! {
            r = run.send(&page) => Some(r),
            Ok(()) = &mut ctrl_c => None,
        };
        let Some(reply) = reply else {
            stream.finish(run.console);
            run.console.note(&format!(
                "Stopped by Ctrl-C after {fetched} {noun}s; the output above is complete up to there."
            ));
            return Ok((View::default(), Status::Interrupted));
        };
        let reply = match reply {
            Ok(r) if r.ok() => r,
            Ok(r) => {
                stream.finish(run.console);
                // The streamed array is the result; the error body is not.
                let mut view = run.api_error(&r, 0, 1, &[]);
                view.json = Value::Null;
                return Ok((view, Status::Failed));
            }
            Err(e) => {
                stream.finish(run.console);
                return Err(e.into());
            }
        };
        run.memory.observe(&reply.body);
        let Some((items, total)) = list_items(&reply.body) else {
            stream.finish(run.console);
            return Err(AppError::Failed(format!(
                "{} did not return a list, so --all cannot follow its pages",
                step.label()
            )));
        };
        pages += 1;
        fetched += items.len() as u64;
        if let Some(o) = items
            .first()
            .and_then(|i| i.get("object"))
            .and_then(Value::as_str)
        {
            noun = o.to_string();
        }
        stream.page(run.console, items);
        let of = total.map(|t| format!(" of {t}")).unwrap_or_default();
        let style = run.console.err_style();
        run.console
            .note(&style.dim(&format!("page {pages}: {fetched}{of} {noun}s so far")));
        let last =
            (items.len() as u64) < limit || total.is_some_and(|t| offset + items.len() as u64 >= t);
        if last || items.is_empty() {
            break Status::Ok;
        }
        offset += items.len() as u64;
    };
    stream.finish(run.console);
    run.console
        .note(&format!("Fetched {fetched} {noun}s in {pages} page(s)."));
    Ok((View::default(), status))
}

fn set(query: &mut Vec<(String, Value)>, name: &str, n: u64) {
    query.retain(|(k, _)| k != name);
    query.push((name.to_string(), Value::from(n)));
}
