//! The read before a write: which GET shows the state a write changes, so
//! the journal keeps it and `undo` can put it back. Decided from the spec's
//! paths alone, in this order:
//!
//! 1. a write on `/a/{x}` with a GET on the same path (DELETE a user,
//!    PATCH an organization): that GET, the whole object;
//! 2. a metadata write `/a/{x}/metadata`: the GET of `/a/{x}`;
//! 3. a write on `/a/{x}` without a GET there, where the list `/a` filters
//!    by `x` (`?user_id=` for an organization membership): that list, its
//!    one item;
//! 4. a DELETE on `/a/{x}` where only the list `/a` exists (allow-list
//!    identifiers): the list's first page, the item whose `id` is `x`.
//!
//! Creates and actions (`POST .../ban`) read nothing: their inverse needs
//! no earlier state. The read is a GET through the same client, after the
//! confirmation, and the confirmation says it will happen.

use serde_json::Value;

use crate::plan::Step;
use crate::plan::missing::operation;
use crate::render::result::list_items;
use crate::spec::{Method, Spec};

/// The GET to send before a write, and which part of its answer to keep.
#[derive(Debug, Clone, PartialEq)]
pub struct Before {
    pub step: Step,
    pub pick: Pick,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Pick {
    Whole,
    /// A filtered list's only item.
    Only,
    /// The list item with this `id`.
    WithId(String),
}

/// The read before `step` (resolved: its path values known), if the step
/// changes state that can be read.
pub fn read_for(spec: &Spec, step: &Step) -> Option<Before> {
    if !matches!(step.method, Method::Delete | Method::Patch | Method::Put) {
        return None;
    }
    let get = |path: &str| {
        spec.operations
            .iter()
            .find(|op| op.method == Method::Get && op.path == path)
    };
    let read = |path: &str, pick: Pick| {
        let op = get(path)?;
        let mut s = Step::new(Method::Get, &op.path, &op.operation_id);
        s.path_params = step
            .path_params
            .iter()
            .filter(|(n, _)| op.path.contains(&format!("{{{n}}}")))
            .cloned()
            .collect();
        s.purpose = "Read the state before the write (kept in the journal)".into();
        Some(Before { step: s, pick })
    };
    if let Some(b) = read(&step.path, Pick::Whole) {
        return Some(b);
    }
    if let Some(parent) = step.path.strip_suffix("/metadata") {
        return read(parent, Pick::Whole);
    }
    // `/a/{x}`: the last segment is a parameter.
    let (list, last) = step.path.rsplit_once('/')?;
    let name = last.strip_prefix('{')?.strip_suffix('}')?;
    let value = step.path_param(name)?.as_str()?.to_string();
    let filters = get(list)
        .and_then(|op| op.query_params().find(|p| p.name == name).map(|_| ()))
        .is_some();
    if filters {
        let mut b = read(list, Pick::Only)?;
        b.step.query.push((name.to_string(), Value::String(value)));
        return Some(b);
    }
    if step.method == Method::Delete {
        let mut b = read(list, Pick::WithId(value))?;
        if operation(spec, &b.step).is_some_and(|op| op.query_params().any(|p| p.name == "limit")) {
            b.step.query.push(("limit".into(), Value::from(500)));
        }
        return Some(b);
    }
    None
}

impl Before {
    /// The state kept from the read's answer; `None` when it is not there
    /// (a list without the item).
    pub fn keep(&self, body: Value) -> Option<Value> {
        match &self.pick {
            Pick::Whole => Some(body),
            Pick::Only => match list_items(&body) {
                Some((items, _)) if items.len() == 1 => Some(items[0].clone()),
                _ => None,
            },
            Pick::WithId(id) => list_items(&body)?
                .0
                .iter()
                .find(|i| i.get("id").and_then(Value::as_str) == Some(id))
                .cloned(),
        }
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// The spec built into the program.
    pub fn latest() -> Spec {
        let yaml = crate::source::snapshot::yaml().unwrap();
        crate::spec::digest(&yaml, "snapshot").unwrap()
    }

    fn step(spec: &Spec, method: Method, path: &str, params: &[(&str, &str)]) -> Step {
        let op = spec
            .operations
            .iter()
            .find(|o| o.method == method && o.path == path)
            .unwrap_or_else(|| panic!("{method} {path}"));
        let mut s = Step::new(method, path, &op.operation_id);
        for (n, v) in params {
            s.path_params.push((n.to_string(), Value::from(*v)));
        }
        s
    }

    #[test]
    fn each_kind_of_write_reads_what_it_changes() {
        let spec = latest();
        let del = step(
            &spec,
            Method::Delete,
            "/users/{user_id}",
            &[("user_id", "u1")],
        );
        let b = read_for(&spec, &del).unwrap();
        assert_eq!(
            (b.step.concrete_path(), &b.pick),
            ("/users/u1".into(), &Pick::Whole)
        );
        let meta = step(
            &spec,
            Method::Patch,
            "/users/{user_id}/metadata",
            &[("user_id", "u1")],
        );
        assert_eq!(
            read_for(&spec, &meta).unwrap().step.concrete_path(),
            "/users/u1"
        );
        let role = step(
            &spec,
            Method::Patch,
            "/organizations/{organization_id}/memberships/{user_id}",
            &[("organization_id", "org_1"), ("user_id", "u1")],
        );
        let b = read_for(&spec, &role).unwrap();
        assert_eq!(b.step.concrete_path(), "/organizations/org_1/memberships");
        assert_eq!(b.step.query_string(), "user_id=u1");
        let allow = step(
            &spec,
            Method::Delete,
            "/allowlist_identifiers/{identifier_id}",
            &[("identifier_id", "alid_1")],
        );
        let b = read_for(&spec, &allow).unwrap();
        assert_eq!(b.pick, Pick::WithId("alid_1".into()));
        let found = b.keep(serde_json::json!({"data": [{"id": "alid_1", "identifier": "a@b.co"}]}));
        assert_eq!(found.unwrap()["identifier"], "a@b.co");
        let ban = step(
            &spec,
            Method::Post,
            "/users/{user_id}/ban",
            &[("user_id", "u1")],
        );
        assert_eq!(read_for(&spec, &ban), None);
    }
}
