//! A plan before it is sent: `--dry-run` (the steps and the pipeline's
//! verdict, as text or as the JSON document scripts read) and `--curl`
//! (an equivalent shell script, the key shown as `$CLERK_SECRET_KEY`).

use std::cell::Cell;

use serde_json::{Value, json};

use super::Style;
use super::json::pretty;
use crate::console::Severity;
use crate::pipeline::{Instance, Verdict};
use crate::plan::missing::Missing;
use crate::plan::{Link, Plan, Slot, Step, encode_segment};

/// Everything `--dry-run` shows.
pub struct DryRun<'a> {
    pub plan: &'a Plan,
    pub verdict: &'a Verdict,
    pub missing: &'a [Missing],
    pub base_url: &'a str,
    pub admin: bool,
    pub yes: bool,
    /// The key's instance kind, or why there is no usable key.
    pub key: Result<(Instance, String), String>,
}

/// The URL of a step as far as it is known: linked values show as
/// `{step N: /pointer}`, missing ones as `{name}`.
pub fn step_url(step: &Step, base_url: &str) -> String {
    let mut url = format!("{}{}", base_url.trim_end_matches('/'), step.concrete_path());
    let query = step.query_with(|l| format!("{{step {}: {}}}", l.step + 1, l.pointer));
    if !query.is_empty() {
        url.push('?');
        url.push_str(&query);
    }
    url
}

/// The body as planned, with linked values shown as `{step N: /pointer}`
/// (merged ones keep the planned value; [`link_notes`] says so) and each
/// file to upload as what will be read.
pub fn display_body(step: &Step) -> Option<Value> {
    let mut body = step.body.clone();
    for l in &step.links {
        if let (Slot::Body(pointer), false) = (&l.slot, l.merge) {
            let b = body.get_or_insert_with(|| json!({}));
            let shown = Value::String(format!("{{step {}: {}}}", l.step + 1, l.pointer));
            crate::plan::links::put(b, pointer, shown);
        }
    }
    if let Some(Value::Object(map)) = &mut body {
        for (name, path) in crate::plan::uploads::files(step) {
            let size = std::fs::metadata(&path).map_or_else(
                |e| format!("cannot be read: {e}"),
                |m| format!("{} bytes", m.len()),
            );
            let shown = format!(
                "file {} ({size}), sent as multipart/form-data",
                path.display()
            );
            map.insert(name, Value::String(shown));
        }
    }
    body
}

/// "public_metadata: merged over step 1's /public_metadata" lines.
pub fn link_notes(step: &Step) -> Vec<String> {
    step.links
        .iter()
        .filter(|l| l.merge)
        .map(|l| {
            let at = match &l.slot {
                Slot::Body(p) | Slot::Path(p) | Slot::Query(p) => p.trim_start_matches('/'),
            };
            format!(
                "{at}: your values are merged over step {}'s {} when it runs (existing keys kept)",
                l.step + 1,
                l.pointer
            )
        })
        .collect()
}

pub fn dry_run_json(d: &DryRun) -> Value {
    let steps: Vec<Value> = d
        .plan
        .steps
        .iter()
        .map(|s| {
            let mut j = s.to_json();
            j["url"] = json!(step_url(s, d.base_url));
            j
        })
        .collect();
    let (instance, key_problem) = match &d.key {
        Ok((i, _)) => (json!(i.as_str()), Value::Null),
        Err(e) => (Value::Null, json!(e)),
    };
    json!({
        "mode": "execute",
        "version": d.plan.version,
        "steps": steps,
        "write": d.verdict.write,
        "needs_confirmation": d.verdict.write && !d.yes,
        "scope_ok": d.verdict.scope_ok(d.admin),
        "warnings": d.verdict.warnings.iter().map(|w| &w.text).collect::<Vec<_>>(),
        "missing": d.missing.iter().map(Missing::to_json).collect::<Vec<_>>(),
        "alternatives": d.plan.alternatives,
        "notes": d.plan.notes,
        "reason": d.plan.reason,
        "instance": instance,
        "key_problem": key_problem,
    })
}

