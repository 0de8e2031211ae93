//! What a command shows instead of sending: `--dry-run` (the plan and the
//! pipeline's verdict; for a bulk plan, its targets counted), `--curl` and
//! `--sdk`. None of them makes a client, so none can send.

use serde_json::Value;

use crate::app::{AppError, Status};
use crate::command::Options;
use crate::console::Console;
use crate::intent::Grammar;
use crate::pipeline::{self, Env, SecretKey, key};
use crate::plan::Plan;
use crate::plan::missing::Missing;
use crate::render::plan::{DryRun, curl, dry_run_json, dry_run_text};
use crate::render::{View, sdk};
use crate::spec::Spec;

/// `--sdk`: the plan as @clerk/backend code, or why there is none. Either
/// way nothing is sent.
pub fn sdk_view(spec: &Spec, plan: &Plan) -> Result<(View, Status), AppError> {
    let grammar = Grammar::shared()?;
    match sdk::render(&grammar.sdk, plan) {
        Some(code) => Ok((
            View {
                json: serde_json::json!({"mode": "sdk", "version": spec.version, "code": code}),
                text: code,
                picks: Vec::new(),
            },
            Status::Ok,
        )),
        None => {
            let labels: Vec<String> = plan.steps.iter().map(|s| s.label()).collect();
            Err(AppError::Usage(format!(
                "--sdk knows the @clerk/backend code of the common requests only, not {}; \
                 nothing was sent; --curl shows it as HTTP",
                labels.join(", then ")
            )))
        }
    }
}

#[allow(clippy::too_many_arguments)]
pub fn dry_run(
    spec: &Spec,
    plan: &Plan,
    options: &Options,
    env: &Env,
    found: &Result<SecretKey, key::KeyError>,
    lacking: &[Missing],
    base_url: &str,
    console: &mut dyn Console,
) -> (View, Status) {
    let instance = found.as_ref().ok().map(|k| k.instance);
    let verdict = pipeline::assess(spec, plan, env, instance);
    let d = DryRun {
        plan,
        verdict: &verdict,
        missing: lacking,
        base_url,
        admin: options.admin,
        yes: options.yes,
        key: match found {
            Ok(k) => Ok((k.instance, k.source.to_string())),
            Err(e) => Err(e.to_string()),
        },
    };
    let mut view = View {
        text: dry_run_text(&d, console.out_style()).trim_end().to_string(),
        json: dry_run_json(&d),
        picks: Vec::new(),
    };
    if plan.fan_out_step().is_some() {
        let instance = found.as_ref().ok().map(|k| k.instance);
        let concurrency = options.concurrency.map(|n| n as usize);
        let (lines, json) =
            super::bulk::preview(spec, plan, base_url, instance, concurrency, verdict.delete);
        // The verdict's line on confirming is about one request; a bulk
        // plan is confirmed once for all (the section below says how).
        let once = if verdict.delete { "deletes" } else { "writes" };
        view.text = view
            .text
            .lines()
            .map(|l| match l.strip_prefix("  request: ") {
                Some(_) => {
                    format!("  request: {once} once per target, with one confirmation (see Bulk)")
                }
                None => l.to_string(),
            })
            .collect::<Vec<_>>()
            .join("\n");
        // The bulk section goes before the closing "Nothing was sent".
        let (head, last) = view.text.rsplit_once('\n').unwrap_or(("", &view.text));
        let style = console.out_style();
        let section: String = lines.iter().map(|l| format!("  {l}\n")).collect();
        view.text = format!("{head}\n{}\n{section}{last}", style.bold("Bulk:"));
        view.json["bulk"] = json;
    }
    (view, Status::Ok)
}

pub fn curl_view(
    plan: &Plan,
    base_url: &str,
    lacking: &[Missing],
    console: &mut dyn Console,
) -> View {
    if !lacking.is_empty() {
        let names: Vec<&str> = lacking.iter().map(|m| m.name.as_str()).collect();
        console.note(&format!(
            "still to fill in by hand: {} (left as {{name}} below)",
            names.join(", ")
        ));
    }
    let script = curl(plan, base_url);
    View {
        text: script.trim_end().to_string(),
        json: Value::String(script),
        picks: Vec::new(),
    }
}
