//! Sending a plan's steps in order: links filled from earlier responses,
//! lookups that must find exactly one item, every response remembered, the
//! final step rendered (and a line on what each earlier step did).

use serde_json::Value;

use super::paginate;
use super::runner::Runner;
use crate::app::{AppError, Status};
use crate::plan::explicit::is_paginated;
use crate::plan::{Plan, Step, links};
use crate::render::View;
use crate::render::result::{brief, list_items, more_may_exist};
use crate::spec::Spec;

impl Runner<'_> {
    pub async fn run(&mut self, plan: &Plan) -> Result<(View, Status), AppError> {
        let mut responses: Vec<Value> = Vec::new();
        let mut done: Vec<String> = Vec::new();
        let count = plan.steps.len();
        for (i, step) in plan.steps.iter().enumerate() {
            let resolved = links::resolve(step, i, &responses)?;
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
                if self.repl {
                    self.memory.observe_rows(&body);
                }
                let more = more_line(self.spec, &resolved, &body);
                let picks = if self.repl {
                    item_commands(self.spec, &resolved, &body)
                } else {
                    Vec::new()
                };
                let view = self.printer.result(self.console, &done, &body, more, picks);
                return Ok((view, Status::Ok));
            }
            done.push(format!("{}. {}: {}", i + 1, describe(step), outcome(&body)));
            responses.push(body);
        }
        Ok((View::default(), Status::Ok))
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

/// The command each row of a list opens in the REPL: the operation that
/// reads one item of the list (`GET /users` → `GET /users/{user_id}`), with
/// each item's ID. None when the spec has no such operation.
fn item_commands(spec: &Spec, step: &Step, body: &Value) -> Vec<String> {
    let Some((items, _)) = list_items(body) else {
        return Vec::new();
    };
    let list_path = step.concrete_path();
    // One more segment, a parameter: `/users` → `/users/{user_id}`.
    let reads_one = spec.operations.iter().any(|op| {
        op.method == crate::spec::Method::Get
            && op
                .path
                .strip_prefix(&format!("{}/{{", step.path))
                .is_some_and(|rest| !rest.contains('/'))
    });
    if !reads_one {
        return Vec::new();
    }
    items
        .iter()
        .map(|item| match item.get("id").and_then(Value::as_str) {
            Some(id) => format!("GET {list_path}/{}", crate::plan::encode_segment(id)),
            None => String::new(),
        })
        .collect()
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
