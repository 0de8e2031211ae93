//! Query parameters and body fields: set by a rule, written as metadata
//! pairs, named in words ("last name to Nakamura"), given bare as values of
//! a kind ("invite jo@acme.io"), one of a field's allowed values, the name
//! of what is created, or a time filter and a sort.

use serde_json::{Map, Value};

use super::Filler;
use super::{Filled, id_fields, id_params, only_takes, set_path};
use crate::intent::catalog::rules::{Assigned, Capture, Hit};
use crate::intent::catalog::vocab::{Field, OpVocab, Place};
use crate::intent::fill::phrases::{self, Said};
use crate::intent::read::doc::{Doc, Words};
use crate::intent::read::entities::{Entity, Kind};
use crate::intent::read::metadata::MetaKind;
use crate::intent::read::time::{Bound, describe};
use crate::spec::{JsonKind, Method};

pub fn assign(r: &Filler, v: &OpVocab, doc: &Doc, hit: &Hit, f: &mut Filled) {
    for (path, value) in &hit.rule.assigns {
        let top = path.split('.').next().unwrap_or(path);
        let value = match value {
            Assigned::Literal(v) => v.clone(),
            Assigned::Slot(name) => match hit.captures.iter().find(|(n, _)| n == name) {
                Some((_, Capture::Entity(e))) => {
                    f.used[*e] = true;
                    r.value_for(&doc.entities[*e], top)
                }
                Some((_, Capture::RoleWord(t))) => {
                    Value::from(r.read.ex.normalise_role(&doc.tokens[*t].lower))
                }
                None => continue,
            },
        };
        match v.field(top) {
            Some(field) if field.place == Place::Query => f.query.push((top.to_string(), value)),
            _ => set_path(&mut f.body, path, value),
        }
        f.score(format!("{path} from the rule"), 0.5);
    }
}

/// Metadata pairs, for operations with metadata fields, when the request
/// is about metadata (or the operation writes nothing else).
pub fn metadata(r: &Filler, v: &OpVocab, doc: &Doc, f: &mut Filled) {
    let kinds = [MetaKind::Public, MetaKind::Private, MetaKind::Unsafe];
    let meta_fields = v
        .fields
        .iter()
        .filter(|x| x.place == Place::Body && kinds.iter().any(|k| k.field() == x.name))
        .count();
    let only = meta_fields > 0
        && meta_fields == v.fields.iter().filter(|x| x.place == Place::Body).count();
    if meta_fields == 0 || !(only || r.read.meta.is_mentioned(doc)) {
        return;
    }
    let Some(mut m) = r.read.meta.parse(doc, &r.read.words) else {
        return;
    };
    if v.field(m.kind.field()).is_none() {
        m.kind = MetaKind::Public;
    }
    f.body
        .insert(m.kind.field().into(), Value::Object(m.values.clone()));
    for e in &m.used {
        f.used[*e] = true;
    }
    f.score("metadata values", 2.0);
    f.meta = Some(m);
}

