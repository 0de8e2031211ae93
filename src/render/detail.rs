//! The detail mode: one endpoint's parameters, body and responses, with
//! every `$ref` resolved and recursion cut.

use serde_json::{Value, json};

use super::View;
use super::style::Style;
use super::table::{Table, one_line, truncate, wrap};
use crate::spec::{Operation, SchemaId, SchemaKind, Spec};

/// How deep a schema tree goes in text before it says "…": deep enough for
/// every request body Clerk has, short enough to read.
const BODY_DEPTH: usize = 4;
const RESPONSE_DEPTH: usize = 2;

/// The detail view; only the form asked for is built (resolving every
/// schema to JSON costs ten times the text).
pub fn endpoint(spec: &Spec, op: &Operation, style: Style, json: bool) -> View {
    if json {
        View {
            json: json!({"mode": "detail", "version": spec.version, "endpoint": endpoint_json(spec, op)}),
            ..View::default()
        }
    } else {
        View {
            text: text(spec, op, style),
            ..View::default()
        }
    }
}

pub fn endpoint_json(spec: &Spec, op: &Operation) -> Value {
    let parameters: Vec<Value> = op
        .parameters
        .iter()
        .map(|p| {
            json!({
                "name": p.name,
                "in": p.location.as_str(),
                "required": p.required,
                "description": p.description,
                "schema": spec.resolved_json(p.schema),
            })
        })
        .collect();
    let request_body = op
        .request_body
        .as_ref()
        .and_then(|b| b.schema)
        .map_or(Value::Null, |id| spec.resolved_json(id));
    let mut responses = serde_json::Map::new();
    for r in &op.responses {
        responses.insert(
            r.status.clone(),
            r.schema.map_or(Value::Null, |id| spec.resolved_json(id)),
        );
    }
    json!({
        "method": op.method.as_str(),
        "path": op.path,
        "operation_id": op.operation_id,
        "summary": op.summary,
        "description": op.description,
        "tags": op.tags,
        "deprecated": op.deprecated,
        "parameters": parameters,
        "request_body": request_body,
        "responses": responses,
    })
}

fn text(spec: &Spec, op: &Operation, style: Style) -> String {
    let mut out = format!("{} {}", style.method(op.method), style.bold(&op.path));
    let mut ids = vec![op.operation_id.clone()];
    if let (Some(g), Some(n)) = (&op.group, &op.name_override) {
        ids.push(format!("{g}.{n}"));
    }
    out.push_str(&style.dim(&format!("  ({})", ids.join(" · "))));
    out.push('\n');
    if op.deprecated {
        out.push_str(&style.yellow("Deprecated.\n"));
    }
    if !op.summary.is_empty() {
        out.push_str(&format!("{}\n", style.bold(&op.summary)));
    }
    if !op.description.is_empty() && op.description.trim() != op.summary.trim() {
        out.push_str(&wrap(&op.description, 96, ""));
    }
    out.push_str(&style.dim(&format!(
        "Spec {} · tags: {}\n",
        spec.version,
        op.tags.join(", ")
    )));

    out.push('\n');
    out.push_str(&style.heading("Parameters"));
    out.push('\n');
    if op.parameters.is_empty() {
        out.push_str("  none\n");
    } else {
        let mut table = Table::new(["Name", "In", "Type", "Required", "Description"]);
        for p in &op.parameters {
            let mut desc = one_line(&p.description, 60);
            let notes = constraints(spec, p.schema);
            if !notes.is_empty() {
                desc = format!("{desc} {}", style.dim(&format!("[{notes}]")));
            }
            table.row(vec![
                style.bold(&p.name),
                p.location.as_str().to_string(),
                spec.type_name(p.schema),
                if p.required {
                    style.yellow("yes")
                } else {
                    "no".into()
                },
                desc.trim().to_string(),
            ]);
        }
        out.push_str(&table.render(style));
    }

    out.push('\n');
    out.push_str(&style.heading("Request body"));
    match &op.request_body {
        None => out.push_str("\n  none\n"),
        Some(body) => {
            let required = if body.required { ", required" } else { "" };
            out.push_str(&format!(" ({}{required})", body.content_type));
            out.push('\n');
            out.push_str(&style.dim("  * marks a required field\n"));
            if let Some(id) = body.schema {
                tree(spec, id, 1, BODY_DEPTH, &mut Vec::new(), style, &mut out);
            }
        }
    }

    out.push('\n');
    out.push_str(&style.heading("Responses"));
    out.push('\n');
    for r in &op.responses {
        let ty = r.schema.map(|id| spec.type_name(id)).unwrap_or_default();
        let code = if r.status.starts_with('2') {
            style.green(&r.status)
        } else {
            style.yellow(&r.status)
        };
        out.push_str(&format!("  {code}  {}", one_line(&r.description, 60)));
        if !ty.is_empty() {
            out.push_str(&format!(" → {}", style.cyan(&ty)));
        }
        out.push('\n');
        if let (true, Some(id)) = (r.status.starts_with('2'), r.schema) {
            tree(
                spec,
                id,
                2,
                RESPONSE_DEPTH + 1,
                &mut Vec::new(),
                style,
                &mut out,
            );
        }
    }
    out
}

