//! Spec-wide matching: every operation scored against the request's terms
//! (weighted by where the operation uses them), its verb, what it leaves
//! unsaid, and a matching rule; the best few, with their explanations and
//! what each would destroy unasked, go on to be filled
//! ([`crate::intent::decide::rank`]).

use std::collections::HashSet;

use super::Catalog;
use super::rules::{Hit, Target};
use super::safety;
use crate::intent::read::Reader;
use crate::intent::read::doc::Doc;
use crate::intent::read::entities::Kind;
use crate::intent::read::ids::{Ids, abbreviation_fit, param_words};
use crate::spec::Method;

/// What choosing a destructive operation the request did not ask for costs.
const UNASKED: f32 = -2.0;

/// What a description's BM25 weight counts for, and at most in all.
const DESCRIBED: f32 = 0.8;
const DESCRIBED_CAP: f32 = 5.0;

/// How many operations are filled after the first, words-only pass.
const SHORTLIST: usize = 14;

/// What scoring reads: the catalog, the reader's words, what IDs name.
#[derive(Clone, Copy)]
pub struct Scorer<'r> {
    pub catalog: &'r Catalog,
    pub read: &'r Reader,
    pub ids: Ids<'r>,
}

/// One operation of the shortlist, scored on the request's words.
#[derive(Debug, Clone)]
pub struct Scored {
    /// Index into the catalog's vocabulary (= the spec's operations).
    pub op: usize,
    pub score: f32,
    /// The score's parts, for `help`.
    pub why: Why,
    /// It destroys something the request did not say to destroy.
    pub unasked_destruction: bool,
    /// The request's words (as typed) this operation does not know, and how
    /// many words the request has: thin evidence is no confident pick.
    pub unknown: Vec<String>,
    pub words_said: usize,
    /// How many words of its path the request leaves unsaid.
    pub unsaid: usize,
    /// The request says this operation's own action (or a DELETE's verb).
    pub acted: bool,
}

/// A score's parts: what counted, and how much.
pub type Why = Vec<(String, f32)>;

/// The verb classes that decide a method.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Verb {
    Read,
    Create,
    Update,
    Delete,
}

/// The class of a request's verb (`grammar/words.txt`, `verb.*`).
fn verb(r: &Scorer, term: &str) -> Option<Verb> {
    [
        ("read", Verb::Read),
        ("create", Verb::Create),
        ("update", Verb::Update),
        ("delete", Verb::Delete),
    ]
    .into_iter()
    .find(|(class, _)| r.read.words.verbs(class).iter().any(|w| w == term))
    .map(|(_, v)| v)
}