/// Fields named in words, with the value after the name.
pub fn named(r: &Filler, v: &OpVocab, doc: &Doc, f: &mut Filled) {
    let own = |t: &str| v.segments.iter().flatten().any(|s| s == t);
    let stops = phrases::field_starts(doc, v, &r.read.words);
    for field in &v.fields {
        if matches!(field.place, Place::Path | Place::Item)
            || f.is_set(&field.name)
            || f.meta.is_some() && field.name.ends_with("metadata")
        {
            continue;
        }
        // The operation's own words ("role" of role sets) are not a field,
        // unless a value the field requires follows them ("verify the
        // password hunter2-Blue"): a token no English word is shaped like.
        let own_field = field.terms.iter().all(|t| own(t));
        if own_field && !field.required {
            continue;
        }
        // The operation's own word names the field where a value follows
        // it ("an actor token ... with actor user_2"), not where it names
        // the operation.
        let mut m = phrases::mention(doc, field, &r.read.words);
        while own_field
            && let Some(at) = m
                .as_ref()
                .filter(|m| !value_shaped_after(doc, m.next, &r.read.words, &f.used))
        {
            m = phrases::mention_from(doc, field, &r.read.words, at.next);
        }
        let Some(m) = m else {
            continue;
        };
        let taken = |e: usize| f.used[e];
        let after = phrases::After {
            taken: &taken,
            own_word: &own,
            stops: &stops,
        };
        let value = match phrases::value_after(doc, m, field, &r.read.words, &after) {
            // Half a name ("user" for user_id) only takes a value of its kind.
            Some(Said::Entity(e)) if !m.full && !r.accepts(&field.name, &doc.entities[e]) => {
                continue;
            }
            // A flag takes only a true or false, not an ID, email or domain:
            // "satellite domain x.com" names the flag, x.com is the name.
            // An object (an actor's claims) takes a value in the property
            // that value fills (`on_behalf_of.user_id`), or its one
            // required property (`actor.sub`).
            Some(Said::Entity(e))
                if !f.used[e]
                    && field.kind == JsonKind::Object
                    && let Some(inner) = nested(r, field, &doc.entities[e]) =>
            {
                f.used[e] = true;
                let value = r.value_for(&doc.entities[e], &inner);
                f.score(format!("{}.{inner} named", field.name), named_points(field));
                f.set(field, serde_json::json!({ inner: value }));
                f.named += 1;
                continue;
            }
            // Otherwise an object takes no bare ID or word.
            Some(Said::Entity(e))
                if !f.used[e]
                    && doc.entities[e].kind != Kind::Time
                    && field.kind != JsonKind::Object
                    && (field.kind != JsonKind::Boolean
                        || r.value_for(&doc.entities[e], &field.name).is_boolean()) =>
            {
                f.used[e] = true;
                let value = r.shape(field, r.value_for(&doc.entities[e], &field.name));
                f.set(field, value);
                together(r, doc, f, field, e);
                f.named += 1;
                f.score(format!("{} named", field.name), named_points(field));
                continue;
            }
            Some(Said::Value(value)) => match sort_value(r, field, doc, m.next, value) {
                Some(v) => v,
                None => continue,
            },
            _ if m.full && field.kind == JsonKind::Boolean => Value::Bool(r.polarity(doc)),
            // A filter whose values are "true"/"false" ("verified domains").
            _ if m.full && field.enums.iter().any(|e| e == "true") => {
                Value::from(r.polarity(doc).to_string())
            }
            _ => continue,
        };
        let value = r.shape(field, value);
        // A word after a field with allowed values is its value only if it
        // is one ("verified across all orgs" is no `verified=across`): a
        // true/false filter named in full is then on.
        let allowed = |v: &Value| {
            let text = v.as_str().map_or_else(|| v.to_string(), str::to_string);
            field.enums.is_empty()
                || field.enums.contains(&text)
                || super::forms::spelled(r, field, &text).is_some()
        };
        let value = match value {
            v if allowed(&v) && (field.kind != JsonKind::Object || v.is_object()) => v,
            _ if m.full && field.kind == JsonKind::Boolean => Value::Bool(r.polarity(doc)),
            _ if m.full && field.enums.iter().any(|e| e == "true") => {
                Value::from(r.polarity(doc).to_string())
            }
            _ => continue,
        };
        f.set(field, value);
        f.named += 1;
        f.score(format!("{} named", field.name), named_points(field));
    }
}

/// The property of object `field` a bare value goes in: the first its kind
/// fills, else the object's one required property.
fn nested(r: &Filler, field: &Field, ent: &Entity) -> Option<String> {
    let has = |name: &str| field.inner.iter().any(|(n, _)| n == name);
    let by_kind = match ent.kind {
        Kind::Id => id_params(r, ent),
        kind => r.fields_for(kind),
    };
    if let Some(name) = by_kind.iter().find(|c| has(c)) {
        return Some(name.clone());
    }
    match field
        .inner
        .iter()
        .filter(|(_, required)| *required)
        .collect::<Vec<_>>()[..]
    {
        [(name, _)] => Some(name.clone()),
        _ => None,
    }
}

/// Whether the token at `k` (after link words) is a value no English word
/// is shaped like: a digit or a symbol inside it (`hunter2-Blue`,
/// `./logo.png`), or an entity nothing has taken yet.
fn value_shaped_after(doc: &Doc, mut k: usize, words: &Words, used: &[bool]) -> bool {
    while doc
        .tokens
        .get(k)
        .is_some_and(|t| words.link.contains(&t.lower))
    {
        k += 1;
    }
    let Some(tok) = doc.tokens.get(k) else {
        return false;
    };
    if let Some(e) = doc.entity_at(k) {
        return !used[e] && doc.entities[e].kind != Kind::Time;
    }
    let text = tok.text.trim_end_matches(['.', ',', ';', '!', '?']);
    !tok.quoted
        && text.chars().any(|c| c.is_ascii_alphabetic())
        && text
            .chars()
            .any(|c| c.is_ascii_digit() || !(c.is_alphanumeric() || c == '\''))
}

