//! Spec-wide matching: every operation scored against the request's terms
//! (weighted by where the operation uses them), its verb, what it leaves
//! unsaid, and a matching rule; then the best few filled from the request,
//! which adds what the IDs and values say.

use std::collections::HashSet;

use super::Router;
use super::doc::Doc;
use super::entities::Kind;
use super::fill::{Context, Filled, fill};
use super::rules::{Hit, Target};
use super::vocab::OpVocab;
use crate::spec::Method;

/// How many operations are filled after the first, words-only pass.
const SHORTLIST: usize = 14;

#[derive(Debug, Clone)]
pub struct Candidate {
    /// Index into the router's vocabulary (= the spec's operations).
    pub op: usize,
    pub score: f32,
    /// The score's parts, for `help`.
    pub why: Vec<(String, f32)>,
    pub filled: Filled,
}

/// A score's parts: what counted, and how much.
type Why = Vec<(String, f32)>;

/// The verb classes that decide a method.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Verb {
    Read,
    Create,
    Update,
    Delete,
}

/// The class of a request's verb (`grammar/words.txt`, `verb.*`).
fn verb(r: &Router, term: &str) -> Option<Verb> {
    [
        ("read", Verb::Read),
        ("create", Verb::Create),
        ("update", Verb::Update),
        ("delete", Verb::Delete),
    ]
    .into_iter()
    .find(|(class, _)| r.words.verbs(class).iter().any(|w| w == term))
    .map(|(_, v)| v)
}

/// Ranks every operation, best first.
pub fn rank(r: &Router, doc: &Doc, ctx: &Context, hit: Option<&Hit>) -> Vec<Candidate> {
    let stop = &r.words.stop;
    let mut query: Vec<&str> = Vec::new();
    for t in &doc.terms {
        let word = t.text.as_str();
        if !stop.contains(word)
            && !word.chars().all(|c| c.is_ascii_digit())
            && !query.contains(&word)
        {
            query.push(word);
        }
    }
    let said = doc
        .terms
        .iter()
        .find_map(|t| verb(r, &t.text).map(|v| (v, t.text.as_str())));
    let implied = implied_terms(r, doc);
    let mut first: Vec<(usize, f32, Why)> = r
        .vocab
        .iter()
        .enumerate()
        .map(|(i, v)| {
            let (score, why) = words_score(r, v, doc, &query, &implied, said, hit);
            (i, score, why)
        })
        .collect();
    first.sort_by(|a, b| b.1.total_cmp(&a.1));
    let mut out: Vec<Candidate> = first
        .into_iter()
        .take(SHORTLIST)
        .map(|(op, score, mut why)| {
            let filled = fill(r, &r.vocab[op], doc, ctx, hit);
            // The quick ID estimate is replaced by what filling found.
            let quick: f32 = why
                .iter()
                .filter(|(w, _)| w == "IDs fit")
                .map(|(_, p)| p)
                .sum();
            why.retain(|(w, _)| w != "IDs fit");
            why.extend(filled.why.iter().cloned());
            Candidate {
                op,
                score: score - quick + filled.points,
                why,
                filled,
            }
        })
        .collect();
    out.sort_by(|a, b| b.score.total_cmp(&a.score));
    out
}

/// Words the request's IDs and references stand for: `org_...` is about
/// an organization even when the word is not typed.
fn implied_terms(r: &Router, doc: &Doc) -> HashSet<String> {
    let mut out = HashSet::new();
    for e in &doc.entities {
        match (e.kind, e.id) {
            (Kind::Id, Some(i)) => out.extend(r.lex.text_terms(&r.grammar.ids[i].object)),
            // "the admins": members with that role.
            (Kind::Role, _) if !e.hard => {
                for w in r.grammar.roles.list("implies") {
                    out.extend(r.lex.text_terms(&w));
                }
            }
            // A username stands for the user object of the ID table.
            (Kind::Username, _) => {
                for p in r
                    .grammar
                    .ids
                    .iter()
                    .filter(|p| p.params.first().is_some_and(|f| r.is_user_param(f)))
                {
                    out.extend(r.lex.text_terms(&p.object));
                }
            }
            _ => {}
        }
    }
    for rf in &doc.refs {
        if let Some(o) = &rf.object {
            out.extend(r.lex.text_terms(o));
        }
    }
    out
}

