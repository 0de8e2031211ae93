//! The safety pipeline every plan goes through before anything is sent, in
//! this order: 1 the secret key ([`key`]), 2 scopes ([`scopes`]),
//! 3 warnings ([`warnings`]), 4 confirmation ([`confirm`]). Everything here
//! is decided before the first request of a plan, including the lookups of
//! a plan whose last step writes.

pub mod confirm;
pub mod key;
pub mod scopes;
pub mod texts;
pub mod warnings;

pub use crate::env::Env;
pub use key::{Instance, SecretKey};

use crate::console::Warning;
use crate::plan::Plan;
use crate::spec::Spec;

/// What the pipeline concluded about a plan (shown by `--dry-run`).
#[derive(Debug, Clone, PartialEq)]
pub struct Verdict {
    /// Some step changes state.
    pub write: bool,
    /// Some step deletes.
    pub delete: bool,
    /// `CLERK_BAPI_SCOPES` as given.
    pub granted: Vec<String>,
    /// Scopes the plan needs that are not granted (before `--admin`).
    pub missing_scopes: Vec<&'static str>,
    pub warnings: Vec<Warning>,
}

impl Verdict {
    pub fn scope_ok(&self, admin: bool) -> bool {
        admin || self.missing_scopes.is_empty()
    }
}

/// Judges a plan: scopes and warnings (the key is found separately, since
/// `--dry-run` works without one).
pub fn assess(spec: &Spec, plan: &Plan, env: &Env, instance: Option<Instance>) -> Verdict {
    let granted = scopes::parse(env.get("CLERK_BAPI_SCOPES"));
    let missing_scopes = scopes::missing(&granted, plan.steps.iter().map(|s| s.method));
    let write = plan.writes();
    let mut warnings = Vec::new();
    if write && instance == Some(Instance::Production) {
        warnings.push(Warning::danger(texts::text("production.write", &[])));
    }
    warnings.extend(warnings::for_plan(spec, plan));
    Verdict {
        write,
        delete: plan.delete_step().is_some(),
        granted,
        missing_scopes,
        warnings,
    }
}

/// The sentence for insufficient scopes.
pub fn scope_sentence(plan: &Plan, verdict: &Verdict) -> String {
    let label = plan
        .steps
        .iter()
        .rev()
        .find(|s| s.method.is_write())
        .map_or_else(|| "this request".to_string(), |s| s.label());
    let scopes = if verdict.granted.is_empty() {
        "no scopes (it is unset)".to_string()
    } else {
        format!("only {}", verdict.granted.join(", "))
    };
    texts::text(
        "scopes.short",
        &[
            ("scopes", &scopes),
            ("label", &label),
            ("needed", &verdict.missing_scopes.join(" and ")),
        ],
    )
}
