//! The seed's fast paths as plans: list users (with limit, order and time
//! filters), get a user (by ID, or looked up by username, email or phone),
//! update metadata (merged, typed, with the type explained), delete a user,
//! create an organization, and create one then invite into it. Their steps,
//! links and notes come from `grammar/fastpaths.txt`; the values from the
//! request.

use serde_json::{Value, json};

use super::Stages;
use crate::intent::catalog::rules::{Capture, Hit};
use crate::intent::catalog::vocab::{OpVocab, Place};
use crate::intent::fill::{Context, Filled, Lookup, fill};
use crate::intent::grammar::{FastPathSpec, OpRef};
use crate::intent::read::doc::Doc;
use crate::intent::read::entities::Kind;
use crate::plan::{Link, Plan, Slot, Step};
use crate::spec::Method;

/// The fast path an operation chosen by scoring stands for, if any: the
/// one whose first request it is (a multi-step one when the request asks
/// for the later steps too), the user lookup of a fast path that reads one
/// user, or the write of the read-merge-write metadata pair.
pub fn for_op<'g>(r: &Stages<'g>, v: &OpVocab, doc: &Doc, filled: &Filled) -> Option<&'g str> {
    let is = |op: &OpRef| op.method == v.method && op.path == v.path;
    // Several emails or phones in one filter are several users: a list,
    // never the one user a lookup finds.
    let several = filled
        .query
        .iter()
        .any(|(_, v)| v.as_array().is_some_and(|a| a.len() > 1));
    let identifies = !several
        && (filled.lookup.is_some()
            || doc
                .entities
                .iter()
                .any(|e| matches!(e.kind, Kind::Email | Kind::Phone)));
    let listing = r
        .reader
        .words
        .verbs("collection")
        .iter()
        .any(|w| doc.has_term(w))
        || doc
            .entities
            .iter()
            .any(|e| matches!(e.kind, Kind::Time | Kind::Number));
    // How well each fast path fits: more steps asked for, or a single user
    // named, beats a plain list.
    let mut best: Option<(usize, &FastPathSpec)> = None;
    for fp in &r.grammar.fastpaths {
        let Some(first) = fp.ops.first() else {
            continue;
        };
        let fit = if is(first) && fp.ops[1..].iter().all(|later| asks_for(r, doc, later)) {
            fp.ops.len()
        } else if fp.lookup.as_ref().is_some_and(is)
            && first.method == Method::Get
            && identifies
            && !listing
        {
            2
        } else if fp.write.as_ref().is_some_and(is)
            && filled.named == 0
            && r.reader.meta.parse(doc, &r.reader.words).is_some()
        {
            1
        } else {
            0
        };
        if fit > 0 && best.is_none_or(|(b, _)| fit > b) {
            best = Some((fit, fp));
        }
    }
    best.map(|(_, fp)| fp.name.as_str())
}

/// Whether a request asks for a later step too: it names that step's thing
/// ("... and invite") and gives a value one of its required fields takes.
fn asks_for(r: &Stages, doc: &Doc, op: &OpRef) -> bool {
    let Some(v) = r.catalog.op(op) else {
        return false;
    };
    let named = v
        .segments
        .last()
        .is_some_and(|s| s.iter().all(|t| doc.has_term(t)));
    let valued = v
        .fields
        .iter()
        .filter(|f| f.required && f.place != Place::Path)
        .any(|f| doc.entities.iter().any(|e| r.filler().accepts(&f.name, e)));
    named && valued
}

fn step(op: &OpRef) -> Step {
    Step::new(op.method, &op.path, &op.operation_id)
}

