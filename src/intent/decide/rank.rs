//! The shortlist of scoring, each operation filled from the request: what
//! the IDs and values say is added to what the words said, best first.

use super::Stages;
use crate::intent::catalog::rules::Hit;
use crate::intent::catalog::score::{self, Why};
use crate::intent::fill::{Context, Filled, fill};
use crate::intent::read::doc::Doc;

#[derive(Debug, Clone)]
pub struct Candidate {
    /// Index into the catalog's vocabulary (= the spec's operations).
    pub op: usize,
    pub score: f32,
    /// The score's parts, for `help`.
    pub why: Why,
    pub filled: Filled,
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

/// Ranks every operation, best first.
pub fn rank(r: &Stages, doc: &Doc, ctx: &Context, hit: Option<&Hit>) -> Vec<Candidate> {
    let filler = r.filler();
    let mut out: Vec<Candidate> = score::shortlist(&r.scorer(), doc, hit)
        .into_iter()
        .map(|s| {
            let filled = fill(&filler, &r.catalog.vocab[s.op], doc, ctx, hit);
            let mut why = s.why;
            why.extend(filled.why.iter().cloned());
            Candidate {
                op: s.op,
                score: s.score + filled.points,
                why,
                filled,
                unasked_destruction: s.unasked_destruction,
                unknown: s.unknown,
                words_said: s.words_said,
                unsaid: s.unsaid,
                acted: s.acted,
            }
        })
        .collect();
    out.sort_by(|a, b| b.score.total_cmp(&a.score));
    // Of two all but tied, where only the words of its description put
    // one ahead, the one whose path the request says in full goes first:
    // "the 5 most recent organizations" lists organizations, not
    // organization roles, whose description happens to say "recent".
    if let Some(top) = out.first() {
        let plain = top.score - described(top);
        let near = out
            .iter()
            .take_while(|c| c.score >= top.score - COVERS)
            .count();
        let better = (1..near)
            .filter(|&i| {
                out[i].unsaid < out[0].unsaid && out[i].score - described(&out[i]) >= plain
            })
            .min_by_key(|&i| (out[i].unsaid, i));
        if let Some(i) = better {
            let c = out.remove(i);
            out.insert(0, c);
        }
    }
    out
}

/// The points a candidate has from the words of its descriptions.
fn described(c: &Candidate) -> f32 {
    c.why
        .iter()
        .filter(|(w, _)| w == score::DESCRIPTION)
        .map(|(_, p)| p)
        .sum()
}

/// How close in score an operation that leaves fewer of its path's words
/// unsaid must be to go first.
const COVERS: f32 = 0.5;
