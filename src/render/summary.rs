//! Any Clerk object as people read it, whatever its type: the fields that
//! say what it is first (name, identifier, email...), then its state
//! (status, role, flags), then its dates, then counts and the rest; nested
//! objects as one line (who or what they are), lists as a count and their
//! first few items, metadata as compact JSON. A summary fits a screen;
//! `--output json` has everything.
//!
//! The same ranking picks a list's table columns, looking one level into
//! nested objects (a membership's `public_user_data`, its `organization`),
//! so a table says who and what, not only IDs.

use serde_json::{Map, Value};

use super::Style;
use super::fields::{full_name, primary_email, text, when};
use super::table::{Table, truncate};

/// Lines a summary shows before "… N more fields".
const MAX_LINES: usize = 24;

/// Keys that say what an object is, most telling first.
const IDENTITY: &[&str] = &[
    "name",
    "identifier",
    "email_address",
    "username",
    "phone_number",
    "slug",
    "title",
    "key",
    "domain",
    "url",
    "provider",
    "type",
];

/// Keys that say what state it is in.
const STATE: &[&str] = &[
    "status", "role", "state", "enabled", "active", "banned", "locked", "revoked", "verified",
    "primary", "default",
];

/// Internal plumbing nobody reads in a summary.
const SKIP: &[&str] = &["object", "id", "deleted"];

/// A field's place in the order: identity, state, dates, counts, rest.
fn rank(key: &str, value: &Value) -> Option<usize> {
    // `primary_email_address_id` and the like point inside the object.
    if SKIP.contains(&key) || (key.starts_with("primary_") && key.ends_with("_id")) {
        return None;
    }
    if let Some(i) = IDENTITY.iter().position(|k| *k == key) {
        return Some(i);
    }
    if let Some(i) = STATE.iter().position(|k| *k == key) {
        return (*value != Value::Bool(false)).then_some(100 + i);
    }
    if key.ends_with("_at") && (value.is_i64() || value.is_u64() || value.is_null()) {
        return Some(match key {
            "created_at" => 200,
            "updated_at" => 210,
            k if k.starts_with("last_") => 201,
            _ => 202,
        });
    }
    if key.ends_with("_count") {
        return Some(300);
    }
    match value {
        Value::Object(m) if m.is_empty() => None,
        Value::Array(a) if a.is_empty() => None,
        // A flag that is off is the usual case, not news.
        Value::Null | Value::Bool(false) => None,
        _ => Some(400),
    }
}

/// `public_user_data` → `user`, `created_at` → `created`.
pub fn label(key: &str) -> String {
    let key = key.strip_prefix("public_").unwrap_or(key);
    let key = key.strip_suffix("_data").unwrap_or(key);
    let key = key.strip_suffix("_at").unwrap_or(key);
    key.replace('_', " ")
}

/// A word for an object type: `organization_membership` → `Organization
/// membership`.
pub fn kind(v: &Value) -> String {
    let object = v.get("object").and_then(Value::as_str).unwrap_or("");
    let mut words = object.replace('_', " ");
    if let Some(first) = words.get(..1) {
        words = first.to_uppercase() + &words[1..];
    }
    if words.is_empty() {
        "Object".into()
    } else {
        words
    }
}

/// One line for a nested object: who or what it is.
pub fn brief(v: &Value) -> String {
    let mut parts: Vec<String> = Vec::new();
    let email = primary_email(v);
    let name = full_name(v);
    for candidate in [
        text(v, "identifier"),
        text(v, "email_address"),
        email.as_str(),
        text(v, "username"),
        text(v, "name"),
        name.as_str(),
        text(v, "slug"),
    ] {
        if !candidate.is_empty() && !parts.iter().any(|p| p == candidate) {
            parts.push(candidate.to_string());
        }
        if parts.len() == 2 {
            break;
        }
    }
    let id = match text(v, "id") {
        "" => text(v, "user_id"),
        id => id,
    };
    match (parts.is_empty(), id.is_empty()) {
        (true, true) => truncate(&v.to_string(), 60),
        (true, false) => id.to_string(),
        (false, true) => parts.join(", "),
        (false, false) => format!("{} ({id})", parts.join(", ")),
    }
}

/// A value in one cell or one summary line.
fn show(key: &str, value: &Value, long: bool) -> String {
    match value {
        Value::String(s) => truncate(s, if long { 100 } else { 40 }),
        Value::Number(_) | Value::Null if key.ends_with("_at") => when(Some(value), long),
        Value::Object(_) if key.ends_with("metadata") => truncate(&value.to_string(), 100),
        Value::Object(_) => brief(value),
        Value::Array(items) => {
            let shown: Vec<String> = items
                .iter()
                .take(3)
                .map(|i| match i {
                    Value::Object(_) => brief(i),
                    other => truncate(
                        &other
                            .as_str()
                            .map_or_else(|| other.to_string(), str::to_string),
                        40,
                    ),
                })
                .collect();
            let more = items.len().saturating_sub(shown.len());
            let mut out = shown.join("; ");
            if more > 0 {
                out.push_str(&format!("; and {more} more"));
            }
            out
        }
        other => other.to_string(),
    }
}

