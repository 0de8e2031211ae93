//! httpie-style items after an explicit path, checked against the
//! operation's schema before anything is sent:
//!
//! - `limit==20`: a query parameter;
//! - `name=Acme`: a path or query parameter the operation declares, else a
//!   string body field (converted when the field is a number or boolean);
//! - `max_allowed_memberships:=5`, `public_metadata:={"plan":"pro"}`: raw
//!   JSON body field;
//! - `public_metadata.plan=pro`: a nested body field;
//! - `file@./logo.png`: a file to upload (a field of a multipart body).

use serde_json::{Map, Value};

use super::Step;
use super::values::{check, convert_text, suggest};
use crate::spec::{JsonKind, Operation, ParamIn, Property, SchemaId, SchemaKind, Spec};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sep {
    /// `==`
    Query,
    /// `=`
    Field,
    /// `:=`
    Raw,
    /// `@`: the path of a file to upload.
    File,
}

/// One `name<sep>value` item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Item<'a> {
    pub name: &'a str,
    pub sep: Sep,
    pub value: &'a str,
}

/// Splits an item at its first separator, as httpie does.
pub fn parse_item(text: &str) -> Result<Item<'_>, String> {
    // `file@path`: an `@` before any `=`, after a plain field name.
    if let Some(at) = text.find('@')
        && text.find('=').is_none_or(|eq| at < eq)
        && at > 0
        && text[..at]
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_')
    {
        return Ok(Item {
            name: &text[..at],
            sep: Sep::File,
            value: &text[at + 1..],
        });
    }
    let Some(eq) = text.find('=') else {
        return Err(format!(
            "`{text}` is not an item; items look like name=value (body or query), \
             name==value (query), name:=json (raw JSON) or name@path (a file to upload)"
        ));
    };
    let (name, sep, value) = if eq > 0 && text.as_bytes()[eq - 1] == b':' {
        (&text[..eq - 1], Sep::Raw, &text[eq + 1..])
    } else if text[eq + 1..].starts_with('=') {
        (&text[..eq], Sep::Query, &text[eq + 2..])
    } else {
        (&text[..eq], Sep::Field, &text[eq + 1..])
    };
    if name.is_empty() {
        return Err(format!("`{text}` has no name before the ="));
    }
    Ok(Item { name, sep, value })
}

/// Applies items to a step made for `op`.
pub fn apply(spec: &Spec, op: &Operation, step: &mut Step, items: &[String]) -> Result<(), String> {
    for text in items {
        let item = parse_item(text)?;
        apply_one(spec, op, step, &item)?;
    }
    Ok(())
}

fn apply_one(spec: &Spec, op: &Operation, step: &mut Step, item: &Item) -> Result<(), String> {
    let param = op
        .param(item.name)
        .filter(|p| matches!(p.location, ParamIn::Path | ParamIn::Query));
    match (item.sep, param) {
        (Sep::Query, Some(p)) | (Sep::Field, Some(p)) => {
            let value = convert_text(spec, p.schema, item.name, item.value)?;
            if p.location == ParamIn::Path {
                set(&mut step.path_params, item.name, value);
            } else {
                add_query(spec, p.schema, &mut step.query, item.name, value);
            }
            Ok(())
        }
        (Sep::Query, None) => Err(unknown_param(op, item.name)),
        (Sep::Raw, Some(p)) if body_schema(op).is_none() => {
            let value = raw(item)?;
            check(spec, p.schema, item.name, &value)?;
            if p.location == ParamIn::Path {
                set(&mut step.path_params, item.name, value);
            } else {
                add_query(spec, p.schema, &mut step.query, item.name, value);
            }
            Ok(())
        }
        _ => body_field(spec, op, step, item),
    }
}

fn raw(item: &Item) -> Result<Value, String> {
    serde_json::from_str(item.value).map_err(|e| {
        format!(
            "`{}:={}` is not valid JSON ({e}); quote strings, e.g. {}:='\"text\"'",
            item.name, item.value, item.name
        )
    })
}

