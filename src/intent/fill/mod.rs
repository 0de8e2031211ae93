//! Filling one operation from a request: path parameters from IDs (or a
//! user lookup, or the conversation's memory), then fields from rule
//! assignments, metadata pairs, fields named in words, and bare values by
//! kind (`grammar/fields.txt`). How well the request fits also comes out,
//! as points for ranking: every ID placed counts, every ID left over or
//! required value missing counts against.

mod fields;
mod forms;
mod path;
pub mod phrases;
mod search;
mod values;

use std::collections::{HashMap, HashSet};

use serde_json::{Map, Value};

use crate::intent::catalog::Catalog;
use crate::intent::catalog::rules::{Hit, Target};
use crate::intent::catalog::vocab::{Field, OpVocab, Place};
use crate::intent::grammar::Grammar;
use crate::intent::read::Reader;
use crate::intent::read::doc::Doc;
use crate::intent::read::entities::{Entity, Kind};
use crate::intent::read::ids::Ids;
use crate::intent::read::metadata::MetaWrite;
use crate::memory::Memory;
use crate::plan::Slot;
use crate::spec::JsonKind;

/// A user found by something other than their ID, through `GET /users`.
#[derive(Debug, Clone, PartialEq)]
pub struct Lookup {
    /// The `GET /users` filter (`email_address`, `username`...).
    pub by: String,
    pub value: String,
    /// Where the found user's ID goes.
    pub slot: Slot,
}

#[derive(Debug, Clone, Default)]
pub struct Filled {
    pub path: Vec<(String, Value)>,
    pub query: Vec<(String, Value)>,
    pub body: Map<String, Value>,
    /// For an array body (bulk operations): one object per item.
    pub items: Vec<Map<String, Value>>,
    pub used: Vec<bool>,
    /// Free words taken as values (a template's slug).
    pub used_tokens: Vec<usize>,
    /// Path parameters filled from a free word: a guess, never the target
    /// of a destructive operation.
    pub guessed: Vec<String>,
    /// Of those, the ones taken from a plain English word nothing marked
    /// as a value ("sign" of "set sign up mode"): a write never picks
    /// such a target.
    pub bare: Vec<String>,
    /// More targets of the same request: one more request each.
    pub targets: Vec<MoreTarget>,
    pub lookup: Option<Lookup>,
    pub meta: Option<MetaWrite>,
    /// Fields named in words ("last name to ...").
    pub named: usize,
    pub missing: Vec<String>,
    /// Parameters the request referred back to with nothing to refer to.
    pub referred: Vec<String>,
    /// References the path parameters took.
    pub refs_used: usize,
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
            Place::Item => {
                for item in &mut self.items {
                    item.insert(field.name.clone(), value.clone());
                }
            }
        }
    }

    /// One more request, for another target in `slot`: several requests
    /// where one could do are counted once, so the count never outweighs
    /// the words.
    fn add_target(&mut self, slot: Slot, value: Value) {
        self.targets.push(MoreTarget { slot, value });
        if self.targets.len() == 1 {
            self.score("one request per target", -1.5);
        }
    }

    /// Replaces the value a slot holds.
    pub fn set_slot(&mut self, slot: &Slot, value: Value) {
        let (list, name) = match slot {
            Slot::Path(n) => (&mut self.path, n),
            Slot::Query(n) => (&mut self.query, n),
            Slot::Body(pointer) => {
                if let Some(old) = self.body.get_mut(pointer.trim_start_matches('/')) {
                    *old = value;
                }
                return;
            }
        };
        if let Some((_, old)) = list.iter_mut().find(|(n, _)| n == name) {
            *old = value;
        }
    }

    pub fn is_set(&self, name: &str) -> bool {
        self.body.contains_key(name)
            || self.query.iter().any(|(n, _)| n == name)
            || self.path.iter().any(|(n, _)| n == name)
            || self.items.first().is_some_and(|i| i.contains_key(name))
    }
}

/// The tables of `grammar/fields.txt` filling reads, built once per spec.
#[derive(Debug)]
pub struct Tables {
    /// The lists of `grammar/fields.txt` by key.
    field_lists: HashMap<String, Vec<String>>,
    /// `(sort value, phrases)`: `order.*`.
    orders: Vec<(String, Vec<Vec<String>>)>,
    /// Phrases that turn a flag off (`false`).
    off: Vec<Vec<String>>,
    /// `(email|phone|username, GET /users filter)`.
    lookup_fields: Vec<(String, String)>,
}

