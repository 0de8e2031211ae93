//! Natural-language routing: plain English to a [`Plan`], with no language
//! model and no network. Rules, synonyms and word lists are data in
//! `grammar/`; the vocabulary of every operation is built from the spec;
//! this module holds the mechanisms:
//!
//! ```text
//! text -> tokens -> entities (IDs, emails, dates...) -> terms (typos fixed,
//!   synonyms applied) -> knowledge answer? -> rule? -> every operation scored
//!   -> best few filled from the request -> fast-path or generic plan
//! ```
//!
//! Routing is pure: the time (for "last 7 days") and the conversation's
//! memory come in through [`Context`].

mod built;
pub mod cache;
mod check;
mod describe;
mod doc;
mod each;
mod entities;
mod fastpath;
mod fill;
mod filters;
pub mod grammar;
mod howto;
mod index;
mod knowledge;
mod lexicon;
mod literal;
mod metadata;
mod negation;
mod phrases;
mod route;
mod rules;
mod safety;
mod score;
mod sequence;
mod time;
mod tokens;
mod values;
mod vocab;

use std::collections::{HashMap, HashSet};

use std::sync::{Arc, Mutex};

pub use fill::Context;
pub use grammar::{Grammar, GrammarError};
pub use knowledge::Answer;
pub use route::Routing;

use doc::{Doc, Words};
use entities::{Extractor, Kind};
use grammar::OpRef;
use lexicon::Lexicon;
use metadata::MetaWords;
use vocab::OpVocab;

use crate::memory::Memory;
use crate::spec::Spec;

/// Everything routing needs, built once per spec: the grammar, the lexicon
/// that knows the spec's words, and each operation's vocabulary.
#[derive(Debug)]
pub struct Router {
    grammar: Grammar,
    lex: Lexicon,
    ex: Extractor,
    words: Words,
    meta: MetaWords,
    vocab: Vec<OpVocab>,
    rules: Vec<rules::Rule>,
    version: String,
    /// Whether the spec has `PATCH /users/{user_id}/metadata` (merging).
    has_metadata_merge: bool,
    /// `(email|phone|username, GET /users filter)`.
    lookup_fields: Vec<(String, String)>,
    /// Every term some operation's path uses: the spec's nouns and actions.
    path_terms: HashSet<String>,
    /// The vocabulary by term number, for scoring.
    index: index::Index,
    /// The terms of the object types IDs name (`user`, `organization`).
    object_terms: HashSet<String>,
    /// The lists of `grammar/fields.txt` by key, and its sorts.
    field_lists: HashMap<String, Vec<String>>,
    orders: Vec<(String, Vec<Vec<String>>)>,
    /// What a bare role word is about (`membership`).
    role_implies: Vec<String>,
}

impl Router {
    /// Builds the router for a spec: the grammar, then what the spec's
    /// words make of it (the expensive part, [`built::Built`]).
    pub fn new(spec: &Spec) -> Result<Router, GrammarError> {
        let grammar = Grammar::load()?;
        let words = Words::new(&grammar);
        let meta = MetaWords::new(&grammar.metadata);
        let built = built::Built::new(spec, &grammar, &words, &meta);
        Router::assemble(grammar, words, meta, built)
    }

    /// The router for a spec, from the cache beside the digested spec
    /// index when one is there, else built and written there.
    pub fn load(spec: &Spec, cache_dir: Option<&std::path::Path>) -> Result<Router, GrammarError> {
        let grammar = Grammar::load()?;
        let words = Words::new(&grammar);
        let meta = MetaWords::new(&grammar.metadata);
        let built = match cache_dir {
            Some(dir) => cache::load(dir, spec, || {
                built::Built::new(spec, &grammar, &words, &meta)
            }),
            None => built::Built::new(spec, &grammar, &words, &meta),
        };
        Router::assemble(grammar, words, meta, built)
    }

    /// The cheap rest: entity patterns, rules, field tables.
    fn assemble(
        grammar: Grammar,
        words: Words,
        meta: MetaWords,
        built: built::Built,
    ) -> Result<Router, GrammarError> {
        let built::Built {
            lex,
            vocab,
            index,
            version,
        } = built;
        let names = vocab
            .iter()
            .flat_map(|v| v.names.iter().map(|n| (n.clone(), v.label.clone())))
            .collect();
        let ex = Extractor::new(&grammar, names);
        let rules = rules::parse(&grammar, &lex)?;
        let path_terms = vocab
            .iter()
            .flat_map(|v| v.segments.iter().flatten().cloned())
            .collect();
        let object_terms = grammar
            .ids
            .iter()
            .flat_map(|p| lex.text_terms(&p.object))
            .collect();
        let has_metadata_merge = vocab
            .iter()
            .any(|v| v.label == "PATCH /users/{user_id}/metadata");
        let field_lists = grammar
            .fields
            .entries
            .iter()
            .map(|e| (e.key.clone(), grammar.fields.list(&e.key)))
            .collect();
        let orders = grammar
            .fields
            .family("order")
            .into_iter()
            .map(|(value, list)| {
                let phrases = list
                    .iter()
                    .map(|p| p.split_whitespace().map(str::to_string).collect())
                    .collect();
                (value, phrases)
            })
            .collect();
        let role_implies = grammar
            .roles
            .list("implies")
            .iter()
            .flat_map(|w| lex.text_terms(w))
            .collect();
        let mut router = Router {
            grammar,
            lex,
            ex,
            words,
            meta,
            vocab,
            rules,
            version,
            has_metadata_merge,
            lookup_fields: Vec::new(),
            path_terms,
            index,
            object_terms,
            field_lists,
            orders,
            role_implies,
        };
        router.lookup_fields = router.find_lookup_fields();
        Ok(router)
    }