/// The best few operations on the request's words, in no order.
pub fn shortlist(r: &Scorer, doc: &Doc, hit: Option<&Hit>) -> Vec<Scored> {
    let terms = &r.catalog.index.terms;
    let stop = &r.read.words.stop;
    // Words no operation uses cannot move any score: only numbered terms.
    let mut query: Vec<u32> = Vec::new();
    let said_terms = doc
        .said()
        .map(|t| t.text.as_str())
        .chain(doc.negation.flips.iter().map(String::as_str));
    for t in said_terms {
        if let Some(id) = terms.get(t).filter(|_| !stop.contains(t))
            && !query.contains(&id)
        {
            query.push(id);
        }
    }
    let negated: Vec<u32> = doc
        .unsaid()
        .filter(|t| !stop.contains(&t.text))
        .filter_map(|t| terms.get(&t.text))
        .filter(|id| !query.contains(id))
        .collect();
    let negated_verb = doc.unsaid().find_map(|t| verb(r, &t.text));
    // The first action the request says is its verb; a later one is often
    // a noun ("re-enable user_1, the ban was a mistake").
    let main_action = doc
        .said()
        .filter_map(|t| terms.get(&t.text))
        .chain(doc.negation.flips.iter().filter_map(|f| terms.get(f)))
        .find(|&id| r.catalog.index.is_action(id) || verb(r, terms.name(id)).is_some())
        .filter(|&id| r.catalog.index.is_action(id) && verb(r, terms.name(id)).is_none());
    // "invite jane@x.io": an action said as the imperative first word in a
    // form other than its noun ("invite", not "invitation(s)") creates the
    // thing it names where no operation has it as its own action.
    let lead_action = main_action.filter(|&a| {
        let name = terms.name(a);
        doc.said()
            .find(|t| !stop.contains(&t.text))
            .is_some_and(|t| {
                let raw = doc.tokens[t.at].lower.as_str();
                t.at == 0 && t.text == name && raw != name && !raw.ends_with('s')
            })
    });
    // "blocklist spam@x.io": a noun said first as its verb (the reader
    // said `create` for it) creates what it names, like "invite" does.
    let lead_action = lead_action.or_else(|| {
        let mut first = doc.said().take_while(|t| t.at == 0).skip(1);
        first
            .find(|t| r.read.words.denominal.contains(&t.text))
            .and_then(|t| terms.get(&t.text))
    });
    let stands_for: Vec<u32> = implied_terms(r, doc)
        .iter()
        .filter_map(|t| terms.get(t))
        .collect();
    let implied = stands_for
        .iter()
        .copied()
        .filter(|id| !query.contains(id))
        .collect();
    let said = doc
        .said()
        .find_map(|t| verb(r, &t.text).map(|v| (v, t.text.as_str())))
        .or_else(|| {
            doc.negation
                .flips
                .first()
                .map(|f| (Verb::Create, f.as_str()))
        });
    // "delete a session": revoking is how sessions go away; "ban user_1
    // and user_2" is a bulk ban.
    let mut akin: Vec<u32> = Vec::new();
    let first_action = main_action.map(|a| terms.name(a));
    for word in said.map(|(_, w)| w).into_iter().chain(first_action) {
        for (verb, actions) in &r.read.words.akin {
            if verb == word {
                akin.extend(actions.iter().filter_map(|a| terms.get(a)));
            }
        }
    }
    let plural = doc.entities.iter().enumerate().any(|(i, e)| {
        e.hard
            && doc.entities[i + 1..]
                .iter()
                .any(|o| o.kind == e.kind && o.key == e.key && o.kind != Kind::Time)
    });
    // Only with an action said: the count alone never picks a bulk
    // operation ("blocklist a@x.io and b@x.io" is no bulk invitation).
    if plural && (said.is_some() || main_action.is_some()) {
        akin.extend(
            r.read
                .words
                .plural_actions
                .iter()
                .filter_map(|a| terms.get(a)),
        );
    }
    // The request's own words, to measure how much of it an operation
    // accounts for (unknown words count: a long goal sentence whose words
    // nothing knows is thin evidence).
    let content: Vec<(&str, &str)> = doc
        .said()
        .filter(|t| !stop.contains(&t.text) && !r.read.words.question.contains(&t.text))
        .filter(|t| t.text.len() > 1)
        .map(|t| (t.text.as_str(), doc.tokens[t.at].lower.as_str()))
        .collect();
    let request = Request {
        query,
        negated,
        negated_verb,
        main_action,
        lead_action,
        implied,
        stands_for,
        // A question with no verb asks to read ("which roles does ... have?").
        said: said
            .map(|(v, word)| (v, terms.get(word)))
            .or(doc.question.then_some((Verb::Read, None))),
        permanent: r.read.words.permanent.iter().any(|p| {
            let lower: Vec<&str> = doc.tokens.iter().map(|t| t.lower.as_str()).collect();
            lower
                .windows(p.len())
                .any(|w| w.iter().zip(p).all(|(a, b)| a == b))
        }),
        akin_delete: r
            .read
            .words
            .verbs("delete")
            .iter()
            .any(|d| terms.get(d).is_some_and(|id| akin.contains(&id))),
        akin,
        id_params: doc
            .entities
            .iter()
            .filter_map(|e| e.id)
            .map(|i| {
                r.ids.list[i]
                    .params
                    .iter()
                    .filter_map(|p| terms.get(p))
                    .collect()
            })
            .collect(),
        stray_prefixes: doc
            .entities
            .iter()
            .filter(|e| e.kind == Kind::Id && e.id.is_none())
            .filter_map(|e| e.key.clone())
            .collect(),
        hit_op: hit.and_then(|h| match &h.rule.target {
            Target::Op(m, path) => r
                .catalog
                .vocab
                .iter()
                .position(|v| v.method == *m && v.path == *path),
            Target::FastPath(_) => None,
        }),
        hit,
        named: doc
            .entities
            .iter()
            .filter(|e| e.kind == Kind::Op)
            .filter_map(|e| {
                r.catalog
                    .vocab
                    .iter()
                    .position(|v| e.value.as_str() == Some(v.label.as_str()))
            })
            .collect(),
    };
    // Words only first, for every operation, without building explanations.
    let mut first: Vec<(usize, f32)> = (0..r.catalog.vocab.len())
        .map(|i| {
            let mut tally = Tally {
                total: 0.0,
                why: None,
                unsaid: 0,
            };
            words_score(r, i, &request, &mut tally);
            (i, tally.total)
        })
        .collect();
    // Only the best few need an order.
    if first.len() > SHORTLIST {
        first.select_nth_unstable_by(SHORTLIST, |a, b| b.1.total_cmp(&a.1));
        first.truncate(SHORTLIST);
    }
    first
        .into_iter()
        .map(|(op, _)| {
            let mut why = Why::new();
            let mut tally = Tally {
                total: 0.0,
                why: Some(&mut why),
                unsaid: 0,
            };
            words_score(r, op, &request, &mut tally);
            let (words, unsaid) = (tally.total, tally.unsaid);
            let v = &r.catalog.vocab[op];
            let unasked_destruction = !safety::evidence(
                r.read,
                r.ids,
                &r.catalog.path_terms,
                doc,
                v,
                request.hit_op == Some(op),
                request.named.contains(&op),
            );
            if unasked_destruction {
                why.push(("destroys, not asked".into(), UNASKED));
            }
            // The quick ID estimate is replaced by what filling finds.
            let quick: f32 = why.iter().filter(|(w, _)| w == QUICK).map(|(_, p)| p).sum();
            why.retain(|(w, _)| w != QUICK);
            let (unknown, words_said) = unknown_words(r, op, &content);
            // A DELETE has no action of its own: its verb said is its action.
            let acted = why
                .iter()
                .any(|(w, p)| w == ACTED || (v.method == Method::Delete && w == VERB && *p > 0.0));
            Scored {
                acted,
                unsaid,
                unknown,
                words_said,
                op,
                score: words - quick + if unasked_destruction { UNASKED } else { 0.0 },
                why,
                unasked_destruction,
            }
        })
        .collect()
}

