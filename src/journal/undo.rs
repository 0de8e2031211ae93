//! The inverse of a journal entry, as a plan that goes through the same
//! pipeline and confirmation as any other. Known inverses:
//!
//! - ban ↔ unban, lock ↔ unlock (`POST .../ban` ↔ `POST .../unban`);
//! - a metadata merge (`PATCH .../metadata`): the same endpoint with the
//!   patch that turns the result back into the state read before it (keys
//!   the write added set to null, changed keys to their old values), so the
//!   prior JSON comes back exactly;
//! - a PATCH of an object (a user, an organization, a membership's role):
//!   the same PATCH with each field it wrote set to its value before;
//! - allow-list / block-list add ↔ remove.
//!
//! A DELETE has none: Clerk cannot restore a deleted object; the journal
//! holds its copy as it was, and the answer says where.

use serde_json::{Map, Value};

use super::Entry;
use crate::plan::{Plan, Step};
use crate::spec::{Method, Spec};

#[derive(Debug, Clone, PartialEq)]
pub enum Undo {
    /// The inverse plan, and a sentence on what it does.
    Plan(Plan),
    /// Why there is none, and what the user can do.
    Cannot(String),
}

/// Paths whose POST undoes the other's (`/ban` and `/unban`).
const ACTIONS: &[(&str, &str)] = &[("/ban", "/unban"), ("/lock", "/unlock")];

/// Collections whose POST adds an identifier that a DELETE of
/// `{collection}/{identifier_id}` removes.
const IDENTIFIER_LISTS: &[&str] = &["/allowlist_identifiers", "/blocklist_identifiers"];

/// The inverse of entry `n`, on `spec`.
pub fn inverse(spec: &Spec, n: u64, e: &Entry, journal: &str) -> Undo {
    if !e.ok() {
        let why = e.status.map_or("it got no answer".into(), |s| {
            format!("Clerk answered HTTP {s}")
        });
        return Undo::Cannot(format!(
            "entry {n} ({} {}) did not change anything ({why}), so there is nothing to undo",
            e.method, e.url
        ));
    }
    let method = Method::parse(&e.method);
    let found = |m: Method, path: &str| {
        spec.operations
            .iter()
            .find(|op| op.method == m && op.path == path)
    };
    let make = |m: Method, path: &str, purpose: String| -> Option<Step> {
        let op = found(m, path)?;
        let mut s = Step::new(m, &op.path, &op.operation_id);
        for (name, v) in &e.path_params {
            if op.path.contains(&format!("{{{name}}}")) {
                s.path_params.push((name.clone(), v.clone()));
            }
        }
        s.purpose = purpose;
        Some(s)
    };
    let plan = |step: Step| {
        let mut p = Plan::new(
            &spec.version,
            vec![step],
            &format!("undo of journal entry {n}"),
        );
        p.notes.push(format!(
            "This reverses journal entry {n} ({} {}, {}).",
            e.method, e.url, e.time
        ));
        Undo::Plan(p)
    };
    let none = || {
        Undo::Cannot(format!(
            "no inverse is known for {} {} (journal entry {n}); the journal ({journal}) keeps \
             what was sent{}",
            e.method,
            e.path,
            if e.before.is_some() {
                " and the state before it"
            } else {
                ""
            }
        ))
    };
    let Some(method) = method else {
        return none();
    };
    // ban ↔ unban, lock ↔ unlock.
    for (a, b) in ACTIONS {
        for (from, to) in [(a, b), (b, a)] {
            if method == Method::Post
                && let Some(base) = e.path.strip_suffix(*from)
                && let Some(s) = make(
                    Method::Post,
                    &format!("{base}{to}"),
                    format!("Undo: {}", to.trim_start_matches('/')),
                )
            {
                return plan(s);
            }
        }
    }
    // Allow-list / block-list: add ↔ remove.
    for list in IDENTIFIER_LISTS {
        let item = format!("{list}/{{identifier_id}}");
        if method == Method::Post && e.path == *list {
            let (Some(id), Some(mut s)) = (
                e.response_id.clone(),
                make(
                    Method::Delete,
                    &item,
                    "Undo: remove the identifier added".into(),
                ),
            ) else {
                return none();
            };
            s.path_params
                .push(("identifier_id".into(), Value::String(id)));
            return plan(s);
        }
        if method == Method::Delete && e.path == item {
            let identifier = e.before.as_ref().and_then(|b| b.get("identifier")).cloned();
            let (Some(identifier), Some(mut s)) = (
                identifier,
                make(Method::Post, list, "Undo: add the identifier back".into()),
            ) else {
                return Undo::Cannot(format!(
                    "entry {n} removed {} but the journal has no copy of the identifier to add back",
                    e.url
                ));
            };
            s.body = Some(serde_json::json!({ "identifier": identifier }));
            return plan(s);
        }
    }
    if method == Method::Delete {
        let saved = if e.before.is_some() {
            format!(
                "the journal keeps the object as it was before the delete: entry {n} of {journal} \
                 (`history {n}` shows it)"
            )
        } else {
            format!("the journal ({journal}, entry {n}) has no copy of it")
        };
        return Undo::Cannot(format!(
            "Clerk cannot restore what DELETE {} removed; {saved}",
            e.url
        ));
    }
    if method == Method::Patch
        && let (Some(before), Some(Value::Object(body))) = (&e.before, &e.body)
    {
        let Some(mut s) = make(Method::Patch, &e.path, "Undo: put the values back".into()) else {
            return none();
        };
        let merge = e.path.ends_with("/metadata");
        let mut restore = Map::new();
        let mut lost = Vec::new();
        for (field, written) in body {
            match (before.get(field), merge) {
                (prior, true) => {
                    let prior = prior.cloned().unwrap_or(Value::Null);
                    restore.insert(field.clone(), reverse_merge(&prior, written));
                }
                (Some(prior), false) => {
                    restore.insert(field.clone(), prior.clone());
                }
                (None, false) => lost.push(field.clone()),
            }
        }
        if restore.is_empty() {
            return Undo::Cannot(format!(
                "entry {n} wrote {} but the state read before it does not show them, so they cannot be put back",
                lost.join(", ")
            ));
        }
        s.body = Some(Value::Object(restore));
        let mut p = plan(s);
        if let Undo::Plan(p) = &mut p
            && !lost.is_empty()
        {
            p.notes.push(format!(
                "Not restored (the state before does not show them): {}.",
                lost.join(", ")
            ));
        }
        return p;
    }
    none()
}

