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
    /// The reads sent before writes to keep the state they change in the
    /// journal (`GET .../users/user_1`): part of what is confirmed.
    pub reads_before: &'a [String],
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
    for read in q.reads_before {
        lines.push(format!(
            "  {}",
            style.dim(&format!(
                "first {read}, kept in the journal as the state before the write"
            ))
        ));
    }
    console.note(&lines.join("\n"));
    if let Some(c) = unasked(console, q.yes) {
        return c;
    }
    if q.delete {
        // On production a reflex `yes` is not enough: the ID is typed.
        let production = q.instance == Instance::Production;
        let prompt = match q.delete_id {
            Some(id) if production => {
                format!("PRODUCTION: type the ID {id} to delete it, anything else cancels: ")
            }
            Some(id) => format!("Type `yes` or the ID {id} to delete, anything else cancels: "),
            None => "Type `yes` to delete, anything else cancels: ".to_string(),
        };
        let answer = console.ask(&prompt).unwrap_or_default();
        let answer = answer.trim();
        let ok = match q.delete_id {
            Some(id) => answer == id || (!production && answer == "yes"),
            None => answer == "yes",
        };
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

/// `--yes` answers, and without a terminal nobody can: `None` means ask.
fn unasked(console: &mut dyn Console, yes: bool) -> Option<Consent> {
    if yes {
        let style = console.err_style();
        console.note(&style.dim("--yes given: not asking."));
        return Some(Consent::Given);
    }
    (!console.interactive()).then_some(Consent::NoTerminal)
}

/// Deletes above this many are confirmed by typing their count.
pub const TYPED_COUNT_ABOVE: u64 = 5;

/// One request template sent once per target.
pub struct BulkQuestion<'a> {
    /// The request with the target's slot shown as `{name}`.
    pub template: &'a Shown,
    /// How many requests will be sent (targets not skipped).
    pub count: u64,
    /// Targets `--resume` skips as already done.
    pub skipped: u64,
    pub slot: &'a str,
    /// Where the targets come from (a file, the command, a list read).
    pub from: &'a str,
    pub first: &'a [String],
    pub last: &'a [String],
    /// `GET .../users/{user_id}` when each write is preceded by a read.
    pub read_before: Option<String>,
    /// The rate and the least time it takes.
    pub pace: String,
    pub instance: Instance,
    pub source: &'a KeySource,
    pub delete: bool,
    pub yes: bool,
}

/// Shows a bulk request (count, template, both ends of the targets, the
/// reads before, the pace) once and asks once. More than
/// [`TYPED_COUNT_ABOVE`] deletes are confirmed by typing their count, on a
/// terminal even with `--yes`; without a terminal only `--yes` consents.
pub fn ask_bulk(console: &mut dyn Console, q: &BulkQuestion) -> Consent {
    let style = console.err_style();
    let instance = match q.instance {
        Instance::Development => style.green("development instance (sk_test_)"),
        Instance::Production => style.red("PRODUCTION instance (sk_live_)"),
    };
    let t = q.template;
    let mut lines = vec![
        format!(
            "{} on the {instance}, key from {}:",
            style.bold("About to send"),
            q.source
        ),
        format!(
            "  {} × {} {}",
            count(q.count),
            style.method(t.method),
            t.url
        ),
    ];
    if let Some(body) = &t.body {
        let shown = serde_json::to_string_pretty(&redact_body(body)).unwrap_or_default();
        lines.extend(shown.lines().map(|l| format!("    {l}")));
    }
    let mut ends: Vec<String> = q.first.to_vec();
    if !q.last.is_empty() {
        if q.count + q.skipped > (q.first.len() + q.last.len()) as u64 {
            ends.push("…".into());
        }
        ends.extend(q.last.iter().cloned());
    }
    lines.push(format!("  {} from {}: {}", q.slot, q.from, ends.join(", ")));
    if q.skipped > 0 {
        lines.push(format!(
            "  --resume: {} already done by this request (in the journal), skipped",
            count(q.skipped)
        ));
    }
    if let Some(read) = &q.read_before {
        lines.push(format!(
            "  before each write: {read}, kept in the journal as the state before ({} reads)",
            count(q.count)
        ));
    }
    lines.push(format!("  {}", style.dim(&q.pace)));
    console.note(&lines.join("\n"));
    let typed_count = q.delete && q.count > TYPED_COUNT_ABOVE;
    // On a terminal the count is typed even with `--yes`: a flag recalled
    // from shell history must not destroy thousands of objects unseen. A
    // script (no terminal) has only `--yes` to say it means it.
    if typed_count && q.yes && console.interactive() {
        console.note(
            &style.dim(
                "--yes does not answer for more than 5 deletes on a terminal: type the count.",
            ),
        );
    } else if let Some(c) = unasked(console, q.yes) {
        return c;
    }
    let prompt = match (q.delete, typed_count) {
        (true, true) => format!(
            "Type the number of deletes ({}) to confirm, anything else cancels: ",
            q.count
        ),
        (true, false) => format!(
            "Type `yes` to delete these {}, anything else cancels: ",
            q.count
        ),
        (false, _) => format!("Send {} requests? [y/N] ", count(q.count)),
    };
    let answer = console.ask(&prompt).unwrap_or_default();
    let answer = answer.trim();
    let ok = match (q.delete, typed_count) {
        (true, true) => answer.replace([',', '_'], "") == q.count.to_string(),
        (true, false) => answer == "yes",
        (false, _) => matches!(answer.to_ascii_lowercase().as_str(), "y" | "yes"),
    };
    if ok {
        Consent::Given
    } else {
        Consent::Declined
    }
}

/// `2,000`.
pub fn count(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// The body with the text values of secret fields (`password`,
/// `client_secret`...) replaced, at any depth: a field is secret by what
/// its name ends with, and only text can be a secret (a flag or a number
/// the user set is shown).
pub fn redact_body(body: &Value) -> Value {
    let words = text("redact.fields", &[]);
    let secret = |key: &str| {
        let key = key.to_ascii_lowercase();
        words
            .split_whitespace()
            .any(|w| key == w || key.ends_with(&format!("_{w}")))
    };
    fn texts(v: &Value) -> bool {
        match v {
            Value::String(_) => true,
            Value::Array(items) => !items.is_empty() && items.iter().all(Value::is_string),
            _ => false,
        }
    }
    fn walk(v: &Value, secret: &dyn Fn(&str) -> bool) -> Value {
        match v {
            Value::Object(map) => Value::Object(
                map.iter()
                    .map(|(k, v)| {
                        let v = if secret(k) && texts(v) {
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
    fn counts_are_grouped() {
        assert_eq!(count(0), "0");
        assert_eq!(count(999), "999");
        assert_eq!(count(2000), "2,000");
        assert_eq!(count(100000), "100,000");
    }

    #[test]
    fn secrets_in_bodies_are_hidden() {
        let b = json!({"password": "hunter2", "name": "x", "nested": [{"client_secret": "s"}],
            "backup_codes": ["a", "b"]});
        assert_eq!(
            redact_body(&b),
            json!({"password": "[redacted]", "name": "x", "nested": [{"client_secret": "[redacted]"}],
                "backup_codes": "[redacted]"})
        );
    }

    #[test]
    fn settings_that_mention_a_secret_are_shown() {
        let b = json!({"preferred_sign_in_strategy_when_password_required": "password",
            "password_hasher": "bcrypt", "skip_password_checks": true, "token_url": "https://x.io/t",
            "default_token_ttl": 60, "password": null});
        assert_eq!(redact_body(&b), b);
    }
}
