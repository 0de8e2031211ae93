//! Values against the spec's schemas: text typed by a person converted to
//! the JSON the field takes (`limit=20` -> `20`), JSON checked against a
//! field's type and allowed values, and "did you mean" names.

use serde_json::Value;

use crate::spec::{JsonKind, SchemaId, SchemaKind, Spec};

/// Converts typed text to the JSON value a schema takes: numbers and
/// booleans parse, arrays take JSON or comma-separated items, objects take
/// JSON. A string field keeps the text as written.
pub fn convert_text(
    spec: &Spec,
    schema: SchemaId,
    name: &str,
    text: &str,
) -> Result<Value, String> {
    let kind = spec.json_kind(schema);
    let value = match kind {
        JsonKind::String | JsonKind::Any => Value::String(text.to_string()),
        JsonKind::Integer => match text.trim().parse::<i64>() {
            Ok(n) => Value::from(n),
            Err(_) => return Err(wrong_type(spec, schema, name, text)),
        },
        JsonKind::Number => match text.trim().parse::<f64>() {
            Ok(n) if n.is_finite() => serde_json::Number::from_f64(n)
                .map(Value::Number)
                .ok_or_else(|| wrong_type(spec, schema, name, text))?,
            _ => return Err(wrong_type(spec, schema, name, text)),
        },
        JsonKind::Boolean => match text.trim().to_ascii_lowercase().as_str() {
            "true" => Value::Bool(true),
            "false" => Value::Bool(false),
            _ => return Err(wrong_type(spec, schema, name, text)),
        },
        JsonKind::Array => match serde_json::from_str::<Value>(text) {
            Ok(v @ Value::Array(_)) => v,
            _ => {
                let item = array_item(spec, schema);
                let parts = text.split(',').map(str::trim).filter(|s| !s.is_empty());
                let mut out = Vec::new();
                for part in parts {
                    out.push(match item {
                        Some(i) => convert_text(spec, i, name, part)?,
                        None => Value::String(part.to_string()),
                    });
                }
                Value::Array(out)
            }
        },
        JsonKind::Object => match serde_json::from_str::<Value>(text) {
            Ok(v @ Value::Object(_)) => v,
            _ => return Err(wrong_type(spec, schema, name, text)),
        },
    };
    check(spec, schema, name, &value)?;
    Ok(value)
}

/// The schema of an array's items.
pub fn array_item(spec: &Spec, schema: SchemaId) -> Option<SchemaId> {
    let mut id = schema;
    for _ in 0..8 {
        match &spec.schema(id).kind {
            SchemaKind::Array(items) => return Some(*items),
            SchemaKind::AllOf(ids) | SchemaKind::OneOf(ids) | SchemaKind::AnyOf(ids)
                if ids.len() == 1 =>
            {
                id = ids[0]
            }
            _ => return None,
        }
    }
    None
}

/// Checks a JSON value against a field's type and allowed values.
pub fn check(spec: &Spec, schema: SchemaId, name: &str, value: &Value) -> Result<(), String> {
    let s = spec.schema(schema);
    if value.is_null() {
        return Ok(());
    }
    let kind = spec.json_kind(schema);
    if !kind.accepts(value) {
        return Err(format!(
            "{name} takes {}, not {}",
            describe(spec, schema),
            short(value)
        ));
    }
    if !s.enum_values.is_empty() && !value.is_array() && !value.is_object() {
        let allowed: Vec<Value> = s
            .enum_values
            .iter()
            .filter_map(|v| serde_json::from_str(v).ok())
            .collect();
        if !allowed.iter().any(|a| a == value) {
            let list: Vec<String> = allowed.iter().map(short).collect();
            return Err(format!(
                "{name} takes one of {}, not {}",
                list.join(", "),
                short(value)
            ));
        }
    }
    if let (Value::Array(items), Some(item)) = (value, array_item(spec, schema)) {
        for v in items {
            check(spec, item, name, v)?;
        }
    }
    if let Value::Object(map) = value {
        let props = spec.properties(schema);
        for (key, v) in map {
            if let Some(p) = props.iter().find(|p| p.name == key) {
                check(spec, p.schema, &format!("{name}.{key}"), v)?;
            }
        }
    }
    constraints(spec, schema, name, value)
}

