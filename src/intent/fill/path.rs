//! Path parameters: an ID of the right prefix, an allowed value ("sms"), a
//! free word for a name-like parameter (a template's slug), a user looked
//! up by email, phone or username, or what the conversation produced.

use serde_json::Value;

use super::{Context, Filled, Filler, Lookup, id_fields};
use crate::intent::catalog::vocab::{OpVocab, Place};
use crate::intent::read::doc::Doc;
use crate::intent::read::entities::Kind;
use crate::intent::read::ids::{abbreviation, param_words};
use crate::plan::Slot;

pub fn params(r: &Filler, v: &OpVocab, doc: &Doc, ctx: &Context, f: &mut Filled) {
    let mut refs = doc.refs.len();
    for (p, before) in &v.params {
        let free = |f: &Filled, e: usize| !f.used[e] && doc.entities[e].kind == Kind::Id;
        let by_table = (0..doc.entities.len())
            .find(|&e| free(f, e) && id_fields(r, v, &doc.entities[e]).contains(p));
        if let Some(e) = by_table {
            f.used[e] = true;
            f.path.push((p.clone(), doc.entities[e].value.clone()));
            f.score(format!("{p} from the ID"), 4.0);
            continue;
        }
        let enum_word = v.field(p).and_then(|x| {
            doc.tokens
                .iter()
                .enumerate()
                .find(|(k, t)| x.enums.contains(&t.lower) && !f.used_tokens.contains(k))
                .map(|(k, t)| (k, t.lower.clone()))
        });
        if let Some((k, word)) = enum_word {
            f.used_tokens.push(k);
            f.path.push((p.clone(), Value::from(word)));
            f.score(format!("{p} from an allowed value"), 1.5);
            continue;
        }
        // An ID of a prefix the grammar does not know fills what is left,
        // best when its prefix abbreviates the parameter (`subi_` for a
        // subscription item, `oa_` for an OAuth application). A parameter
        // whose IDs have a known prefix (`user_id`) takes one only when it
        // abbreviates: Stripe's `cus_123` is never a user.
        let names = param_words(p, before);
        let known_prefix = r.ids.is_id_param(p);
        let stray = (0..doc.entities.len())
            .filter(|&e| free(f, e) && doc.entities[e].id.is_none())
            .map(|e| {
                let prefix = doc.entities[e].key.as_deref().unwrap_or("");
                (e, abbreviation(prefix, &names))
            })
            .filter(|(_, fit)| !known_prefix || *fit > 1.0)
            .max_by(|a, b| a.1.total_cmp(&b.1).then(b.0.cmp(&a.0)));
        if let Some((e, fit)) = stray {
            f.used[e] = true;
            f.path.push((p.clone(), doc.entities[e].value.clone()));
            let why = if fit > 1.0 {
                format!("{p} from an ID whose prefix abbreviates it")
            } else {
                format!("{p} from an ID of another kind")
            };
            f.score(why, fit);
            continue;
        }
        if r.ids.is_user_param(p)
            && let Some((e, lookup)) = identification(r, doc, f, Slot::Path(p.clone()))
        {
            f.used[e] = true;
            f.lookup = Some(lookup);
            f.score(format!("{p} by looking the user up"), 2.5);
            continue;
        }
        if let Some((k, named)) = free_word(r, v, doc, f, p) {
            f.used_tokens.push(k);
            if let Some(e) = doc.entity_at(k) {
                f.used[e] = true;
            }
            f.path
                .push((p.clone(), Value::from(doc.tokens[k].text.as_str())));
            if named {
                // "slug acme" for `the ID or slug of the organization`:
                // the request names the target, nothing is guessed.
                f.score(format!("{p} from what the cue names"), 2.0);
            } else {
                f.guessed.push(p.clone());
                if bare_word(r, doc, k, &names) {
                    f.bare.push(p.clone());
                }
                f.score(format!("{p} from the word `{}`", doc.tokens[k].text), 1.0);
            }
            continue;
        }
        if refs > 0 {
            refs -= 1;
            f.refs_used += 1;
            remembered(r, p, before, doc, ctx, f);
            continue;
        }
        f.missing.push(p.clone());
        f.score(format!("{p} missing"), -3.0);
    }
}

