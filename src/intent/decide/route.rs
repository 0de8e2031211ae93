//! One request, start to end: an answer for a question, a fast path by
//! rule, or the best-scoring operation as a fast-path or generic plan; near
//! ties and low confidence said plainly.

use serde_json::Value;

use super::Stages;
use super::knowledge;
use super::rank::{Candidate, rank};
use super::{Again, Routing, each, findact, howto, sequence};
use crate::intent::catalog::rules::{self, Target};
use crate::intent::decide::fastpath;
use crate::intent::fill::{Context, Filled};
use crate::intent::read::doc::Doc;
use crate::intent::read::entities::Kind;
use crate::plan::{Plan, Step};

/// Below this nothing matched well enough to act on.
const NOTHING: f32 = 3.0;
/// At or above this (and with no near tie) the choice is confident.
const CONFIDENT: f32 = 6.0;
/// The share of the request's words the best must account for to be
/// confident.
const COVERED: f32 = 0.5;
/// Operations this close to the best are near ties.
const TIE: f32 = 1.0;

/// What a reference means where the request alone does not say: a bare
/// "it" or "that" is the newest thing of the conversation (in a sequence,
/// what the earlier step creates), and a person ("her", "them") with no
/// user to refer to is the newest thing too when that is a person's record
/// (`person` of words.txt: "add jo@x.io to the waitlist, then invite her").
/// Scoring then counts the words of that thing as said, as filling uses its
/// ID.
fn resolve_refs(doc: &mut Doc, memory: &crate::memory::Memory, person: &[String]) {
    let Some((newest, _)) = memory.newest() else {
        return;
    };
    let person = |o: &str| person.iter().any(|p| p == o);
    for rf in doc.refs.iter_mut().filter(|rf| rf.row.is_none()) {
        match rf.object.as_deref() {
            None => rf.object = Some(newest.to_string()),
            Some("user") if memory.last("user").is_none() && person(newest) => {
                rf.object = Some(newest.to_string())
            }
            _ => {}
        }
    }
}