fn words_score(
    r: &Router,
    v: &OpVocab,
    doc: &Doc,
    query: &[&str],
    implied: &HashSet<String>,
    said: Option<(Verb, &str)>,
    hit: Option<&Hit>,
) -> (f32, Vec<(String, f32)>) {
    let mut why: Vec<(String, f32)> = Vec::new();
    let mut add = |what: String, p: f32| why.push((what, p));
    for q in query {
        match v.weights.get(*q) {
            Some(w) => add(format!("`{q}`"), *w),
            // A thing or action of the spec this operation is not about.
            None if r.path_terms.contains(*q) && !implied.contains(*q) => {
                add(format!("`{q}` not its"), -1.0)
            }
            None => {}
        }
    }
    for q in implied {
        if !query.contains(&q.as_str())
            && let Some(w) = v.weights.get(q)
        {
            add(format!("`{q}` (from an ID)"), w * 0.5);
        }
    }
    // "delete a session": revoking is how sessions go away.
    let akin = said.is_some_and(|(_, word)| {
        r.words
            .akin
            .iter()
            .any(|(verb, acts)| verb == word && v.action.as_ref().is_some_and(|a| acts.contains(a)))
    });
    // "ban user_1 and user_2" is a bulk ban.
    let plural = doc.entities.iter().enumerate().any(|(i, e)| {
        e.hard
            && doc.entities[i + 1..]
                .iter()
                .any(|o| o.kind == e.kind && o.key == e.key && o.kind != Kind::Time)
    });
    let akin = akin
        || plural
            && v.action
                .as_ref()
                .is_some_and(|a| r.words.plural_actions.contains(a));
    if let Some(a) = v.action.as_deref().filter(|a| !query.contains(a) && !akin) {
        add(format!("action `{a}` not said"), -1.5);
    }
    let mut seen = HashSet::new();
    for seg in &v.segments {
        for t in seg {
            let covered = query.contains(&t.as_str())
                || implied.contains(t)
                || r.words.stop.contains(t)
                || (akin && v.action.as_ref() == Some(t));
            if !covered && seen.insert(t) {
                add(format!("`{t}` not said"), -1.0);
            }
        }
    }
    let collection = v.collection;
    // The operation's own name says the verb ("disableMfa" is a DELETE).
    let named = said.is_some_and(|(_, word)| v.weights.get(word).is_some_and(|w| *w >= 1.5));
    let verb_points = match (said.map(|(v, _)| v), v.method) {
        _ if akin => 1.0,
        (Some(Verb::Read), Method::Get) => 2.0 + if collection { 0.5 } else { 0.0 },
        // Never turn a read into a write.
        (Some(Verb::Read), _) => -6.0,
        _ if named => 2.0,
        (Some(Verb::Create), Method::Post) => 2.0,
        (Some(Verb::Create), Method::Put | Method::Patch) => -0.5,
        (Some(Verb::Update), Method::Patch | Method::Put) => 2.0,
        (Some(Verb::Update), Method::Post) => -0.5,
        (Some(Verb::Delete), Method::Delete) => 2.5,
        (Some(Verb::Delete), Method::Post) => -1.5,
        (Some(_), Method::Get) => -2.0,
        (Some(_), _) => -4.0,
        (None, Method::Get) => 0.5,
        // Nothing said destroys anything.
        (None, Method::Delete) => -3.0,
        (None, _) => 0.0,
    };
    if verb_points != 0.0 {
        add("verb".into(), verb_points);
    }
    if v.deprecated {
        add("deprecated".into(), -0.5);
    }
    if let Some(h) = hit
        && h.rule.target == Target::Op(v.method, v.path.clone())
    {
        add(format!("rule `{}`", h.rule.text), 8.0 + h.strength as f32);
    }
    for e in &doc.entities {
        match e.kind {
            Kind::Op if e.value.as_str() == Some(v.label.as_str()) => {
                add("named directly".into(), 12.0)
            }
            Kind::Id => {
                let fits =
                    e.id.is_some_and(|i| r.grammar.ids[i].params.iter().any(|p| v.has_param(p)));
                if fits {
                    add("IDs fit".into(), 3.0);
                }
            }
            _ => {}
        }
    }
    (why.iter().map(|(_, p)| p).sum(), why)
}
