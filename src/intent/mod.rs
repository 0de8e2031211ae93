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

mod catalog;
mod check;
mod decide;
mod fill;
pub mod grammar;
mod read;

use std::sync::{Arc, Mutex};

pub use decide::Routing;
pub use decide::knowledge::Answer;
pub use fill::Context;
pub use grammar::{Grammar, GrammarError};

use catalog::{Catalog, built, cache, rules};
use decide::Stages;
use fill::Tables;
use read::Reader;
use read::doc::Words;
use read::metadata::MetaWords;

use crate::spec::Spec;

/// Everything routing needs, built once per spec: one part per stage.
#[derive(Debug)]
pub struct Router {
    grammar: Grammar,
    reader: Reader,
    catalog: Catalog,
    tables: Tables,
}

impl Router {
    /// Builds the router for a spec: the grammar, then what the spec's
    /// words make of it (the expensive part, [`built::Built`]).
    pub fn new(spec: &Spec) -> Result<Router, GrammarError> {
        Router::load(spec, None)
    }

    /// The router for a spec, from the cache beside the digested spec
    /// index when one is there, else built and written there.
    pub fn load(spec: &Spec, cache_dir: Option<&std::path::Path>) -> Result<Router, GrammarError> {
        let grammar = Grammar::load()?;
        let words = Words::new(&grammar);
        let meta = MetaWords::new(&grammar.metadata);
        let build = || built::Built::new(spec, &grammar, &words, &meta);
        let built = match cache_dir {
            Some(dir) => cache::load(dir, spec, build),
            None => build(),
        };
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
        let rules = rules::parse(&grammar, &lex)?;
        let reader = Reader::new(&grammar, lex, words, meta, names);
        let catalog = Catalog::new(vocab, index, rules, version);
        let tables = Tables::new(&grammar, &catalog);
        Ok(Router {
            grammar,
            reader,
            catalog,
            tables,
        })
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
        decide::route(&self.stages(), text, ctx)
    }

    /// The grammar the router was built from.
    pub fn grammar(&self) -> &Grammar {
        &self.grammar
    }

    /// The stages routing goes through, each a part of the router.
    fn stages(&self) -> Stages<'_> {
        Stages {
            grammar: &self.grammar,
            reader: &self.reader,
            catalog: &self.catalog,
            tables: &self.tables,
        }
    }
}

#[cfg(test)]
pub(crate) mod testing;
#[cfg(test)]
mod tests;
