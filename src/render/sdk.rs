//! `--sdk`: a fast-path plan as @clerk/backend TypeScript, from the
//! templates of `grammar/sdk.txt`. Keys become camelCase (the REST API
//! uses snake_case); values taken from an earlier step become expressions
//! on that step's result (`org.id`, `users.data[0].id`), and a merged
//! metadata write spreads what was read (`{ ...user.publicMetadata, ... }`).

use serde_json::Value;

use crate::plan::{Link, Plan, Slot, Step};

const HEADER: &str = "import { createClerkClient } from '@clerk/backend'\n\n\
const clerkClient = createClerkClient({ secretKey: process.env.CLERK_SECRET_KEY })\n";

pub const CASE_NOTE: &str =
    "The REST API uses snake_case (public_metadata); the SDK uses camelCase (publicMetadata).";

/// The plan as SDK code; `None` when a step has no template.
pub fn render(templates: &[(String, String)], plan: &Plan) -> Option<String> {
    let mut names: Vec<Option<String>> = Vec::new();
    let mut lines = Vec::new();
    for s in &plan.steps {
        let template = templates.iter().find(|(l, _)| *l == s.label())?.1.as_str();
        let name = template
            .strip_prefix("const ")
            .and_then(|t| t.split_once(" = "))
            .map(|(n, _)| n.to_string());
        let mut code = template.to_string();
        for param in param_names(&s.path) {
            code = code.replace(&format!("{{path.{param}}}"), &path_value(s, &param, &names));
        }
        code = code.replace("{query}", &object(&s.query, &[], &names));
        let body: Vec<(String, Value)> = match &s.body {
            Some(Value::Object(m)) => m.iter().map(|(k, v)| (k.clone(), v.clone())).collect(),
            _ => Vec::new(),
        };
        let merges: Vec<&Link> = s.links.iter().filter(|l| l.merge).collect();
        let inner = object(&body, &merges, &names);
        code = code.replace(
            "{body...}",
            inner.trim_start_matches("{ ").trim_end_matches(" }"),
        );
        code = code.replace("{body}", &inner).replace("({})", "()");
        if s.expect_one.is_some()
            && let Some(n) = &name
        {
            code.push_str(&format!("\n// Expect exactly one: {n}.data.length === 1"));
        }
        lines.push(code);
        names.push(name);
    }
    Some(format!(
        "{HEADER}\n{}\n\n// {CASE_NOTE}\n",
        lines.join("\n")
    ))
}

fn param_names(path: &str) -> Vec<String> {
    path.split('/')
        .filter_map(|s| s.strip_prefix('{').and_then(|s| s.strip_suffix('}')))
        .map(str::to_string)
        .collect()
}

fn path_value(s: &Step, param: &str, names: &[Option<String>]) -> String {
    if let Some(v) = s.path_param(param) {
        return js(v);
    }
    match s
        .links
        .iter()
        .find(|l| l.slot == Slot::Path(param.to_string()))
    {
        Some(l) => reference(l, names),
        None => camel(param),
    }
}

/// `step N's result` + pointer, as an expression: `/0/id` on a list is
/// `users.data[0].id`.
fn reference(link: &Link, names: &[Option<String>]) -> String {
    let base = names
        .get(link.step)
        .cloned()
        .flatten()
        .unwrap_or_else(|| format!("step{}", link.step + 1));
    let mut out = base;
    for (i, part) in link
        .pointer
        .split('/')
        .filter(|p| !p.is_empty())
        .enumerate()
    {
        match part.parse::<usize>() {
            Ok(n) if i == 0 => out.push_str(&format!(".data[{n}]")),
            Ok(n) => out.push_str(&format!("[{n}]")),
            Err(_) => out.push_str(&format!(".{}", camel(part))),
        }
    }
    out
}

/// A JS object literal with camelCase keys; a merged key spreads what the
/// linked step read first.
fn object(pairs: &[(String, Value)], merges: &[&Link], names: &[Option<String>]) -> String {
    if pairs.is_empty() {
        return "{}".into();
    }
    let parts: Vec<String> = pairs
        .iter()
        .map(|(k, v)| {
            let slot = Slot::Body(format!("/{k}"));
            match (merges.iter().find(|l| l.slot == slot), v) {
                (Some(l), Value::Object(m)) => {
                    let mut inner = vec![format!("...{}", reference(l, names))];
                    inner.extend(m.iter().map(|(k2, v2)| format!("{}: {}", key(k2), js(v2))));
                    format!("{}: {{ {} }}", camel(k), inner.join(", "))
                }
                _ => format!("{}: {}", camel(k), js(v)),
            }
        })
        .collect();
    format!("{{ {} }}", parts.join(", "))
}

/// A JSON value as a JS literal; object keys of top-level fields are
/// camelCase, metadata keys stay as written.
fn js(v: &Value) -> String {
    match v {
        Value::String(s) => format!("'{}'", s.replace('\\', "\\\\").replace('\'', "\\'")),
        Value::Array(items) => format!("[{}]", items.iter().map(js).collect::<Vec<_>>().join(", ")),
        Value::Object(m) if m.is_empty() => "{}".into(),
        Value::Object(m) => format!(
            "{{ {} }}",
            m.iter()
                .map(|(k, v)| format!("{}: {}", key(k), js(v)))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        other => other.to_string(),
    }
}

/// An object key, quoted only when JS needs it.
fn key(k: &str) -> String {
    let plain = k
        .chars()
        .next()
        .is_some_and(|c| c.is_alphabetic() || c == '_')
        && k.chars().all(|c| c.is_alphanumeric() || c == '_');
    if plain {
        k.to_string()
    } else {
        format!("'{k}'")
    }
}

/// `created_at_after` -> `createdAtAfter`.
pub fn camel(s: &str) -> String {
    let mut out = String::new();
    let mut up = false;
    for c in s.chars() {
        if c == '_' {
            up = true;
        } else if up {
            out.extend(c.to_uppercase());
            up = false;
        } else {
            out.push(c);
        }
    }
    out
}
