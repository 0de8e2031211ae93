//! The flags every mode understands, wherever they stand among the words.

use std::path::PathBuf;

use super::{ColorChoice, Options, Output, UsageError, Word};

/// Every flag, with whether it takes a value and what it does; `--help`
/// prints this table, the REPL completes from it.
pub const FLAGS: &[(&str, Option<&str>, &str)] = &[
    (
        "--admin",
        None,
        "bypass scope restrictions for write/delete",
    ),
    (
        "--version",
        Some("DATE"),
        "use a specific spec version (alone: print the program version)",
    ),
    (
        "--help",
        None,
        "help; after an endpoint or request, inspect it instead of executing (also -h, help)",
    ),
    (
        "--spec-dir",
        Some("DIR"),
        "read YYYY-MM-DD.yml specs from DIR instead of GitHub (env CLERK_OPENAPI_SPECS_DIR)",
    ),
    (
        "--output",
        Some("text|json"),
        "text for people (default), json for scripts",
    ),
    (
        "--color",
        Some("auto|always|never"),
        "colours (auto honours NO_COLOR, CLICOLOR_FORCE and the terminal)",
    ),
    (
        "--refresh",
        None,
        "ignore the spec cache and download again",
    ),
    (
        "--yes",
        None,
        "answer yes to the confirmation of a write (warnings still print, on stderr)",
    ),
    (
        "--dry-run",
        None,
        "print the plan and the pipeline's verdict, send nothing",
    ),
    (
        "--curl",
        None,
        "print an equivalent curl command per request",
    ),
    ("--all", None, "follow every page of a list"),
    (
        "--sdk",
        None,
        "show the @clerk/backend SDK equivalent of a request",
    ),
    (
        "--base-url",
        Some("URL"),
        "send requests to URL instead of the spec's server (env CLERK_BACKEND_API_URL)",
    ),
    (
        "--timeout",
        Some("SECS"),
        "connect and total timeout per request (default 30)",
    ),
    ("--data", Some("JSON|@FILE"), "request body (also -d)"),
];

pub(super) struct Extracted {
    pub words: Vec<Word>,
    pub options: Options,
    pub help: bool,
    pub program_version: bool,
}

/// A spec version as typed: `2025-11-10` or `2025-11-10.yml`.
fn is_date(word: &str) -> bool {
    crate::spec::is_version(word.strip_suffix(".yml").unwrap_or(word))
}

fn date(word: &str) -> String {
    word.strip_suffix(".yml").unwrap_or(word).to_string()
}

pub(super) fn extract(words: Vec<Word>, mut options: Options) -> Result<Extracted, UsageError> {
    let mut out = Vec::new();
    let mut help = false;
    let mut program_version = false;
    let mut iter = words.into_iter().peekable();
    let mut flags_done = false;
    while let Some(word) = iter.next() {
        let text = word.text.as_str();
        if flags_done || word.quoted {
            out.push(word);
            continue;
        }
        if text == "--" {
            flags_done = true;
            continue;
        }
        let lower = text.to_ascii_lowercase();
        if matches!(lower.as_str(), "help" | "-h" | "--help") {
            help = true;
            continue;
        }
        // `version 2025-11-10.yml`, as the seed writes it.
        if lower == "version" && iter.peek().is_some_and(|w| is_date(&w.text)) {
            options.spec_version = iter.next().map(|w| date(&w.text));
            continue;
        }
        if !text.starts_with('-') || text == "-" || is_negative_number(text) {
            out.push(word);
            continue;
        }
        let (name, inline) = match text.split_once('=') {
            Some((n, v)) if n.starts_with("--") => (n.to_string(), Some(v.to_string())),
            _ => (text.to_string(), None),
        };
        let mut value = |flag: &str| -> Result<String, UsageError> {
            if let Some(v) = inline.clone() {
                return Ok(v);
            }
            match iter.next() {
                Some(w) => Ok(w.text),
                None => Err(UsageError(format!("{flag} needs a value"))),
            }
        };
        match name.as_str() {
            "--admin" => options.admin = true,
            "--refresh" => options.refresh = true,
            "--yes" | "-y" => options.yes = true,
            "--dry-run" => options.dry_run = true,
            "--curl" => options.curl = true,
            "--all" => options.all = true,
            "--sdk" => options.sdk = true,
            "--version" | "-V" => {
                if let Some(v) = inline.clone() {
                    options.spec_version = Some(date(&v));
                } else if iter.peek().is_some_and(|w| is_date(&w.text)) {
                    options.spec_version = iter.next().map(|w| date(&w.text));
                } else {
                    program_version = true;
                }
            }
            "--spec-dir" => options.spec_dir = Some(PathBuf::from(value("--spec-dir")?)),
            "--base-url" => options.base_url = Some(value("--base-url")?),
            "--data" | "-d" => options.data = Some(value("--data")?),
            "--output" | "-o" => {
                options.output = match value("--output")?.to_ascii_lowercase().as_str() {
                    "text" => Output::Text,
                    "json" => Output::Json,
                    other => {
                        return Err(UsageError(format!(
                            "--output takes text or json, not `{other}`"
                        )));
                    }
                }
            }
            "--json" => options.output = Output::Json,
            "--color" | "--colour" => {
                options.color = match value("--color")?.to_ascii_lowercase().as_str() {
                    "auto" => ColorChoice::Auto,
                    "always" => ColorChoice::Always,
                    "never" => ColorChoice::Never,
                    other => {
                        return Err(UsageError(format!(
                            "--color takes auto, always or never, not `{other}`"
                        )));
                    }
                }
            }
            "--timeout" => {
                let raw = value("--timeout")?;
                match raw.parse::<u64>() {
                    Ok(secs) if secs > 0 => options.timeout_secs = Some(secs),
                    _ => {
                        return Err(UsageError(format!(
                            "--timeout takes a whole number of seconds above 0, not `{raw}`"
                        )));
                    }
                }
            }
            _ => return Err(unknown_flag(&name)),
        }
    }
    if let Some(v) = options.spec_version.as_ref().filter(|v| !is_date(v)) {
        return Err(UsageError(format!(
            "`{v}` is not a spec version; versions are dates like 2025-11-10"
        )));
    }
    Ok(Extracted {
        words: out,
        options,
        help,
        program_version,
    })
}

fn is_negative_number(text: &str) -> bool {
    text.len() > 1 && text[1..].bytes().all(|b| b.is_ascii_digit() || b == b'.')
}

fn unknown_flag(name: &str) -> UsageError {
    let nearest = FLAGS
        .iter()
        .map(|(f, _, _)| (strsim::jaro_winkler(name, f), *f))
        .max_by(|a, b| a.0.total_cmp(&b.0));
    match nearest {
        Some((score, f)) if score > 0.75 => {
            UsageError(format!("unknown flag {name}; did you mean {f}?"))
        }
        _ => UsageError(format!(
            "unknown flag {name}; run `clerk-backend-api --help` for the flags"
        )),
    }
}