/// The spec's formats (email, date-time, URL) and bounds (minimum and
/// maximum, lengths, item counts), checked before anything is sent so a
/// typo is caught here rather than as Clerk's 422.
fn constraints(spec: &Spec, schema: SchemaId, name: &str, value: &Value) -> Result<(), String> {
    let s = spec.schema(schema);
    let c = &s.constraints;
    match value {
        Value::String(text) => {
            let len = text.chars().count() as u64;
            if let Some(min) = c.min_length.filter(|m| len < *m) {
                return Err(format!("{name} takes at least {min} characters"));
            }
            if let Some(max) = c.max_length.filter(|m| len > *m) {
                return Err(format!("{name} takes at most {max} characters"));
            }
            let ok = match s.format.as_deref() {
                Some("email") => looks_like_email(text),
                Some("date-time") => text.parse::<jiff::Timestamp>().is_ok(),
                Some("date") => text.parse::<jiff::civil::Date>().is_ok(),
                Some("uri" | "url") => reqwest::Url::parse(text).is_ok(),
                _ => true,
            };
            if !ok {
                let example = match s.format.as_deref() {
                    Some("email") => "name@example.com",
                    Some("date-time") => "2026-01-31T12:00:00Z",
                    Some("date") => "2026-01-31",
                    _ => "https://example.com/path",
                };
                return Err(format!(
                    "{name} takes {} like {example}; `{text}` is not one",
                    match s.format.as_deref() {
                        Some("email") => "an email address",
                        Some("date-time") => "a date and time (RFC 3339)",
                        Some("date") => "a date",
                        _ => "a URL",
                    }
                ));
            }
        }
        Value::Number(n) => {
            let x = n.as_f64().unwrap_or(0.0);
            let range = |min: Option<f64>, max: Option<f64>| match (min, max) {
                (Some(a), Some(b)) => format!("from {a} to {b}"),
                (Some(a), None) => format!("of at least {a}"),
                (None, Some(b)) => format!("of at most {b}"),
                (None, None) => String::new(),
            };
            let below = c.minimum.is_some_and(|m| x < m);
            let above = c.maximum.is_some_and(|m| x > m);
            if below || above {
                return Err(format!(
                    "{name} takes a number {}, not {n}",
                    range(c.minimum, c.maximum)
                ));
            }
        }
        Value::Array(items) => {
            let len = items.len() as u64;
            if let Some(min) = c.min_items.filter(|m| len < *m) {
                return Err(format!("{name} takes at least {min} items"));
            }
            if let Some(max) = c.max_items.filter(|m| len > *m) {
                return Err(format!("{name} takes at most {max} items"));
            }
        }
        _ => {}
    }
    Ok(())
}

/// `local@domain.tld`, as far as a typo check needs.
fn looks_like_email(text: &str) -> bool {
    match text.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && !domain.starts_with('.')
                && domain.contains('.')
                && !text.contains(char::is_whitespace)
        }
        None => false,
    }
}

/// The allowed values of a field, as typed (`saml_okta`, `true`), for a
/// prompt or a message.
pub fn choices(spec: &Spec, schema: SchemaId) -> Vec<String> {
    spec.schema(schema)
        .enum_values
        .iter()
        .map(|v| match serde_json::from_str::<Value>(v) {
            Ok(Value::String(s)) => s,
            _ => v.clone(),
        })
        .collect()
}

fn wrong_type(spec: &Spec, schema: SchemaId, name: &str, text: &str) -> String {
    format!(
        "{name} takes {}; `{text}` is not one",
        describe(spec, schema)
    )
}

/// "an integer", "a boolean (true or false)", "a JSON object"...
pub fn describe(spec: &Spec, schema: SchemaId) -> String {
    match spec.json_kind(schema) {
        JsonKind::String => "a string".into(),
        JsonKind::Integer => "an integer".into(),
        JsonKind::Number => "a number".into(),
        JsonKind::Boolean => "a boolean (true or false)".into(),
        JsonKind::Array => format!("an array ({})", spec.type_name(schema)),
        JsonKind::Object => "a JSON object".into(),
        JsonKind::Any => "any value".into(),
    }
}

fn short(value: &Value) -> String {
    let text = value.to_string();
    if text.chars().count() > 40 {
        format!("{}…", text.chars().take(39).collect::<String>())
    } else {
        text
    }
}

/// The valid names closest to a typed one, best first; all of them when
/// none is close and there are few.
pub fn closest<'a>(typed: &str, names: &[&'a str]) -> Vec<&'a str> {
    let mut scored: Vec<(f64, &str)> = names
        .iter()
        .map(|n| (strsim::jaro_winkler(typed, n), *n))
        .collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0));
    let near: Vec<&str> = scored
        .iter()
        .filter(|(s, _)| *s >= 0.75)
        .take(3)
        .map(|(_, n)| *n)
        .collect();
    if near.is_empty() && names.len() <= 12 {
        return names.to_vec();
    }
    near
}

/// "; did you mean a, b?" or "; valid names: ..." for an unknown name.
pub fn suggest(typed: &str, names: &[&str]) -> String {
    let near = closest(typed, names);
    if near.is_empty() {
        String::new()
    } else if near.len() == names.len() {
        format!("; valid names: {}", near.join(", "))
    } else {
        format!("; did you mean {}?", near.join(", or "))
    }
}
