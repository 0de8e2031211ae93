//! Filling one operation from a request: path parameters from IDs (or a
//! user lookup, or the conversation's memory), then fields from rule
//! assignments, metadata pairs, fields named in words, and bare values by
//! kind (`grammar/fields.txt`). How well the request fits also comes out,
//! as points for ranking: every ID placed counts, every ID left over or
//! required value missing counts against.

use serde_json::{Map, Value};

use super::Router;
use super::doc::Doc;
use super::entities::{Entity, Kind};
use super::metadata::MetaWrite;
use super::phrases::{self, Said};
use super::rules::{Assigned, Capture, Hit, Target};
use super::time::Bound;
use super::vocab::{Field, OpVocab, Place};
use crate::memory::Memory;
use crate::spec::JsonKind;

/// A user found by something other than their ID, through `GET /users`.
#[derive(Debug, Clone, PartialEq)]
pub struct Lookup {
    /// The `GET /users` filter (`email_address`, `username`...).
    pub by: String,
    pub value: String,
}

#[derive(Debug, Clone, Default)]
pub struct Filled {
    pub path: Vec<(String, Value)>,
    pub query: Vec<(String, Value)>,
    pub body: Map<String, Value>,
    pub used: Vec<bool>,
    pub lookup: Option<Lookup>,
    pub meta: Option<MetaWrite>,
    /// Fields named in words ("last name to ...").
    pub named: usize,
    pub missing: Vec<String>,
    /// Parameters the request referred back to with nothing to refer to.
    pub referred: Vec<String>,
    pub notes: Vec<String>,
    pub points: f32,
    pub why: Vec<(String, f32)>,
}

impl Filled {
    fn score(&mut self, what: impl Into<String>, points: f32) {
        self.points += points;
        self.why.push((what.into(), points));
    }

    fn set(&mut self, field: &Field, value: Value) {
        match field.place {
            Place::Query => self.query.push((field.name.clone(), value)),
            Place::Body => {
                self.body.insert(field.name.clone(), value);
            }
            Place::Path => self.path.push((field.name.clone(), value)),
        }
    }

    pub fn is_set(&self, name: &str) -> bool {
        self.body.contains_key(name)
            || self.query.iter().any(|(n, _)| n == name)
            || self.path.iter().any(|(n, _)| n == name)
    }
}

pub struct Context<'a> {
    pub now_ms: i64,
    pub memory: &'a Memory,
    pub repl: bool,
}

pub fn fill(r: &Router, v: &OpVocab, doc: &Doc, ctx: &Context, hit: Option<&Hit>) -> Filled {
    let mut f = Filled {
        used: vec![false; doc.entities.len()],
        ..Filled::default()
    };
    path_params(r, v, doc, ctx, &mut f);
    if let Some(hit) = hit.filter(|h| h.rule.target == Target::Op(v.method, v.path.clone())) {
        assign(r, v, doc, hit, &mut f);
    }
    if v.fields
        .iter()
        .any(|x| x.name.ends_with("_metadata") && x.place == Place::Body)
        && let Some(mut m) = r.meta.parse(doc, &r.words)
    {
        if v.field(m.kind.field()).is_none() {
            m.kind = super::metadata::MetaKind::Public;
        }
        f.body
            .insert(m.kind.field().into(), Value::Object(m.values.clone()));
        for e in &m.used {
            f.used[*e] = true;
        }
        f.score("metadata values", 2.0);
        f.meta = Some(m);
    }
    named_fields(r, v, doc, &mut f);
    by_kind(r, v, doc, &mut f);
    allowed_values(r, v, doc, &mut f);
    if matches!(
        v.method,
        crate::spec::Method::Post | crate::spec::Method::Put
    ) && let Some(field) = v.field("name").filter(|x| x.place == Place::Body)
        && !f.is_set("name")
        && let Some((name, e)) = phrases::name(doc, v, &r.words)
    {
        f.set(field, Value::from(name));
        if let Some(e) = e {
            f.used[e] = true;
        }
        f.score("name", 1.0);
    }
    time_and_order(r, v, doc, &mut f);
    for field in &v.fields {
        if field.required && !f.is_set(&field.name) && field.place != Place::Path {
            f.missing.push(field.name.clone());
            f.score(format!("{} missing", field.name), -0.5);
        }
    }
    leftovers(doc, &mut f);
    f
}

/// The ID params of an entity (from `grammar/ids.txt`).
fn id_params<'g>(r: &'g Router, e: &Entity) -> &'g [String] {
    e.id.map(|i| r.grammar.ids[i].params.as_slice())
        .unwrap_or(&[])
}

