//! Step 4 of the pipeline: consent before every write. The exact requests
//! (method, full URL, body with secrets redacted) and the instance kind are
//! shown; the default answer is No; a DELETE asks the user to type `yes` or
//! the resource ID. `--yes` skips the question. Without a terminal the
//! write is refused: output being piped never counts as consent.

use serde_json::Value;

use super::key::{Instance, KeySource};
use super::texts::text;
use crate::console::Console;
use crate::spec::Method;

/// One request as the confirmation shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct Shown {
    pub method: Method,
    pub url: String,
    pub body: Option<Value>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Consent {
    Given,
    Declined,
    /// Nobody can answer and `--yes` was not given.
    NoTerminal,
}

/// What the question needs to know.
pub struct Question<'a> {
    pub requests: &'a [Shown],
    pub instance: Instance,
    /// Where the key came from (a variable or a file), never the key.
    pub source: &'a KeySource,
    /// The plan deletes; `delete_id` is the resource ID when it is known.
    pub delete: bool,
    pub delete_id: Option<&'a str>,
    pub yes: bool,
}

/// Shows the requests on stderr and asks.
pub fn ask(console: &mut dyn Console, q: &Question) -> Consent {
    let style = console.err_style();
    let instance = match q.instance {
        Instance::Development => style.green("development instance (sk_test_)"),
        Instance::Production => style.red("PRODUCTION instance (sk_live_)"),
    };
    let mut lines = vec![format!(
        "{} on the {instance}, key from {}:",
        style.bold("About to send"),
        q.source
    )];
    for r in q.requests {
        lines.push(format!("  {} {}", style.method(r.method), r.url));
        if let Some(body) = &r.body {
            let shown = serde_json::to_string_pretty(&redact_body(body)).unwrap_or_default();
            for l in shown.lines() {
                lines.push(format!("    {l}"));
            }
        }
    }
    console.note(&lines.join("\n"));
    if q.yes {
        console.note(&style.dim("--yes given: not asking."));
        return Consent::Given;
    }
    if !console.interactive() {
        return Consent::NoTerminal;
    }
    if q.delete {
        let prompt = match q.delete_id {
            Some(id) => format!("Type `yes` or the ID {id} to delete, anything else cancels: "),
            None => "Type `yes` to delete, anything else cancels: ".to_string(),
        };
        let answer = console.ask(&prompt).unwrap_or_default();
        let answer = answer.trim();
        let ok = answer == "yes" || q.delete_id.is_some_and(|id| answer == id);
        return if ok {
            Consent::Given
        } else {
            Consent::Declined
        };
    }
    let answer = console.ask("Send? [y/N] ").unwrap_or_default();
    match answer.trim().to_ascii_lowercase().as_str() {
        "y" | "yes" => Consent::Given,
        _ => Consent::Declined,
    }
}

/// The body with the values of secret-looking fields (`password`,
/// `client_secret`...) replaced, at any depth.
pub fn redact_body(body: &Value) -> Value {
    let words = text("redact.fields", &[]);
    let secret = |key: &str| {
        let key = key.to_ascii_lowercase();
        words.split_whitespace().any(|w| key.contains(w))
    };
    fn walk(v: &Value, secret: &dyn Fn(&str) -> bool) -> Value {
        match v {
            Value::Object(map) => Value::Object(
                map.iter()
                    .map(|(k, v)| {
                        let v = if secret(k) && !v.is_null() {
                            Value::String("[redacted]".into())
                        } else {
                            walk(v, secret)
                        };
                        (k.clone(), v)
                    })
                    .collect(),
            ),
            Value::Array(items) => Value::Array(items.iter().map(|i| walk(i, secret)).collect()),
            other => other.clone(),
        }
    }
    walk(body, &secret)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn secrets_in_bodies_are_hidden() {
        let b = json!({"password": "hunter2", "name": "x", "nested": [{"client_secret": "s"}]});
        assert_eq!(
            redact_body(&b),
            json!({"password": "[redacted]", "name": "x", "nested": [{"client_secret": "[redacted]"}]})
        );
    }
}