/// What a reference means for parameter `p`. It never becomes an object
/// of another type: "delete it" after creating a JWT template is that
/// template, never the last user.
fn remembered(r: &Filler, p: &str, before: &[String], doc: &Doc, ctx: &Context, f: &mut Filled) {
    let kinds = r.ids.param_kinds(p, before);
    // Typed by the reference ("them" is a user) or by the request naming
    // the parameter's thing ("delete that org").
    let typed_ref = doc
        .refs
        .iter()
        .filter_map(|x| x.object.as_deref())
        .any(|o| kinds.iter().any(|k| k == o));
    let named = before.last().is_some_and(|t| doc.has_term(t));
    // "the first one": a row of the last list, if it is of this type.
    if let Some(row) = doc.refs.iter().find_map(|x| x.row) {
        let which = row.map_or("the last row".to_string(), |n| format!("row {n}"));
        match ctx.memory.row(row) {
            Some((o, id)) if kinds.iter().any(|k| k == o) => {
                f.notes
                    .push(format!("Using {id} for {p}: {which} of the last list."));
                f.path.push((p.to_string(), Value::from(id)));
                f.score(format!("{p} from the last list"), 2.0);
                stands_for(before, doc, f);
            }
            found => {
                f.notes.push(match found {
                    Some((o, id)) => format!(
                        "{which} of the last list is the {} {id}, which {p} does not take; give the ID.",
                        o.replace('_', " ")
                    ),
                    None => format!("The request refers to {which} of a list, but no list was shown; give the ID."),
                });
                f.missing.push(p.to_string());
                f.referred.push(p.to_string());
                f.score(format!("{p} refers back"), -1.0);
            }
        }
        return;
    }
    let mistyped = !typed_ref && doc.refs.iter().all(|x| x.object.is_some());
    let hit = if mistyped && !named {
        None
    } else {
        r.ids.remembered(p, &kinds, typed_ref || named, ctx.memory)
    };
    match hit {
        Some((id, object)) => {
            f.notes.push(format!(
                "Using {id} for {p}: the last {object} in this conversation."
            ));
            f.path.push((p.to_string(), Value::from(id)));
            f.score(format!("{p} from the conversation"), 2.0);
            stands_for(before, doc, f);
        }
        None => {
            let why = match ctx.memory.newest() {
                _ if !ctx.repl => {
                    "a one-shot command has no conversation to refer back to".to_string()
                }
                Some((o, id)) => format!(
                    "the latest thing in this conversation is the {} {id}, which it does not take",
                    o.replace('_', " ")
                ),
                None => "nothing earlier in this conversation has one".to_string(),
            };
            f.notes.push(format!(
                "The request refers to an earlier {p}, but {why}; give the ID."
            ));
            f.missing.push(p.to_string());
            f.referred.push(p.to_string());
            // "now that", "she": a reference with nothing to refer to says
            // little about which operation is meant.
            f.score(format!("{p} refers back"), -1.0);
        }
    }
}

/// A reference that found an object of the parameter's type says the
/// words of that type ("delete it" after a JWT template says "jwt
/// template"), which the operation's score counted as unsaid.
fn stands_for(before: &[String], doc: &Doc, f: &mut Filled) {
    let unsaid: Vec<&String> = before.iter().filter(|t| !doc.has_term(t)).collect();
    if !unsaid.is_empty() {
        let words: Vec<&str> = unsaid.iter().map(|s| s.as_str()).collect();
        f.score(
            format!("`{}` meant by the reference", words.join(" ")),
            unsaid.len() as f32,
        );
    }
}