pub fn dry_run_text(d: &DryRun, style: Style) -> String {
    let mut out = format!(
        "{} (spec {}, {}):\n",
        style.heading("Plan"),
        d.plan.version,
        d.plan.reason
    );
    for (i, step) in d.plan.steps.iter().enumerate() {
        out.push_str(&format!(
            "  {}. {} {}\n",
            i + 1,
            style.method(step.method),
            step_url(step, d.base_url)
        ));
        if !step.purpose.is_empty() {
            out.push_str(&format!("     {}\n", style.dim(&step.purpose)));
        }
        if let Some(what) = &step.expect_one {
            out.push_str(&format!("     must find exactly one: {what}\n"));
        }
        if let Some(body) = display_body(step) {
            for line in pretty(&body, style).lines() {
                out.push_str(&format!("     {line}\n"));
            }
        }
        for note in link_notes(step) {
            out.push_str(&format!("     {}\n", style.dim(&note)));
        }
    }
    let mut section = |title: &str, lines: Vec<String>| {
        if !lines.is_empty() {
            out.push_str(&format!("{}\n", style.bold(title)));
            for l in lines {
                out.push_str(&format!("  {l}\n"));
            }
        }
    };
    section("Notes:", d.plan.notes.clone());
    let v = d.verdict;
    let write = match (v.write, v.delete, d.yes) {
        (false, _, _) => "read-only, no confirmation needed".to_string(),
        (true, _, true) => "writes; --yes skips the confirmation".to_string(),
        (true, true, false) => "deletes; you would type `yes` or the ID to confirm".to_string(),
        (true, false, false) => "writes; you would be asked to confirm (default No)".to_string(),
    };
    let scopes = if v.missing_scopes.is_empty() {
        "ok".to_string()
    } else if d.admin {
        format!(
            "missing {}, bypassed by --admin",
            v.missing_scopes.join(" and ")
        )
    } else {
        format!(
            "missing {} in CLERK_BAPI_SCOPES: it would be refused (--admin bypasses)",
            v.missing_scopes.join(" and ")
        )
    };
    let key = match &d.key {
        Ok((i, source)) => format!("{} instance, key from {source}", i.as_str()),
        Err(e) => format!("none usable ({e})"),
    };
    section(
        "Verdict:",
        vec![
            format!("request: {write}"),
            format!("scopes: {scopes}"),
            format!("key: {key}"),
        ],
    );
    section(
        "Warnings:",
        v.warnings
            .iter()
            .map(|w| match w.severity {
                Severity::Danger => style.red(&format!("! {}", w.text)),
                Severity::Caution => style.yellow(&format!("! {}", w.text)),
            })
            .collect(),
    );
    section(
        "Missing values (asked for when run on a terminal):",
        d.missing
            .iter()
            .map(|m| {
                format!(
                    "step {}: {} ({}, {}){}",
                    m.step + 1,
                    m.name,
                    m.location(),
                    m.type_name,
                    if m.description.is_empty() {
                        String::new()
                    } else {
                        format!(": {}", super::table::one_line(&m.description, 80))
                    }
                )
            })
            .collect(),
    );
    section("Alternatives:", d.plan.alternatives.clone());
    out.push_str(&style.dim("Nothing was sent (--dry-run)."));
    out.push('\n');
    out
}

/// The plan as a shell script of curl commands. A step whose response a
/// later step uses is captured in `STEPn` and read with jq.
pub fn curl(plan: &Plan, base_url: &str) -> String {
    let used: Vec<usize> = plan
        .steps
        .iter()
        .flat_map(|s| s.links.iter().map(|l| l.step))
        .collect();
    let mut out = String::new();
    for (i, step) in plan.steps.iter().enumerate() {
        let n = i + 1;
        let mut comment = format!("# {n}. {}", step.label());
        if !step.purpose.is_empty() {
            comment.push_str(&format!(": {}", step.purpose));
        }
        out.push_str(&comment);
        out.push('\n');
        if let Some(what) = &step.expect_one {
            out.push_str(&format!("#    must find exactly one: {what}\n"));
        }
        if let Some(each) = &step.each {
            out.push_str(&format!(
                "#    once per target, each filling {{{}}}: {}\n",
                each.slot.name(),
                each.targets.describe()
            ));
        }
        let mut cmd = String::from("curl -sS");
        if step.method != crate::spec::Method::Get {
            cmd.push_str(&format!(" -X {}", step.method));
        }
        cmd.push_str(&format!(" {}", curl_url(step, base_url)));
        cmd.push_str(" \\\n  -H \"Authorization: Bearer $CLERK_SECRET_KEY\"");
        if !step.uploads.is_empty() {
            for part in curl_form(step) {
                cmd.push_str(&format!(" \\\n  -F {part}"));
            }
        } else if let Some(body) = curl_body(step) {
            cmd.push_str(" \\\n  -H 'Content-Type: application/json'");
            cmd.push_str(&format!(" \\\n  -d {body}"));
        }
        if used.contains(&i) {
            out.push_str(&format!("STEP{n}=$({cmd})\n"));
        } else {
            out.push_str(&cmd);
            out.push('\n');
        }
    }
    out
}