fn path_params(r: &Router, v: &OpVocab, doc: &Doc, ctx: &Context, f: &mut Filled) {
    let mut refs = doc.refs.len();
    for (p, _) in &v.params {
        let free = |f: &Filled, e: usize| !f.used[e] && doc.entities[e].kind == Kind::Id;
        let by_table = (0..doc.entities.len())
            .find(|&e| free(f, e) && id_params(r, &doc.entities[e]).contains(p));
        if let Some(e) = by_table {
            f.used[e] = true;
            f.path.push((p.clone(), doc.entities[e].value.clone()));
            f.score(format!("{p} from the ID"), 4.0);
            continue;
        }
        let field = v.field(p);
        let enum_word = field.and_then(|x| {
            doc.tokens
                .iter()
                .find(|t| x.enums.contains(&t.lower))
                .map(|t| t.lower.clone())
        });
        if let Some(word) = enum_word {
            f.path.push((p.clone(), Value::from(word)));
            f.score(format!("{p} from an allowed value"), 1.5);
            continue;
        }
        // An ID of a prefix the grammar does not know fills what is left.
        let stray = (0..doc.entities.len()).find(|&e| free(f, e) && doc.entities[e].id.is_none());
        if let Some(e) = stray {
            f.used[e] = true;
            f.path.push((p.clone(), doc.entities[e].value.clone()));
            f.score(format!("{p} from an ID of another kind"), 1.0);
            continue;
        }
        if r.is_user_param(p)
            && let Some((e, lookup)) = identification(r, doc, f)
        {
            f.used[e] = true;
            f.lookup = Some(lookup);
            f.score(format!("{p} by looking the user up"), 2.5);
            continue;
        }
        if refs > 0 {
            refs -= 1;
            match r.remembered(p, ctx.memory) {
                Some((id, object)) => {
                    f.notes.push(format!(
                        "Using {id} for {p}: the last {object} in this conversation."
                    ));
                    f.path.push((p.clone(), Value::from(id)));
                    f.score(format!("{p} from the conversation"), 2.0);
                }
                None => {
                    let why = if ctx.repl {
                        "nothing earlier in this conversation has one"
                    } else {
                        "a one-shot command has no conversation to refer back to"
                    };
                    f.notes.push(format!(
                        "The request refers to an earlier {p}, but {why}; give the ID."
                    ));
                    f.missing.push(p.clone());
                    f.referred.push(p.clone());
                    f.score(format!("{p} refers back"), 1.0);
                }
            }
            continue;
        }
        f.missing.push(p.clone());
        f.score(format!("{p} missing"), -3.0);
    }
}

/// An email, phone or username that names the user an operation is about.
fn identification(r: &Router, doc: &Doc, f: &Filled) -> Option<(usize, Lookup)> {
    let lookup = r.lookup_fields();
    for kind in [Kind::Email, Kind::Phone, Kind::Username] {
        for (e, ent) in doc.of_kind(kind) {
            if f.used[e] {
                continue;
            }
            let key = match kind {
                Kind::Email => "email",
                Kind::Phone => "phone",
                _ => "username",
            };
            if let Some(by) = lookup
                .iter()
                .find(|(k, _)| *k == key)
                .map(|(_, b)| b.clone())
            {
                return Some((
                    e,
                    Lookup {
                        by,
                        value: ent.text(),
                    },
                ));
            }
        }
    }
    None
}

fn assign(r: &Router, v: &OpVocab, doc: &Doc, hit: &Hit, f: &mut Filled) {
    for (path, value) in &hit.rule.assigns {
        let value = match value {
            Assigned::Literal(v) => v.clone(),
            Assigned::Slot(name) => match hit.captures.iter().find(|(n, _)| n == name) {
                Some((_, Capture::Entity(e))) => {
                    f.used[*e] = true;
                    r.value_for(&doc.entities[*e], path.split('.').next().unwrap_or(path))
                }
                Some((_, Capture::RoleWord(t))) => {
                    Value::from(r.ex.normalise_role(&doc.tokens[*t].lower))
                }
                None => continue,
            },
        };
        let top = path.split('.').next().unwrap_or(path);
        match v.field(top) {
            Some(field) if field.place == Place::Query => f.query.push((top.to_string(), value)),
            _ => set_path(&mut f.body, path, value),
        }
        f.score(format!("{path} from the rule"), 0.5);
    }
}

/// Sets `a.b.c` in a JSON object, creating objects on the way.
pub fn set_path(map: &mut Map<String, Value>, path: &str, value: Value) {
    match path.split_once('.') {
        None => {
            map.insert(path.to_string(), value);
        }
        Some((head, rest)) => {
            let inner = map
                .entry(head.to_string())
                .or_insert_with(|| Value::Object(Map::new()));
            if let Value::Object(m) = inner {
                set_path(m, rest, value);
            }
        }
    }
}

fn named_fields(r: &Router, v: &OpVocab, doc: &Doc, f: &mut Filled) {
    for field in &v.fields {
        if field.place == Place::Path || f.is_set(&field.name) || field.name.ends_with("_metadata")
        {
            continue;
        }
        let Some(m) = phrases::mention(doc, field, &r.words) else {
            continue;
        };
        let taken = |e: usize| f.used[e];
        let own = |t: &str| v.segments.iter().flatten().any(|s| s == t);
        let value = match phrases::value_after(doc, m, field, &r.words, &taken, &own) {
            // Half a name ("user" for user_id) only takes a value of its kind.
            Some(Said::Entity(e)) if !m.full && !r.accepts(&field.name, &doc.entities[e]) => {
                continue;
            }
            Some(Said::Entity(e)) if !f.used[e] && doc.entities[e].kind != Kind::Time => {
                f.used[e] = true;
                r.value_for(&doc.entities[e], &field.name)
            }
            Some(Said::Value(value)) => value,
            _ if m.full && field.kind == JsonKind::Boolean => Value::Bool(r.polarity(doc)),
            _ => continue,
        };
        f.set(field, r.shape(field, value));
        f.named += 1;
        f.score(format!("{} named", field.name), 1.0);
    }
}

