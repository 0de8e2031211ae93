//! Stage 3: score the catalog. Every operation of the spec, its vocabulary
//! and an index over it (built once, cached on disk), the rules of
//! `grammar/rules.txt`, and the words-only scoring of a read request
//! against all of them, with the safety check of what each would destroy.

pub mod built;
pub mod cache;
pub mod describe;
pub mod index;
pub mod rules;
pub mod safety;
pub mod score;
pub mod vocab;

use std::collections::HashSet;

use index::Index;
use rules::Rule;
use vocab::OpVocab;

use crate::intent::grammar::OpRef;

/// The spec's operations as routing sees them, built once per spec.
#[derive(Debug)]
pub struct Catalog {
    /// One vocabulary per operation, in the spec's order.
    pub vocab: Vec<OpVocab>,
    /// The vocabulary by term number, for scoring.
    pub index: Index,
    pub rules: Vec<Rule>,
    /// The spec's version, for plans.
    pub version: String,
    /// Every term some operation's path uses: the spec's nouns and actions.
    pub path_terms: HashSet<String>,
    /// Whether the spec has `PATCH /users/{user_id}/metadata` (merging).
    pub has_metadata_merge: bool,
}

impl Catalog {
    pub fn new(vocab: Vec<OpVocab>, index: Index, rules: Vec<Rule>, version: String) -> Catalog {
        let path_terms = vocab
            .iter()
            .flat_map(|v| v.segments.iter().flatten().cloned())
            .collect();
        let has_metadata_merge = vocab
            .iter()
            .any(|v| v.label == "PATCH /users/{user_id}/metadata");
        Catalog {
            vocab,
            index,
            rules,
            version,
            path_terms,
            has_metadata_merge,
        }
    }

    /// The operation a grammar reference names.
    pub fn op(&self, r: &OpRef) -> Option<&OpVocab> {
        self.vocab
            .iter()
            .find(|v| v.method == r.method && v.path == r.path)
    }
}
