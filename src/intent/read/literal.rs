//! Literal values as typed in a request: `true`, numbers, JSON. Read by
//! entity extraction and by field filling alike, so it depends on neither.

use serde_json::Value;

/// `true`, `false`, `null` and numbers as JSON; anything else a string.
pub fn typed(text: &str) -> Value {
    let t = text.trim_matches(['"', '\'']);
    if text.starts_with(['"', '\'']) {
        return Value::from(t);
    }
    match t.to_ascii_lowercase().as_str() {
        "true" | "yes" => return Value::Bool(true),
        "false" | "no" => return Value::Bool(false),
        "null" => return Value::Null,
        _ => {}
    }
    if let Ok(n) = t.parse::<i64>()
        && !(t.starts_with('0') && t.len() > 1)
    {
        return Value::from(n);
    }
    if let Ok(f) = t.parse::<f64>()
        && f.is_finite()
        && t.contains('.')
        && !t.starts_with('.')
    {
        return serde_json::Number::from_f64(f).map_or(Value::from(t), Value::Number);
    }
    Value::from(t)
}

pub fn json_value(text: &str) -> Option<Value> {
    serde_json::from_str(text)
        .ok()
        .or_else(|| Some(typed(text)))
}

/// A JSON object, also when written with single quotes.
pub fn json_object(text: &str) -> Option<Value> {
    serde_json::from_str::<Value>(text)
        .ok()
        .or_else(|| serde_json::from_str::<Value>(&text.replace('\'', "\"")).ok())
        .filter(Value::is_object)
}
