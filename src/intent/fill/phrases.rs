//! Values written in words: a field named in the request and the value
//! after it ("last name to Nakamura", "with slug acme", "named Export
//! reports", "max 25 members"), and the name a create request gives without
//! saying `named` ("create organization Acme Corp and invite ...").

use serde_json::Value;

use crate::intent::catalog::vocab::{Field, OpVocab};
use crate::intent::read::doc::{Doc, Words};
use crate::intent::read::entities::Kind;
use crate::intent::read::literal::typed;
use crate::spec::JsonKind;

/// Where a field's name was found: its first token, the token after it,
/// and whether the whole name was typed (`email address`, or most of a long
/// one with a word between: "max 25 members") or only its head (`email`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Mention {
    pub start: usize,
    pub next: usize,
    pub full: bool,
}

/// Finds a field's name among the request's terms: consecutively, or a
/// head without a trailing generic word (`address`, `id`, `url`), or, for
/// names of three words or more, all but one in order within a short span.
pub fn mention(doc: &Doc, field: &Field, words: &Words) -> Option<Mention> {
    mention_from(doc, field, words, 0)
}

/// The first mention of a field at or after token `from`.
pub fn mention_from(doc: &Doc, field: &Field, words: &Words, from: usize) -> Option<Mention> {
    let terms = &field.terms;
    if terms.is_empty() {
        return None;
    }
    let t = &doc.terms;
    let mut heads = vec![(terms.as_slice(), true)];
    // A flag is named by what it is about: "satellite domain" names
    // `is_satellite`, "hibp" names `enable_hibp`.
    if field.kind == crate::spec::JsonKind::Boolean
        && terms.len() > 1
        && words.flag_prefix.contains(&terms[0])
    {
        heads.push((&terms[1..], true));
    }
    let mut n = terms.len();
    while n > 1 && words.suffix.contains(&terms[n - 1]) {
        n -= 1;
        heads.push((&terms[..n], false));
    }
    for (head, full) in heads {
        for start in 0..t.len() {
            if start + head.len() > t.len() {
                break;
            }
            if t[start].at >= from
                && head
                    .iter()
                    .zip(&t[start..])
                    .all(|(h, term)| *h == term.text)
            {
                return Some(Mention {
                    start: t[start].at,
                    next: t[start + head.len() - 1].last + 1,
                    full,
                });
            }
        }
    }
    if terms.len() < 3 {
        return None;
    }
    for start in 0..t.len() {
        if t[start].text != terms[0] || t[start].at < from {
            continue;
        }
        let (mut found, mut k, mut last) = (1, start + 1, start);
        for want in &terms[1..] {
            if let Some(j) = (k..t.len().min(k + 2)).find(|&j| t[j].text == *want) {
                found += 1;
                last = j;
                k = j + 1;
            }
        }
        if found + 1 >= terms.len() && t[last].text == terms[terms.len() - 1] {
            return Some(Mention {
                start: t[start].at,
                next: t[last].last + 1,
                full: true,
            });
        }
    }
    None
}

/// Where every field of an operation is named: values stop there.
pub fn field_starts(doc: &Doc, op: &OpVocab, words: &Words) -> Vec<usize> {
    op.fields
        .iter()
        .filter_map(|f| mention(doc, f, words))
        .map(|m| m.start)
        .collect()
}

/// The value written after a field's name: an entity, a typed word, or a
/// run of free words up to the next connector.
pub enum Said {
    Entity(usize),
    Value(Value),
}

pub struct After<'a> {
    pub taken: &'a dyn Fn(usize) -> bool,
    pub own_word: &'a dyn Fn(&str) -> bool,
    pub stops: &'a [usize],
}

