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

mod complete;
mod paginate;
mod runner;
mod steps;

use std::io::{IsTerminal, Read};
use std::time::Duration;

use serde_json::Value;

use super::{App, AppError, Status};
use crate::client::bapi::{Bapi, Config, DEFAULT_BASE_URL, check_base_url};
use crate::command::Options;
use crate::console::{Console, Warning};
use crate::intent::Grammar;
use crate::pipeline::confirm::{self, Consent, Question, Shown};
use crate::pipeline::{self, Env, SecretKey, key};
use crate::plan::missing::{self, Missing};
use crate::plan::{Plan, explicit as explicit_plan, items};
use crate::render::plan::{DryRun, curl, display_body, dry_run_json, dry_run_text, step_url};
use crate::render::printer::Printer;
use crate::render::{View, sdk};
use crate::spec::{Method, Operation, Spec};

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
    let body = request_body(found.op, options, &items, !app.repl)?;
    let plan = explicit_plan::build(spec, &found, path, &items, body).map_err(AppError::Usage)?;
    run_plan(app, spec, plan, options, console).await
}

/// The body from `-d '{json}'`, `-d @file.json`, or (one-shot only) stdin
/// when it is not a terminal, no items were given and the operation takes
/// a body.
fn request_body(
    op: &Operation,
    options: &Options,
    items: &[String],
    one_shot: bool,
) -> Result<Option<Value>, AppError> {
    let (text, origin) = match options.data.as_deref() {
        Some("@-") => (
            read_capped(std::io::stdin().lock(), "stdin")?,
            "stdin".into(),
        ),
        Some(d) if d.starts_with('@') => {
            let file = &d[1..];
            let cannot =
                |why: String| AppError::Usage(format!("cannot read {file} for -d ({why})"));
            let meta = std::fs::metadata(file).map_err(|e| cannot(e.kind().to_string()))?;
            // A FIFO or a device (`/dev/zero`) could be read forever.
            if !meta.is_file() {
                return Err(cannot(
                    "it is not a regular file; pipe it on stdin with -d @- instead".into(),
                ));
            }
            let f = std::fs::File::open(file).map_err(|e| cannot(e.kind().to_string()))?;
            (read_capped(f, file)?, file.to_string())
        }
        Some(d) => (d.to_string(), "-d".to_string()),
        None => {
            let stdin = std::io::stdin();
            if !one_shot
                || !items.is_empty()
                || items::body_schema(op).is_none()
                || stdin.is_terminal()
            {
                return Ok(None);
            }
            let text = read_capped(stdin.lock(), "stdin")?;
            if text.trim().is_empty() {
                return Ok(None);
            }
            (text, "the body on stdin".to_string())
        }
    };
    serde_json::from_str(&text)
        .map(Some)
        .map_err(|e| AppError::Usage(format!("{origin} is not valid JSON ({e})")))
}

/// The largest request body read from a file or stdin.
const MAX_BODY_INPUT: u64 = 16 * 1024 * 1024;

