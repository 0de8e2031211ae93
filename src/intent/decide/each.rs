//! Act on every item of a list, from plain English: "ban every user whose
//! email ends with @spam.test", "revoke all sessions of user_2x", "delete
//! the test users created today". The request quantifies (`each` of
//! `grammar/words.txt`) an operation on one item whose ID the request does
//! not give; the spec has a list of that collection (`POST
//! /users/{user_id}/ban` lists `GET /users`). The plan reads the list with
//! the filters the API takes (times, the user of a session), tests each
//! item locally where it cannot (`filter.*`: "email ends with"), then acts
//! on each item that passed. Building it is pure, like every plan; the
//! pipeline shows the count and the template and asks once.

use super::Stages;
use super::rank::{Candidate, rank};
use crate::intent::catalog::rules::Hit;
use crate::intent::fill::{self, Context};
use crate::intent::read::doc::Doc;
use crate::intent::read::entities::Kind;
use crate::plan::each::{Filter, Targets, fan_out};
use crate::plan::{Plan, Slot, Step};
use crate::spec::Method;

/// The fan-out plan, and the candidate it acts with, when the request
/// quantifies an action on items it does not name. The local tests are
/// taken out of the request before it is ranked again, so "ban every user
/// whose email ends with @spam.test" ranks as "ban every user".
pub fn route(r: &Stages, doc: &Doc, ctx: &Context, hit: Option<&Hit>) -> Option<(Plan, Candidate)> {
    // Quantified: "every", a local test, or a time ("users created today").
    let (filters, span) = (&doc.stated.filters, &doc.stated.span);
    let timed = doc.entities.iter().any(|e| e.kind == Kind::Time);
    if !(doc.stated.every || timed || !filters.is_empty()) {
        return None;
    }
    let rest = doc.text_without(|i| span.as_ref().is_some_and(|s| s.contains(&i)));
    let doc = r.reader.read(&rest, ctx.now_ms);
    let ranked = rank(r, &doc, ctx, hit);
    for c in &ranked {
        let v = &r.catalog.vocab[c.op];
        // Only an action the request says, never a guess and never a read.
        if v.method == Method::Get || c.unasked_destruction || !c.acted {
            continue;
        }
        let Some((param, list_path)) = item_param(&v.path) else {
            continue;
        };
        // The request names the collection it quantifies ("every session").
        let named = v
            .params
            .iter()
            .find(|(p, _)| *p == param)
            .is_some_and(|(_, before)| {
                !before.is_empty()
                    && before.iter().all(|w| {
                        doc.terms
                            .iter()
                            .any(|t| t.text == *w && !after_source(r, &doc, t.at))
                    })
            });
        let unnamed = c.filled.missing.contains(&param) || c.filled.guessed.contains(&param);
        // What is done to each item is said too: "remove them from each
        // org" never fans out `DELETE /organizations/{id}/logo`.
        let tail = v.path.split(&format!("{{{param}}}")).nth(1).unwrap_or("");
        let tail_said = tail
            .split('/')
            .filter(|s| !s.is_empty() && !s.starts_with('{'))
            .all(|s| r.reader.lex.text_terms(s).iter().all(|w| doc.has_term(w)));
        if !named || !tail_said {
            continue;
        }
        let Some(list) = r
            .catalog
            .vocab
            .iter()
            .find(|x| x.method == Method::Get && x.path == list_path)
        else {
            continue;
        };
        if !unnamed {
            continue;
        }
        // The list takes the request's filters (and a rule's values for
        // it: only active sessions can be revoked).
        let lf = fill::fill(&r.filler(), list, &doc, ctx, hit);
        let mut read = Step::new(Method::Get, &list.path, &list.operation_id);
        read.path_params = lf.path.clone();
        read.query = lf.query.clone();
        read.purpose = list.summary.clone();
        let mut act = Step::new(v.method, &v.path, &v.operation_id);
        act.path_params = c
            .filled
            .path
            .iter()
            .filter(|(p, _)| *p != param)
            .cloned()
            .collect();
        act.query = c.filled.query.clone();
        if !c.filled.body.is_empty() {
            act.body = Some(serde_json::Value::Object(c.filled.body.clone()));
        }
        act.purpose = v.summary.clone();
        // "every session of username qa_runner": the user is looked up
        // first, and the list takes the found ID.
        let mut steps = Vec::new();
        let mut lookup_note = None;
        if let (Some(lookup), Some(op)) = (&lf.lookup, r.lookup_op()) {
            let (find, note) = super::fastpath::lookup_step(r, op, lookup, 0, &mut read);
            steps.push(find);
            lookup_note = Some(note);
        }
        let list_step = steps.len();
        steps.extend([read, act]);
        let mut plan = Plan::new(&r.catalog.version, steps, "");
        plan.notes.extend(lookup_note);
        plan.reason = format!(
            "every item of {} the request quantifies, then {} on each",
            list.label, v.label
        );
        let targets = Targets::Items {
            step: list_step,
            pointer: "/id".into(),
            filters: filters.clone(),
        };
        fan_out(&mut plan, Slot::Path(param.clone()), targets).ok()?;
        plan.notes.extend(lf.notes.iter().cloned());
        plan.notes.push(format!(
            "Reads every page of {}{}, then sends {} once per item; the count and the first items are shown before anything is written.",
            list.label,
            if filters.is_empty() {
                String::new()
            } else {
                let tests: Vec<String> = filters.iter().map(Filter::describe).collect();
                format!(", keeps the items whose {}", tests.join(" and "))
            },
            v.label
        ));
        return Some((plan, c.clone()));
    }
    None
}