/// The fields of an object in reading order, with the derived ones people
/// look for first (a user's primary email and full name).
fn ordered(v: &Map<String, Value>) -> Vec<(String, String)> {
    let whole = Value::Object(v.clone());
    let mut out: Vec<(usize, String, String)> = Vec::new();
    let email = primary_email(&whole);
    if !email.is_empty() {
        out.push((2, "email".into(), email.clone()));
    }
    let name = full_name(&whole);
    if !name.is_empty() && !v.contains_key("name") {
        out.push((3, "name".into(), name));
    }
    for (key, value) in v {
        if matches!(key.as_str(), "first_name" | "last_name") && !full_name(&whole).is_empty() {
            continue;
        }
        if key == "email_addresses" && !email.is_empty() {
            continue;
        }
        let Some(r) = rank(key, value) else { continue };
        let shown = show(key, value, true);
        if shown.is_empty() {
            continue;
        }
        out.push((r, label(key), shown));
    }
    out.sort_by_key(|(r, _, _)| *r);
    out.into_iter().map(|(_, k, v)| (k, v)).collect()
}

/// A single object, summarised; `None` for what is not an object or has
/// no field with a value.
pub fn object(v: &Value, style: Style) -> Option<String> {
    let map = v.as_object()?;
    let rows = ordered(map);
    let id = text(v, "id");
    // Nothing but empty fields and no ID: the JSON says it as well.
    if rows.is_empty() && id.is_empty() {
        return None;
    }
    let mut out = style.bold(&kind(v));
    if !id.is_empty() {
        out.push(' ');
        out.push_str(&style.cyan(id));
    }
    out.push('\n');
    let width = rows
        .iter()
        .take(MAX_LINES)
        .map(|(k, _)| k.chars().count())
        .max()
        .unwrap_or(0);
    for (k, val) in rows.iter().take(MAX_LINES) {
        out.push_str(&format!("  {}  {val}\n", style.dim(&format!("{k:width$}"))));
    }
    if rows.len() > MAX_LINES {
        out.push_str(&style.dim(&format!(
            "  … {} more fields (--output json shows everything)\n",
            rows.len() - MAX_LINES
        )));
    }
    Some(out)
}

/// A list of objects as a table: `id`, then the best-ranked fields the
/// items carry (nested objects as who or what they are), at most six
/// columns. `numbered` adds row numbers the REPL opens.
pub fn table(items: &[Value], style: Style, numbered: bool) -> String {
    let sample: Vec<&Map<String, Value>> =
        items.iter().take(20).filter_map(Value::as_object).collect();
    if sample.is_empty() {
        return items.iter().map(|i| format!("  {i}\n")).collect();
    }
    let mut seen: Vec<(usize, String)> = Vec::new();
    for item in &sample {
        for (key, value) in *item {
            let Some(r) = rank(key, value) else { continue };
            // Long prose and deep structures do not make columns.
            if matches!(
                key.as_str(),
                "description" | "private_metadata" | "unsafe_metadata"
            ) {
                continue;
            }
            if !seen.iter().any(|(_, k)| k == key) {
                seen.push((r, key.clone()));
            }
        }
    }
    let whole = Value::Object(sample[0].clone());
    let derived_email = !primary_email(&whole).is_empty();
    let derived_name = !full_name(&whole).is_empty() && !sample[0].contains_key("name");
    seen.retain(|(_, k)| {
        !(derived_email && k == "email_addresses")
            && !(derived_name && (k == "first_name" || k == "last_name"))
    });
    let mut cols: Vec<(usize, String)> = seen;
    if derived_email {
        cols.push((2, "email".into()));
    }
    if derived_name {
        // After the username, before the state: as people scan users.
        cols.push((3, "name".into()));
    }
    cols.sort_by_key(|(r, _)| *r);
    cols.truncate(5);
    let mut headers = vec!["id".to_string()];
    headers.extend(cols.iter().map(|(_, k)| label(k)));
    let mut t = Table::new(headers);
    if numbered {
        t = t.numbered();
    }
    for item in items {
        let mut row = vec![text(item, "id").to_string()];
        for (_, key) in &cols {
            let cell = match key.as_str() {
                "email" if derived_email => primary_email(item),
                "name" if derived_name => full_name(item),
                k => item.get(k).map_or(String::new(), |v| show(k, v, false)),
            };
            row.push(truncate(&cell, 40));
        }
        t.row(row);
    }
    t.render(style)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn memberships_say_who_and_what() {
        let items = json!([{
            "object": "organization_membership", "id": "orgmem_1", "role": "org:admin",
            "public_user_data": {"user_id": "user_1", "identifier": "ann@acme.io", "first_name": "Ann"},
            "organization": {"object": "organization", "id": "org_1", "name": "Acme"},
            "permissions": ["org:sys_profile:manage"], "created_at": 1735689600000i64
        }]);
        let out = table(items.as_array().unwrap(), Style::PLAIN, false);
        assert!(out.contains("ann@acme.io") && out.contains("Acme"), "{out}");
        assert!(out.contains("role") && out.contains("org:admin"), "{out}");
        let one = object(&items[0], Style::PLAIN).unwrap();
        assert!(
            one.starts_with("Organization membership orgmem_1\n"),
            "{one}"
        );
        assert!(
            one.contains("user          ann@acme.io, Ann (user_1)"),
            "{one}"
        );
    }

    #[test]
    fn big_objects_fit_a_screen() {
        let mut map = Map::new();
        map.insert("object".into(), json!("subscription"));
        map.insert("id".into(), json!("csub_1"));
        for i in 0..60 {
            map.insert(format!("field_{i}"), json!(format!("value {i}")));
        }
        let out = object(&Value::Object(map), Style::PLAIN).unwrap();
        assert!(out.lines().count() <= MAX_LINES + 2, "{out}");
        assert!(out.contains("more fields"), "{out}");
    }
}
