//! Step 3 of the pipeline: what the user must read before a write. Every
//! DELETE gets the mandatory IRREVERSIBLE warning with what it destroys;
//! every metadata write explains the three metadata types and which one is
//! written; a write that replaces metadata says that omitted keys are lost
//! and points to the merging endpoint. The texts are data in `grammar/`.

use super::texts::{destroys, text};
use crate::console::Warning;
use crate::plan::missing::operation;
use crate::plan::{Plan, Slot, Step};
use crate::spec::{Method, Operation, Spec};

/// The three metadata fields, in the order they are explained.
pub const METADATA: [&str; 3] = ["public_metadata", "private_metadata", "unsafe_metadata"];

/// Every warning of a plan, in step order, without repeats.
pub fn for_plan(spec: &Spec, plan: &Plan) -> Vec<Warning> {
    let mut out: Vec<Warning> = Vec::new();
    let mut push = |w: Warning| {
        if !out.contains(&w) {
            out.push(w);
        }
    };
    let machine = text("auth.machine.when", &[]).to_lowercase();
    for step in &plan.steps {
        let op = operation(spec, step);
        if step.method == Method::Delete {
            push(Warning::danger(delete(step, op)));
        }
        // The spec says so in words only; the phrase is data.
        if op.is_some_and(|o| o.description.to_lowercase().contains(machine.trim())) {
            push(Warning::danger(text(
                "auth.machine",
                &[("label", &step.label())],
            )));
        }
        let fields = metadata_fields(step);
        if step.method.is_write() && !fields.is_empty() {
            push(Warning::caution(text("metadata.types", &[])));
            for f in &fields {
                push(Warning::caution(text(&format!("metadata.used.{f}"), &[])));
            }
            if let Some(w) = replace_or_merge(spec, step, &fields) {
                push(Warning::caution(w));
            }
        }
    }
    out
}

/// The IRREVERSIBLE warning of one DELETE: the data file's list of what is
/// destroyed, plus the spec's description where it says more; without an
/// entry, the spec's description alone.
pub fn delete(step: &Step, op: Option<&Operation>) -> String {
    let summary = op.map_or(String::new(), |o| o.summary.trim().to_string());
    let description = op.map_or(String::new(), |o| one_paragraph(&o.description));
    let label = step.label();
    let summary = if summary.is_empty() {
        step.operation_id.clone()
    } else {
        summary
    };
    match destroys(&step.operation_id) {
        Some(what) => {
            let mut w = text(
                "delete",
                &[("label", &label), ("summary", &summary), ("destroys", what)],
            );
            if adds_to(&description, &summary) {
                w.push(' ');
                w.push_str(&text("delete.spec", &[("description", &description)]));
            }
            w
        }
        None => {
            let what = if description.is_empty() {
                format!("what {label} targets")
            } else {
                text("delete.fallback", &[("description", &description)])
            };
            text(
                "delete",
                &[
                    ("label", &label),
                    ("summary", &summary),
                    ("destroys", &what),
                ],
            )
        }
    }
}

/// Whether a description says more than the summary (Clerk's often only
/// restate it: "Delete the email address with the given ID").
fn adds_to(description: &str, summary: &str) -> bool {
    description.chars().count() > 60
        && strsim::normalized_levenshtein(&description.to_lowercase(), &summary.to_lowercase())
            < 0.7
}

fn one_paragraph(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The metadata fields a step writes, from its body and its body links.
pub fn metadata_fields(step: &Step) -> Vec<&'static str> {
    METADATA
        .into_iter()
        .filter(|f| {
            step.body.as_ref().is_some_and(|b| b.get(f).is_some())
                || step
                    .links
                    .iter()
                    .any(|l| l.slot == Slot::Body(format!("/{f}")))
        })
        .collect()
}

/// Replace-not-merge (`PUT .../metadata`, or `PATCH /users/{id}` with a
/// metadata object on older specs) or merge (`PATCH .../metadata`).
fn replace_or_merge(spec: &Spec, step: &Step, fields: &[&str]) -> Option<String> {
    let label = step.label();
    let shown = fields.join(" and ");
    let merging = step.method == Method::Patch && step.path.ends_with("/metadata");
    if merging {
        return Some(text(
            "metadata.merge",
            &[("label", &label), ("fields", &shown)],
        ));
    }
    if !matches!(step.method, Method::Put | Method::Patch) {
        return None;
    }
    let planned = step
        .links
        .iter()
        .find(|l| l.merge && fields.iter().any(|f| l.slot == Slot::Body(format!("/{f}"))));
    if let Some(link) = planned {
        let n = (link.step + 1).to_string();
        return Some(text(
            "metadata.replace.planned",
            &[("label", &label), ("fields", &shown), ("step", &n)],
        ));
    }
    let base = step.path.strip_suffix("/metadata").unwrap_or(&step.path);
    let merge_path = format!("{base}/metadata");
    let merge_op = spec
        .operations
        .iter()
        .find(|o| o.method == Method::Patch && o.path == merge_path);
    Some(match merge_op {
        Some(op) => text(
            "metadata.replace",
            &[
                ("label", &label),
                ("fields", &shown),
                ("merge", &op.label()),
            ],
        ),
        None => text(
            "metadata.replace.nomerge",
            &[("label", &label), ("fields", &shown)],
        ),
    })
}
