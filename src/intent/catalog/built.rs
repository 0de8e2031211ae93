//! What the spec's words make of the grammar, built once per spec and
//! cached on disk ([`crate::intent::catalog::cache`]): the lexicon (every known word, for
//! typo correction), each operation's vocabulary and the numbered index
//! scoring runs on. This is most of the router's build time; the rest
//! (entity patterns, rules, field tables) is cheap and rebuilt each time.

use serde::{Deserialize, Serialize};

use crate::intent::catalog::index::Index;
use crate::intent::catalog::vocab::{self, OpVocab};
use crate::intent::grammar::Grammar;
use crate::intent::read::doc::Words;
use crate::intent::read::lexicon::{self, Lexicon};
use crate::intent::read::metadata::MetaWords;
use crate::intent::read::time::TimeWords;
use crate::spec::Spec;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Built {
    pub lex: Lexicon,
    pub vocab: Vec<OpVocab>,
    pub index: Index,
    pub version: String,
}

impl Built {
    pub fn new(spec: &Spec, grammar: &Grammar, words: &Words, meta: &MetaWords) -> Built {
        let mut lex = Lexicon::new(grammar);
        let mut known: Vec<String> = words.vocabulary();
        known.extend(TimeWords::new(&grammar.time).vocabulary());
        known.extend(meta.vocabulary());
        for table in [&grammar.roles, &grammar.fields] {
            for e in &table.entries {
                known.extend(table.list(&e.key));
            }
        }
        for (_, rule) in &grammar.rules {
            let pattern = rule.split("=>").next().unwrap_or("");
            known.extend(
                pattern
                    .split(['|', ' '])
                    .map(|w| w.trim_start_matches('=').to_lowercase()),
            );
        }
        for w in known.iter().flat_map(|p| p.split_whitespace()) {
            lex.know_core(w);
        }
        lex.prefer(words.verbs.iter().flat_map(|(_, v)| v.iter().cloned()));
        let destructive: Vec<String> = grammar
            .actions
            .destructive
            .iter()
            .flat_map(|d| lex.text_terms(d))
            .collect();
        lex.guard(destructive);
        let vocab = vocab::build(spec, &lex, words);
        for v in &vocab {
            for t in v.segments.iter().flatten() {
                lex.know_core(t);
            }
            for t in v.weights.keys() {
                lex.know(t);
            }
            for f in &v.fields {
                f.terms.iter().for_each(|t| lex.know(t));
            }
        }
        for op in &spec.operations {
            let names = [Some(&op.operation_id), op.name_override.as_ref()];
            for w in lexicon::words(&op.path)
                .into_iter()
                .chain(names.into_iter().flatten().flat_map(|n| lexicon::words(n)))
            {
                lex.know_core(&w);
            }
            for w in lexicon::words(&op.summary) {
                lex.know(&w);
            }
        }
        let extra: Vec<String> = grammar
            .ids
            .iter()
            .flat_map(|p| p.params.iter().cloned().chain(lex.text_terms(&p.object)))
            .collect();
        let is_verb = |t: &str| {
            words
                .verbs
                .iter()
                .any(|(_, list)| list.iter().any(|w| w == t))
        };
        let index = Index::build(
            &vocab,
            &words.stop,
            &is_verb,
            extra.iter().map(String::as_str),
        );
        // The same word order as a cached copy restores (typo ties).
        lex.restore();
        Built {
            lex,
            vocab,
            index,
            version: spec.version.clone(),
        }
    }
}
