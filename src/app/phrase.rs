//! Words that are not an explicit endpoint: a tag name to browse first,
//! otherwise plain English to route. A question gets its answer; a request
//! becomes a plan that runs through the same pipeline as an explicit
//! endpoint. `help` shows what the words resolved to and why.

use std::time::{SystemTime, UNIX_EPOCH};

use serde_json::json;

use super::{App, AppError, Status, execute};
use crate::command::{Options, Output};
use crate::console::Console;
use crate::intent::{Answer, Context, Router, Routing};
use crate::plan::Plan;
use crate::render::table::{Table, one_line};
use crate::render::{Style, View, browse, detail};
use crate::spec::{Operation, Spec, Tag, TagMatch};

pub async fn run(
    app: &mut App,
    spec: &Spec,
    text: &str,
    help: bool,
    options: &Options,
    console: &mut dyn Console,
) -> Result<(View, Status), AppError> {
    let style = console.out_style();
    let near_tags = match spec.find_tag(text) {
        TagMatch::Found(tag) => return Ok((browse::tag(spec, tag, style), Status::Ok)),
        TagMatch::Suggestions(tags) => tags,
    };
    let router = Router::cached(spec, app.store.config().cache_dir.as_deref()).map_err(|e| {
        AppError::Failed(format!(
            "the built-in grammar does not load ({e}); this is a bug in clerk-backend-api, please report it"
        ))
    })?;
    let ctx = Context {
        now_ms: now_ms(),
        memory: &app.memory,
        repl: app.repl,
    };
    let routing = router.route(text, &ctx);
    if help {
        return Ok((explain(spec, text, &routing, style), Status::Ok));
    }
    // One unclear word is most likely a misspelt tag (`Usres`): suggest,
    // as browse mode does, rather than guess a request.
    let lone_guess = !routing.confident && !text.trim().contains(' ');
    let mut plan = match routing.plan.clone() {
        Some(plan) if !lone_guess => plan,
        // Candidates instead of a pick (a destructive operation the words do
        // not ask for): the same numbered list in the REPL and one-shot;
        // one-shot sends nothing and exits 2.
        None if routing.answer.is_none() && !routing.ties.is_empty() => {
            let (best, rest) = routing.ties.split_first().expect("not empty");
            let view = choices(spec, text, best, rest, style);
            let status = if app.repl { Status::Ok } else { Status::Usage };
            return Ok((view, status));
        }
        _ => {
            if let Some(answer) = &routing.answer {
                return Ok((answer_view(spec, answer, style), Status::Ok));
            }
            return Ok((
                nothing(spec, text, &near_tags, &routing, style),
                Status::Failed,
            ));
        }
    };
    // One decision for both modes: a confident plan runs; a plan with low
    // confidence is a numbered choice in the REPL and, one-shot, a dry run
    // or a read only (a write is refused: give the endpoint explicitly).
    if !routing.confident
        && app.repl
        && options.output == Output::Text
        && !options.dry_run
        && !routing.ties.is_empty()
    {
        return Ok((choices(spec, text, &plan, &routing.ties, style), Status::Ok));
    }
    if !routing.confident && plan.writes() && !options.dry_run && !options.curl {
        console.print(&understood(&plan, style));
        return Err(AppError::Usage(
            "not sent: the request was matched with low confidence; check the plan with \
             --dry-run, or give the endpoint explicitly"
                .into(),
        ));
    }
    // `--each FILE` fills the one value the routed plan leaves open, as it
    // does for an explicit endpoint; a plan with targets of its own takes
    // no more.
    if let Some(each) = execute::each_file(options) {
        if plan.fan_out_step().is_some() {
            return Err(AppError::Usage(
                "the request already acts on every item of a list; --each adds no targets to it"
                    .into(),
            ));
        }
        crate::plan::explicit::fan_out(spec, &mut plan, Vec::new(), Some(each))
            .map_err(AppError::Usage)?;
    }
    if let Some(answer) = &routing.answer {
        let text = format!("{}\n{}\n", style.heading(&answer.title), answer.body);
        match options.output {
            Output::Text => console.print(&text),
            Output::Json => console.note(&text),
        }
    }
    execute::run_plan(app, spec, plan, options, console).await
}

fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as i64)
}

fn answer_view(spec: &Spec, answer: &Answer, style: Style) -> View {
    View {
        text: format!("{}\n\n{}\n", style.heading(&answer.title), answer.body),
        json: json!({"mode": "answer", "version": spec.version, "title": answer.title, "text": answer.body}),
        picks: Vec::new(),
    }
}