/// Renders the fields of a schema as an indented tree.
fn tree(
    spec: &Spec,
    id: SchemaId,
    depth: usize,
    max_depth: usize,
    stack: &mut Vec<SchemaId>,
    style: Style,
    out: &mut String,
) {
    let id = element(spec, id);
    let schema = spec.schema(id);
    if schema.name.is_some() {
        if stack.contains(&id) {
            return;
        }
        stack.push(id);
    }
    let indent = "  ".repeat(depth);
    match &schema.kind {
        SchemaKind::OneOf(variants) | SchemaKind::AnyOf(variants) if variants.len() > 1 => {
            for (i, v) in variants.iter().enumerate() {
                out.push_str(&format!(
                    "{indent}{}\n",
                    style.dim(&format!("variant {}: {}", i + 1, spec.type_name(*v)))
                ));
                tree(spec, *v, depth + 1, max_depth, stack, style, out);
            }
        }
        _ => {
            for prop in spec.properties(id) {
                let child = spec.schema(prop.schema);
                let marker = if prop.required {
                    style.yellow("*")
                } else {
                    " ".into()
                };
                let mut line = format!(
                    "{indent}{}{marker} {}",
                    style.bold(prop.name),
                    style.cyan(&spec.type_name(prop.schema))
                );
                let notes = constraints(spec, prop.schema);
                if !notes.is_empty() {
                    line.push_str(&style.dim(&format!(" [{notes}]")));
                }
                let desc = one_line(&child.description, 70);
                if !desc.is_empty() {
                    line.push_str(&format!("  {}", style.dim(&desc)));
                }
                out.push_str(&line);
                out.push('\n');
                let inner = element(spec, prop.schema);
                let recursive = spec.schema(inner).name.is_some() && stack.contains(&inner);
                if has_fields(spec, inner) {
                    if recursive {
                        let name = spec.schema(inner).name.clone().unwrap_or_default();
                        out.push_str(&format!(
                            "{indent}  {}\n",
                            style.dim(&format!("(recursive: {name}, see above)"))
                        ));
                    } else if depth + 1 > max_depth {
                        out.push_str(&format!("{indent}  {}\n", style.dim("…")));
                    } else {
                        tree(spec, inner, depth + 1, max_depth, stack, style, out);
                    }
                }
            }
        }
    }
    if schema.name.is_some() {
        stack.pop();
    }
}

/// Looks through arrays and single-branch compositions to the schema whose
/// fields matter.
fn element(spec: &Spec, mut id: SchemaId) -> SchemaId {
    for _ in 0..8 {
        match &spec.schema(id).kind {
            SchemaKind::Array(items) => id = *items,
            SchemaKind::AllOf(ids) | SchemaKind::OneOf(ids) | SchemaKind::AnyOf(ids)
                if ids.len() == 1 =>
            {
                id = ids[0]
            }
            _ => break,
        }
    }
    id
}

fn has_fields(spec: &Spec, id: SchemaId) -> bool {
    match &spec.schema(id).kind {
        SchemaKind::Object { properties, .. } => !properties.is_empty(),
        SchemaKind::AllOf(_) => !spec.properties(id).is_empty(),
        SchemaKind::OneOf(v) | SchemaKind::AnyOf(v) => {
            v.len() > 1 || !spec.properties(id).is_empty()
        }
        _ => false,
    }
}

/// Enum values, defaults and bounds, in one short phrase.
fn constraints(spec: &Spec, id: SchemaId) -> String {
    let mut id = id;
    if let SchemaKind::Array(items) = &spec.schema(id).kind {
        id = *items;
    }
    let s = spec.schema(id);
    let mut parts = Vec::new();
    if !s.enum_values.is_empty() {
        parts.push(format!(
            "one of {}",
            truncate(&s.enum_values.join(", "), 80)
        ));
    }
    if let Some(d) = &s.default {
        parts.push(format!("default {d}"));
    }
    let c = &s.constraints;
    let num = |v: f64| {
        if v.fract() == 0.0 {
            format!("{}", v as i64)
        } else {
            v.to_string()
        }
    };
    match (c.minimum, c.maximum) {
        (Some(a), Some(b)) => parts.push(format!("{}..{}", num(a), num(b))),
        (Some(a), None) => parts.push(format!(">= {}", num(a))),
        (None, Some(b)) => parts.push(format!("<= {}", num(b))),
        _ => {}
    }
    if let Some(n) = c.min_length {
        parts.push(format!("min length {n}"));
    }
    if let Some(n) = c.max_length {
        parts.push(format!("max length {n}"));
    }
    if let Some(n) = c.max_items {
        parts.push(format!("max {n} items"));
    }
    if let Some(p) = &c.pattern {
        parts.push(format!("pattern {p}"));
    }
    if s.deprecated {
        parts.push("deprecated".into());
    }
    parts.join("; ")
}
