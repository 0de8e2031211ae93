//! Every flag, defined once ([`FLAGS`]): its names, whether it takes a
//! value and which, the environment variable that sets its default, and its
//! help line. Parsing ([`extract`]), `--help`, REPL completion, the shell
//! completion scripts and the man page are all generated from this table,
//! so they cannot disagree (ripgrep's `flags/defs.rs` is the model).
//!
//! A flag that takes no value refuses one: `--yes=no` is a usage error, not
//! `--yes`. Guessing there would turn a "no" into consent.

use std::path::PathBuf;

use super::{ColorChoice, Export, Options, Output, UsageError, Word};

/// What a flag sets; [`apply`] holds the one `match` over it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Id {
    Admin,
    Yes,
    DryRun,
    Curl,
    Sdk,
    All,
    Refresh,
    Offline,
    Help,
    Version,
    SpecVersion,
    SpecDir,
    Output,
    Json,
    Color,
    BaseUrl,
    Timeout,
    MaxBody,
    Data,
    Each,
    Column,
    Resume,
    Concurrency,
}

/// What follows a flag.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Takes {
    /// A switch: `--yes`. A value (`--yes=no`) is refused.
    Nothing,
    /// `--output json`, `--output=json`; `name` is the placeholder shown
    /// in help, `choices` the only values accepted (none: free text).
    Value {
        name: &'static str,
        choices: &'static [&'static str],
    },
}

#[derive(Debug)]
pub struct Flag {
    pub id: Id,
    /// `--dry-run`.
    pub long: &'static str,
    pub short: Option<char>,
    /// Another long spelling (`--colour`).
    pub alias: Option<&'static str>,
    pub takes: Takes,
    /// The variable that sets the default, parsed exactly like the flag.
    pub env: Option<&'static str>,
    pub help: &'static str,
}

impl Flag {
    pub fn takes_value(&self) -> bool {
        matches!(self.takes, Takes::Value { .. })
    }

    /// `--output text|json`, `--yes, -y`: the left column of help.
    pub fn synopsis(&self) -> String {
        let mut out = self.long.to_string();
        if let Takes::Value { name, .. } = self.takes {
            out.push(' ');
            out.push_str(name);
        }
        if let Some(s) = self.short {
            out.push_str(&format!(", -{s}"));
        }
        out
    }

    /// Every spelling: long, alias, short.
    pub fn names(&self) -> Vec<String> {
        let mut out = vec![self.long.to_string()];
        out.extend(self.alias.map(str::to_string));
        out.extend(self.short.map(|s| format!("-{s}")));
        out
    }

    fn is(&self, name: &str) -> bool {
        name == self.long
            || Some(name) == self.alias
            || self
                .short
                .is_some_and(|s| name.len() == 2 && name.strip_prefix('-') == Some(&s.to_string()))
    }
}

const fn switch(id: Id, long: &'static str, help: &'static str) -> Flag {
    Flag {
        id,
        long,
        short: None,
        alias: None,
        takes: Takes::Nothing,
        env: None,
        help,
    }
}

const fn value(id: Id, long: &'static str, name: &'static str, help: &'static str) -> Flag {
    Flag {
        id,
        long,
        short: None,
        alias: None,
        takes: Takes::Value { name, choices: &[] },
        env: None,
        help,
    }
}