/// Routes one request; `again` routes another (a how-to question's
/// request, the clauses of steps said in order).
pub fn route(r: &Stages, text: &str, ctx: &Context, again: Again) -> Routing {
    let mut doc = r.reader.read(text, ctx.now_ms);
    resolve_refs(&mut doc, ctx.memory, &r.reader.words.person);
    let answer = knowledge::answer(&r.grammar.knowledge, &knowledge::words(text))
        .filter(|a| (doc.question && a.score >= 1) || a.score >= 3);
    let params = |i: usize| r.grammar.ids[i].params.clone();
    let hit = rules::best(&r.catalog.rules, &doc, &r.reader.ex, &params);
    if let Some(after) = doc.howto {
        return howto::route(&doc, after, ctx, answer, again);
    }
    let mut out = Routing {
        answer,
        ..Routing::default()
    };
    if let Some(h) = &hit
        && let Target::FastPath(name) = &h.rule.target
        && let Some(plan) = fastpath::build(r, name, &doc, ctx, Some(h))
    {
        out.why.push(format!(
            "Matched rule `{}` (grammar/rules.txt line {}).",
            h.rule.text, h.rule.line
        ));
        out.fast_path = Some(name.clone());
        out.confident = true;
        return finish(out, plan, &doc);
    }
    // "find jane@acme.io and ban her": the action, on what was found.
    if let Some(out) = findact::route(r, &doc, ctx, again) {
        return out;
    }
    // "create a user and then add them to org_1": each step routed, in order.
    if let Some(out) = sequence::route(r.catalog, &r.reader.words, text, ctx, again) {
        return out;
    }
    // "ban every user whose ...": the list, then the action on each item.
    if let Some((plan, c)) = each::route(r, &doc, ctx, hit.as_ref()) {
        out.why.push(explain(r, &c));
        out.why
            .push("The request quantifies its target: every item of the list.".into());
        out.confident = true;
        return finish(out, plan, &doc);
    }
    let ranked = rank(r, &doc, ctx, hit.as_ref());
    let Some(best) = ranked.first().filter(|b| b.score >= NOTHING) else {
        out.suggestions = ranked
            .iter()
            .filter(|c| c.score > 0.0)
            .take(3)
            .map(|c| r.catalog.vocab[c.op].label.clone())
            .collect();
        return out;
    };
    // Destroying something the request does not name (a path parameter
    // still missing, or guessed from a free word) is no pick either.
    let unnamed_target = r.catalog.vocab[best.op].destructive
        && (!best.filled.guessed.is_empty()
            || best.filled.missing.iter().any(|m| {
                // "ban them" names its target, even with nothing to refer to.
                !best.filled.referred.contains(m)
                    && r.catalog.vocab[best.op]
                        .field(m)
                        .is_some_and(|f| f.place == crate::intent::catalog::vocab::Place::Path)
            }));
    if best.unasked_destruction || unnamed_target {
        let why = "would destroy or cut off something, and the request does not say to";
        return offer(r, out, &ranked, why);
    }
    // A write aimed at a plain word taken as its target ("set sign up
    // mode" → directory `sign`) is a guess: never guess a write.
    if r.catalog.vocab[best.op].method.is_write() && !best.filled.bare.is_empty() {
        let why = format!(
            "would write to {} `{}`, a word the request does not mark as a name",
            best.filled.bare.join(", "),
            guessed_value(best)
        );
        return offer(r, out, &ranked, &why);
    }
    let v = &r.catalog.vocab[best.op];
    let by_rule = hit
        .as_ref()
        .is_some_and(|h| h.rule.target == Target::Op(v.method, v.path.clone()));
    let fast = fastpath::for_op(r, v, &doc, &best.filled);
    let fast_plan = fast.and_then(|name| fastpath::build(r, name, &doc, ctx, None));
    // A near tie that needs words of its path the request does not say
    // fits it less than the best does: no tie.
    let ties: Vec<&Candidate> = ranked[1..]
        .iter()
        .filter(|c| c.score >= best.score - TIE && c.unsaid <= best.unsaid)
        .take(4)
        .collect();
    let margin = ranked.get(1).map_or(f32::MAX, |c| best.score - c.score);
    out.why.push(explain(r, best));
    if let Some(h) = hit.as_ref().filter(|_| by_rule) {
        out.why.push(format!(
            "Rule `{}` (grammar/rules.txt line {}) chose it.",
            h.rule.text, h.rule.line
        ));
    }
    let near: Vec<&Candidate> = ranked[1..]
        .iter()
        .filter(|c| c.score >= best.score - 3.0)
        .take(3)
        .collect();
    for c in &near {
        out.why.push(format!("Next: {}", explain(r, c)));
    }
    let mut plan = match fast_plan {
        Some(mut p) => {
            p.reason = format!(
                "{}, chosen by scores ({} scored {:.1})",
                p.reason, v.label, best.score
            );
            out.fast_path = fast.map(str::to_string);
            p
        }
        None => {
            out.ties = ties.iter().map(|c| generic(r, c)).collect();
            generic(r, best)
        }
    };
    if by_rule {
        plan.reason = format!(
            "{}; rule `{}`",
            plan.reason,
            hit.as_ref().map_or("", |h| h.rule.text.as_str())
        );
    }
    plan.alternatives = near
        .iter()
        .map(|c| r.catalog.vocab[c.op].label.clone())
        .collect();
    // Values left over (an ID, a URL nothing took) mean the request says
    // more than the plan does.
    let leftover = best
        .filled
        .why
        .iter()
        .any(|(what, p)| *p <= -1.5 && what.ends_with("unused"));
    // Every word accounted for and nothing close: confident at a lower
    // score ("allowlist *@acme.io").
    let coverage = coverage(best, &plan);
    let strong = best.score >= CONFIDENT || (coverage >= 1.0 && margin >= 2.0);
    out.confident = by_rule
        || (strong
            && coverage >= COVERED
            && !leftover
            && (out.fast_path.is_some() || ties.is_empty()));
    if !out.confident && out.ties.is_empty() {
        // Not sure: the next best are the choices.
        out.ties = near.iter().map(|c| generic(r, c)).collect();
    }
    if !out.confident {
        plan.notes.insert(
            0,
            format!(
                "Low confidence: this is the closest match ({} scored {:.1}); check what was understood before confirming.",
                v.label, best.score
            ),
        );
    }
    finish(out, plan, &doc)
}

/// The best candidate destroys something the request does not say to
/// destroy, or writes to a guessed target: no pick, the candidates instead
/// (numbered in the REPL, listed by a one-shot command).
fn offer(r: &Stages, mut out: Routing, ranked: &[Candidate], why: &str) -> Routing {
    let near: Vec<&Candidate> = ranked
        .iter()
        .filter(|c| c.score >= NOTHING.min(ranked[0].score))
        .take(4)
        .collect();
    out.why.push(format!(
        "{} {why}: candidates offered, none picked.",
        r.catalog.vocab[ranked[0].op].label
    ));
    for c in &near {
        out.why.push(format!("Candidate: {}", explain(r, c)));
    }
    // A candidate shows its guessed target as the parameter still to give.
    out.ties = near.iter().map(|c| generic(r, &unguessed(c))).collect();
    out.suggestions = near
        .iter()
        .map(|c| r.catalog.vocab[c.op].label.clone())
        .collect();
    out.confident = false;
    out
}

/// The candidate with its plain-word guesses taken back: missing again.
fn unguessed(c: &Candidate) -> Candidate {
    let mut c = c.clone();
    let bare = std::mem::take(&mut c.filled.bare);
    c.filled.path.retain(|(p, _)| !bare.contains(p));
    c.filled.guessed.retain(|p| !bare.contains(p));
    c.filled.missing.extend(bare);
    c
}

/// The value of the first bare guess, for the explanation.
fn guessed_value(c: &Candidate) -> String {
    let p = c.filled.bare.first();
    c.filled
        .path
        .iter()
        .find(|(name, _)| Some(name) == p)
        .and_then(|(_, v)| v.as_str())
        .unwrap_or("")
        .to_string()
}