/// "sorted by last sign in": sort words after the sort field's name become
/// the sort value they stand for; other words are no sort (a value typed
/// as the API writes it, `-created_at`, stays).
fn sort_value(r: &Filler, field: &Field, doc: &Doc, from: usize, value: Value) -> Option<Value> {
    if !r.tables.fields_for_key("sort").contains(&field.name) {
        return Some(value);
    }
    let rest: Vec<&str> = doc.tokens[from..]
        .iter()
        .map(|t| t.lower.as_str())
        .collect();
    if let Some(order) = r.order_in(&rest) {
        return Some(Value::from(order));
    }
    let typed_as_api = value
        .as_str()
        .is_some_and(|s| s.starts_with(['+', '-']) || s.contains('_'));
    typed_as_api.then_some(value)
}

/// A longer field name typed in full says more ("block disposable email
/// domains").
fn named_points(field: &Field) -> f32 {
    field.terms.len().clamp(1, 3) as f32
}

/// Values of the same kind as entity `e` join it in an array field.
fn together(r: &Filler, doc: &Doc, f: &mut Filled, field: &Field, e: usize) {
    if field.kind != JsonKind::Array {
        return;
    }
    let ent = &doc.entities[e];
    for (o, other) in doc.entities.iter().enumerate() {
        if o == e || f.used[o] || other.kind != ent.kind || other.key != ent.key {
            continue;
        }
        f.used[o] = true;
        let extra = r.value_for(other, &field.name);
        let list = match field.place {
            Place::Query => f
                .query
                .iter_mut()
                .rev()
                .find(|(n, _)| *n == field.name)
                .map(|(_, v)| v),
            _ => f.body.get_mut(&field.name),
        };
        if let Some(Value::Array(list)) = list {
            list.push(extra);
            // How many values a request gives says nothing of which
            // operation it means: one small bonus, for one request.
            if list.len() == 2 {
                f.score(format!("{} takes them all", field.name), 1.0);
            }
        }
    }
}

/// An array body (bulk operations): one item per value of the kind that
/// has the most, each with the single values of other kinds ("invite a@x.io
/// and b@x.io as admins": two items, both `org:admin`).
pub fn items(r: &Filler, v: &OpVocab, doc: &Doc, f: &mut Filled) {
    let fields: Vec<&Field> = v.fields.iter().filter(|x| x.place == Place::Item).collect();
    if fields.is_empty() {
        return;
    }
    let fits = |kind: Kind| -> Option<&Field> {
        let names = r.fields_for(kind);
        names
            .iter()
            .find_map(|n| fields.iter().copied().find(|x| x.name == *n))
    };
    let mut groups: Vec<(Kind, &Field, Vec<usize>)> = Vec::new();
    for (e, ent) in doc.entities.iter().enumerate() {
        let Some(field) = fits(ent.kind).filter(|_| !f.used[e]) else {
            continue;
        };
        match groups.iter_mut().find(|(k, _, _)| *k == ent.kind) {
            Some((_, _, list)) => list.push(e),
            None => groups.push((ent.kind, field, vec![e])),
        }
    }
    groups.sort_by_key(|(_, _, list)| std::cmp::Reverse(list.len()));
    let Some((_, driver, list)) = groups.first() else {
        return;
    };
    for e in list {
        let mut item = Map::new();
        item.insert(
            driver.name.clone(),
            r.value_for(&doc.entities[*e], &driver.name),
        );
        f.items.push(item);
        f.used[*e] = true;
    }
    // Points for the value, as a single one would get, and a small bonus
    // for one request for all: the count never outweighs the words.
    f.score(format!("{} items", driver.name), 1.5);
    if list.len() > 1 {
        f.score("one request for all".to_string(), 1.0);
    }
    for (_, field, rest) in groups.iter().skip(1).filter(|(_, _, l)| l.len() == 1) {
        let value = r.value_for(&doc.entities[rest[0]], &field.name);
        f.set(field, value);
        f.used[rest[0]] = true;
        f.score(format!("{} for each item", field.name), 1.0);
    }
}