pub const FLAGS: &[Flag] = &[
    switch(
        Id::Admin,
        "--admin",
        "bypass scope restrictions for write/delete",
    ),
    Flag {
        short: Some('y'),
        ..switch(
            Id::Yes,
            "--yes",
            "answer yes to the confirmation of a write (warnings still print, on stderr)",
        )
    },
    switch(
        Id::DryRun,
        "--dry-run",
        "print the plan and the pipeline's verdict, send nothing",
    ),
    switch(
        Id::Curl,
        "--curl",
        "print an equivalent curl command per request, send nothing",
    ),
    switch(
        Id::Sdk,
        "--sdk",
        "print the @clerk/backend SDK equivalent of a request, send nothing",
    ),
    switch(Id::All, "--all", "follow every page of a list"),
    Flag {
        short: Some('h'),
        ..switch(
            Id::Help,
            "--help",
            "help; after an endpoint or request, inspect it instead of executing (also `help`)",
        )
    },
    Flag {
        short: Some('V'),
        ..switch(Id::Version, "--version", "print the program version")
    },
    value(
        Id::SpecVersion,
        "--spec-version",
        "DATE",
        "use a specific spec version, e.g. 2025-11-10 (also `version DATE` among the words)",
    ),
    Flag {
        env: Some("CLERK_BACKEND_API_SPECS_DIR"),
        ..value(
            Id::SpecDir,
            "--spec-dir",
            "DIR",
            "read YYYY-MM-DD.yml specs from DIR instead of GitHub",
        )
    },
    switch(
        Id::Refresh,
        "--refresh",
        "ignore the spec cache and download again",
    ),
    switch(
        Id::Offline,
        "--offline",
        "use only local specs: the cache, else the snapshot built into the program",
    ),
    Flag {
        short: Some('o'),
        takes: Takes::Value {
            name: "text|json|csv|ndjson",
            choices: &["text", "json", "csv", "ndjson"],
        },
        ..value(
            Id::Output,
            "--output",
            "",
            "text for people (default), json for scripts; csv or ndjson export a list (with --all, every page, streamed)",
        )
    },
    switch(Id::Json, "--json", "the same as --output json"),
    Flag {
        alias: Some("--colour"),
        takes: Takes::Value {
            name: "auto|always|never",
            choices: &["auto", "always", "never"],
        },
        ..value(
            Id::Color,
            "--color",
            "",
            "colours (auto honours NO_COLOR, CLICOLOR_FORCE and the terminal)",
        )
    },
    Flag {
        env: Some("CLERK_BACKEND_API_URL"),
        ..value(
            Id::BaseUrl,
            "--base-url",
            "URL",
            "send requests to URL instead of https://api.clerk.com/v1",
        )
    },
    value(
        Id::Timeout,
        "--timeout",
        "SECS",
        "connect and total timeout per request (default 30)",
    ),
    value(
        Id::MaxBody,
        "--max-body",
        "MIB",
        "the largest response body read, in MiB (default 32)",
    ),
    Flag {
        short: Some('d'),
        ..value(Id::Data, "--data", "JSON|@FILE", "request body")
    },
    value(
        Id::Each,
        "--each",
        "FILE",
        "run the request once per target in FILE (one a line, or a CSV column), with one confirmation",
    ),
    value(
        Id::Column,
        "--column",
        "NAME",
        "the CSV column of --each that holds the targets (default: the one named like the value they fill, id or email)",
    ),
    switch(
        Id::Resume,
        "--resume",
        "with a bulk request: skip the targets the journal holds as done by the same request",
    ),
    value(
        Id::Concurrency,
        "--concurrency",
        "N",
        "requests of a bulk run in flight at once (default 8), within the instance's rate limit",
    ),
];

/// The flag a name (`--yes`, `-y`, `--colour`) spells.
pub fn find(name: &str) -> Option<&'static Flag> {
    FLAGS.iter().find(|f| f.is(name))
}

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

/// Takes the flags out of `words`, on top of `options`.
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
        // `help` is a word as the seed writes it; -h and --help are flags.
        if text.eq_ignore_ascii_case("help") {
            help = true;
            continue;
        }
        // `version 2025-11-10.yml`, as the seed writes it.
        if text.eq_ignore_ascii_case("version") && iter.peek().is_some_and(|w| is_date(&w.text)) {
            options.spec_version = iter.next().map(|w| date(&w.text));
            continue;
        }
        if !text.starts_with('-') || text == "-" || is_negative_number(text) {
            out.push(word);
            continue;
        }
        let (name, inline) = match text.split_once('=') {
            Some((n, v)) => (n, Some(v.to_string())),
            None => (text, None),
        };
        // Long names forgive case (`--Yes`); short ones do not (`-V`, `-v`).
        let flag = find(name)
            .or_else(|| find(&name.to_ascii_lowercase()).filter(|_| name.starts_with("--")))
            .ok_or_else(|| unknown_flag(name))?;
        let value = match (flag.takes, inline) {
            (Takes::Nothing, Some(v)) => {
                return Err(UsageError(format!(
                    "{} takes no value, but `{name}={v}` gives one; leave the flag out to not set it",
                    flag.long
                )));
            }
            (Takes::Nothing, None) => None,
            (Takes::Value { .. }, Some(v)) => Some(v),
            (Takes::Value { name, .. }, None) => match iter.next() {
                Some(w) => Some(w.text),
                None => {
                    return Err(UsageError(format!("{} needs a value ({name})", flag.long)));
                }
            },
        };
        match flag.id {
            Id::Help => help = true,
            Id::Version => program_version = true,
            _ => apply(flag, value.as_deref(), &mut options)?,
        }
    }
    Ok(Extracted {
        words: out,
        options,
        help,
        program_version,
    })
}