/// The share of the request's words the plan accounts for: words the
/// operation knows, and words it takes as values ("plan to pro").
fn coverage(best: &Candidate, plan: &Plan) -> f32 {
    if best.words_said == 0 {
        return 1.0;
    }
    let values: String = plan
        .steps
        .iter()
        .map(|s| {
            let json = serde_json::json!([s.path_params, s.query, s.body]);
            json.to_string().to_lowercase()
        })
        .collect();
    let unaccounted = best
        .unknown
        .iter()
        .filter(|w| !values.contains(w.as_str()))
        .count();
    1.0 - unaccounted as f32 / best.words_said as f32
}

/// Keeps the plan unless the request is a question best answered in words.
/// A question about a particular thing ("which roles does user_2abc have
/// in org_1?") is a request for data: its plan stands, without the answer.
fn finish(mut out: Routing, plan: Plan, doc: &Doc) -> Routing {
    out.op = plan.steps.last().map(Step::label);
    let particular = doc.entities.iter().any(|e| {
        matches!(
            e.kind,
            Kind::Id | Kind::Email | Kind::Phone | Kind::Url | Kind::Domain
        ) || (e.kind == Kind::Username && e.key.is_none())
    });
    // "... it keeps deleting my role field. what am I doing wrong?" asks
    // for an explanation: a question about nothing in particular never
    // turns into a write.
    let writes = plan.steps.iter().any(|s| s.method.is_write());
    let general_question = doc.question && !particular && writes;

    if out.answer.is_some() && particular && out.confident {
        out.answer = None;
    } else if out.answer.is_some() && (doc.leading_question || !out.confident || general_question) {
        out.why
            .push("Answered from grammar/knowledge.md; no request planned.".into());
        return out;
    }
    out.plan = Some(plan);
    out
}

/// The score's parts as one line.
fn explain(r: &Stages, c: &Candidate) -> String {
    let parts: Vec<String> = c
        .why
        .iter()
        .map(|(what, p)| format!("{what} {p:+.1}"))
        .collect();
    format!(
        "{} scored {:.1}: {}.",
        r.catalog.vocab[c.op].label,
        c.score,
        parts.join(", ")
    )
}

/// A one-operation plan (after a user lookup when the request named the
/// user by email, phone or username).
fn generic(r: &Stages, c: &Candidate) -> Plan {
    let v = &r.catalog.vocab[c.op];
    let f: &Filled = &c.filled;
    let mut steps = Vec::new();
    let mut notes = f.notes.clone();
    let mut main = Step::new(v.method, &v.path, &v.operation_id);
    main.path_params = f.path.clone();
    main.query = f.query.clone();
    if !f.items.is_empty() {
        main.body = Some(Value::Array(
            f.items.iter().cloned().map(Value::Object).collect(),
        ));
    } else if !f.body.is_empty() {
        main.body = Some(Value::Object(f.body.clone()));
    }
    main.purpose = v.summary.clone();
    if let (Some(lookup), Some(op)) = (&f.lookup, r.lookup_op()) {
        let (find, note) = fastpath::lookup_step(r, op, lookup, 0, &mut main);
        if matches!(lookup.slot, crate::plan::Slot::Body(_)) && main.body.is_none() {
            main.body = Some(Value::Object(serde_json::Map::new()));
        }
        steps.push(find);
        notes.push(note);
    }
    let more = targets(&main, &f.targets);
    steps.push(main);
    if !more.is_empty() {
        notes.push(format!(
            "One request per target: {} in all.",
            more.len() + 1
        ));
    }
    steps.extend(more);
    if let Some(m) = &f.meta {
        notes.push(format!("Writing {}: {}.", m.kind.field(), m.why));
    }
    // Values still missing are not a note: the pipeline lists them
    // (`missing::find`) and asks for them, so nothing says "still needed"
    // after the user gave it.
    if v.method == crate::spec::Method::Get
        && v.field("limit").is_some()
        && v.field("offset").is_some()
    {
        notes.push("Results are paginated (`limit`, `offset`); --all follows every page.".into());
    }
    Plan {
        version: r.catalog.version.clone(),
        steps,
        reason: format!("scores: {} scored {:.1}", v.label, c.score),
        notes,
        alternatives: Vec::new(),
    }
}

/// The main step again for each further target, with that target's value.
fn targets(main: &Step, targets: &[crate::intent::fill::MoreTarget]) -> Vec<Step> {
    use crate::plan::Slot;
    targets
        .iter()
        .map(|t| {
            let mut s = main.clone();
            let label = t.value.as_str().unwrap_or_default().to_string();
            match &t.slot {
                Slot::Path(p) => {
                    for (n, v) in &mut s.path_params {
                        if n == p {
                            *v = t.value.clone();
                        }
                    }
                }
                Slot::Query(p) => {
                    for (n, v) in &mut s.query {
                        if n == p {
                            *v = t.value.clone();
                        }
                    }
                }
                Slot::Body(ptr) => {
                    if let Some(v) = s.body.as_mut().and_then(|b| b.pointer_mut(ptr)) {
                        *v = t.value.clone();
                    }
                }
            }
            s.purpose = format!("{} ({label})", main.purpose);
            s
        })
        .collect()
}
