//! Values written in words: a field named in the request and the value
//! after it ("last name to Nakamura", "with slug acme", "named Export
//! reports"), and the name a create request gives without saying `named`
//! ("create organization Acme Corp and invite ...").

use serde_json::Value;

use super::doc::{Doc, Words};
use super::entities::typed;
use super::vocab::{Field, OpVocab};
use crate::spec::JsonKind;

/// Where a field's name was found: the token after it, and whether the whole
/// name was typed (`email address`) or only its head (`email`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Mention {
    pub next: usize,
    pub full: bool,
}

/// Finds a field's name among the request's terms, consecutively; a
/// trailing generic word (`address`, `id`, `url`) may be left out.
pub fn mention(doc: &Doc, field: &Field, words: &Words) -> Option<Mention> {
    let terms = &field.terms;
    if terms.is_empty() {
        return None;
    }
    let mut heads = vec![(terms.as_slice(), true)];
    let mut n = terms.len();
    while n > 1 && words.suffix.contains(&terms[n - 1]) {
        n -= 1;
        heads.push((&terms[..n], false));
    }
    for (head, full) in heads {
        let t = &doc.terms;
        for start in 0..t.len() {
            if start + head.len() > t.len() {
                break;
            }
            if head
                .iter()
                .zip(&t[start..])
                .all(|(h, term)| *h == term.text)
            {
                let last = t[start + head.len() - 1].at;
                return Some(Mention {
                    next: last + 1,
                    full,
                });
            }
        }
    }
    None
}

/// The value written after a field's name: an entity, a typed word, or a
/// run of free words up to the next connector.
pub enum Said {
    Entity(usize),
    Value(Value),
}

pub fn value_after(
    doc: &Doc,
    m: Mention,
    field: &Field,
    words: &Words,
    taken: &dyn Fn(usize) -> bool,
    op_word: &dyn Fn(&str) -> bool,
) -> Option<Said> {
    // "username of user_2abc to jo", "rename org org_1 to X": link words,
    // values already placed and the operation's own words come between.
    let mut k = m.next;
    for _ in 0..6 {
        let tok = doc.tokens.get(k)?;
        if let Some(e) = doc.entity_at(k) {
            if !taken(e) {
                return Some(Said::Entity(e));
            }
            k = doc.entities[e].last + 1;
            continue;
        }
        let mut terms = doc.terms_at(k).peekable();
        let own = terms.peek().is_some() && terms.all(op_word);
        if words.link.contains(&tok.lower) || own {
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
        JsonKind::Boolean => match typed(&tok.text) {
            Value::Bool(b) => Some(Said::Value(Value::Bool(b))),
            _ => None,
        },
        JsonKind::Integer | JsonKind::Number => match typed(&tok.text) {
            v @ Value::Number(_) => Some(Said::Value(v)),
            _ => None,
        },
        _ => run(doc, k, words).map(|s| Said::Value(Value::from(s))),
    }
}

/// Free words from token `k` up to a connector, an entity or the end of a
/// clause, as typed.
pub fn run(doc: &Doc, k: usize, words: &Words) -> Option<String> {
    let mut parts: Vec<&str> = Vec::new();
    for i in k..doc.tokens.len() {
        let t = &doc.tokens[i];
        if doc.entity_at(i).is_some() || (words.connector.contains(&t.lower) && !parts.is_empty()) {
            break;
        }
        if words.connector.contains(&t.lower) {
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
pub fn name(doc: &Doc, op: &OpVocab, words: &Words) -> Option<(String, Option<usize>)> {
    if let Some(e) = doc
        .entities
        .iter()
        .position(|e| e.kind == super::entities::Kind::Quoted)
    {
        return Some((doc.entities[e].text(), Some(e)));
    }
    let resource: Vec<&String> = op
        .segments
        .last()
        .map(|s| s.iter().collect())
        .unwrap_or_default();
    let mut after_resource = None;
    for (i, t) in doc.tokens.iter().enumerate() {
        if words.lead.contains(&t.lower)
            && let Some(n) = run(doc, i + 1, words)
        {
            return Some((n, None));
        }
        if after_resource.is_none()
            && doc
                .terms_at(i)
                .any(|term| resource.iter().any(|r| *r == term))
        {
            after_resource = Some(i);
        }
    }
    if let Some(i) = after_resource {
        let mut k = i + 1;
        // "a new org for Gekko & Co", "organization called X".
        while doc
            .tokens
            .get(k)
            .is_some_and(|t| words.lead_resource.contains(&t.lower))
        {
            k += 1;
        }
        let unknown = doc
            .tokens
            .get(k)
            .is_some_and(|t| !words.stop.contains(&t.lower));
        if unknown && let Some(n) = run(doc, k, words) {
            return Some((n, None));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::intent::doc::Words;
    use crate::intent::grammar::Grammar;

    #[test]
    fn runs_stop_at_connectors_and_clauses() {
        let g = Grammar::load().unwrap();
        let w = Words::new(&g.words);
        let doc = crate::intent::testing::doc("new org Wonka Industries, invite charlie@wonka.com");
        assert_eq!(
            run(&doc, 2, &w).as_deref(),
            Some("Wonka Industries,").map(|s| s.trim_end_matches(','))
        );
        let doc =
            crate::intent::testing::doc("create org Bluth Company and invite gob@bluth.company");
        assert_eq!(run(&doc, 2, &w).as_deref(), Some("Bluth Company"));
    }
}
