//! Executing requests: an explicit endpoint becomes a plan; every plan
//! (explicit, fast path or routed) goes through the pipeline, the client and
//! the renderer here.

use super::{App, AppError, Status};
use crate::command::Options;
use crate::console::Console;
use crate::plan::Plan;
use crate::render::View;
use crate::spec::{Method, Spec};

/// `METHOD /path items...` without `help`.
pub async fn explicit(
    app: &mut App,
    spec: &Spec,
    method: Option<Method>,
    path: &str,
    items: Vec<String>,
    options: &Options,
    console: &mut dyn Console,
) -> Result<(View, Status), AppError> {
    let _ = (app, spec, method, path, items, options, console);
    Err(AppError::Failed(
        "executing requests is not built yet; add `help` to see the endpoint".into(),
    ))
}

/// Runs a plan through the pipeline (key, scopes, warnings, confirmation),
/// sends it, and renders the result. `--dry-run` stops before sending.
pub async fn run_plan(
    app: &mut App,
    spec: &Spec,
    plan: Plan,
    options: &Options,
    console: &mut dyn Console,
) -> Result<(View, Status), AppError> {
    let _ = (app, spec, plan, options, console);
    Err(AppError::Failed(
        "executing requests is not built yet".into(),
    ))
}
