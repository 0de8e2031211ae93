//! Sending a plan's steps in order: links filled from earlier responses,
//! lookups that must find exactly one item, every response remembered, the
//! final step rendered (and a line on what each earlier step did).

use serde_json::Value;

use super::paginate;
use crate::app::{AppError, Status};
use crate::client::bapi::{Bapi, ClientError, Reply, Request};
use crate::command::{Options, Output};
use crate::console::Console;
use crate::memory::Memory;
use crate::pipeline::texts::{rate_limits, text};
use crate::plan::explicit::is_paginated;
use crate::plan::{Plan, Step, links};
use crate::render::View;
use crate::render::plan::step_url;
use crate::render::result::{brief, error_lines, list_items, more_may_exist, success};
use crate::spec::Spec;

pub struct Runner<'a> {
    pub spec: &'a Spec,
    pub client: &'a Bapi,
    pub console: &'a mut dyn Console,
    pub memory: &'a mut Memory,
    pub options: &'a Options,
    /// In the REPL, several lookup matches are offered to pick from.
    pub repl: bool,
}

impl Runner<'_> {
    pub async fn run(&mut self, plan: &Plan) -> Result<(View, Status), AppError> {
        let mut responses: Vec<Value> = Vec::new();
        let mut done: Vec<String> = Vec::new();
        let count = plan.steps.len();
        for (i, step) in plan.steps.iter().enumerate() {
            let resolved =
                links::resolve(step, i, &responses).map_err(|e| AppError::Failed(e.to_string()))?;
            let last = i + 1 == count;
            if last && self.options.all {
                if is_paginated(self.spec, &resolved) {
                    self.say_done(&done);
                    return paginate::all(self, &resolved).await;
                }
                let note = format!("--all ignored: {} is not a paged list", step.label());
                self.console.note(&note);
            }
            let reply = match self.send(&resolved).await {
                Ok(r) => r,
                Err(stop) => return Ok(self.stopped(stop, i, count, &done)),
            };
            if !reply.ok() {
                let view = self.api_error(&reply, i, count, &done);
                return Ok((view, Status::Failed));
            }
            self.memory.observe(&reply.body);
            let mut body = reply.body;
            if let Some(what) = &step.expect_one {
                body = self.exactly_one(what, body)?;
            }
            if last {
                return Ok((self.result(&resolved, &body, &done), Status::Ok));
            }
            done.push(format!("{}. {}: {}", i + 1, describe(step), outcome(&body)));
            responses.push(body);
        }
        Ok((View::default(), Status::Ok))
    }

    /// One request through the client, its notices on stderr. The URL is
    /// built by the same function that showed it for confirmation; values a
    /// link took from an earlier response are checked as typed ones are.
    pub async fn send(&mut self, step: &Step) -> Result<Reply, ClientError> {
        if let Err(why) = step.check_path_values() {
            return Err(ClientError::UrlChanged(why));
        }
        let req = Request {
            method: step.method,
            url: step_url(step, self.client.base_url()),
            body: step.body.clone(),
        };
        let console = &mut *self.console;
        let style = console.err_style();
        self.client
            .send(&req, &mut |m| console.note(&style.dim(m)))
            .await
    }

    fn json(&self) -> bool {
        self.options.output == Output::Json
    }

    /// Earlier steps' lines: in the text on stdout, or on stderr for JSON.
    fn say_done(&mut self, done: &[String]) {
        if !done.is_empty() {
            self.console.note(&done.join("\n"));
        }
    }

    fn result(&mut self, step: &Step, body: &Value, done: &[String]) -> View {
        let more = more_line(self.spec, step, body);
        if self.json() {
            self.say_done(done);
            if let Some(m) = &more {
                self.console.note(m);
            }
            return View {
                text: String::new(),
                json: body.clone(),
                picks: Vec::new(),
            };
        }
        let style = self.console.out_style();
        let mut out = String::new();
        for line in done {
            out.push_str(&style.dim(line));
            out.push('\n');
        }
        out.push_str(&success(body, style));
        if let Some(m) = more {
            if !out.ends_with('\n') {
                out.push('\n');
            }
            out.push_str(&style.yellow(&m));
        }
        View {
            text: out.trim_end().to_string(),
            json: body.clone(),
            picks: Vec::new(),
        }
    }

    /// An HTTP error: one line per Clerk error on stderr, the raw body as
    /// the JSON result.
    pub fn api_error(&mut self, reply: &Reply, i: usize, count: usize, done: &[String]) -> View {
        self.say_done(done);
        for line in error_lines(reply.status, &reply.body) {
            self.console.error(&line);
        }
        if i + 1 < count {
            self.console.note(&format!(
                "step {} of {count} failed; the steps after it were not sent",
                i + 1
            ));
        }
        View {
            text: String::new(),
            json: if self.json() {
                reply.body.clone()
            } else {
                Value::Null
            },
            picks: Vec::new(),
        }
    }

    fn stopped(
        &mut self,
        stop: ClientError,
        i: usize,
        count: usize,
        done: &[String],
    ) -> (View, Status) {
        match stop {
            ClientError::RateLimited { retries, reply } => {
                let view = self.api_error(&reply, i, count, done);
                let mut lines = vec![text("rate_limited", &[("retries", &retries.to_string())])];
                lines.extend(rate_limits().iter().map(|l| format!("  {l}")));
                self.console.note(&lines.join("\n"));
                (view, Status::Failed)
            }
            other => {
                self.say_done(done);
                self.console.error(&other.to_string());
                (View::default(), Status::Failed)
            }
        }
    }

    /// A lookup's response must hold exactly one item; in the REPL the user
    /// picks one of several.
    fn exactly_one(&mut self, what: &str, body: Value) -> Result<Value, AppError> {
        let Some((items, _)) = list_items(&body) else {
            return Ok(body);
        };
        match items.len() {
            0 => Err(AppError::NotFound(format!("No {what}"))),
            1 => Ok(body),
            n => {
                let list: Vec<String> = items
                    .iter()
                    .enumerate()
                    .map(|(k, it)| format!("  {}. {}", k + 1, brief(it)))
                    .collect();
                let head = format!("More than one {what} ({n}):\n{}", list.join("\n"));
                if !(self.repl && self.console.interactive()) {
                    return Err(AppError::NotFound(format!(
                        "{head}\nName the one you mean by its ID."
                    )));
                }
                self.console.note(&head);
                let answer = self
                    .console
                    .ask(&format!("Pick one (1-{n}), Enter cancels: "))
                    .unwrap_or_default();
                match answer.trim().parse::<usize>() {
                    Ok(k) if (1..=n).contains(&k) => Ok(only(&body, k - 1)),
                    _ => Err(AppError::Failed("cancelled; nothing else was sent".into())),
                }
            }
        }
    }
}

