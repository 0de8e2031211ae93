//! A response as people read it: a summary by object type (users,
//! organizations, invitations, deleted objects), lists as aligned tables
//! with a count and a word on whether more may exist, anything else as
//! pretty coloured JSON; Clerk errors as one line each.

use serde_json::Value;

use super::Style;
use super::fields::{full_name, primary_email, text};
use super::json::pretty;
use super::summary;
use super::table::truncate;

/// The items of a list response: a JSON array, or `{"data": [...],
/// "total_count": n}`.
pub fn list_items(body: &Value) -> Option<(&[Value], Option<u64>)> {
    match body {
        Value::Array(items) => Some((items, None)),
        Value::Object(map) => match map.get("data") {
            Some(Value::Array(items)) => {
                Some((items, map.get("total_count").and_then(Value::as_u64)))
            }
            _ => None,
        },
        _ => None,
    }
}

/// A successful response body; `numbered` numbers a list's rows.
pub fn success(body: &Value, style: Style, numbered: bool) -> String {
    if body.is_null() {
        return "Done (no content).".into();
    }
    if let Some((items, total)) = list_items(body) {
        let mut out = numbered_table(items, style, numbered);
        out.push_str(&count_line(items, total));
        return out;
    }
    if body.get("deleted").and_then(Value::as_bool) == Some(true) {
        let id = body
            .get("id")
            .and_then(Value::as_str)
            .unwrap_or("the object");
        return format!("Deleted {id}");
    }
    match body {
        Value::Object(_) => summary::object(body, style).unwrap_or_else(|| pretty(body, style)),
        _ => pretty(body, style),
    }
}

fn object(v: &Value) -> &str {
    v.get("object").and_then(Value::as_str).unwrap_or("")
}

/// A list as an aligned table, columns chosen from what the items carry.
pub fn table(items: &[Value], style: Style) -> String {
    numbered_table(items, style, false)
}

/// [`table`], with row numbers the REPL opens.
pub fn numbered_table(items: &[Value], style: Style, numbered: bool) -> String {
    if items.is_empty() {
        return String::new();
    }
    summary::table(items, style, numbered)
}

fn count_line(items: &[Value], total: Option<u64>) -> String {
    let n = items.len();
    let noun = match object(items.first().unwrap_or(&Value::Null)) {
        "" => "item".to_string(),
        o => o.replace('_', " "),
    };
    let plural = if n == 1 { "" } else { "s" };
    match total {
        Some(t) => format!("{n} {noun}{plural} of {t}\n"),
        None => format!("{n} {noun}{plural}\n"),
    }
}

/// Whether a page may not be the last: fewer than the total, or as many
/// items as the limit asked for.
pub fn more_may_exist(count: usize, limit: u64, offset: u64, total: Option<u64>) -> bool {
    match total {
        Some(t) => offset + (count as u64) < t,
        None => count as u64 >= limit && limit > 0,
    }
}

/// One line about an item: ID and what tells it apart (email, username,
/// name).
pub fn brief(item: &Value) -> String {
    let mut parts = vec![text(item, "id").to_string()];
    let email = primary_email(item);
    let extra = [
        email.as_str(),
        text(item, "email_address"),
        text(item, "username"),
        text(item, "identifier"),
        text(item, "name"),
    ];
    let name = full_name(item);
    for e in extra.iter().chain(std::iter::once(&name.as_str())) {
        if !e.is_empty() && !parts.iter().any(|p| p == e) {
            parts.push((*e).to_string());
        }
    }
    let id = parts.remove(0);
    if parts.is_empty() {
        id
    } else {
        format!("{id} ({})", parts.join(", "))
    }
}

/// An error response: one line per Clerk error with its code, the HTTP
/// status and the trace ID; other bodies as a short excerpt.
pub fn error_lines(status: u16, body: &Value) -> Vec<String> {
    let trace = body
        .get("clerk_trace_id")
        .and_then(Value::as_str)
        .map(|t| format!(", trace {t}"))
        .unwrap_or_default();
    let errors = body.get("errors").and_then(Value::as_array);
    match errors {
        Some(list) if !list.is_empty() => list
            .iter()
            .map(|e| {
                let message = match text(e, "long_message") {
                    "" => text(e, "message"),
                    long => long,
                };
                let code = match text(e, "code") {
                    "" => "error",
                    c => c,
                };
                let param = e
                    .get("meta")
                    .and_then(|m| m.get("param_name"))
                    .and_then(Value::as_str)
                    .map(|p| format!(" [{p}]"))
                    .unwrap_or_default();
                format!("{code}: {message}{param} (HTTP {status}{trace})")
            })
            .collect(),
        _ => {
            let text = match body {
                Value::Null => "no body".to_string(),
                Value::String(t) if t.trim_start().starts_with('<') => html_text(t),
                Value::String(t) => t.clone(),
                other => other.to_string(),
            };
            let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
            vec![format!("HTTP {status}: {}", truncate(&text, 160))]
        }
    }
}

/// The words of an HTML error page (a proxy's or a load balancer's): its
/// title, else its text without tags.
fn html_text(html: &str) -> String {
    let lower = html.to_ascii_lowercase();
    if let (Some(a), Some(b)) = (lower.find("<title>"), lower.find("</title>"))
        && a + 7 <= b
    {
        return html[a + 7..b].trim().to_string();
    }
    let mut out = String::new();
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' => {
                in_tag = false;
                out.push(' ');
            }
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out
}

#[cfg(test)]
mod tests;
