//! Executing requests: an explicit endpoint becomes a plan; every plan
//! (explicit, fast path or routed) goes through the same steps here:
//!
//! 1. complete the values it lacks (asked on a terminal, else exit 2);
//! 2. the pipeline, before ANY request of the plan is sent: the secret key,
//!    scopes, warnings, confirmation ([`crate::pipeline`]);
//! 3. send the steps in order, filling links from earlier responses
//!    ([`steps`]), `--all` following pages ([`paginate`]);
//! 4. render the result, and remember what the responses show.
//!
//! `--dry-run`, `--curl` and `--sdk` ([`Preview`]) stop before sending and
//! need no key. The console removes the key from everything shown.

mod body;
pub mod bulk;
mod complete;
mod paginate;
mod preview;
pub mod record;
mod runner;
mod steps;

use std::time::Duration;

use super::{App, AppError, Status};
use crate::client::bapi::{Bapi, Config, DEFAULT_BASE_URL, check_base_url};
use crate::client::limit::Rate;
use crate::command::Options;
use crate::console::{Console, Warning};
use crate::journal::{Journal, before};
use crate::pipeline::confirm::{self, Consent, Question, Shown};
use crate::pipeline::{self, Env, SecretKey, key};
use crate::plan::check::check_plan;
use crate::plan::missing;
use crate::plan::{Plan, explicit as explicit_plan};
use crate::render::View;
use crate::render::plan::{display_body, step_url};
use crate::render::printer::Printer;
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
    let method = method.unwrap_or(Method::Get);
    let Some(found) = spec.find_endpoint(method, path) else {
        return Err(AppError::NotFound(super::missing_endpoint(
            spec,
            Some(method),
            path,
        )));
    };
    // Words without `=` are targets: `POST /users/{user_id}/ban user_1 user_2`;
    // but `file@./logo.png` is a file to upload.
    let files = crate::plan::uploads::op_files(spec, found.op);
    let (targets, items): (Vec<String>, Vec<String>) = items
        .into_iter()
        .partition(|i| !i.contains('=') && !crate::plan::uploads::is_file_item(i, &files));
    let body = body::request_body(found.op, options, &items, !app.repl)?;
    let mut plan =
        explicit_plan::build(spec, &found, path, &items, body).map_err(AppError::Usage)?;
    explicit_plan::fan_out(spec, &mut plan, targets, each_file(options))
        .map_err(AppError::Usage)?;
    run_plan(app, spec, plan, options, console).await
}

/// `--each FILE` (and its `--column`), for explicit and routed plans alike.
pub fn each_file(options: &Options) -> Option<(&str, Option<&str>)> {
    options
        .each
        .as_deref()
        .map(|f| (f, options.column.as_deref()))
}

/// Runs a plan through the pipeline, sends it, and renders the result.
pub async fn run_plan(
    app: &mut App,
    spec: &Spec,
    plan: Plan,
    options: &Options,
    console: &mut dyn Console,
) -> Result<(View, Status), AppError> {
    let env = app.env.clone();
    run_plan_with(app, spec, plan, options, console, &env).await
}

/// What a command shows instead of sending: `--dry-run`, `--curl`, `--sdk`.
/// Each one returns before the client exists, so none can send.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Preview {
    DryRun,
    Curl,
    Sdk,
}

impl Preview {
    pub fn of(options: &Options) -> Option<Preview> {
        if options.dry_run {
            Some(Preview::DryRun)
        } else if options.curl {
            Some(Preview::Curl)
        } else if options.sdk {
            Some(Preview::Sdk)
        } else {
            None
        }
    }
}

