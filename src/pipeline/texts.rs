//! The pipeline's texts, which live as data in `grammar/`: what each DELETE
//! destroys (`destroys.txt`), the warnings and key messages
//! (`pipeline.txt`) and Clerk's rate limits (`rate_limits.txt`). They are
//! embedded at build time and parsed once.

use std::collections::HashMap;
use std::sync::OnceLock;

use crate::grammar::file;

/// `[name]` sections of `pipeline.txt`, each joined into one line.
pub fn sections(text: &str) -> Result<Vec<(String, String)>, String> {
    let mut out: Vec<(String, String)> = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        if let Some(name) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
            if out.iter().any(|(k, _)| k == name) {
                return Err(format!("line {}: [{name}] appears twice", n + 1));
            }
            out.push((name.to_string(), String::new()));
            continue;
        }
        let Some((_, body)) = out.last_mut() else {
            return Err(format!("line {}: text before the first [name]", n + 1));
        };
        if !body.is_empty() {
            body.push(' ');
        }
        body.push_str(line);
    }
    Ok(out)
}

/// `OperationId: text` lines of `destroys.txt`.
pub fn entries(text: &str) -> Result<Vec<(String, String)>, String> {
    let mut out = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        match line.split_once(':') {
            Some((id, what)) if !id.trim().is_empty() && !what.trim().is_empty() => {
                out.push((id.trim().to_string(), what.trim().to_string()))
            }
            _ => return Err(format!("line {}: expected `OperationId: text`", n + 1)),
        }
    }
    Ok(out)
}

struct Texts {
    pipeline: HashMap<String, String>,
    destroys: HashMap<String, String>,
}

fn texts() -> &'static Texts {
    static TEXTS: OnceLock<Texts> = OnceLock::new();
    TEXTS.get_or_init(|| Texts {
        // Both files are checked by tests; a broken file yields no texts,
        // and `text` then names what is missing rather than panicking.
        pipeline: sections(file("pipeline.txt"))
            .unwrap_or_default()
            .into_iter()
            .collect(),
        destroys: entries(file("destroys.txt"))
            .unwrap_or_default()
            .into_iter()
            .collect(),
    })
}

/// The text `name` of `pipeline.txt` with its `{slots}` filled.
pub fn text(name: &str, slots: &[(&str, &str)]) -> String {
    match texts().pipeline.get(name) {
        Some(t) => fill(t, slots),
        None => format!("[missing text {name} in grammar/pipeline.txt]"),
    }
}

/// What a DELETE operation destroys, from `destroys.txt`.
pub fn destroys(operation_id: &str) -> Option<&'static str> {
    texts().destroys.get(operation_id).map(String::as_str)
}

/// Every operation ID `destroys.txt` names.
pub fn destroy_ids() -> Vec<&'static str> {
    texts().destroys.keys().map(String::as_str).collect()
}

/// Clerk's rate limits, one line each.
pub fn rate_limits() -> Vec<&'static str> {
    file("rate_limits.txt")
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .collect()
}

/// Replaces `{slot}` with its value; unknown slots stay as written so a
/// test can find them.
pub fn fill(template: &str, slots: &[(&str, &str)]) -> String {
    let mut out = template.to_string();
    for (name, value) in slots {
        out = out.replace(&format!("{{{name}}}"), value);
    }
    out
}

/// The `{slots}` a template uses.
pub fn slots_of(template: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = template;
    while let Some(start) = rest.find('{') {
        let Some(len) = rest[start..].find('}') else {
            break;
        };
        out.push(rest[start + 1..start + len].to_string());
        rest = &rest[start + len + 1..];
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each text the code asks for, with the slots the code fills.
    const USED: &[(&str, &[&str])] = &[
        ("delete", &["label", "summary", "destroys"]),
        ("delete.fallback", &["description"]),
        ("delete.spec", &["description"]),
        ("metadata.types", &[]),
        ("metadata.used.public_metadata", &[]),
        ("metadata.used.private_metadata", &[]),
        ("metadata.used.unsafe_metadata", &[]),
        ("metadata.replace", &["label", "fields", "merge"]),
        ("metadata.replace.nomerge", &["label", "fields"]),
        ("metadata.replace.planned", &["label", "fields", "step"]),
        ("metadata.merge", &["label", "fields"]),
        ("production.write", &[]),
        ("auth.machine.when", &[]),
        ("auth.machine", &["label"]),
        ("key.missing", &[]),
        ("key.publishable", &["source"]),
        ("key.api_key", &["source"]),
        ("key.malformed", &["source"]),
        ("key.unreadable", &["file", "reason"]),
        ("history.fields", &[]),
        ("scopes.short", &["scopes", "label", "needed"]),
        ("rate_limited", &["retries"]),
        ("redact.fields", &[]),
    ];

    #[test]
    fn grammar_files_parse_and_texts_use_known_slots() {
        let sections = sections(file("pipeline.txt")).expect("pipeline.txt parses");
        for (name, slots) in USED {
            let (_, body) = sections
                .iter()
                .find(|(n, _)| n == name)
                .unwrap_or_else(|| panic!("pipeline.txt lacks [{name}]"));
            for used in slots_of(body) {
                assert!(slots.contains(&used.as_str()), "[{name}] uses {{{used}}}");
            }
        }
        for (name, _) in &sections {
            assert!(USED.iter().any(|(n, _)| n == name), "[{name}] is unused");
        }
        assert!(
            entries(file("destroys.txt"))
                .expect("destroys.txt parses")
                .len()
                > 30
        );
        assert!(rate_limits().iter().any(|l| l.contains("1,000")));
    }

    #[test]
    fn fill_and_slots() {
        assert_eq!(fill("{a} and {b}", &[("a", "x"), ("b", "y")]), "x and y");
        assert_eq!(slots_of("{a} {b}c"), ["a", "b"]);
        assert!(sections("x").is_err());
        assert!(entries("no colon").is_err());
    }
}