/// Whether the word at token `at` names where something is taken from
/// ("remove user_2x from every org"): a source word (`source` of
/// words.txt) before it, past quantifiers, articles and "of". Such a
/// collection is the container, never what the action acts on.
fn after_source(r: &Stages, doc: &Doc, at: usize) -> bool {
    let words = &r.reader.words;
    let skip = |w: &str| {
        words.article.contains(w) || words.link.contains(w) || words.filters.quantifies(w)
    };
    let mut k = at;
    while k > 0 {
        k -= 1;
        let w = doc.tokens[k].lower.as_str();
        if words.source.contains(w) {
            return true;
        }
        if !skip(w) {
            return false;
        }
    }
    false
}

/// The last path parameter of an operation on one item, and the list of
/// its collection: `/users/{user_id}/ban` -> (`user_id`, `/users`). Only a
/// parameter named after its collection (`user_id` of `/users`), since the
/// list's items' `id` is what it takes.
fn item_param(path: &str) -> Option<(String, String)> {
    let segments: Vec<&str> = path.split('/').collect();
    let at = segments.iter().rposition(|s| s.starts_with('{'))?;
    let param = segments[at].trim_matches(|c| c == '{' || c == '}');
    let collection = segments.get(at.checked_sub(1)?)?;
    let singular = collection.strip_suffix('s').unwrap_or(collection);
    let stem = param.strip_suffix("_id")?;
    (singular == stem || singular.ends_with(&format!("_{stem}")))
        .then(|| (param.to_string(), segments[..at].join("/")))
}

#[cfg(test)]
mod tests {
    use super::item_param;

    #[test]
    fn an_item_parameter_is_named_after_its_collection() {
        assert_eq!(
            item_param("/users/{user_id}/ban"),
            Some(("user_id".into(), "/users".into()))
        );
        assert_eq!(
            item_param("/sessions/{session_id}/revoke"),
            Some(("session_id".into(), "/sessions".into()))
        );
        assert_eq!(
            item_param("/organizations/{organization_id}/memberships/{user_id}"),
            None
        );
        assert_eq!(
            item_param("/jwt_templates/{template_id}"),
            Some(("template_id".into(), "/jwt_templates".into()))
        );
        assert_eq!(item_param("/users"), None);
    }
}