/// What every operation is scored against, worked out once per request,
/// as term numbers.
struct Request<'h> {
    /// The request's terms that some operation uses (not negated).
    query: Vec<u32>,
    /// Negated terms ("don't delete ..."), and a negated verb's class.
    negated: Vec<u32>,
    negated_verb: Option<Verb>,
    /// The request's first action word, when it is an operation's action.
    main_action: Option<u32>,
    /// That action, said first as a verb ("invite"), not as its noun.
    lead_action: Option<u32>,
    /// Terms its IDs and references stand for, not typed.
    implied: Vec<u32>,
    /// Terms its IDs and references stand for, typed or not.
    stands_for: Vec<u32>,
    said: Option<(Verb, Option<u32>)>,
    /// Operation actions that count as said.
    akin: Vec<u32>,
    /// A DELETE counts as said (`akin.revoke = delete`).
    akin_delete: bool,
    /// The request says it is for good (`permanent` of words.txt).
    permanent: bool,
    /// For each ID: the parameters it fills.
    id_params: Vec<Vec<u32>>,
    /// The prefixes of IDs the grammar does not know.
    stray_prefixes: Vec<String>,
    /// The operation a rule chose, and the rule.
    hit_op: Option<usize>,
    hit: Option<&'h Hit<'h>>,
    /// Operations named directly (`users.ban`).
    named: Vec<usize>,
}