fn set(list: &mut Vec<(String, Value)>, name: &str, value: Value) {
    match list.iter_mut().find(|(n, _)| n == name) {
        Some(slot) => slot.1 = value,
        None => list.push((name.to_string(), value)),
    }
}

/// A repeated array parameter (`email_address==a email_address==b`)
/// collects its values; anything else is replaced.
fn add_query(
    spec: &Spec,
    schema: SchemaId,
    query: &mut Vec<(String, Value)>,
    name: &str,
    value: Value,
) {
    if spec.json_kind(schema) == JsonKind::Array
        && let Some((_, Value::Array(existing))) = query.iter_mut().find(|(n, _)| n == name)
    {
        match value {
            Value::Array(more) => existing.extend(more),
            v => existing.push(v),
        }
        return;
    }
    set(query, name, value);
}

/// The request body's schema, when the operation takes a JSON body.
/// The schema of the body's fields: a JSON body's, or a form's (whose
/// files [`super::uploads`] sends from the paths given for them).
pub fn body_schema(op: &Operation) -> Option<SchemaId> {
    op.request_body
        .as_ref()
        .filter(|b| b.content_type.contains("json") || b.content_type == "multipart/form-data")
        .and_then(|b| b.schema)
}

fn unknown_param(op: &Operation, name: &str) -> String {
    let names: Vec<&str> = op
        .parameters
        .iter()
        .filter(|p| matches!(p.location, ParamIn::Path | ParamIn::Query))
        .map(|p| p.name.as_str())
        .collect();
    if names.is_empty() {
        return format!(
            "{} takes no query parameters, so `{name}` is unknown",
            op.label()
        );
    }
    format!(
        "{} has no parameter `{name}`{}",
        op.label(),
        suggest(name, &names)
    )
}

/// The deepest `a.b.c=` item taken. Clerk's bodies nest a few levels;
/// thousands of levels would only exhaust the stack of what reads the body.
pub const MAX_DEPTH: usize = 64;

fn body_field(spec: &Spec, op: &Operation, step: &mut Step, item: &Item) -> Result<(), String> {
    let Some(schema) = body_schema(op) else {
        return Err(unknown_param(op, item.name));
    };
    let path: Vec<&str> = item.name.split('.').collect();
    if path.len() > MAX_DEPTH {
        return Err(format!(
            "`{}…` nests {} levels deep; a body field may nest at most {MAX_DEPTH} (give a deep value as JSON with -d)",
            item.name.chars().take(40).collect::<String>(),
            path.len()
        ));
    }
    let mut target = schema;
    let mut known = true;
    for (depth, key) in path.iter().enumerate() {
        match field(spec, target, key) {
            Field::Known(id) => target = id,
            Field::Free => {
                known = false;
                break;
            }
            Field::Unknown(names) => {
                let shown = path[..=depth].join(".");
                let mut names: Vec<&str> = names;
                if depth == 0 {
                    names.extend(op.query_params().map(|p| p.name.as_str()));
                }
                return Err(format!(
                    "{} has no field `{shown}`{}",
                    op.label(),
                    suggest(key, &names)
                ));
            }
        }
    }
    let file = known && spec.schema(target).is_file();
    if (item.sep == Sep::File) != file && !(file && item.sep == Sep::Field) {
        return Err(if file {
            format!(
                "`{}` is a file to upload: give its path, as {}@PATH",
                item.name, item.name
            )
        } else {
            format!(
                "`{}` is no file field of {}; give it as {}=VALUE",
                item.name,
                op.label(),
                item.name
            )
        });
    }
    let value = match (item.sep, known) {
        (Sep::File, _) => Value::String(item.value.to_string()),
        (Sep::Raw, true) => {
            let v = raw(item)?;
            check(spec, target, item.name, &v)?;
            v
        }
        (Sep::Raw, false) => raw(item)?,
        (_, true) => convert_text(spec, target, item.name, item.value)?,
        (_, false) => Value::String(item.value.to_string()),
    };
    let body = step.body.get_or_insert_with(|| Value::Object(Map::new()));
    insert(body, &path, value).map_err(|at| {
        format!(
            "`{}` cannot go inside `{at}`, which is not an object",
            item.name
        )
    })
}