/// Values given bare go to the first free field their kind fills; values
/// of one kind go together into an array field. A duration fills a date
/// field ahead (`date.ahead` of fields.txt) too, counted from now ("extend
/// the trial by 7 days").
pub fn by_kind(r: &Filler, v: &OpVocab, doc: &Doc, now_ms: i64, f: &mut Filled) {
    for (e, ent) in doc.entities.iter().enumerate() {
        if f.used[e] {
            continue;
        }
        let candidates: Vec<String> = match ent.kind {
            Kind::Id => id_fields(r, v, ent),
            Kind::Pair => vec![ent.key.clone().unwrap_or_default()],
            Kind::Username if ent.key.is_some() => continue,
            Kind::Quoted if v.method == Method::Get => continue,
            Kind::Duration => [
                r.fields_for(Kind::Duration),
                r.tables.fields_for_key("date.ahead"),
            ]
            .concat(),
            // A time no filter took ("until 2026-12-31") is the date a
            // date-ahead field moves to.
            Kind::Time => r.tables.fields_for_key("date.ahead").to_vec(),
            // A path is the file a form's binary field uploads.
            Kind::File => v
                .fields
                .iter()
                .filter(|x| x.format.as_deref() == Some("binary"))
                .map(|x| x.name.clone())
                .collect(),
            kind => r.fields_for(kind).to_vec(),
        };
        // A bare number fills only a field whose bounds take it: a six-digit
        // code is no page size. A count said before what it counts ("900
        // users") is one all the same, for the check to refuse in words.
        let counts = doc
            .terms_at(ent.last + 1)
            .any(|t| v.segments.iter().flatten().any(|s| s == t));
        let fits = |x: &Field| match (ent.kind, ent.value.as_f64()) {
            (Kind::Number, Some(n)) => counts || x.admits(n),
            _ => true,
        };
        let free_field = candidates.iter().filter_map(|c| v.field(c)).find(|x| {
            matches!(x.place, Place::Query | Place::Body) && !f.is_set(&x.name) && fits(x)
        });
        let Some(field) = free_field else { continue };
        f.used[e] = true;
        let value = match ent.kind {
            Kind::Duration if r.tables.fields_for_key("date.ahead").contains(&field.name) => {
                let said = doc.tokens[ent.first..=ent.last]
                    .iter()
                    .map(|t| t.text.as_str());
                let (value, note) = from_now(
                    ent,
                    &said.collect::<Vec<_>>().join(" "),
                    &field.name,
                    now_ms,
                );
                f.notes.push(note);
                value
            }
            Kind::Time | Kind::Date => {
                let (value, note) = as_date(ent, field);
                f.notes.extend(note);
                value
            }
            _ => r.shape(field, r.value_for(ent, &field.name)),
        };
        f.set(field, value);
        // An ID counts fully in the field it is first for (`user_id`, or
        // its plural list `user_ids`), less in another it may fill
        // (`inviter_user_id`).
        let own = only_takes(field, ent)
            || candidates.first().is_some_and(|c| {
                *c == field.name || (field.kind == JsonKind::Array && field.name == format!("{c}s"))
            });
        let points = match ent.kind {
            Kind::Id if own => 2.0,
            Kind::Id => 0.5,
            _ => 1.5,
        };
        f.score(format!("{} from {:?}", field.name, ent.kind), points);
        together(r, doc, f, field, e);
    }
}

/// A date or a time as a date field takes it: a day alone in a date-time
/// field is the start of that day in UTC, with a note saying so, since the
/// user may have meant its end or their own time zone.
fn as_date(ent: &Entity, field: &Field) -> (Value, Option<String>) {
    let instant = match (&ent.value, ent.time.as_ref()) {
        (_, Some(t)) => jiff::Timestamp::from_millisecond(t.ms).ok(),
        (Value::String(day), None) => day
            .parse::<jiff::civil::Date>()
            .ok()
            .and_then(|d| format!("{d}T00:00:00Z").parse::<jiff::Timestamp>().ok()),
        _ => None,
    };
    let Some(at) = instant else {
        return (ent.value.clone(), None);
    };
    let day = at.strftime("%Y-%m-%d").to_string();
    match field.format.as_deref() {
        Some("date-time") => {
            let value = at.strftime("%Y-%m-%dT%H:%M:%SZ").to_string();
            let note = value.ends_with("T00:00:00Z").then(|| {
                format!(
                    "`{}={value}` is the start of {day} in UTC; give a time if you meant another.",
                    field.name
                )
            });
            (Value::from(value), note)
        }
        _ => (Value::from(day), None),
    }
}