fn curl_url(step: &Step, base_url: &str) -> String {
    // A linked value is read from the earlier step's saved response by jq.
    let dynamic = Cell::new(false);
    let read = |l: &Link| {
        dynamic.set(true);
        format!(
            "$(printf '%s' \"$STEP{}\" | jq -r {})",
            l.step + 1,
            quote(&jq_path(&l.pointer))
        )
    };
    let mut url = base_url.trim_end_matches('/').to_string();
    url.push_str(&step.path_with(read, encode_segment));
    let query = step.query_with(read);
    let dynamic = dynamic.get();
    if !query.is_empty() {
        url.push('?');
        url.push_str(&query);
    }
    if dynamic {
        // Percent-encoding left no `"`, `\` or backquote in the literal parts.
        format!("\"{url}\"")
    } else {
        quote(&url)
    }
}

/// A multipart body as curl's `-F` parts: `name=@path` for a file, as
/// curl reads it, `name=value` for the rest.
fn curl_form(step: &Step) -> Vec<String> {
    let Some(Value::Object(body)) = &step.body else {
        return Vec::new();
    };
    let files = crate::plan::uploads::files(step);
    body.iter()
        .map(
            |(name, value)| match files.iter().find(|(f, _)| f == name) {
                Some((_, path)) => quote(&format!("{name}=@{}", path.display())),
                None => {
                    let text = value
                        .as_str()
                        .map_or_else(|| value.to_string(), str::to_string);
                    quote(&format!("{name}={text}"))
                }
            },
        )
        .collect()
}

fn curl_body(step: &Step) -> Option<String> {
    let body_links: Vec<_> = step
        .links
        .iter()
        .filter_map(|l| match &l.slot {
            Slot::Body(p) => Some((l, p)),
            _ => None,
        })
        .collect();
    if body_links.is_empty() {
        return step.body.as_ref().map(|b| quote(&b.to_string()));
    }
    let planned = step.body.clone().unwrap_or_else(|| json!({}));
    let mut program = planned.to_string();
    let mut args = String::new();
    let mut sources: Vec<usize> = Vec::new();
    for (l, pointer) in body_links {
        let var = format!("$s{}", l.step + 1);
        if !sources.contains(&l.step) {
            sources.push(l.step);
            args.push_str(&format!(" --argjson s{0} \"$STEP{0}\"", l.step + 1));
        }
        let at = jq_path(pointer);
        let path = jq_path(&l.pointer);
        let from = match path.as_str() {
            "." => var.clone(),
            p if p.starts_with(".[") => format!("{var}{}", &p[1..]),
            p => format!("{var}{p}"),
        };
        if l.merge {
            program.push_str(&format!(" | {at} = (({from} // {{}}) * {at})"));
        } else {
            program.push_str(&format!(" | {at} = {from}"));
        }
    }
    Some(format!("\"$(jq -cn{args} {})\"", quote(&program)))
}

/// A JSON pointer as a jq path: `/data/0/id` -> `.data[0].id`.
pub fn jq_path(pointer: &str) -> String {
    let mut out = String::new();
    for token in pointer.split('/').skip(1) {
        let token = token.replace("~1", "/").replace("~0", "~");
        if token.parse::<usize>().is_ok() {
            out.push_str(&format!("[{token}]"));
        } else if !token.is_empty()
            && token.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
            && !token.starts_with(|c: char| c.is_ascii_digit())
        {
            out.push('.');
            out.push_str(&token);
        } else {
            out.push_str(&format!("[{}]", Value::String(token)));
        }
    }
    if out.starts_with('.') {
        out
    } else {
        format!(".{out}")
    }
}

/// Single-quotes a word for a POSIX shell.
pub fn quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', "'\\''"))
}

#[cfg(test)]
mod tests;
