//! An explicit endpoint (`DELETE /users/user_2abc`, `POST /organizations
//! name=Acme`) as a one-step plan. Pure: the body text of `-d @file` or
//! stdin is read by the caller and passed in.

use serde_json::{Map, Value};

use super::each::Targets;
use super::items::{self, body_schema, check_body};
use super::{Plan, Step};
use crate::spec::{EndpointMatch, Spec};

/// Builds the plan; `Err` is one sentence naming the bad item or field.
pub fn build(
    spec: &Spec,
    found: &EndpointMatch<'_>,
    typed_path: &str,
    items: &[String],
    body: Option<Value>,
) -> Result<Plan, String> {
    let op = found.op;
    let mut step = Step::new(op.method, &op.path, &op.operation_id);
    step.purpose = op.summary.clone();
    for (name, value) in &found.bindings {
        step.path_params
            .push((name.clone(), Value::String(value.clone())));
    }
    if let Some(body) = body {
        check_body(spec, op, &body)?;
        step.body = Some(body);
    }
    // `GET /users?limit=3` typed as a URL: its query string is items too.
    let mut all: Vec<String> = query_items(typed_path);
    all.extend(items.iter().cloned());
    items::apply(spec, op, &mut step, &all)?;
    let body_required = op.request_body.as_ref().is_some_and(|b| b.required);
    if step.body.is_none() && body_required && body_schema(op).is_some() {
        step.body = Some(Value::Object(Map::new()));
    }
    let mut notes = Vec::new();
    if is_paginated(spec, &step) {
        notes.push(
            "Results are paginated with limit and offset; the output says when more may \
             exist, and --all follows every page."
                .to_string(),
        );
    }
    let mut plan = Plan::new(
        &spec.version,
        vec![step],
        &format!("explicit endpoint {}", op.label()),
    );
    plan.notes = notes;
    Ok(plan)
}

/// Several targets for one request: words without `=` after the path
/// (`POST /users/{user_id}/ban user_1 user_2`) or `--each FILE`. They fill
/// the one required value the request leaves open (a path parameter, else
/// a body field such as `identifier`). No targets: the plan is unchanged.
pub fn fan_out(
    spec: &Spec,
    plan: &mut Plan,
    targets: Vec<String>,
    each: Option<(&str, Option<&str>)>,
) -> Result<(), String> {
    if targets.is_empty() && each.is_none() {
        return Ok(());
    }
    let label = plan.steps.last().map(Step::label).unwrap_or_default();
    if !targets.is_empty() && each.is_some() {
        return Err(format!(
            "give the targets of {label} either after the path or with --each FILE, not both"
        ));
    }
    let open = super::missing::find(spec, plan);
    let slot = match open.as_slice() {
        [one] => one.slot.clone(),
        [] => {
            let what = match targets.first() {
                Some(t) => format!(
                    "`{t}` is not an item; items look like name=value (body or query), \
                     name==value (query) or name:=json (raw JSON), and as a target it would \
                     have no value to fill"
                ),
                None => "--each has no value to fill".to_string(),
            };
            return Err(format!(
                "{what}: {label} leaves none open; to send it once per target, write that \
                 value's place as {{name}} in the path (e.g. /users/{{user_id}}/ban)"
            ));
        }
        many => {
            let names: Vec<&str> = many.iter().map(|m| m.name.as_str()).collect();
            return Err(format!(
                "the targets would fill one value of {label}, but it lacks {}; give all of them but one",
                names.join(", ")
            ));
        }
    };
    let targets = match each {
        Some((path, column)) => Targets::File {
            path: path.to_string(),
            column: column.map(str::to_string),
        },
        None => Targets::Given { values: targets },
    };
    super::each::fan_out(plan, slot, targets)
}

/// Whether a step lists with `limit` and `offset` (and `--all` can follow
/// its pages).
pub fn is_paginated(spec: &Spec, step: &Step) -> bool {
    super::missing::operation(spec, step).is_some_and(|op| {
        op.method == crate::spec::Method::Get
            && op.query_params().any(|p| p.name == "limit")
            && op.query_params().any(|p| p.name == "offset")
    })
}

fn query_items(typed: &str) -> Vec<String> {
    let Some((_, query)) = typed.split_once('?') else {
        return Vec::new();
    };
    let query = query.split('#').next().unwrap_or("");
    query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| match p.split_once('=') {
            Some((k, v)) => format!("{}=={}", decode(k), decode(v)),
            None => format!("{}==", decode(p)),
        })
        .collect()
}

/// Percent-decoding for a typed query string (`+` is a space).
fn decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' if i + 2 < bytes.len() => match (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                (Some(h), Some(l)) => {
                    out.push(h * 16 + l);
                    i += 3;
                    continue;
                }
                _ => out.push(b'%'),
            },
            b'+' => out.push(b' '),
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn hex(b: u8) -> Option<u8> {
    (b as char).to_digit(16).map(|d| d as u8)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typed_query_strings_become_items() {
        assert_eq!(
            query_items("/users?limit=3&email_address=a%2Bb%40x.io"),
            ["limit==3", "email_address==a+b@x.io"]
        );
        assert!(query_items("/users").is_empty());
        assert_eq!(decode("a%2"), "a%2");
    }
}
