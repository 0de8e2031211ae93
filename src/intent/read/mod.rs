//! Stage 1 and 2: read the request. Its tokens, the entities in them (IDs,
//! emails, dates, roles, JSON...), and the normalised terms of the other
//! words (typos fixed, synonyms applied, negation scoped), as one [`Doc`].
//! Knows the grammar's words and the spec's vocabulary, never the
//! operations.

pub mod doc;
pub mod english;
pub mod entities;
pub mod filters;
pub mod ids;
pub mod lexicon;
pub mod literal;
pub mod metadata;
pub mod negation;
pub mod time;
pub mod tokens;

use std::collections::HashSet;

use doc::{Doc, Words};
use entities::Extractor;
use lexicon::Lexicon;
use metadata::MetaWords;

use crate::intent::grammar::Grammar;

/// What reading needs: the lexicon of every known word, the entity
/// patterns, the grammar's word lists, and the terms entities imply.
#[derive(Debug)]
pub struct Reader {
    pub lex: Lexicon,
    pub ex: Extractor,
    pub words: Words,
    pub meta: MetaWords,
    /// The terms of the object types IDs name (`user`, `organization`).
    pub object_terms: HashSet<String>,
    /// What a bare role word is about (`membership`).
    pub role_implies: Vec<String>,
}

impl Reader {
    /// `names`: `(lower-case name, operation label)` of the operations a
    /// request may name directly (`users.ban`).
    pub fn new(
        grammar: &Grammar,
        lex: Lexicon,
        words: Words,
        meta: MetaWords,
        names: Vec<(String, String)>,
    ) -> Reader {
        let ex = Extractor::new(grammar, names);
        let object_terms = grammar
            .ids
            .iter()
            .flat_map(|p| lex.text_terms(&p.object))
            .collect();
        let role_implies = grammar
            .roles
            .list("implies")
            .iter()
            .flat_map(|w| lex.text_terms(w))
            .collect();
        Reader {
            lex,
            ex,
            words,
            meta,
            object_terms,
            role_implies,
        }
    }

    /// Reads a request; `now_ms` is the time "last 7 days" counts from.
    pub fn read(&self, text: &str, now_ms: i64) -> Doc {
        Doc::read(text, &self.lex, &self.ex, &self.words, now_ms)
    }
}