/// The response reduced to its `k`th item, in the same shape, so later
/// links (`/0/id`, `/data/0/id`) read the picked item.
fn only(body: &Value, k: usize) -> Value {
    match body {
        Value::Array(items) => Value::Array(vec![items[k].clone()]),
        Value::Object(map) => {
            let mut out = map.clone();
            let item = list_items(body).map(|(items, _)| items[k].clone());
            out.insert("data".into(), Value::Array(item.into_iter().collect()));
            out.insert("total_count".into(), Value::from(1));
            Value::Object(out)
        }
        other => other.clone(),
    }
}

fn describe(step: &Step) -> String {
    if step.purpose.is_empty() {
        step.label()
    } else {
        format!("{} ({})", step.purpose, step.label())
    }
}

/// What an earlier step produced, in a few words.
fn outcome(body: &Value) -> String {
    match list_items(body) {
        Some((items, _)) if items.len() == 1 => format!("found {}", brief(&items[0])),
        Some((items, _)) => format!("{} found", items.len()),
        None if body.get("id").is_some() => brief(body),
        None => "done".into(),
    }
}

/// "More results may exist" for a full page of a paginated list.
pub fn more_line(spec: &Spec, step: &Step, body: &Value) -> Option<String> {
    if !is_paginated(spec, step) {
        return None;
    }
    let (items, total) = list_items(body)?;
    let number = |name: &str| {
        step.query
            .iter()
            .find(|(n, _)| n == name)
            .and_then(|(_, v)| v.as_u64())
    };
    let limit = number("limit").unwrap_or_else(|| default_limit(spec, step));
    let offset = number("offset").unwrap_or(0);
    more_may_exist(items.len(), limit, offset, total).then(|| {
        format!(
            "More results may exist (this page is full at limit={limit}); next page: offset={}, or --all for every page.",
            offset + items.len() as u64
        )
    })
}

fn default_limit(spec: &Spec, step: &Step) -> u64 {
    crate::plan::missing::operation(spec, step)
        .and_then(|op| op.param("limit"))
        .and_then(|p| spec.schema(p.schema).default.as_deref()?.parse().ok())
        .unwrap_or(10)
}
