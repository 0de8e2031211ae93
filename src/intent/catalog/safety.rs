//! The safety asymmetry: an operation that destroys or cuts off something
//! (a DELETE, a ban, a lock, a revoke... `destructive` of
//! `grammar/actions.txt`) is chosen only when the request says that action:
//! a word of the operation's own destructive verb, a delete verb for a
//! DELETE, a verb whose `akin.*` action it is, a wish that something stop
//! that flips to it, a rule, or its name typed. Otherwise the router offers
//! candidates instead of picking. A removal "from" something ("remove
//! user_2x from every org") destroys only inside that thing: never the
//! thing itself, nor anything the path does not put inside it.

use std::collections::HashSet;

use crate::intent::catalog::vocab::OpVocab;
use crate::intent::read::Reader;
use crate::intent::read::doc::{Doc, Words};
use crate::intent::read::ids::Ids;
use crate::spec::Method;

/// Whether the request carries explicit evidence for a destructive
/// operation (`true` for one that destroys nothing).
pub fn evidence(
    read: &Reader,
    ids: Ids,
    path_terms: &HashSet<String>,
    doc: &Doc,
    v: &OpVocab,
    by_rule: bool,
    named: bool,
) -> bool {
    if !v.destructive || by_rule || named {
        return true;
    }
    let words = &read.words;
    let deletes = words.verbs("delete");
    let removing = doc.said().any(|t| deletes.contains(&t.text));
    if removing && !inside_source(read, ids, doc, v) {
        return false;
    }
    if !object_said(words, doc, v) {
        return false;
    }
    if removing && !destroys_what_is_named(read, ids, path_terms, doc, v) {
        return false;
    }
    let said = doc.said().any(|t| {
        let raw = doc.tokens[t.at].lower.as_str();
        v.evidence.iter().any(|e| *e == t.text || e == raw)
            || (v.method == Method::Delete && deletes.contains(&t.text))
            || words.akin.iter().any(|(verb, actions)| {
                *verb == t.text
                    && match &v.action {
                        Some(a) => actions.contains(a),
                        None => {
                            v.method == Method::Delete
                                && actions.iter().any(|a| deletes.contains(a))
                        }
                    }
            })
    });
    said || doc.negation.flips.iter().any(|f| v.evidence.contains(f))
}

/// Whether every object a removal is "from" is a parent in the
/// operation's path: "from every org" fits `/organizations/{id}/memberships/{user_id}`,
/// not `/organizations/{id}` (the org itself) nor `/users/{id}`.
fn inside_source(read: &Reader, ids: Ids, doc: &Doc, v: &OpVocab) -> bool {
    let words = &read.words;
    let parents = &v.segments[..v.segments.len().saturating_sub(1)];
    let skip = |w: &str| {
        words.article.contains(w) || words.link.contains(w) || words.filters.quantifies(w)
    };
    for (k, t) in doc.tokens.iter().enumerate() {
        if !words.source.contains(&t.lower) {
            continue;
        }
        let Some(at) = (k + 1..doc.tokens.len()).find(|&i| !skip(&doc.tokens[i].lower)) else {
            continue;
        };
        // "from user_2x" is from a user: an ID stands for its object type.
        let nouns: Vec<String> = match doc.entity_at(at).and_then(|e| doc.entities[e].id) {
            Some(i) => read.lex.text_terms(&ids.list[i].object),
            None => doc.terms_at(at).take(1).map(str::to_string).collect(),
        };
        // "take blid_2x off the blocklist": the item an ID names leaves
        // its own collection, which is no container destroyed.
        let own_item = |n: &String| {
            v.segments.last().is_some_and(|l| l.contains(n))
                && doc
                    .entities
                    .iter()
                    .filter_map(|e| e.id)
                    .any(|i| read.lex.text_terms(&ids.list[i].object).contains(n))
        };
        let outside = nouns.iter().any(|n| {
            read.object_terms.contains(n)
                && !parents.iter().flatten().any(|s| s == n)
                && !own_item(n)
        });
        if outside {
            return false;
        }
    }
    true
}

