//! Terms as numbers: every operation's vocabulary in a compact form, so
//! that scoring all of them for each request is a few integer comparisons
//! per term (routing one request against the whole spec stays well under a
//! millisecond).

use std::collections::{HashMap, HashSet};

use serde::{Deserialize, Serialize};

use crate::intent::catalog::vocab::OpVocab;

/// The interned terms of the spec's vocabulary.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Terms {
    ids: HashMap<String, u32>,
    names: Vec<String>,
}

impl Terms {
    fn intern(&mut self, term: &str) -> u32 {
        if let Some(id) = self.ids.get(term) {
            return *id;
        }
        let id = self.names.len() as u32;
        self.ids.insert(term.to_string(), id);
        self.names.push(term.to_string());
        id
    }

    /// The number of a term the spec uses; `None` for any other word (which
    /// no operation can match).
    pub fn get(&self, term: &str) -> Option<u32> {
        self.ids.get(term).copied()
    }

    pub fn name(&self, id: u32) -> &str {
        self.names.get(id as usize).map_or("", String::as_str)
    }
}

/// One operation's vocabulary, by term number.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct OpIndex {
    /// `(term, weight)`, sorted by term.
    weights: Vec<(u32, f32)>,
    /// The distinct terms of its literal path segments (small words left
    /// out), in path order.
    pub segments: Vec<u32>,
    /// What its last segment's verb acts on (`password` of
    /// `remove_password`); empty when that segment has no verb.
    pub acted_on: Vec<u32>,
    pub action: Option<u32>,
    /// Its path parameters' names.
    pub params: Vec<u32>,
    /// BM25 weights of its description terms, sorted by term.
    pub described: Vec<(u32, f32)>,
}

impl OpIndex {
    pub fn described(&self, term: u32) -> Option<f32> {
        crate::intent::catalog::describe::weight(&self.described, term)
    }

    pub fn weight(&self, term: u32) -> Option<f32> {
        self.weights
            .binary_search_by_key(&term, |(t, _)| *t)
            .ok()
            .map(|i| self.weights[i].1)
    }
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Index {
    pub terms: Terms,
    pub ops: Vec<OpIndex>,
    /// By term number: whether some operation's path uses the term.
    path_terms: Vec<bool>,
    /// By term number: whether it is some operation's own action (`ban`).
    actions: Vec<bool>,
}

impl Index {
    /// `extra`: other names to number, such as the parameters ID prefixes
    /// fill, so a request's IDs can be compared with path parameters.
    pub fn build<'a>(
        vocab: &[OpVocab],
        stop: &HashSet<String>,
        is_verb: &dyn Fn(&str) -> bool,
        extra: impl Iterator<Item = &'a str>,
    ) -> Index {
        let mut terms = Terms::default();
        let mut ops = Vec::with_capacity(vocab.len());
        for v in vocab {
            let mut weights: Vec<(u32, f32)> = v
                .weights
                .iter()
                .map(|(t, w)| (terms.intern(t), *w))
                .collect();
            weights.sort_by_key(|(t, _)| *t);
            let mut segments = Vec::new();
            for t in v.segments.iter().flatten().filter(|t| !stop.contains(*t)) {
                let id = terms.intern(t);
                if !segments.contains(&id) {
                    segments.push(id);
                }
            }
            let last: &[String] = v.segments.last().map_or(&[], Vec::as_slice);
            let verb_at = |t: &String| is_verb(t) || v.action.as_ref() == Some(t);
            let acted_on = if last.iter().any(verb_at) {
                last.iter()
                    .filter(|t| !verb_at(t) && !stop.contains(*t))
                    .map(|t| terms.intern(t))
                    .collect()
            } else {
                Vec::new()
            };
            ops.push(OpIndex {
                weights,
                segments,
                acted_on,
                action: v.action.as_deref().map(|a| terms.intern(a)),
                params: v.params.iter().map(|(p, _)| terms.intern(p)).collect(),
                described: Vec::new(),
            });
        }
        let docs: Vec<Vec<u32>> = vocab
            .iter()
            .map(|v| v.described.iter().map(|t| terms.intern(t)).collect())
            .collect();
        for (op, w) in ops
            .iter_mut()
            .zip(crate::intent::catalog::describe::weights(&docs))
        {
            op.described = w;
        }
        for e in extra {
            terms.intern(e);
        }
        let mut path_terms = vec![false; terms.names.len()];
        for op in &ops {
            for t in &op.segments {
                path_terms[*t as usize] = true;
            }
        }
        let mut actions = vec![false; terms.names.len()];
        for a in ops.iter().filter_map(|op| op.action) {
            actions[a as usize] = true;
        }
        Index {
            terms,
            ops,
            path_terms,
            actions,
        }
    }

    pub fn is_action(&self, term: u32) -> bool {
        self.actions.get(term as usize).copied().unwrap_or(false)
    }

    pub fn is_path_term(&self, term: u32) -> bool {
        self.path_terms.get(term as usize).copied().unwrap_or(false)
    }
}
