//! How the fields of Clerk's objects read: a string field, a user's
//! primary email and name, a timestamp.

use jiff::Timestamp;
use serde_json::Value;

/// A string field, empty when absent.
pub fn text<'a>(v: &'a Value, key: &str) -> &'a str {
    v.get(key).and_then(Value::as_str).unwrap_or("")
}

/// The user's primary email address, else the first.
pub fn primary_email(user: &Value) -> String {
    let primary = text(user, "primary_email_address_id");
    let emails = user.get("email_addresses").and_then(Value::as_array);
    let pick = emails.and_then(|list| {
        list.iter()
            .find(|e| text(e, "id") == primary && !primary.is_empty())
            .or_else(|| list.first())
    });
    pick.map(|e| text(e, "email_address").to_string())
        .unwrap_or_default()
}

/// `first_name last_name`, whichever are set.
pub fn full_name(v: &Value) -> String {
    [text(v, "first_name"), text(v, "last_name")]
        .iter()
        .filter(|p| !p.is_empty())
        .copied()
        .collect::<Vec<_>>()
        .join(" ")
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