/// [`run_plan`] with the environment given (tests build their own). The
/// pipeline, in order: path and other values checked against the spec,
/// previews (which stop here), missing values asked, the key, scopes,
/// warnings, confirmation; only then is a client made and the plan sent.
pub async fn run_plan_with(
    app: &mut App,
    spec: &Spec,
    mut plan: Plan,
    options: &Options,
    console: &mut dyn Console,
    env: &Env,
) -> Result<(View, Status), AppError> {
    let found = key::discover(env);
    let (base_url, server) = choose_base_url(options.base_url.as_deref(), &spec.server_url);
    if let Some(w) = server {
        console.warn(&w);
    }
    plan.check_path_values().map_err(AppError::Usage)?;
    plan.check_fan_out().map_err(AppError::Usage)?;
    crate::plan::uploads::mark(spec, &mut plan);
    check_plan(spec, &plan).map_err(|e| {
        AppError::Usage(format!(
            "{e}: give a value the spec allows; nothing was sent"
        ))
    })?;
    let mut lacking = missing::find(spec, &plan);
    // The value each target fills is not missing: the targets give it.
    if let Some((i, _, each)) = plan.fan_out_step() {
        lacking.retain(|m| !(m.step == i && m.slot == each.slot));
    }
    match Preview::of(options) {
        Some(Preview::DryRun) => {
            return Ok(preview::dry_run(
                spec, &plan, options, env, &found, &lacking, &base_url, console,
            ));
        }
        Some(Preview::Curl) => {
            let verdict = pipeline::assess(spec, &plan, env, None);
            verdict.warnings.iter().for_each(|w| console.warn(w));
            let view = preview::curl_view(&plan, &base_url, &lacking, console);
            return Ok((view, Status::Ok));
        }
        Some(Preview::Sdk) => return preview::sdk_view(spec, &plan),
        None => {}
    }
    complete::complete(spec, &mut plan, lacking, console)?;
    plan.check_path_values().map_err(AppError::Usage)?;
    // 1. The key.
    let key = found.as_ref().map_err(|e| AppError::Key(e.clone()))?;
    let base_url = check_base_url(&base_url)?;
    // 2. Scopes, once for the whole plan (a bulk template included).
    let verdict = pipeline::assess(spec, &plan, env, Some(key.instance));
    if !verdict.scope_ok(options.admin) {
        let sentence = pipeline::scope_sentence(&plan, &verdict);
        if !(app.repl && console.interactive()) {
            return Err(AppError::Usage(sentence));
        }
        console.note(&sentence);
        let answer = console
            .ask("Rerun with --admin? [y/N] ")
            .unwrap_or_default();
        if !matches!(answer.trim().to_ascii_lowercase().as_str(), "y" | "yes") {
            return Err(AppError::Usage(
                "not sent: the scopes do not allow it".into(),
            ));
        }
    }
    // 3. Warnings, after the plan's notes (which metadata type and why...).
    let mut said: Vec<&String> = Vec::new();
    for note in &plan.notes {
        // A note two parts of the plan both add is said once.
        if said.contains(&note) {
            continue;
        }
        said.push(note);
        let style = console.err_style();
        console.note(&style.dim(&format!("note: {note}")));
    }
    let bulk = plan.fan_out_step().is_some();
    if bulk && !verdict.write {
        return Err(AppError::Usage(
            "only writes are sent once per target; for reads, list with --all (and --output csv or ndjson)".into(),
        ));
    }
    // A bulk plan's warnings wait for its count (see `bulk::run`).
    if !bulk {
        verdict.warnings.iter().for_each(|w| console.warn(w));
    }
    // 4. Confirmation, for a bulk plan after its targets are counted.
    let style = console.err_style();
    if verdict.write && !bulk {
        let requests: Vec<Shown> = plan
            .steps
            .iter()
            .map(|s| Shown {
                method: s.method,
                url: step_url(s, &base_url),
                body: display_body(s),
            })
            .collect();
        let reads_before: Vec<String> = plan
            .steps
            .iter()
            .filter_map(|s| before::read_for(spec, s))
            .map(|b| format!("GET {}", step_url(&b.step, &base_url)))
            .collect();
        let delete_id = plan
            .delete_step()
            .and_then(|s| s.path_params.last())
            .and_then(|(_, v)| v.as_str());
        let question = Question {
            requests: &requests,
            instance: key.instance,
            source: &key.source,
            delete: verdict.delete,
            delete_id,
            yes: options.yes,
            reads_before: &reads_before,
        };
        match confirm::ask(console, &question) {
            Consent::Given => {}
            Consent::Declined => {
                console.note("Cancelled: nothing was sent.");
                return Ok((View::default(), Status::Failed));
            }
            Consent::NoTerminal => {
                return Err(AppError::Usage(
                    "refusing to write without confirmation: there is no terminal to ask on; rerun with --yes if you mean it".into(),
                ));
            }
        }
    } else if !verdict.write {
        // A read is not confirmed, but the user still sees what is sent.
        for s in &plan.steps {
            console.note(&style.dim(&format!("{} {}", s.method, step_url(s, &base_url))));
        }
        console.note(&style.dim(&format!(
            "{} instance, key from {}",
            key.instance.as_str(),
            key.source
        )));
    }
    // Every write is journaled; without a journal, nothing is written.
    let journal = if verdict.write {
        Some(Journal::open(app.journal_dir.as_deref(), key.redactor())?)
    } else {
        None
    };
    let client = Bapi::new(client_config(options, env, base_url, key), key)?;
    let mut runner = runner::Runner {
        spec,
        client: &client,
        console,
        memory: &mut app.memory,
        options,
        printer: Printer::new(options),
        repl: app.repl,
        journal: journal.as_ref(),
        instance: key.instance,
        undoes: app.undoing.clone(),
    };
    match (&journal, bulk) {
        (Some(j), true) => bulk::run(&mut runner, &plan, &verdict, key, j).await,
        _ => runner.run(&plan).await,
    }
}

/// The client's settings: `--timeout`, `--max-body`, the retry backoff, and
/// the instance's rate (`CLERK_BACKEND_API_RATE_SCALE` shortens its window
/// for tests only).
fn client_config(options: &Options, env: &Env, base_url: String, key: &SecretKey) -> Config {
    let timeout = Duration::from_secs(options.timeout_secs.unwrap_or(30));
    let backoff = env
        .get("CLERK_BACKEND_API_RETRY_MS")
        .and_then(|v| v.trim().parse().ok())
        .map_or(Duration::from_millis(500), Duration::from_millis);
    let mut config = Config::new(base_url, timeout, backoff);
    if let Some(mib) = options.max_body_mib {
        config.max_body = mib.saturating_mul(1024 * 1024);
    }
    let scale = env
        .get("CLERK_BACKEND_API_RATE_SCALE")
        .and_then(|v| v.trim().parse::<f64>().ok())
        .unwrap_or(1.0);
    config.rate = Some(Rate::for_instance(key.instance, scale));
    config
}

/// The base URL requests go to: the one the user chose (`--base-url` or
/// `CLERK_BACKEND_API_URL`), else Clerk's. A spec naming another server is
/// not followed (the key would go there): a warning says so.
fn choose_base_url(chosen: Option<&str>, spec_server: &str) -> (String, Option<Warning>) {
    if let Some(url) = chosen {
        return (url.to_string(), None);
    }
    let spec_server = spec_server.trim_end_matches('/');
    let warning = (!spec_server.is_empty() && spec_server != DEFAULT_BASE_URL).then(|| {
        Warning::danger(format!(
            "the spec names the server {spec_server}; requests go to {DEFAULT_BASE_URL} \
             (choose another with --base-url or CLERK_BACKEND_API_URL)"
        ))
    });
    (DEFAULT_BASE_URL.to_string(), warning)
}