/// A fast path's plan; `None` when the request lacks what it needs (then
/// the generic plan is used).
pub fn build(r: &Stages, name: &str, doc: &Doc, ctx: &Context, hit: Option<&Hit>) -> Option<Plan> {
    let fp = r.grammar.fastpath(name)?;
    let main = fp.ops.first()?;
    let mut plan = Plan {
        version: r.catalog.version.clone(),
        steps: Vec::new(),
        reason: format!("fast path `{name}`"),
        notes: Vec::new(),
        alternatives: Vec::new(),
    };
    if let Some(h) = hit {
        plan.reason = format!(
            "fast path `{name}`, by rule `{}` (grammar/rules.txt line {})",
            h.rule.text, h.rule.line
        );
    }
    // Without the merging endpoint, the user is read first: fill that step.
    let fill_op = match (name, r.catalog.has_metadata_merge) {
        ("update-metadata", false) => fp.read.as_ref()?,
        _ => main,
    };
    let filled = fill(&r.filler(), r.catalog.op(fill_op)?, doc, ctx, None);
    match name {
        "list-users" => {
            let mut s = step(main);
            s.query = filled.query.clone();
            s.purpose = "List users".into();
            // Newest first by the timestamp the filter is about.
            let sort = r.tables.fields_for_key("sort");
            let filtered = s
                .query
                .iter()
                .find_map(|(n, _)| n.strip_suffix("_after").or(n.strip_suffix("_before")));
            if let (Some(field), Some(sort)) = (filtered, sort.first())
                && !s.query.iter().any(|(n, _)| n == sort)
            {
                let order = format!("-{field}");
                s.query.push((sort.clone(), json!(order)));
            }
            plan.steps.push(s);
        }
        "get-user" | "delete-user" => {
            let mut s = step(main);
            s.purpose = if name == "get-user" {
                "Get the user"
            } else {
                "Delete the user"
            }
            .into();
            user_target(r, fp, &filled, &mut plan, s);
        }
        "update-metadata" => {
            let meta = filled
                .meta
                .clone()
                .or_else(|| r.reader.meta.parse(doc, &r.reader.words))?;
            let field = meta.kind.field();
            let values = Value::Object(meta.values.clone());
            plan.notes.push(format!("Writing {field}: {}.", meta.why));
            if r.catalog.has_metadata_merge {
                let mut s = step(main);
                s.body = Some(json!({ field: values }));
                s.purpose = format!("Merge into the user's {field}");
                user_target(r, fp, &filled, &mut plan, s);
            } else {
                let (read, write) = (fp.read.as_ref()?, fp.write.as_ref()?);
                let mut first = step(read);
                first.purpose = format!("Read the user's current {field}");
                user_target(r, fp, &filled, &mut plan, first);
                let at = plan.steps.len() - 1;
                let mut s = step(write);
                s.path_params = plan.steps[at].path_params.clone();
                s.links = plan.steps[at].links.clone();
                s.body = Some(json!({ field: values }));
                s.links.push(Link {
                    slot: Slot::Body(format!("/{field}")),
                    step: at,
                    pointer: format!("/{field}"),
                    merge: true,
                });
                // The pipeline says that this write merges (one place).
                s.purpose = format!("Write the merged {field}");
                plan.steps.push(s);
            }
        }
        "create-organization" => {
            let mut s = step(main);
            s.body = Some(Value::Object(filled.body.clone()));
            s.purpose = "Create the organization".into();
            plan.steps.push(s);
        }
        "create-organization-invite" | "invite-member" => {
            let creating = name == "create-organization-invite";
            let single = if creating { fp.ops.get(1)? } else { main };
            // "bulk invite ...": the bulk endpoint when the request says so.
            let said = |op: &&OpRef| {
                r.catalog
                    .op(op)
                    .and_then(|v| v.action.as_ref())
                    .is_some_and(|a| doc.has_term(a))
            };
            let invite_op = fp.bulk.as_ref().filter(said).unwrap_or(single);
            let iv = r.catalog.op(invite_op)?;
            if creating {
                let mut org = step(main);
                org.body = Some(Value::Object(filled.body.clone()));
                org.purpose = "Create the organization".into();
                plan.steps.push(org);
            }
            let invite_fill = fill(&r.filler(), iv, doc, ctx, None);
            let role = role(r, doc, hit).unwrap_or_else(|| {
                let default = r
                    .grammar
                    .roles
                    .text("default")
                    .unwrap_or_default()
                    .to_string();
                plan.notes
                    .push(format!("No role given: inviting as {default}."));
                default
            });
            let field = |kind: Kind| {
                r.filler()
                    .fields_for(kind)
                    .iter()
                    .find(|f| iv.field(f).is_some())
                    .cloned()
            };
            let (email_field, role_field) = (field(Kind::Email)?, field(Kind::Role)?);
            let items: Vec<(String, Value)> = doc
                .of_kind(Kind::Email)
                .map(|(_, e)| {
                    (
                        e.text(),
                        json!({ email_field.as_str(): e.text(), role_field.as_str(): role }),
                    )
                })
                .collect();
            if items.is_empty() {
                return None;
            }
            let place = |s: &mut Step| match (creating, iv.params.first()) {
                (true, Some((param, _))) => s.links.push(Link {
                    slot: Slot::Path(param.clone()),
                    step: 0,
                    pointer: "/id".into(),
                    merge: false,
                }),
                _ => s.path_params = invite_fill.path.clone(),
            };
            if invite_op == single {
                for (email, body) in items {
                    let mut s = step(invite_op);
                    s.body = Some(body);
                    s.purpose = format!("Invite {email} as {role}");
                    place(&mut s);
                    plan.steps.push(s);
                }
            } else {
                let mut s = step(invite_op);
                s.purpose = format!("Invite {} people as {role}", items.len());
                s.body = Some(Value::Array(items.into_iter().map(|(_, b)| b).collect()));
                place(&mut s);
                plan.steps.push(s);
            }
            if !creating {
                plan.notes.extend(invite_fill.notes.iter().cloned());
            }
        }
        _ => return None,
    }
    plan.notes.extend(filled.notes.iter().cloned());
    plan.notes.extend(fp.notes.iter().cloned());
    Some(plan)
}