/// Whether the request says what a destructive operation on a part of
/// something destroys: the nouns of a last segment after the path's IDs
/// (`/users/{id}/remove_password` takes "password", `/logo` "logo"); an
/// action segment (`/ban`, `/revoke`) is said by its verb instead, and a
/// path that ends with an ID names its target by that ID.
fn object_said(words: &Words, doc: &Doc, v: &OpVocab) -> bool {
    if !v.collection || !v.path.contains('{') {
        return true;
    }
    let Some(last) = v.segments.last() else {
        return true;
    };
    let action = |t: &String| {
        words.destructive.contains(t)
            || words.verbs.iter().any(|(_, list)| list.contains(t))
            || v.evidence.contains(t)
            || v.action.as_ref() == Some(t)
    };
    last.iter()
        .filter(|t| !action(t))
        .all(|t| doc.said().any(|s| s.text == *t))
}

/// Whether what a delete verb names is what the operation destroys:
/// "delete the sessions of user_2x" names sessions, so `DELETE
/// /users/{user_id}` (a user) is no evidence. The named thing is the head
/// of the words right after the verb ("org membership" is a membership),
/// and counts only when it is a thing the spec names (an object type of
/// `grammar/ids.txt`, a term of some operation's path); the
/// operation destroys its last segment that is not an action, and the
/// object its last path parameter names (`/memberships/{user_id}` removes
/// a user's membership).
fn destroys_what_is_named(
    read: &Reader,
    ids: Ids,
    path_terms: &HashSet<String>,
    doc: &Doc,
    v: &OpVocab,
) -> bool {
    let words = &read.words;
    let deletes = words.verbs("delete");
    let Some(verb) = doc.said().find(|t| deletes.contains(&t.text)) else {
        return true;
    };
    // "take perm_x off": the phrase holds what it removes, an ID whose
    // kind the other checks weigh.
    if (verb.at..=verb.last).any(|k| doc.entity_at(k).is_some()) {
        return true;
    }
    let n = doc.tokens.len();
    let lower = |k: usize| doc.tokens[k].lower.as_str();
    let bound = |k: usize| words.link.contains(lower(k)) || words.source.contains(lower(k));
    let skip = |k: usize| {
        let w = lower(k);
        words.article.contains(w) || words.stop.contains(w) || words.filters.quantifies(w)
    };
    let mut k = verb.last + 1;
    while k < n && doc.entity_at(k).is_none() && !bound(k) && skip(k) {
        k += 1;
    }
    // "delete jane@acme.io's sessions": past the owner, to what is owned.
    if let Some(e) = doc.entity_at(k) {
        k = doc.entities[e].last + 1;
    }
    let mut head: Option<&str> = None;
    while k < n && doc.entity_at(k).is_none() && !skip(k) {
        let Some(t) = doc.terms_at(k).last() else {
            break;
        };
        if bound(k) {
            break;
        }
        head = Some(t);
        k += 1;
    }
    let thing = |h: &str| read.object_terms.contains(h) || path_terms.contains(h);
    let Some(head) = head.filter(|h| thing(h)) else {
        return true;
    };
    let action = |seg: &Vec<String>| {
        seg.iter().all(|t| {
            words.destructive.contains(t)
                || words.verbs.iter().any(|(_, list)| list.contains(t))
                || v.evidence.contains(t)
        })
    };
    // "delete the svix app": what its summary says it deletes.
    if read.lex.text_terms(&v.summary).iter().any(|t| t == head) {
        return true;
    }
    let destroyed = v.segments.iter().rev().find(|s| !action(s));
    if destroyed.is_some_and(|s| s.iter().any(|t| t == head)) {
        return true;
    }
    let last_param = v
        .path
        .rsplit('/')
        .next()
        .and_then(|s| s.strip_prefix('{'))
        .and_then(|s| s.strip_suffix('}'));
    last_param.is_some_and(|p| {
        ids.param_kinds(p, &[])
            .iter()
            .any(|o| read.lex.text_terms(o).iter().any(|t| t == head))
    })
}