impl Tables {
    pub fn new(grammar: &Grammar, catalog: &Catalog) -> Tables {
        let fields = &grammar.fields;
        let phrases = |list: Vec<String>| -> Vec<Vec<String>> {
            list.iter()
                .map(|p| p.split_whitespace().map(str::to_string).collect())
                .collect()
        };
        let mut tables = Tables {
            field_lists: fields
                .entries
                .iter()
                .map(|e| (e.key.clone(), fields.list(&e.key)))
                .collect(),
            orders: fields
                .family("order")
                .into_iter()
                .map(|(value, list)| (value, phrases(list)))
                .collect(),
            off: phrases(fields.list("false")),
            lookup_fields: Vec::new(),
        };
        let users = grammar
            .fastpath("get-user")
            .and_then(|f| f.lookup.as_ref())
            .and_then(|o| catalog.op(o));
        if let Some(users) = users {
            tables.lookup_fields = [Kind::Email, Kind::Phone, Kind::Username]
                .iter()
                .filter_map(|kind| values::kind_key(*kind))
                .filter_map(|k| {
                    let field = tables
                        .fields_for_key(k)
                        .iter()
                        .find(|f| users.field(f).is_some())?;
                    Some((k.to_string(), field.clone()))
                })
                .collect();
        }
        tables
    }

    /// A list of `grammar/fields.txt`.
    pub fn fields_for_key(&self, key: &str) -> &[String] {
        self.field_lists.get(key).map_or(&[], Vec::as_slice)
    }

    /// The prefix values of `field` carry (`prefix.oauth_ = provider`).
    pub fn prefix_for(&self, field: &str) -> Option<&str> {
        self.field_lists
            .iter()
            .find(|(k, list)| k.starts_with("prefix.") && list.iter().any(|x| x == field))
            .map(|(k, _)| &k["prefix.".len()..])
    }

    /// The `GET /users` filters an email, phone or username looks a user
    /// up by.
    pub fn lookup_fields(&self) -> &[(String, String)] {
        &self.lookup_fields
    }
}

/// What filling reads: the reader's words and entity patterns, what IDs
/// name, the spec's path terms, and the field tables. Never the rules,
/// the index or the other operations.
#[derive(Clone, Copy)]
pub struct Filler<'r> {
    pub read: &'r Reader,
    pub ids: Ids<'r>,
    pub path_terms: &'r HashSet<String>,
    pub tables: &'r Tables,
}

pub struct Context<'a> {
    pub now_ms: i64,
    pub memory: &'a Memory,
    pub repl: bool,
}

pub fn fill(r: &Filler, v: &OpVocab, doc: &Doc, ctx: &Context, hit: Option<&Hit>) -> Filled {
    let mut f = Filled {
        used: vec![false; doc.entities.len()],
        ..Filled::default()
    };
    path::params(r, v, doc, ctx, &mut f);
    search::query(r, v, doc, &mut f);
    if let Some(hit) = hit.filter(|h| h.rule.target == Target::Op(v.method, v.path.clone())) {
        fields::assign(r, v, doc, hit, &mut f);
    }
    fields::metadata(r, v, doc, &mut f);
    fields::named(r, v, doc, &mut f);
    fields::items(r, v, doc, &mut f);
    fields::by_kind(r, v, doc, ctx.now_ms, &mut f);
    path::user_field(r, v, doc, &mut f);
    path::referred_field(r, v, doc, ctx, &mut f);
    fields::allowed_values(r, v, doc, &mut f);
    fields::name(r, v, doc, &mut f);
    fields::time_and_order(r, v, doc, &mut f);
    for field in &v.fields {
        let counted = match field.place {
            Place::Path => false,
            Place::Item => f.items.is_empty(),
            _ => true,
        };
        if counted && field.required && !f.is_set(&field.name) {
            f.missing.push(field.name.clone());
            f.score(format!("{} missing", field.name), -0.5);
        }
    }
    leftovers(r, v, doc, &mut f);
    forms::normalize(r, v, &mut f);
    f
}

/// The ID params of an entity (from `grammar/ids.txt`).
fn id_params<'g>(r: &Filler<'g>, e: &Entity) -> &'g [String] {
    e.id.map(|i| r.ids.params(i)).unwrap_or(&[])
}