/// A word nothing else claims for a name-like parameter ("revert email
/// template magic_link"): not an entity of its own, not a word of this or
/// any operation, not a small word. For a parameter IDs fill, only right
/// after a value cue ("by slug acme").
/// A cued value fills an ID parameter only when the parameter takes what
/// the cue says: "slug acme" is an organization (`the ID or slug of the
/// organization`), never a user; such a value is named, not guessed.
fn free_word(r: &Filler, v: &OpVocab, doc: &Doc, f: &Filled, p: &str) -> Option<(usize, bool)> {
    let id_param = r.ids.is_id_param(p);
    let takes =
        |cue: &str| p.contains(cue) || v.field(p).is_some_and(|x| x.about.iter().any(|w| w == cue));
    // A parameter's own name ("provider") is where its value is said, not
    // the value.
    let own = crate::intent::read::lexicon::words(p);
    (0..doc.tokens.len()).find_map(|k| {
        if doc.terms_at(k).any(|t| own.iter().any(|w| w == t)) {
            return None;
        }
        let cue = value_cue(r, doc, k);
        let cued = cue.is_some();
        let small = r.read.words.value_cue.contains(&doc.tokens[k].lower);
        let named = cue.is_some_and(takes);
        let fits = if cued { !id_param || named } else { !id_param };
        (!small && fits && unclaimed(r, v, doc, f, k, cued)).then_some((k, named))
    })
}

/// Whether a value cue comes right before token `k`, or with one link
/// word between ("by slug acme", "whose slug is acme", "slug: acme").
fn value_cued(r: &Filler, doc: &Doc, k: usize) -> bool {
    value_cue(r, doc, k).is_some()
}

/// The value cue before token `k`, if one is there.
fn value_cue<'d>(r: &Filler, doc: &'d Doc, k: usize) -> Option<&'d str> {
    let w = &r.read.words;
    let at = |j: usize| doc.tokens[j].lower.as_str();
    let mut j = k.checked_sub(1)?;
    if w.link.contains(at(j)) {
        j = j.checked_sub(1)?;
    }
    w.value_cue.contains(at(j)).then(|| at(j))
}

/// Whether token `k` is a plain lowercase word with no value cue or name
/// lead ("called") before it and not followed by its parameter's noun
/// ("the supabase template"): English, not a name (`magic_link`, `Acme`,
/// `"sup"` are names).
fn bare_word(r: &Filler, doc: &Doc, k: usize, names: &[Vec<String>]) -> bool {
    let noun_after = doc
        .terms_at(k + 1)
        .any(|t| names.iter().flatten().any(|w| w == t));
    let cued = noun_after
        || value_cued(r, doc, k)
        || k.checked_sub(1)
            .is_some_and(|j| r.read.words.lead.contains(&doc.tokens[j].lower));
    let t = &doc.tokens[k].text;
    !cued && doc.entity_at(k).is_none() && t.chars().all(|c| c.is_ascii_lowercase())
}

/// Whether token `k` is a word nothing claims: no entity of its own (or a
/// username or quoted value not yet used), not a small word, and (unless
/// `cued`) no word of this or any operation, nor a verb.
pub(super) fn unclaimed(
    r: &Filler,
    v: &OpVocab,
    doc: &Doc,
    f: &Filled,
    k: usize,
    cued: bool,
) -> bool {
    let t = &doc.tokens[k];
    // The ordinal of "the first one" belongs to the reference.
    if doc.refs.iter().any(|x| x.row.is_some() && x.at == k + 1) {
        return false;
    }
    let entity_ok = match doc.entity_at(k) {
        None => true,
        Some(e) => !f.used[e] && matches!(doc.entities[e].kind, Kind::Username | Kind::Quoted),
    };
    let w = &r.read.words;
    let small = [&w.stop, &w.connector, &w.link, &w.question, &w.lead]
        .iter()
        .any(|set| set.contains(&t.lower));
    // Field names (weighed lightly) do not claim a word.
    let strong = |term: &str| v.weights.get(term).is_some_and(|w| *w >= 1.0);
    let claimed = doc
        .terms_at(k)
        .any(|term| r.path_terms.contains(term) || strong(term) || r.is_verb(term));
    entity_ok && !f.used_tokens.contains(&k) && !small && (cued || !claimed)
}