/// A running score; the explanation is only built when asked for.
struct Tally<'w> {
    total: f32,
    why: Option<&'w mut Why>,
    /// How many of its path's words the request leaves unsaid.
    unsaid: usize,
}

impl Tally<'_> {
    fn add(&mut self, what: impl FnOnce() -> String, points: f32) {
        self.total += points;
        if let Some(why) = self.why.as_mut() {
            why.push((what(), points));
        }
    }
}

/// The label of the points for the request's verb class.
const VERB: &str = "verb";

/// The label of the points for saying the operation's action.
const ACTED: &str = "its action said first";

/// The label of the points for words only the descriptions use.
pub const DESCRIPTION: &str = "its description";

/// The label of the quick estimate of how the IDs fit.
const QUICK: &str = "IDs fit";

/// Words the request's IDs and references stand for: `org_...` is about
/// an organization even when the word is not typed.
fn implied_terms(r: &Scorer, doc: &Doc) -> HashSet<String> {
    let mut out = HashSet::new();
    for e in &doc.entities {
        match (e.kind, e.id) {
            (Kind::Id, Some(i)) => out.extend(r.read.lex.text_terms(&r.ids.list[i].object)),
            // "the admins": members with that role.
            (Kind::Role, _) if !e.hard => out.extend(r.read.role_implies.iter().cloned()),
            // A username stands for the user object of the ID table.
            (Kind::Username, _) => {
                for p in r
                    .ids
                    .list
                    .iter()
                    .filter(|p| p.params.first().is_some_and(|f| r.ids.is_user_param(f)))
                {
                    out.extend(r.read.lex.text_terms(&p.object));
                }
            }
            _ => {}
        }
    }
    for rf in &doc.refs {
        if let Some(o) = &rf.object {
            out.extend(r.read.lex.text_terms(o));
        }
    }
    out
}