/// Reads a body, refusing one over [`MAX_BODY_INPUT`] or not UTF-8.
fn read_capped(reader: impl Read, origin: &str) -> Result<String, AppError> {
    let mut bytes = Vec::new();
    reader
        .take(MAX_BODY_INPUT + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| AppError::Usage(format!("cannot read {origin} for -d ({})", e.kind())))?;
    if bytes.len() as u64 > MAX_BODY_INPUT {
        return Err(AppError::Usage(format!(
            "the body in {origin} is over {} MiB; Clerk's requests are far smaller",
            MAX_BODY_INPUT / (1024 * 1024)
        )));
    }
    String::from_utf8(bytes)
        .map_err(|_| AppError::Usage(format!("the body in {origin} is not UTF-8 text")))
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
/// pipeline, in order: path values checked, previews (which stop here),
/// missing values asked, the key, scopes, warnings, confirmation; only then
/// is a client made and the plan sent.
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
    let lacking = missing::find(spec, &plan);
    match Preview::of(options) {
        Some(Preview::DryRun) => {
            return Ok(dry_run(
                spec, &plan, options, env, &found, &lacking, &base_url, console,
            ));
        }
        Some(Preview::Curl) => {
            let verdict = pipeline::assess(spec, &plan, env, None);
            verdict.warnings.iter().for_each(|w| console.warn(w));
            return Ok((curl_view(&plan, &base_url, &lacking, console), Status::Ok));
        }
        Some(Preview::Sdk) => return sdk_view(spec, &plan),
        None => {}
    }
    complete::complete(spec, &mut plan, lacking, console)?;
    plan.check_path_values().map_err(AppError::Usage)?;
    // 1. The key.
    let key = found.as_ref().map_err(|e| AppError::Key(e.clone()))?;
    let base_url = check_base_url(&base_url)?;
    // 2. Scopes.
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
    verdict.warnings.iter().for_each(|w| console.warn(w));
    // 4. Confirmation.
    let style = console.err_style();
    if verdict.write {
        let requests: Vec<Shown> = plan
            .steps
            .iter()
            .map(|s| Shown {
                method: s.method,
                url: step_url(s, &base_url),
                body: display_body(s),
            })
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
    } else {
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
    let timeout = Duration::from_secs(options.timeout_secs.unwrap_or(30));
    let backoff = env
        .get("CLERK_BACKEND_API_RETRY_MS")
        .and_then(|v| v.trim().parse().ok())
        .map_or(Duration::from_millis(500), Duration::from_millis);
    let mut config = Config::new(base_url, timeout, backoff);
    if let Some(mib) = options.max_body_mib {
        config.max_body = mib.saturating_mul(1024 * 1024);
    }
    let client = Bapi::new(config, key)?;
    let mut runner = runner::Runner {
        spec,
        client: &client,
        console,
        memory: &mut app.memory,
        options,
        printer: Printer::new(options),
        repl: app.repl,
    };
    runner.run(&plan).await
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

/// `--sdk`: the plan as @clerk/backend code, or why there is none. Either
/// way nothing is sent.
fn sdk_view(spec: &Spec, plan: &Plan) -> Result<(View, Status), AppError> {
    let grammar = Grammar::shared()?;
    match sdk::render(&grammar.sdk, plan) {
        Some(code) => Ok((
            View {
                json: serde_json::json!({"mode": "sdk", "version": spec.version, "code": code}),
                text: code,
                picks: Vec::new(),
            },
            Status::Ok,
        )),
        None => {
            let labels: Vec<String> = plan.steps.iter().map(|s| s.label()).collect();
            Err(AppError::Usage(format!(
                "--sdk knows the @clerk/backend code of the common requests only, not {}; \
                 nothing was sent; --curl shows it as HTTP",
                labels.join(", then ")
            )))
        }
    }
}

#[allow(clippy::too_many_arguments)]
fn dry_run(
    spec: &Spec,
    plan: &Plan,
    options: &Options,
    env: &Env,
    found: &Result<SecretKey, key::KeyError>,
    lacking: &[Missing],
    base_url: &str,
    console: &mut dyn Console,
) -> (View, Status) {
    let instance = found.as_ref().ok().map(|k| k.instance);
    let verdict = pipeline::assess(spec, plan, env, instance);
    let d = DryRun {
        plan,
        verdict: &verdict,
        missing: lacking,
        base_url,
        admin: options.admin,
        yes: options.yes,
        key: match found {
            Ok(k) => Ok((k.instance, k.source.to_string())),
            Err(e) => Err(e.to_string()),
        },
    };
    let view = View {
        text: dry_run_text(&d, console.out_style()).trim_end().to_string(),
        json: dry_run_json(&d),
        picks: Vec::new(),
    };
    (view, Status::Ok)
}

fn curl_view(plan: &Plan, base_url: &str, lacking: &[Missing], console: &mut dyn Console) -> View {
    if !lacking.is_empty() {
        let names: Vec<&str> = lacking.iter().map(|m| m.name.as_str()).collect();
        console.note(&format!(
            "still to fill in by hand: {} (left as {{name}} below)",
            names.join(", ")
        ));
    }
    let script = curl(plan, base_url);
    View {
        text: script.trim_end().to_string(),
        json: Value::String(script),
        picks: Vec::new(),
    }
}