pub fn value_after(doc: &Doc, m: Mention, field: &Field, words: &Words, a: &After) -> Option<Said> {
    let numeric = matches!(field.kind, JsonKind::Integer | JsonKind::Number);
    if numeric && m.full {
        // "max 25 members": a number inside a loosely named field.
        let inside = (m.start..m.next).find_map(|k| match typed(&doc.tokens[k].text) {
            v @ Value::Number(_) => Some(v),
            _ => None,
        });
        if let Some(v) = inside {
            return Some(Said::Value(v));
        }
    }
    // "username of user_2abc to jo", "rename org org_1 to X": link words,
    // values already placed and the operation's own words come between.
    let mut k = m.next;
    for _ in 0..6 {
        let tok = doc.tokens.get(k)?;
        if let Some(e) = doc.entity_at(k) {
            if !(a.taken)(e) {
                return Some(Said::Entity(e));
            }
            k = doc.entities[e].last + 1;
            continue;
        }
        let own = |k: usize| {
            let mut terms = doc.terms_at(k).peekable();
            terms.peek().is_some() && terms.all(|t| (a.own_word)(t))
        };
        // "of the instance to": an article only before the operation's words.
        let article = words.article.contains(&tok.lower) && own(k + 1);
        if words.link.contains(&tok.lower) || own(k) || article {
            k += 1;
            continue;
        }
        break;
    }
    let tok = doc.tokens.get(k)?;
    if !m.full {
        return None;
    }
    match field.kind {
        // Objects come as JSON, not words.
        JsonKind::Object => None,
        JsonKind::Array if field.item == JsonKind::Object => None,
        JsonKind::Boolean => match typed(&tok.text) {
            Value::Bool(b) => Some(Said::Value(Value::Bool(b))),
            _ => None,
        },
        JsonKind::Integer | JsonKind::Number => match typed(&tok.text) {
            v @ Value::Number(_) => Some(Said::Value(v)),
            _ => None,
        },
        _ => run(doc, k, words, a.stops).map(|s| Said::Value(Value::from(s))),
    }
}

/// Free words from token `k` up to a connector, an entity, the end of a
/// clause or a `stop` token, as typed.
pub fn run(doc: &Doc, k: usize, words: &Words, stops: &[usize]) -> Option<String> {
    let mut parts: Vec<&str> = Vec::new();
    for i in k..doc.tokens.len() {
        let t = &doc.tokens[i];
        let ends = doc.entity_at(i).is_some()
            || words.connector.contains(&t.lower)
            || (i > k && stops.contains(&i));
        if ends {
            break;
        }
        parts.push(&t.text);
        if t.clause_end {
            break;
        }
    }
    while parts
        .last()
        .is_some_and(|p| words.stop.contains(&p.to_lowercase()))
    {
        parts.pop();
    }
    (!parts.is_empty()).then(|| parts.join(" "))
}

/// The name a create request gives: after `named`/`called`, else after the
/// word for the thing being created ("organization Acme Corp"), else after
/// a closing `for` ("a new org for Gekko & Co"). A quoted value wins.
pub fn name(
    doc: &Doc,
    op: &OpVocab,
    words: &Words,
    used_tokens: &[usize],
) -> Option<(String, Option<usize>)> {
    if let Some(e) = doc.entities.iter().position(|e| e.kind == Kind::Quoted) {
        return Some((doc.entities[e].text(), Some(e)));
    }
    let stops = field_starts(doc, op, words);
    let resource: Vec<&String> = op
        .segments
        .last()
        .map(|s| s.iter().collect())
        .unwrap_or_default();
    let is_resource = |k: usize| {
        doc.terms_at(k)
            .any(|term| resource.contains(&&term.to_string()))
    };
    let mut after_resource = None;
    for (i, t) in doc.tokens.iter().enumerate() {
        if words.lead.contains(&t.lower)
            && let Some(n) = run(doc, i + 1, words, &stops)
        {
            return Some((n, None));
        }
        if after_resource.is_none() && is_resource(i) {
            // Past every word of the thing ("organization role Viewer").
            let mut k = i;
            while k + 1 < doc.tokens.len() && is_resource(k + 1) {
                k += 1;
            }
            after_resource = Some(k);
        }
    }
    let mut k = after_resource? + 1;
    // "a new org for Gekko & Co", "organization called X".
    while doc
        .tokens
        .get(k)
        .is_some_and(|t| words.lead_resource.contains(&t.lower))
    {
        k += 1;
    }
    let free = doc.tokens.get(k).is_some_and(|t| {
        !words.stop.contains(&t.lower) && !used_tokens.contains(&k) && !stops.contains(&k)
    });
    if !free {
        return None;
    }
    run(doc, k, words, &stops).map(|n| (n, None))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::intent::grammar::Grammar;
    use crate::intent::testing::doc;

    #[test]
    fn runs_stop_at_connectors_clauses_and_stops() {
        let g = Grammar::load().unwrap();
        let w = Words::new(&g);
        let d = doc("new org Wonka Industries, invite charlie@wonka.com");
        assert_eq!(run(&d, 2, &w, &[]).as_deref(), Some("Wonka Industries"));
        let d = doc("create org Bluth Company and invite gob@bluth.company");
        assert_eq!(run(&d, 2, &w, &[]).as_deref(), Some("Bluth Company"));
        let d = doc("create org Umbrella Corp created by user_2abc");
        assert_eq!(run(&d, 2, &w, &[4]).as_deref(), Some("Umbrella Corp"));
    }
}