/// A duration as a date field wants it: now plus the duration, RFC 3339,
/// with a note saying so, since "by 7 days" could also mean past the
/// current date, which only the user knows.
fn from_now(ent: &Entity, said: &str, field: &str, now_ms: i64) -> (Value, String) {
    let seconds = ent.seconds.unwrap_or(0);
    let at = jiff::Timestamp::from_millisecond(now_ms)
        .ok()
        .and_then(|t| t.checked_add(jiff::SignedDuration::from_secs(seconds)).ok())
        .map(|t| t.strftime("%Y-%m-%dT%H:%M:%SZ").to_string())
        .unwrap_or_default();
    let note = format!(
        "`{field}={at}` is now plus {said}; give `{field}=` a date if you meant from another day."
    );
    (Value::from(at), note)
}

/// A word that is one of a field's allowed values ("pending", "active")
/// sets it; not words that name things IDs stand for ("user", "org"), and
/// not a word that names a setting of this operation ("hibp password
/// check" names the password settings, it does not choose `password`)
/// unless another word of the field's own name is said too ("sign-in
/// strategy password").
pub fn allowed_values(r: &Filler, v: &OpVocab, doc: &Doc, f: &mut Filled) {
    let with_enums = v
        .fields
        .iter()
        .filter(|x| matches!(x.place, Place::Query | Place::Body) && !x.enums.is_empty());
    for field in with_enums {
        if f.is_set(&field.name) {
            continue;
        }
        let word = doc.tokens.iter().enumerate().find_map(|(i, t)| {
            let fits = doc.entity_at(i).is_none()
                && field.enums.contains(&t.lower)
                && !doc
                    .terms_at(i)
                    .any(|term| r.read.object_terms.contains(term));
            let own = |term: &str| doc.terms_at(i).any(|t| t == term);
            let names_setting = v.fields.iter().any(|x| x.terms.iter().any(|w| own(w)));
            let field_said = field.terms.iter().any(|w| !own(w) && doc.has_term(w));
            (fits && (!names_setting || field_said)).then(|| t.lower.clone())
        });
        if let Some(word) = word {
            f.set(field, r.shape(field, Value::from(word)));
            f.score(format!("{} from an allowed value", field.name), 1.0);
        }
    }
}

/// The name of what a POST or PUT creates ("create organization Acme").
pub fn name(r: &Filler, v: &OpVocab, doc: &Doc, f: &mut Filled) {
    if !matches!(v.method, Method::Post | Method::Put) {
        return;
    }
    let Some(field) = r
        .fields_for(Kind::Quoted)
        .first()
        .and_then(|n| v.field(n))
        .filter(|x| x.place == Place::Body && !f.is_set(&x.name))
    else {
        return;
    };
    let found = phrases::name(doc, v, &r.read.words, &f.used_tokens).or_else(|| {
        // "create the Initrode organization": the words nothing else claims.
        let start =
            (0..doc.tokens.len()).find(|&k| super::path::unclaimed(r, v, doc, f, k, false))?;
        let end = (start..doc.tokens.len())
            .take_while(|&k| super::path::unclaimed(r, v, doc, f, k, false))
            .last()?;
        let words: Vec<&str> = doc.tokens[start..=end]
            .iter()
            .map(|t| t.text.as_str())
            .collect();
        Some((words.join(" "), None))
    });
    if let Some((name, e)) = found {
        f.set(field, Value::from(name));
        if let Some(e) = e {
            f.used[e] = true;
        }
        // A name guessed from unclaimed words does not make the operation
        // more likely.
        if e.is_some() || phrases::name(doc, v, &r.read.words, &f.used_tokens).is_some() {
            f.score("name", 1.0);
        }
    }
}

pub fn time_and_order(r: &Filler, v: &OpVocab, doc: &Doc, f: &mut Filled) {
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
            .chain(r.read.ex.time.fields.iter().map(|(n, _)| n.clone()));
        let name = fields
            .map(|n| format!("{n}_{suffix}"))
            .find(|n| v.field(n).is_some() && !f.is_set(n));
        if let Some(name) = name {
            f.used[e] = true;
            f.query.push((name.clone(), Value::from(t.ms)));
            f.notes.push(format!(
                "`{name}={}` is {} ({}), in Unix milliseconds.",
                t.ms,
                describe(t.ms),
                t.label
            ));
            f.score(format!("{name} from the time filter"), 1.5);
        }
    }
    if let Some(order) = r.order(doc) {
        let field = r
            .tables
            .fields_for_key("sort")
            .iter()
            .find_map(|n| v.field(n).cloned());
        if let Some(field) = field.filter(|x| !f.is_set(&x.name)) {
            f.set(&field, Value::from(order));
        }
    }
}