/// A user field of the body or query (`user_id` of an actor token) for a
/// user named by email, phone or username: looked up like a path one.
pub fn user_field(r: &Filler, v: &OpVocab, doc: &Doc, f: &mut Filled) {
    if f.lookup.is_some() {
        return;
    }
    let field = v.fields.iter().find(|x| {
        matches!(x.place, Place::Body | Place::Query)
            && r.ids.is_user_param(&x.name)
            && !f.is_set(&x.name)
    });
    let Some(field) = field else { return };
    let slot = match field.place {
        Place::Query => Slot::Query(field.name.clone()),
        _ => Slot::Body(format!("/{}", field.name)),
    };
    if let Some((e, lookup)) = identification(r, doc, f, slot) {
        f.used[e] = true;
        f.lookup = Some(lookup);
        f.score(format!("{} by looking the user up", field.name), 2.0);
    }
}

/// A reference the path did not take fills the filter or field of its type
/// ("show their sessions" is `GET /sessions?user_id=` of the last user).
/// Only a reference that says its type: a bare "it" stays for the path.
pub fn referred_field(r: &Filler, v: &OpVocab, doc: &Doc, ctx: &Context, f: &mut Filled) {
    for reference in doc.refs.iter().skip(f.refs_used) {
        let Some(object) = reference.object.as_deref() else {
            continue;
        };
        let Some(id) = ctx.memory.last(object) else {
            continue;
        };
        let field = v.fields.iter().find(|x| {
            matches!(x.place, Place::Body | Place::Query)
                && !f.is_set(&x.name)
                && r.ids
                    .list
                    .iter()
                    .any(|p| p.object == object && p.params.first() == Some(&x.name))
        });
        if let Some(field) = field {
            f.notes.push(format!(
                "Using {id} for {}: the last {} in this conversation.",
                field.name,
                object.replace('_', " ")
            ));
            f.set(field, Value::from(id));
            f.score(format!("{} from the conversation", field.name), 2.0);
        }
    }
}

/// An email, phone or username that names the user an operation is about.
/// A value being written to metadata is not who it is written for: in
/// "set billing id cus_123 on john_doe" the user is `john_doe`, even on the
/// read step of a read-merge-write, which has no metadata fields to claim
/// it. The only candidate is taken whatever the metadata reading says.
fn identification(r: &Filler, doc: &Doc, f: &Filled, slot: Slot) -> Option<(usize, Lookup)> {
    let lookup = r.tables.lookup_fields();
    let mut candidates = Vec::new();
    for kind in [Kind::Email, Kind::Phone, Kind::Username] {
        let key = super::values::kind_key(kind);
        let Some((_, by)) = lookup.iter().find(|(k, _)| Some(k.as_str()) == key) else {
            continue;
        };
        candidates.extend(
            doc.of_kind(kind)
                .filter(|(e, _)| !f.used[*e])
                .map(|(e, ent)| (e, by, ent)),
        );
    }
    let values = match candidates.len() {
        0 | 1 => Vec::new(),
        _ => r
            .read
            .meta
            .parse(doc, &r.read.words)
            .map(|m| m.used)
            .unwrap_or_default(),
    };
    let (e, by, ent) = candidates
        .iter()
        .find(|(e, _, _)| !values.contains(e))
        .or(candidates.first())?;
    let (by, value) = (by.to_string(), ent.text());
    Some((*e, Lookup { by, value, slot }))
}