/// Nothing scored high enough: say so, with the nearest tags and endpoints.
fn nothing(spec: &Spec, text: &str, tags: &[&Tag], routing: &Routing, style: Style) -> View {
    let mut ops: Vec<&Operation> = routing
        .suggestions
        .iter()
        .filter_map(|label| spec.operations.iter().find(|o| o.label() == *label))
        .collect();
    if ops.is_empty() {
        ops = spec.closest_endpoints(None, text, 3);
    }
    let mut view = browse::suggestions(spec, text, tags, &ops, style);
    view.text.push_str("\nNo request was understood well enough to run; try the words of an endpoint's summary, or `tags`.\n");
    view
}

/// Near ties in the REPL: a numbered list of explicit commands to pick from.
fn choices(spec: &Spec, text: &str, best: &Plan, ties: &[Plan], style: Style) -> View {
    let mut table = Table::new(["Request", "What it does"]).numbered();
    let mut picks = Vec::new();
    for plan in std::iter::once(best).chain(ties) {
        let Some(step) = plan.steps.last() else {
            continue;
        };
        let command = command_for(plan);
        table.row(vec![
            format!("{} {}", style.method(step.method), step.concrete_path()),
            one_line(&step.purpose, 50),
        ]);
        picks.push(command);
    }
    View {
        text: format!(
            "Several requests match `{text}` about equally. Type a number to run one (writes are confirmed first):\n\n{}",
            table.render(style)
        ),
        json: json!({"mode": "choices", "version": spec.version, "query": text, "choices": picks}),
        picks,
    }
}

/// A plan's last request as an explicit command the REPL can run.
fn command_for(plan: &Plan) -> String {
    let Some(s) = plan.steps.last() else {
        return String::new();
    };
    let mut out = format!("{} {}", s.method, s.concrete_path());
    for (name, value) in &s.query {
        let values = match value {
            serde_json::Value::Array(items) => items.clone(),
            v => vec![v.clone()],
        };
        for v in values {
            let v = v.as_str().map_or_else(|| v.to_string(), str::to_string);
            let item = format!("{name}=={v}");
            out.push(' ');
            out.push_str(&if item.contains(' ') {
                format!("'{item}'")
            } else {
                item
            });
        }
    }
    if let Some(body) = &s.body {
        out.push_str(&format!(" -d '{body}'"));
    }
    out
}

/// What a low-confidence request was understood as.
fn understood(plan: &Plan, style: Style) -> String {
    let mut out = format!("{}\n", style.bold("Understood as:"));
    for s in &plan.steps {
        out.push_str(&format!(
            "  {} {}",
            style.method(s.method),
            s.concrete_path()
        ));
        if let Some(b) = &s.body {
            out.push_str(&format!(" {b}"));
        }
        out.push('\n');
    }
    for n in &plan.notes {
        out.push_str(&format!("  {}\n", style.dim(n)));
    }
    out
}

/// `help` after a routed request: which operation, why, then its detail.
fn explain(spec: &Spec, text: &str, routing: &Routing, style: Style) -> View {
    let mut out = String::new();
    let op = routing
        .op
        .as_deref()
        .and_then(|label| spec.operations.iter().find(|o| o.label() == label));
    match (&routing.plan, &routing.answer) {
        (None, Some(a)) => out.push_str(&format!(
            "`{text}` is a question: answered from grammar/knowledge.md, section {}.\n",
            style.bold(&a.title)
        )),
        (None, None) => out.push_str(&format!("`{text}` matches no request well enough.\n")),
        (Some(plan), _) => {
            out.push_str(&format!("`{text}` resolves to:\n"));
            for s in &plan.steps {
                out.push_str(&format!(
                    "  {} {}  {}\n",
                    style.method(s.method),
                    s.concrete_path(),
                    style.dim(&s.purpose)
                ));
            }
            out.push_str(&format!("{} {}\n", style.bold("Why:"), plan.reason));
            for n in &plan.notes {
                out.push_str(&format!("  {}\n", style.dim(n)));
            }
        }
    }
    for line in &routing.why {
        out.push_str(&format!("  {}\n", style.dim(line)));
    }
    let mut json = json!({
        "mode": "detail",
        "version": spec.version,
        "query": text,
        "routing": {
            "plan": routing.plan.as_ref().map(|p| json!({
                "steps": p.steps.iter().map(|s| s.to_json()).collect::<Vec<_>>(),
                "reason": p.reason,
                "notes": p.notes,
                "alternatives": p.alternatives,
            })),
            "answer": routing.answer.as_ref().map(|a| &a.title),
            "fast_path": routing.fast_path,
            "why": routing.why,
        },
    });
    if let Some(op) = op {
        out.push('\n');
        out.push_str(&detail::endpoint(spec, op, style, false).text);
        json["endpoint"] = detail::endpoint_json(spec, op);
    }
    View {
        text: out,
        json,
        picks: Vec::new(),
    }
}
