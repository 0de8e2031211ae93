//! Words that are not an explicit endpoint: a tag name to browse first,
//! otherwise plain English to route. A question gets its answer; a request
//! becomes a plan that runs through the same pipeline as an explicit
//! endpoint. `help` shows what the words resolved to and why.

use std::time::{SystemTime, UNIX_EPOCH};

use super::{App, AppError, Status, execute};
use crate::command::Options;
use crate::console::Console;
use crate::intent::{Context, Router};
use crate::render::printer::Printer;
use crate::render::{View, browse, routing};
use crate::spec::{Spec, TagMatch};

pub async fn run(
    app: &mut App,
    spec: &Spec,
    text: &str,
    help: bool,
    options: &Options,
    console: &mut dyn Console,
) -> Result<(View, Status), AppError> {
    let style = console.out_style();
    let printer = Printer::new(options);
    let near_tags = match spec.find_tag(text) {
        TagMatch::Found(tag) => return Ok((browse::tag(spec, tag, style), Status::Ok)),
        TagMatch::Suggestions(tags) => tags,
    };
    let router = Router::cached(spec, app.store.config().cache_dir.as_deref()).map_err(|e| {
        AppError::Failed(format!(
            "the built-in grammar does not load ({e}); this is a bug in clerk-backend-api, please report it"
        ))
    })?;
    let ctx = Context {
        now_ms: now_ms(),
        memory: &app.memory,
        repl: app.repl,
    };
    let routing = router.route(text, &ctx);
    if help {
        return Ok((routing::explain(spec, text, &routing, style), Status::Ok));
    }
    // One unclear word is most likely a misspelt tag (`Usres`): suggest,
    // as browse mode does, rather than guess a request.
    let lone_guess = !routing.confident && !text.trim().contains(' ');
    let mut plan = match routing.plan.clone() {
        Some(plan) if !lone_guess => plan,
        // Candidates instead of a pick (a destructive operation the words do
        // not ask for): the same numbered list in the REPL and one-shot;
        // one-shot sends nothing and exits 2.
        None if routing.answer.is_none() && !routing.ties.is_empty() => {
            let (best, rest) = routing.ties.split_first().expect("not empty");
            let view = routing::choices(spec, text, best, rest, style);
            let status = if app.repl { Status::Ok } else { Status::Usage };
            return Ok((view, status));
        }
        _ => {
            if let Some(answer) = &routing.answer {
                return Ok((routing::answer(spec, answer, style), Status::Ok));
            }
            return Ok((
                routing::nothing(spec, text, &near_tags, &routing, style),
                Status::Failed,
            ));
        }
    };
    // One decision for both modes: a confident plan runs; a plan with low
    // confidence is a numbered choice in the REPL and, one-shot, a dry run
    // or a read only (a write is refused: give the endpoint explicitly).
    if !routing.confident
        && app.repl
        && !printer.json()
        && !options.dry_run
        && !routing.ties.is_empty()
    {
        return Ok((
            routing::choices(spec, text, &plan, &routing.ties, style),
            Status::Ok,
        ));
    }
    if !routing.confident && plan.writes() && !options.dry_run && !options.curl {
        printer.preface(console, &routing::understood(&plan, style));
        return Err(AppError::Usage(
            "not sent: the request was matched with low confidence; check the plan with \
             --dry-run, or give the endpoint explicitly"
                .into(),
        ));
    }
    // `--each FILE` fills the one value the routed plan leaves open, as it
    // does for an explicit endpoint; a plan with targets of its own takes
    // no more.
    if let Some(each) = execute::each_file(options) {
        if plan.fan_out_step().is_some() {
            return Err(AppError::Usage(
                "the request already acts on every item of a list; --each adds no targets to it"
                    .into(),
            ));
        }
        crate::plan::explicit::fan_out(spec, &mut plan, Vec::new(), Some(each))
            .map_err(AppError::Usage)?;
    }
    if let Some(answer) = &routing.answer {
        printer.preface(console, &routing::preface(answer, style));
    }
    execute::run_plan(app, spec, plan, options, console).await
}

fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as i64)
}