/// The fields of `v` an ID fills: those the grammar lists for its prefix,
/// best first, then those whose schema pattern admits that prefix (a
/// `subject` that takes `mch_` IDs), which the grammar need not know.
fn id_fields(r: &Filler, v: &OpVocab, e: &Entity) -> Vec<String> {
    let mut out = id_params(r, e).to_vec();
    let prefix = e.key.as_deref().unwrap_or_default();
    for x in &v.fields {
        if x.prefixes.iter().any(|p| p == prefix) && !out.contains(&x.name) {
            out.push(x.name.clone());
        }
    }
    out
}

/// Whether `field`'s pattern admits only IDs of this one prefix.
fn only_takes(field: &Field, e: &Entity) -> bool {
    matches!(field.prefixes.as_slice(), [p] if Some(p.as_str()) == e.key.as_deref())
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

/// One more target of the same request: the slot, and the value that
/// replaces the first target's there ("ban user_1, user_2 and user_3").
#[derive(Debug, Clone, PartialEq)]
pub struct MoreTarget {
    pub slot: Slot,
    pub value: Value,
}

fn leftovers(r: &Filler, v: &OpVocab, doc: &Doc, f: &mut Filled) {
    let words = &r.read.words;
    let after = |x: usize, cue: &[Vec<String>]| doc.after_phrase(doc.entities[x].first, cue);
    for (e, ent) in doc.entities.iter().enumerate() {
        if f.used[e] || !ent.hard {
            continue;
        }
        // Another value of the kind that filled a single slot: one more
        // request, for that target; unless it plays another part than its
        // twin, which this operation has no field for (unused, below).
        let apart = after(e, &words.apart) && !after(e, &words.together);
        let taken = match same_kind_slot(doc, f, e) {
            // "from a.com to b.com": the new value fills the slot, the old
            // one is context.
            Some((slot, twin)) if after(e, &words.change_to) && after(twin, &words.change_from) => {
                f.set_slot(&slot, ent.value.clone());
                true
            }
            Some((_, twin)) if after(e, &words.change_from) && after(twin, &words.change_to) => {
                true
            }
            Some((slot, _)) if !apart => {
                f.add_target(slot, ent.value.clone());
                true
            }
            _ => false,
        };
        if taken {
            f.used[e] = true;
            continue;
        }
        // A value of another kind for the same single field ("allowlist
        // a@x.io and +14155550123": both are an `identifier`): one more
        // request too.
        if let Some(field) = shared_field(r, v, f, ent.kind) {
            f.used[e] = true;
            let value = r.shape(field, r.value_for(ent, &field.name));
            f.add_target(Slot::Body(format!("/{}", field.name)), value);
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

/// The single-valued body field a value of `kind` would fill first when
/// another value already fills it (`identifier`).
fn shared_field<'v>(r: &Filler, v: &'v OpVocab, f: &Filled, kind: Kind) -> Option<&'v Field> {
    if !matches!(kind, Kind::Email | Kind::Phone | Kind::Url | Kind::Domain) {
        return None;
    }
    let field = r
        .fields_for(kind)
        .iter()
        .filter_map(|c| v.field(c))
        .find(|x| matches!(x.place, Place::Body | Place::Query))?;
    let single = field.kind != JsonKind::Array && field.place == Place::Body;
    (single && f.body.contains_key(&field.name)).then_some(field)
}

/// The single-valued slot a value of the same kind as entity `e` (an ID of
/// its prefix, an email, a phone, a URL, a domain) already fills, and the
/// entity that fills it.
fn same_kind_slot(doc: &Doc, f: &Filled, e: usize) -> Option<(Slot, usize)> {
    let ent = &doc.entities[e];
    if !matches!(
        ent.kind,
        Kind::Id | Kind::Email | Kind::Phone | Kind::Url | Kind::Domain
    ) {
        return None;
    }
    let twin = |v: &Value| {
        doc.entities.iter().enumerate().position(|(o, other)| {
            o != e
                && f.used[o]
                && other.kind == ent.kind
                && other.key == ent.key
                && Some(other.text().as_str()) == v.as_str()
        })
    };
    if let Some((p, o)) = f.path.iter().find_map(|(p, v)| Some((p, twin(v)?))) {
        return Some((Slot::Path(p.clone()), o));
    }
    if let Some((p, o)) = f.query.iter().find_map(|(p, v)| Some((p, twin(v)?))) {
        return Some((Slot::Query(p.clone()), o));
    }
    f.body
        .iter()
        .find_map(|(k, v)| Some((Slot::Body(format!("/{k}")), twin(v)?)))
}
