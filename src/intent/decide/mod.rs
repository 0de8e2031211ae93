//! Stage 5: build the plan. A question's answer, a fast path by rule, steps
//! said in order, a fan-out over a list, or the best-filled operation as a
//! generic plan; near ties and thin evidence offered instead of picked.

pub mod each;
pub mod fastpath;
pub mod findact;
pub mod howto;
pub mod knowledge;
pub mod rank;
pub mod route;
pub mod sequence;

use crate::intent::catalog::Catalog;
use crate::intent::catalog::score::Scorer;
use crate::intent::fill::{Context, Filler, Tables};
use crate::intent::grammar::{Grammar, OpRef};
use crate::intent::read::Reader;
use crate::intent::read::ids::Ids;
use crate::plan::Plan;
use knowledge::Answer;

/// What deciding sees: every stage before it, and the grammar's fast
/// paths and knowledge.
#[derive(Clone, Copy)]
pub struct Stages<'r> {
    pub grammar: &'r Grammar,
    pub reader: &'r Reader,
    pub catalog: &'r Catalog,
    pub tables: &'r Tables,
}

impl<'r> Stages<'r> {
    /// What IDs name (`grammar/ids.txt`).
    pub fn ids(&self) -> Ids<'r> {
        Ids {
            list: &self.grammar.ids,
        }
    }

    /// The operation a user is looked up with (`GET /users`), from the
    /// `get-user` fast path.
    pub fn lookup_op(&self) -> Option<&OpRef> {
        self.grammar.fastpath("get-user")?.lookup.as_ref()
    }

    /// The view of the router that scoring the catalog takes.
    pub fn scorer(&self) -> Scorer<'r> {
        Scorer {
            catalog: self.catalog,
            read: self.reader,
            ids: self.ids(),
        }
    }

    /// The view of the router that filling an operation takes.
    pub fn filler(&self) -> Filler<'r> {
        Filler {
            read: self.reader,
            ids: self.ids(),
            path_terms: &self.catalog.path_terms,
            tables: self.tables,
        }
    }
}

/// Routes a text of its own, for a stage that routes part of a request.
pub type Again<'a> = &'a dyn Fn(&str, &Context) -> Routing;

/// Routes one request (and, through it, the parts it is made of).
pub fn route(r: &Stages, text: &str, ctx: &Context) -> Routing {
    route::route(r, text, ctx, &|t: &str, c: &Context| route(r, t, c))
}

/// What routing made of a request.
#[derive(Debug, Clone, Default)]
pub struct Routing {
    pub plan: Option<Plan>,
    pub answer: Option<Answer>,
    /// Whether the plan can be acted on without a second look.
    pub confident: bool,
    /// Near ties, as plans, best first (the REPL offers them to pick).
    pub ties: Vec<Plan>,
    /// `METHOD /path` of the plan's final step.
    pub op: Option<String>,
    pub fast_path: Option<String>,
    /// How the plan was chosen, line by line, for `help`.
    pub why: Vec<String>,
    /// When nothing matched: the nearest operations.
    pub suggestions: Vec<String>,
}