/// The merge patch that turns `deep_merge(prior, patch)` back into
/// `prior`: keys the patch added become null (a merge removes them),
/// changed values get their old value, nested objects recurse.
pub fn reverse_merge(prior: &Value, patch: &Value) -> Value {
    match (prior, patch) {
        (Value::Object(old), Value::Object(new)) => {
            let mut out = Map::new();
            for (k, v) in new {
                let back = match old.get(k) {
                    Some(o) => reverse_merge(o, v),
                    None => Value::Null,
                };
                out.insert(k.clone(), back);
            }
            Value::Object(out)
        }
        // Metadata never set reads as null or {}; merging into it made an
        // object, which the reverse empties key by key.
        (Value::Null, Value::Object(_)) => reverse_merge(&Value::Object(Map::new()), patch),
        (old, _) => old.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::journal::before::tests::latest;
    use crate::plan::deep_merge;
    use serde_json::json;

    fn entry(method: &str, path: &str, params: &[(&str, &str)]) -> Entry {
        Entry {
            method: method.into(),
            path: path.into(),
            url: format!("http://x{path}"),
            status: Some(200),
            path_params: params
                .iter()
                .map(|(k, v)| (k.to_string(), json!(v)))
                .collect(),
            ..Entry::default()
        }
    }

    fn only_step(u: Undo) -> Step {
        match u {
            Undo::Plan(p) => p.steps[0].clone(),
            Undo::Cannot(why) => panic!("{why}"),
        }
    }

    #[test]
    fn reverse_merge_restores_the_exact_prior_json() {
        for (prior, patch) in [
            (
                json!({"a": 1, "n": {"x": 1}}),
                json!({"a": 2, "b": 3, "n": {"y": 2}}),
            ),
            (json!(null), json!({"plan": "pro"})),
            (json!({"n": 5}), json!({"n": {"deep": true}})),
            (json!({"n": {"deep": true}}), json!({"n": 5})),
        ] {
            let after = deep_merge(&prior, &patch);
            let back = strip_nulls(&deep_merge(&after, &reverse_merge(&prior, &patch)));
            let want = if prior.is_null() {
                json!({})
            } else {
                prior.clone()
            };
            assert_eq!(back, want, "{prior} + {patch}");
        }
    }

    /// A merge removes keys set to null, as Clerk's does.
    fn strip_nulls(v: &Value) -> Value {
        match v {
            Value::Object(m) => Value::Object(
                m.iter()
                    .filter(|(_, v)| !v.is_null())
                    .map(|(k, v)| (k.clone(), strip_nulls(v)))
                    .collect(),
            ),
            other => other.clone(),
        }
    }

    #[test]
    fn known_inverses() {
        let spec = latest();
        let ban = entry("POST", "/users/{user_id}/ban", &[("user_id", "u1")]);
        assert_eq!(
            only_step(inverse(&spec, 1, &ban, "j")).label(),
            "POST /users/{user_id}/unban"
        );
        let unlock = entry("POST", "/users/{user_id}/unlock", &[("user_id", "u1")]);
        let s = only_step(inverse(&spec, 1, &unlock, "j"));
        assert_eq!(s.concrete_path(), "/users/u1/lock");
        let mut add = entry("POST", "/allowlist_identifiers", &[]);
        add.response_id = Some("alid_9".into());
        let s = only_step(inverse(&spec, 1, &add, "j"));
        assert_eq!(s.concrete_path(), "/allowlist_identifiers/alid_9");
        let mut meta = entry("PATCH", "/users/{user_id}/metadata", &[("user_id", "u1")]);
        meta.body = Some(json!({"public_metadata": {"plan": "pro"}}));
        meta.before = Some(json!({"id": "u1", "public_metadata": {"plan": "free", "x": 1}}));
        let s = only_step(inverse(&spec, 1, &meta, "j"));
        assert_eq!(s.body, Some(json!({"public_metadata": {"plan": "free"}})));
        let mut role = entry(
            "PATCH",
            "/organizations/{organization_id}/memberships/{user_id}",
            &[("organization_id", "org_1"), ("user_id", "u1")],
        );
        role.body = Some(json!({"role": "org:admin"}));
        role.before = Some(json!({"role": "org:member"}));
        let s = only_step(inverse(&spec, 1, &role, "j"));
        assert_eq!(s.body, Some(json!({"role": "org:member"})));
        let mut del = entry("DELETE", "/users/{user_id}", &[("user_id", "u1")]);
        del.before = Some(json!({"id": "u1"}));
        match inverse(&spec, 7, &del, "/j.jsonl") {
            Undo::Cannot(why) => assert!(
                why.contains("cannot restore") && why.contains("entry 7 of /j.jsonl"),
                "{why}"
            ),
            other => panic!("{other:?}"),
        }
        let mut failed = ban.clone();
        failed.status = Some(404);
        assert!(matches!(inverse(&spec, 1, &failed, "j"), Undo::Cannot(_)));
    }
}
