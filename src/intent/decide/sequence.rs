//! Requests of several steps said in order ("create a user for x@y.io and
//! then add them to org_1"): each clause is routed on its own, and a later
//! clause's reference to what an earlier one creates ("them", "it") is a
//! link to that step's response, filled when the plan runs. One plan, one
//! confirmation; the connectors are `sequence` in `grammar/words.txt`.

use serde_json::Value;

use super::{Again, Routing};
use crate::intent::catalog::Catalog;
use crate::intent::fill::Context;
use crate::intent::read::doc::Words;
use crate::memory::Memory;
use crate::plan::{Link, Plan, Slot, Step};
use crate::spec::Method;

/// Stands for the created object's ID while the later clause is routed.
const MARK: &str = "\u{1}created\u{1}";

pub fn route(
    catalog: &Catalog,
    words: &Words,
    text: &str,
    ctx: &Context,
    again: Again,
) -> Option<Routing> {
    let (first, then) = split(words, text)?;
    let a = again(first, ctx);
    let plan_a = a.plan.as_ref()?;
    let last = plan_a.steps.last()?;
    if plan_a.steps.iter().any(|s| s.each.is_some()) {
        return None;
    }
    let mut memory: Memory = ctx.memory.clone();
    if let Some(object) = created_object(catalog, last) {
        memory.remember(&object, MARK);
    }
    let ctx_b = Context {
        now_ms: ctx.now_ms,
        memory: &memory,
        repl: ctx.repl,
    };
    let b = again(then, &ctx_b);
    let plan_b = b.plan.as_ref()?;
    let at = plan_a.steps.len() - 1;
    let offset = plan_a.steps.len();
    let mut steps = plan_a.steps.clone();
    let mut linked = false;
    for s in &plan_b.steps {
        let mut s = s.clone();
        for l in &mut s.links {
            l.step += offset;
        }
        linked |= link_created(&mut s, at);
        steps.push(s);
    }
    // The stand-in must never be sent: one the links did not replace (a
    // nested value) ends the sequence here.
    let left = serde_json::to_value(&steps[offset..]).unwrap_or(Value::Null);
    if holds_mark(&left) {
        return None;
    }
    let mut notes = plan_a.notes.clone();
    notes.extend(plan_b.notes.iter().filter(|n| !n.contains(MARK)).cloned());
    if linked {
        notes.push(format!(
            "Step {} uses the ID of what step {} creates.",
            offset + 1,
            at + 1
        ));
    }
    let plan = Plan {
        version: plan_a.version.clone(),
        steps,
        reason: format!("in order: {}; then {}", plan_a.reason, plan_b.reason),
        notes,
        alternatives: plan_b.alternatives.clone(),
    };
    let mut why = vec!["The request says two steps in order.".to_string()];
    why.extend(a.why.iter().map(|w| format!("First: {w}")));
    why.extend(b.why.iter().map(|w| format!("Then: {w}")));
    Some(Routing {
        op: plan.steps.last().map(Step::label),
        plan: Some(plan),
        confident: a.confident && b.confident,
        why,
        ..Routing::default()
    })
}

/// The request cut at its first sequence connector (outside double
/// quotes), both sides non-empty.
fn split<'t>(words: &Words, text: &'t str) -> Option<(&'t str, &'t str)> {
    // A one-shot command's words arrive quoted as one argument.
    let text = match text
        .trim()
        .strip_prefix('"')
        .and_then(|t| t.strip_suffix('"'))
    {
        Some(inner) if !inner.contains('"') => inner,
        _ => text,
    };
    let lower = text.to_ascii_lowercase();
    let bytes = lower.as_bytes();
    let boundary = |i: usize| i >= bytes.len() || matches!(bytes[i], b' ' | b',' | b';');
    let mut best: Option<(usize, usize)> = None;
    for phrase in &words.sequence {
        for (at, _) in lower.match_indices(phrase.as_str()) {
            let end = at + phrase.len();
            let starts = at == 0 || boundary(at - 1);
            let quoted = lower[..at].matches('"').count() % 2 == 1;
            if starts && boundary(end) && !quoted && best.is_none_or(|(b, _)| at < b) {
                best = Some((at, end));
            }
        }
    }
    let (at, end) = best?;
    let first = text[..at].trim_end_matches([' ', ',', ';']).trim();
    let then = text[end..].trim_start_matches([' ', ',', ';']).trim();
    (!first.is_empty() && then.contains(' ')).then_some((first, then))
}

/// The Clerk object type a step creates: a POST to a collection makes one
/// of its items (`POST /role_sets` a `role_set`).
fn created_object(catalog: &Catalog, step: &Step) -> Option<String> {
    if step.method != Method::Post {
        return None;
    }
    let v = catalog
        .vocab
        .iter()
        .find(|v| v.method == step.method && v.path == step.path)?;
    let last = v.segments.last().filter(|_| v.collection)?;
    (!last.is_empty()).then(|| last.join("_"))
}

/// Whether the stand-in is anywhere in `v`.
fn holds_mark(v: &Value) -> bool {
    match v {
        Value::String(text) => text == MARK,
        Value::Array(items) => items.iter().any(holds_mark),
        Value::Object(map) => map.values().any(holds_mark),
        _ => false,
    }
}

/// Turns the stand-in ID into links to step `at`'s `/id`.
fn link_created(s: &mut Step, at: usize) -> bool {
    let is_mark = |v: &Value| v.as_str() == Some(MARK);
    let mut slots = Vec::new();
    s.path_params.retain(|(p, v)| {
        let mark = is_mark(v);
        if mark {
            slots.push(Slot::Path(p.clone()));
        }
        !mark
    });
    s.query.retain(|(p, v)| {
        let mark = is_mark(v);
        if mark {
            slots.push(Slot::Query(p.clone()));
        }
        !mark
    });
    if let Some(Value::Object(body)) = &mut s.body {
        body.retain(|k, v| {
            let mark = is_mark(v);
            if mark {
                slots.push(Slot::Body(format!("/{k}")));
            }
            !mark
        });
    }
    let any = !slots.is_empty();
    for slot in slots {
        s.links.push(Link {
            slot,
            step: at,
            pointer: "/id".into(),
            merge: false,
        });
    }
    any
}

#[cfg(test)]
mod tests {
    use super::MARK;
    use super::holds_mark;
    use serde_json::json;

    #[test]
    fn the_stand_in_is_found_however_deep() {
        assert!(holds_mark(&json!([{"body": {"members": [MARK]}}])));
        assert!(!holds_mark(&json!([{"body": {"user_id": "user_1"}}])));
    }
}