/// Sets what `flag` sets; `value` is checked against what it takes. The
/// same code parses a flag's environment variable.
pub fn apply(flag: &Flag, value: Option<&str>, options: &mut Options) -> Result<(), UsageError> {
    let value = value.unwrap_or("");
    if let Takes::Value { choices, name } = flag.takes
        && !choices.is_empty()
        && !choices.iter().any(|c| c.eq_ignore_ascii_case(value))
    {
        return Err(UsageError(format!(
            "{} takes {}, not `{value}`",
            flag.long,
            name.replace('|', " or ")
        )));
    }
    let lower = value.to_ascii_lowercase();
    match flag.id {
        Id::Admin => options.admin = true,
        Id::Yes => options.yes = true,
        Id::DryRun => options.dry_run = true,
        Id::Curl => options.curl = true,
        Id::Sdk => options.sdk = true,
        Id::All => options.all = true,
        Id::Refresh => options.refresh = true,
        Id::Offline => options.offline = true,
        Id::Json => {
            options.output = Output::Json;
            options.export = None;
        }
        Id::Output => {
            // csv and ndjson are exports: stdout is for a script, as with
            // json, and lists are written in that format.
            options.export = match lower.as_str() {
                "csv" => Some(Export::Csv),
                "ndjson" => Some(Export::Ndjson),
                _ => None,
            };
            options.output = if lower == "text" {
                Output::Text
            } else {
                Output::Json
            }
        }
        Id::Color => {
            options.color = match lower.as_str() {
                "always" => ColorChoice::Always,
                "never" => ColorChoice::Never,
                _ => ColorChoice::Auto,
            }
        }
        Id::SpecVersion => {
            if !is_date(value) {
                return Err(UsageError(format!(
                    "`{value}` is not a spec version; versions are dates like 2025-11-10"
                )));
            }
            options.spec_version = Some(date(value));
        }
        Id::SpecDir => options.spec_dir = Some(PathBuf::from(value)),
        Id::BaseUrl => options.base_url = Some(value.to_string()),
        Id::Data => options.data = Some(value.to_string()),
        Id::Timeout => options.timeout_secs = Some(whole(flag, value, 1, 3600)?),
        Id::MaxBody => options.max_body_mib = Some(whole(flag, value, 1, 4096)?),
        Id::Each => options.each = Some(value.to_string()),
        Id::Column => options.column = Some(value.to_string()),
        Id::Resume => options.resume = true,
        Id::Concurrency => options.concurrency = Some(whole(flag, value, 1, 64)?),
        // Handled by `extract`, which knows the words around them.
        Id::Help | Id::Version => {}
    }
    Ok(())
}

fn whole(flag: &Flag, value: &str, min: u64, max: u64) -> Result<u64, UsageError> {
    match value.trim().parse::<u64>() {
        Ok(n) if (min..=max).contains(&n) => Ok(n),
        _ => Err(UsageError(format!(
            "{} takes a whole number from {min} to {max}, not `{value}`",
            flag.long
        ))),
    }
}

fn is_negative_number(text: &str) -> bool {
    text.len() > 1 && text[1..].bytes().all(|b| b.is_ascii_digit() || b == b'.')
}

fn unknown_flag(name: &str) -> UsageError {
    let nearest = FLAGS
        .iter()
        .map(|f| (strsim::jaro_winkler(name, f.long), f.long))
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