/// The role a request gives: a role entity, or a plain role word a rule
/// caught; normalised to `org:...`.
fn role(r: &Stages, doc: &Doc, hit: Option<&Hit>) -> Option<String> {
    if let Some((_, e)) = doc.of_kind(Kind::Role).next() {
        return Some(r.reader.ex.normalise_role(&e.text()));
    }
    hit.and_then(|h| {
        h.captures.iter().find_map(|(_, c)| match c {
            Capture::RoleWord(t) => Some(r.reader.ex.normalise_role(&doc.tokens[*t].lower)),
            Capture::Entity(_) => None,
        })
    })
}

/// Puts the step that acts on a user into the plan: with the ID when the
/// request has one, after a lookup when it names the user otherwise.
fn user_target(r: &Stages, fp: &FastPathSpec, filled: &Filled, plan: &mut Plan, mut s: Step) {
    if let Some(id) = filled.path.iter().find(|(p, _)| r.ids().is_user_param(p)) {
        s.path_params.push(id.clone());
    } else if let (Some(lookup), Some(op)) = (&filled.lookup, fp.lookup.as_ref().or(r.lookup_op()))
    {
        let (find, note) = lookup_step(r, op, lookup, plan.steps.len(), &mut s);
        plan.steps.push(find);
        plan.notes.push(note);
    } else if filled.referred.is_empty() {
        plan.notes
            .push("No user given: the user ID will be asked for.".into());
    }
    plan.steps.push(s);
}

/// The list request that finds the one user a request names by email,
/// phone or username (to be step `at`), the link that gives its ID to
/// `then`, and a note saying so.
pub(super) fn lookup_step(
    r: &Stages,
    op: &OpRef,
    lookup: &Lookup,
    at: usize,
    then: &mut Step,
) -> (Step, String) {
    let mut find = step(op);
    find.query.push((lookup.by.clone(), json!([lookup.value])));
    find.purpose = format!("Look up the {} {}", r.ids().user_object(), lookup.value);
    find.expect_one = Some(format!(
        "{} matches {} {}",
        r.ids().user_object(),
        lookup.by,
        lookup.value
    ));
    then.links.push(Link {
        slot: lookup.slot.clone(),
        step: at,
        pointer: "/0/id".into(),
        merge: false,
    });
    let note = format!(
        "The {} is found by {} first; none or several found stops the plan and says so.",
        r.ids().user_object(),
        lookup.by
    );
    (find, note)
}
