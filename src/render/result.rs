//! A response as people read it: a summary by object type (users,
//! organizations, invitations, deleted objects), lists as aligned tables
//! with a count and a word on whether more may exist, anything else as
//! pretty coloured JSON; Clerk errors as one line each.

use jiff::Timestamp;
use serde_json::Value;

use super::Style;
use super::json::pretty;
use super::summary::{self, full_name};
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

fn s<'a>(v: &'a Value, key: &str) -> &'a str {
    v.get(key).and_then(Value::as_str).unwrap_or("")
}

/// The user's primary email address, else the first.
pub fn primary_email(user: &Value) -> String {
    let primary = s(user, "primary_email_address_id");
    let emails = user.get("email_addresses").and_then(Value::as_array);
    let pick = emails.and_then(|list| {
        list.iter()
            .find(|e| s(e, "id") == primary && !primary.is_empty())
            .or_else(|| list.first())
    });
    pick.map(|e| s(e, "email_address").to_string())
        .unwrap_or_default()
}

/// A Clerk timestamp (Unix milliseconds) as a date; `long` adds the time
/// and how long ago.
pub fn when(v: Option<&Value>, long: bool) -> String {
    let Some(ms) = v.and_then(Value::as_i64) else {
        return if v.is_some_and(Value::is_null) {
            "never".into()
        } else {
            String::new()
        };
    };
    let Ok(ts) = Timestamp::from_millisecond(ms) else {
        return ms.to_string();
    };
    if !long {
        return ts.strftime("%Y-%m-%d").to_string();
    }
    let ago = Timestamp::now().duration_since(ts).as_secs();
    let rel = match ago {
        s if s < 0 => "in the future".to_string(),
        s if s < 90 => "just now".to_string(),
        s if s < 90 * 60 => format!("{} minutes ago", s / 60),
        s if s < 36 * 3600 => format!("{} hours ago", s / 3600),
        s if s < 60 * 86400 => format!("{} days ago", s / 86400),
        s if s < 730 * 86400 => format!("{} months ago", s / (30 * 86400)),
        s => format!("{} years ago", s / (365 * 86400)),
    };
    format!("{} ({rel})", ts.strftime("%Y-%m-%d %H:%M UTC"))
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
    let mut parts = vec![s(item, "id").to_string()];
    let email = primary_email(item);
    let extra = [
        email.as_str(),
        s(item, "email_address"),
        s(item, "username"),
        s(item, "identifier"),
        s(item, "name"),
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
                let message = match s(e, "long_message") {
                    "" => s(e, "message"),
                    long => long,
                };
                let code = match s(e, "code") {
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