fn words_score(r: &Scorer, op: usize, q: &Request, t: &mut Tally) {
    let (v, x, terms) = (
        &r.catalog.vocab[op],
        &r.catalog.index.ops[op],
        &r.catalog.index.terms,
    );
    for &w in &q.query {
        match x.weight(w) {
            Some(weight) => t.add(|| format!("`{}`", terms.name(w)), weight),
            // A thing or action of the spec this operation is not about.
            None if r.catalog.index.is_path_term(w) && !q.stands_for.contains(&w) => {
                t.add(|| format!("`{}` not its", terms.name(w)), -1.0)
            }
            None => {}
        }
    }
    // Words only its descriptions use: what it does, said as a goal. A
    // thing another operation's path names is that operation's, not a goal.
    let mut described = 0.0;
    for &w in &q.query {
        if x.weight(w).is_none()
            && !r.catalog.index.is_path_term(w)
            && let Some(d) = x.described(w)
        {
            described += d;
        }
    }
    if described > 0.0 {
        t.add(
            || DESCRIPTION.into(),
            (described * DESCRIBED).min(DESCRIBED_CAP),
        );
    }
    for &w in &q.implied {
        if let Some(weight) = x.weight(w) {
            t.add(|| format!("`{}` (from an ID)", terms.name(w)), weight * 0.5);
        }
    }
    // A DELETE, which has no action of its own, is akin to a verb whose
    // `akin.*` list says `delete`.
    let akin = match x.action {
        Some(a) => q.akin.contains(&a),
        None => {
            (v.method == Method::Delete && q.akin_delete)
                || (v.method == Method::Post
                    && v.collection
                    && q.lead_action.is_some_and(|a| {
                        v.segments
                            .last()
                            .is_some_and(|s| s.iter().any(|t| t == terms.name(a)))
                    }))
        }
    };
    if akin || (x.action.is_some() && x.action == q.main_action) {
        t.add(|| ACTED.into(), 1.0);
    }
    if let Some(a) = x.action.filter(|a| !q.query.contains(a) && !akin) {
        t.add(|| format!("action `{}` not said", terms.name(a)), -1.5);
    }
    // An ID whose unknown prefix abbreviates a parameter (`subi_` for
    // `subscription_item_id`) says that parameter's words, as a known
    // prefix says its object's.
    let abbreviated: Vec<String> = q
        .stray_prefixes
        .iter()
        .flat_map(|prefix| {
            v.params
                .iter()
                .filter(move |(p, before)| abbreviation_fit(prefix, p, before) > 1.0)
        })
        .flat_map(|(p, before)| param_words(p, before).into_iter().flatten())
        .collect();
    // What an action acts on is named in its last segment
    // (`remove_password`): unsaid, it weighs more than a parent's name.
    for &w in &x.segments {
        let covered = q.query.contains(&w)
            || q.implied.contains(&w)
            || (akin && x.action == Some(w))
            || abbreviated.iter().any(|a| a == terms.name(w));
        if !covered {
            let points = if x.acted_on.contains(&w) { -2.0 } else { -1.0 };
            t.unsaid += 1;
            t.add(|| format!("`{}` not said", terms.name(w)), points);
        }
    }
    // The operation's own name says the verb ("disableMfa" is a DELETE).
    let named = q
        .said
        .and_then(|(_, word)| word)
        .and_then(|w| x.weight(w))
        .is_some_and(|w| w >= 1.5);
    let own_action = x.action.is_some() && x.action == q.main_action;
    let verb_points = match (q.said.map(|(v, _)| v), v.method) {
        _ if akin => 2.0,
        // "cancel subscription item X" says the DELETE's own action.
        (None, _) if own_action => 2.0,
        (Some(Verb::Read), Method::Get) => 2.0 + if v.collection { 0.5 } else { 0.0 },
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
        // When unsure, read: a write needs its action said.
        (None, _) => -0.5,
    };
    if verb_points != 0.0 {
        t.add(|| VERB.into(), verb_points);
    }
    for &w in &q.negated {
        if x.action == Some(w) || x.segments.last() == Some(&w) {
            t.add(|| format!("`{}` negated", terms.name(w)), -3.0);
        } else if x.segments.contains(&w) {
            t.add(|| format!("`{}` negated", terms.name(w)), -1.0);
        }
    }
    let negated_method = match q.negated_verb {
        Some(Verb::Delete) => v.method == Method::Delete,
        Some(Verb::Create) => v.method == Method::Post,
        Some(Verb::Update) => matches!(v.method, Method::Patch | Method::Put),
        _ => false,
    };
    if negated_method {
        t.add(|| "verb negated".into(), -3.0);
    }
    // "for good", "permanently": what cannot be undone is a DELETE.
    if q.permanent && v.method == Method::Delete {
        t.add(|| "permanent".into(), 1.5);
    }
    if v.deprecated {
        t.add(|| "deprecated".into(), -0.5);
    }
    if q.hit_op == Some(op)
        && let Some(h) = q.hit
    {
        t.add(
            || format!("rule `{}`", h.rule.text),
            8.0 + h.strength as f32,
        );
    }
    if q.named.contains(&op) {
        t.add(|| "named directly".into(), 12.0);
    }
    for params in &q.id_params {
        if params.iter().any(|p| x.params.contains(p)) {
            t.add(|| QUICK.into(), 3.0);
        }
    }
    // IDs of prefixes the grammar does not know: by how well the prefix
    // abbreviates a parameter (`subi_`, a subscription item).
    for prefix in &q.stray_prefixes {
        let fit = v
            .params
            .iter()
            .map(|(p, before)| abbreviation_fit(prefix, p, before))
            .fold(0.0, f32::max);
        if fit > 1.0 {
            t.add(|| QUICK.into(), fit);
        }
    }
}

/// The request's words an operation does not know (its vocabulary and
/// descriptions), as typed; and how many words the request has.
fn unknown_words(r: &Scorer, op: usize, content: &[(&str, &str)]) -> (Vec<String>, usize) {
    let x = &r.catalog.index.ops[op];
    let unknown = content
        .iter()
        .filter(|(term, _)| {
            !r.catalog
                .index
                .terms
                .get(term)
                .is_some_and(|w| x.weight(w).is_some() || x.described(w).is_some())
        })
        .map(|(_, raw)| raw.to_string())
        .collect();
    (unknown, content.len())
}