fn by_kind(r: &Router, v: &OpVocab, doc: &Doc, f: &mut Filled) {
    for (e, ent) in doc.entities.iter().enumerate() {
        if f.used[e] {
            continue;
        }
        let candidates: Vec<String> = match ent.kind {
            Kind::Id => id_params(r, ent).to_vec(),
            Kind::Pair => vec![ent.key.clone().unwrap_or_default()],
            Kind::Number if v.method != crate::spec::Method::Get => continue,
            Kind::Username if ent.key.is_some() => continue,
            Kind::Quoted if v.method == crate::spec::Method::Get => continue,
            kind => r.fields_for(kind),
        };
        let free_field = candidates
            .iter()
            .filter_map(|c| v.field(c))
            .find(|x| x.place != Place::Path && !f.is_set(&x.name));
        let Some(field) = free_field else { continue };
        f.used[e] = true;
        let value = r.value_for(ent, &field.name);
        let value = match (&field.kind, f.body.get(&field.name)) {
            (JsonKind::Array, _) => r.shape(field, value),
            _ => value,
        };
        f.set(field, value);
        // An ID counts fully in the field it is first for (`user_id`), less
        // in another it may fill (`inviter_user_id`).
        let points = match ent.kind {
            Kind::Id if candidates.first() == Some(&field.name) => 2.0,
            Kind::Id => 0.5,
            _ => 1.5,
        };
        f.score(format!("{} from {:?}", field.name, ent.kind), points);
        // Several emails for one array field go together.
        if field.kind == JsonKind::Array && ent.kind == Kind::Email {
            for (o, other) in doc.of_kind(Kind::Email) {
                if !f.used[o] {
                    f.used[o] = true;
                    if let Some(Value::Array(list)) = f.body.get_mut(&field.name) {
                        list.push(other.value.clone());
                    }
                }
            }
        }
    }
}

/// A word that is one of a field's allowed values ("pending", "active")
/// sets it; not words that name things IDs stand for ("user", "org").
fn allowed_values(r: &Router, v: &OpVocab, doc: &Doc, f: &mut Filled) {
    for field in v
        .fields
        .iter()
        .filter(|x| x.place != Place::Path && !x.enums.is_empty())
    {
        if f.is_set(&field.name) {
            continue;
        }
        let word = doc.tokens.iter().enumerate().find_map(|(i, t)| {
            let fits = doc.entity_at(i).is_none()
                && field.enums.contains(&t.lower)
                && !doc.terms_at(i).any(|term| r.object_terms.contains(term));
            fits.then(|| t.lower.clone())
        });
        if let Some(word) = word {
            f.set(field, r.shape(field, Value::from(word)));
            f.score(format!("{} from an allowed value", field.name), 1.0);
        }
    }
}

fn time_and_order(r: &Router, v: &OpVocab, doc: &Doc, f: &mut Filled) {
    for (e, ent) in doc.entities.iter().enumerate() {
        let Some(t) = &ent.time else { continue };
        let suffix = match t.bound {
            Bound::After => "after",
            Bound::Before => "before",
        };
        let fields = t
            .field
            .iter()
            .cloned()
            .chain(r.ex.time.fields.iter().map(|(n, _)| n.clone()));
        let name = fields
            .map(|n| format!("{n}_{suffix}"))
            .find(|n| v.field(n).is_some() && !f.is_set(n));
        if let Some(name) = name {
            f.used[e] = true;
            f.query.push((name.clone(), Value::from(t.ms)));
            f.notes.push(format!(
                "`{name}={}` is {} ({}), in Unix milliseconds.",
                t.ms,
                super::time::describe(t.ms),
                t.label
            ));
            f.score(format!("{name} from the time filter"), 1.5);
        }
    }
    if v.field("order_by").is_some()
        && !f.is_set("order_by")
        && let Some(order) = r.order(doc)
    {
        f.query.push(("order_by".into(), Value::from(order)));
    }
}

fn leftovers(doc: &Doc, f: &mut Filled) {
    for (e, ent) in doc.entities.iter().enumerate() {
        if f.used[e] || !ent.hard {
            continue;
        }
        let points = match ent.kind {
            Kind::Id => -3.0,
            Kind::Quoted | Kind::Op | Kind::Date => -0.5,
            Kind::Username if ent.key.is_some() => 0.0,
            _ => -1.5,
        };
        if points != 0.0 {
            f.score(format!("{:?} `{}` unused", ent.kind, ent.text()), points);
        }
    }
}
