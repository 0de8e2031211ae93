//! Test helpers: a router over a small spec written for the tests, so the
//! mechanisms are tested without the real specs.

use crate::intent::Context;
use crate::intent::Router;
use crate::intent::read::doc::Doc;
use crate::memory::Memory;
use crate::spec::{self, Spec};

/// Wednesday 2025-06-18 12:00:00 UTC.
pub const NOW: i64 = 1_750_248_000_000;

pub fn spec() -> Spec {
    spec::digest(MINI, "mini.yml").expect("the test spec digests")
}

pub fn router() -> Router {
    Router::new(&spec()).expect("the grammar loads")
}

pub fn doc(text: &str) -> Doc {
    router().reader.read(text, NOW)
}

pub fn ctx(memory: &Memory) -> Context<'_> {
    Context {
        now_ms: NOW,
        memory,
        repl: false,
    }
}

const MINI: &str = include_str!("testing.yml");
