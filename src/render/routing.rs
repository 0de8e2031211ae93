//! What a plain-English request shows besides its result: a question's
//! answer, the candidates to pick from, what a low-confidence request was
//! understood as, nothing matched, and `help`'s account of the routing.

use serde_json::json;

use super::table::{Table, one_line};
use super::{Style, View, browse, detail};
use crate::intent::{Answer, Routing};
use crate::plan::Plan;
use crate::spec::{Operation, Spec, Tag};

/// A question's answer, as the words before a request's result.
pub fn preface(answer: &Answer, style: Style) -> String {
    format!("{}\n{}\n", style.heading(&answer.title), answer.body)
}

/// A question's answer, when it is all the request gets.
pub fn answer(spec: &Spec, answer: &Answer, style: Style) -> View {
    View {
        text: format!("{}\n\n{}\n", style.heading(&answer.title), answer.body),
        json: json!({"mode": "answer", "version": spec.version, "title": answer.title, "text": answer.body}),
        picks: Vec::new(),
    }
}

/// Nothing scored high enough: say so, with the nearest tags and endpoints.
pub fn nothing(spec: &Spec, text: &str, tags: &[&Tag], routing: &Routing, style: Style) -> View {
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
pub fn choices(spec: &Spec, text: &str, best: &Plan, ties: &[Plan], style: Style) -> View {
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
pub fn understood(plan: &Plan, style: Style) -> String {
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
pub fn explain(spec: &Spec, text: &str, routing: &Routing, style: Style) -> View {
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