    /// The router for a spec, loaded (or built) on first use and kept for
    /// the process (a REPL routes many lines against the same spec).
    pub fn cached(
        spec: &Spec,
        cache_dir: Option<&std::path::Path>,
    ) -> Result<Arc<Router>, GrammarError> {
        static CACHE: Mutex<Vec<(String, usize, Arc<Router>)>> = Mutex::new(Vec::new());
        let mut cache = CACHE.lock().unwrap_or_else(|e| e.into_inner());
        let ops = spec.operations.len();
        if let Some((_, _, r)) = cache
            .iter()
            .find(|(v, n, _)| *v == spec.version && *n == ops)
        {
            return Ok(r.clone());
        }
        let router = Arc::new(Router::load(spec, cache_dir)?);
        cache.push((spec.version.clone(), ops, router.clone()));
        Ok(router)
    }

    /// Routes one request.
    pub fn route(&self, text: &str, ctx: &Context) -> Routing {
        route::route(self, text, ctx)
    }

    /// The grammar the router was built from.
    pub fn grammar(&self) -> &Grammar {
        &self.grammar
    }

    fn read(&self, text: &str, now_ms: i64) -> Doc {
        Doc::read(text, &self.lex, &self.ex, &self.words, now_ms)
    }

    fn op(&self, r: &OpRef) -> Option<&OpVocab> {
        self.vocab
            .iter()
            .find(|v| v.method == r.method && v.path == r.path)
    }

    fn lookup_op(&self) -> Option<&OpRef> {
        self.grammar.fastpath("get-user")?.lookup.as_ref()
    }

    /// The `GET /users` filters an email, phone or username looks a user up by.
    fn find_lookup_fields(&self) -> Vec<(String, String)> {
        let Some(users) = self.lookup_op().and_then(|o| self.op(o)) else {
            return Vec::new();
        };
        [Kind::Email, Kind::Phone, Kind::Username]
            .iter()
            .filter_map(|kind| Self::kind_key(*kind))
            .filter_map(|k| {
                let field = self
                    .fields_for_key(k)
                    .iter()
                    .find(|f| users.field(f).is_some())?;
                Some((k.to_string(), field.clone()))
            })
            .collect()
    }

    fn lookup_fields(&self) -> &[(String, String)] {
        &self.lookup_fields
    }

    /// Whether a parameter names a user (so an email can stand for it).
    fn is_user_param(&self, param: &str) -> bool {
        self.grammar
            .ids
            .iter()
            .any(|p| p.object == "user" && p.params.first().is_some_and(|f| f == param))
    }

    /// The object type user IDs name, for messages ("user").
    fn user_object(&self) -> &str {
        self.grammar
            .ids
            .iter()
            .find(|p| p.params.first().is_some_and(|f| self.is_user_param(f)))
            .map_or("", |p| p.object.as_str())
    }

    /// The ID the conversation last produced for a parameter.
    /// The conversation's ID for a parameter: `typed` says the reference
    /// names its object type (`them`, "that org"), so the last object of the
    /// parameter's type counts; a bare `it` means only the newest object,
    /// and only when the parameter takes its type. `kinds` are the object
    /// types the parameter takes.
    fn remembered(
        &self,
        param: &str,
        kinds: &[String],
        typed: bool,
        memory: &Memory,
    ) -> Option<(String, String)> {
        let label = |o: &str| o.replace('_', " ");
        if !typed {
            return memory
                .newest()
                .filter(|(o, _)| kinds.iter().any(|k| k == o))
                .map(|(o, id)| (id.to_string(), label(o)));
        }
        kinds
            .iter()
            .find_map(|k| memory.last(k).map(|id| (id.to_string(), label(k))))
            .or_else(|| {
                self.grammar
                    .ids
                    .iter()
                    .filter(|p| p.params.iter().any(|x| x == param))
                    .find_map(|p| {
                        memory
                            .last_with_prefix(&p.prefix)
                            .map(|id| (id.to_string(), label(&p.object)))
                    })
            })
    }

    /// The object types a path parameter takes: those of `ids.txt` that
    /// fill it, and the singular of the segment before it
    /// (`/jwt_templates/{template_id}` takes a `jwt_template`).
    fn param_kinds(&self, param: &str, before: &[String]) -> Vec<String> {
        let mut kinds: Vec<String> = self
            .grammar
            .ids
            .iter()
            .filter(|p| p.params.iter().any(|x| x == param))
            .map(|p| p.object.clone())
            .collect();
        if !before.is_empty() {
            kinds.push(before.join("_"));
        }
        kinds
    }

    fn fields_for_key(&self, key: &str) -> &[String] {
        self.field_lists.get(key).map_or(&[], Vec::as_slice)
    }

    /// The prefix values of `field` carry (`prefix.oauth_ = provider` in
    /// `grammar/fields.txt`).
    fn prefix_for(&self, field: &str) -> Option<&str> {
        self.field_lists
            .iter()
            .find(|(k, list)| k.starts_with("prefix.") && list.iter().any(|x| x == field))
            .map(|(k, _)| &k["prefix.".len()..])
    }

    /// Whether IDs fill this parameter (`grammar/ids.txt`).
    fn is_id_param(&self, param: &str) -> bool {
        self.grammar
            .ids
            .iter()
            .any(|p| p.params.iter().any(|x| x == param))
    }
}

#[cfg(test)]
pub(crate) mod testing;
#[cfg(test)]
mod tests;