enum Field<'s> {
    Known(SchemaId),
    /// A free-form object: any key goes.
    Free,
    Unknown(Vec<&'s str>),
}

/// Looks a key up in an object schema.
fn field<'s>(spec: &'s Spec, schema: SchemaId, key: &str) -> Field<'s> {
    let props: Vec<Property<'s>> = spec.properties(schema);
    if let Some(p) = props.iter().find(|p| p.name == key) {
        return Field::Known(p.schema);
    }
    let free = props.is_empty()
        || matches!(
            &spec.schema(schema).kind,
            SchemaKind::Object { open: true, .. }
                | SchemaKind::Object {
                    additional: Some(_),
                    ..
                }
        );
    if free {
        Field::Free
    } else {
        Field::Unknown(props.iter().map(|p| p.name).collect())
    }
}

/// Sets `value` at a dotted path inside `body`, creating objects on the
/// way; `Err` names the part that is not an object.
fn insert(body: &mut Value, path: &[&str], value: Value) -> Result<(), String> {
    let mut node = body;
    for (i, key) in path.iter().enumerate() {
        let Value::Object(map) = node else {
            return Err(path[..i].join("."));
        };
        if i + 1 == path.len() {
            map.insert((*key).to_string(), value);
            return Ok(());
        }
        node = map
            .entry((*key).to_string())
            .or_insert_with(|| Value::Object(Map::new()));
    }
    Ok(())
}

/// Checks a whole body (from `-d` or stdin): every top-level field exists
/// and has the right type; nested objects with declared fields likewise.
pub fn check_body(spec: &Spec, op: &Operation, body: &Value) -> Result<(), String> {
    let Some(schema) = body_schema(op) else {
        return Err(format!("{} takes no request body", op.label()));
    };
    check_object(spec, op, schema, body, "")
}

fn check_object(
    spec: &Spec,
    op: &Operation,
    schema: SchemaId,
    value: &Value,
    at: &str,
) -> Result<(), String> {
    let Value::Object(map) = value else {
        let shown = if at.is_empty() { "the body" } else { at };
        return check(spec, schema, shown, value);
    };
    if spec.json_kind(schema) != JsonKind::Object && spec.json_kind(schema) != JsonKind::Any {
        return check(
            spec,
            schema,
            if at.is_empty() { "the body" } else { at },
            value,
        );
    }
    for (key, v) in map {
        let name = if at.is_empty() {
            key.clone()
        } else {
            format!("{at}.{key}")
        };
        match field(spec, schema, key) {
            Field::Known(id) if v.is_object() => check_object(spec, op, id, v, &name)?,
            Field::Known(id) => check(spec, id, &name, v)?,
            Field::Free => {}
            Field::Unknown(names) => {
                return Err(format!(
                    "{} has no field `{name}`{}",
                    op.label(),
                    suggest(key, &names)
                ));
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn separators() {
        let i = parse_item("limit==20").unwrap();
        assert_eq!((i.name, i.sep, i.value), ("limit", Sep::Query, "20"));
        let i = parse_item(r#"public_metadata:={"a":"b=c"}"#).unwrap();
        assert_eq!((i.name, i.sep), ("public_metadata", Sep::Raw));
        let i = parse_item("name=a:=b").unwrap();
        assert_eq!((i.name, i.sep, i.value), ("name", Sep::Field, "a:=b"));
        assert!(parse_item("hello").is_err());
        assert!(parse_item("=x").is_err());
    }

    #[test]
    fn nested_insert() {
        let mut body = serde_json::json!({"a": 1});
        insert(&mut body, &["m", "plan"], "pro".into()).unwrap();
        assert_eq!(body, serde_json::json!({"a": 1, "m": {"plan": "pro"}}));
        assert_eq!(insert(&mut body, &["a", "x"], 1.into()), Err("a".into()));
    }
}
