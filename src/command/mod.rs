//! Words -> [`Command`]: which mode, with which options.
//!
//! One-shot arguments and REPL lines go through the same [`parse`], so
//! `clerk-backend-api WORDS...` behaves exactly like `/clerk-backend-api
//! WORDS...` typed in the REPL. Flags may stand anywhere among the words;
//! `--` ends flag parsing.

mod flags;
mod words;

use std::path::PathBuf;

pub use flags::{FLAGS, Flag, Takes, find as flag};
pub use words::{Word, incomplete, join, split};

use crate::spec::Method;

/// The shells `completions` prints a script for.
pub const SHELLS: &[&str] = &["bash", "zsh", "fish", "powershell"];

/// What the user asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Mode {
    /// Usage examples.
    Help,
    /// `--version` alone: the program's version.
    ProgramVersion,
    /// `tags`: every tag of the spec.
    Tags,
    /// `completions SHELL`: a shell completion script.
    Completions { shell: String },
    /// `man`: the man page (roff).
    Manual,
    /// `history [N]`: the journal of writes, or entry N in full.
    History { entry: Option<u64> },
    /// `undo [N]`: reverse the last write, or entry N.
    Undo { entry: Option<u64> },
    /// An explicit endpoint: `GET /users`, `delete /users/user_2abc name=x`.
    /// `help` shows its detail instead of executing it.
    Endpoint {
        method: Option<Method>,
        path: String,
        items: Vec<String>,
        help: bool,
    },
    /// Anything else: a tag name (`Users`) or plain English
    /// (`get user john_doe`); the spec and the router decide which.
    Phrase { text: String, help: bool },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Output {
    #[default]
    Text,
    Json,
}

/// `--output csv|ndjson`: a list written as rows for another program.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Export {
    Csv,
    Ndjson,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ColorChoice {
    #[default]
    Auto,
    Always,
    Never,
}

/// Options of one command. In the REPL, a line's flags override the
/// session's for that line only.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Options {
    pub spec_dir: Option<PathBuf>,
    pub output: Output,
    pub color: ColorChoice,
    pub refresh: bool,
    /// The spec version (`2025-11-10`) to use instead of the latest.
    pub spec_version: Option<String>,
    pub admin: bool,
    pub yes: bool,
    pub dry_run: bool,
    pub curl: bool,
    pub all: bool,
    pub sdk: bool,
    pub base_url: Option<String>,
    pub timeout_secs: Option<u64>,
    /// `--max-body`: the largest response body read, in MiB.
    pub max_body_mib: Option<u64>,
    /// `--offline`: no request to GitHub for specs.
    pub offline: bool,
    /// `-d '{json}'` or `-d @file.json`.
    pub data: Option<String>,
    /// `--output csv|ndjson` (with `output` set to JSON: stdout is a
    /// script's).
    pub export: Option<Export>,
    /// `--each FILE`: the request runs once per target in FILE.
    pub each: Option<String>,
    /// `--column NAME`: the CSV column of `--each` with the targets.
    pub column: Option<String>,
    /// `--resume`: skip targets the journal holds as done.
    pub resume: bool,
    /// `--concurrency N`: a bulk run's requests in flight at once.
    pub concurrency: Option<u64>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Command {
    pub mode: Mode,
    pub options: Options,
    /// No words and no help flag: on the command line this starts the REPL.
    pub bare: bool,
}

impl Options {
    /// The defaults the environment sets: each flag's variable, parsed as
    /// the flag's value would be.
    pub fn from_env(env: &crate::env::Env) -> Result<Options, UsageError> {
        let mut options = Options::default();
        for flag in FLAGS {
            if let Some(value) = flag.env.and_then(|name| env.get(name)) {
                flags::apply(flag, Some(value), &mut options).map_err(|e| {
                    UsageError(format!("{} (from {})", e.0, flag.env.unwrap_or_default()))
                })?;
            }
        }
        Ok(options)
    }
}

/// A command line that cannot be understood (exit code 2).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct UsageError(pub String);

/// Parses words (from argv or a REPL line) on top of `defaults`.
pub fn parse(words: Vec<Word>, defaults: &Options) -> Result<Command, UsageError> {
    let parsed = flags::extract(words, defaults.clone())?;
    let mut words = parsed.words;
    let options = parsed.options;
    if words.is_empty() {
        let mode = if parsed.program_version {
            Mode::ProgramVersion
        } else {
            Mode::Help
        };
        let bare = !parsed.program_version && !parsed.help;
        return Ok(Command {
            mode,
            options,
            bare,
        });
    }
    if parsed.program_version {
        return Err(UsageError(
            "--version prints the program version and takes no words; \
             for a spec version use --spec-version DATE (or `version DATE`)"
                .into(),
        ));
    }
    let help = parsed.help;
    let first = words[0].text.to_ascii_lowercase();
    let keyword = !words[0].quoted && !help;
    let mode = match (first.as_str(), words.len()) {
        ("tags", 1) if keyword => Some(Mode::Tags),
        ("man", 1) if keyword => Some(Mode::Manual),
        ("completions", 2) if keyword => Some(Mode::Completions {
            shell: words[1].text.clone(),
        }),
        ("completions", 1) if keyword => {
            return Err(UsageError(format!(
                "completions needs a shell: {}",
                SHELLS.join(", ")
            )));
        }
        ("history", 1) if keyword => Some(Mode::History { entry: None }),
        ("undo", 1) if keyword => Some(Mode::Undo { entry: None }),
        // `history 12`, `undo #12`; other words after them are a phrase.
        ("history" | "undo", 2) if keyword && entry_number(&words[1].text).is_some() => {
            let entry = entry_number(&words[1].text);
            Some(if first == "history" {
                Mode::History { entry }
            } else {
                Mode::Undo { entry }
            })
        }
        _ => None,
    };
    if let Some(mode) = mode {
        return Ok(Command {
            mode,
            options,
            bare: false,
        });
    }
    let method = Method::parse(&words[0].text);
    let path_at = usize::from(method.is_some());
    let is_path = words
        .get(path_at)
        .is_some_and(|w| !w.quoted && (w.text.starts_with('/') || w.text.starts_with("http")));
    if is_path && (method.is_some() || words.len() == 1 || help) {
        let rest = words.split_off(path_at);
        let mut rest = rest.into_iter();
        let path = rest.next().map(|w| w.text).unwrap_or_default();
        let items = rest.map(|w| w.text).collect();
        return Ok(Command {
            mode: Mode::Endpoint {
                method,
                path,
                items,
                help,
            },
            options,
            bare: false,
        });
    }
    Ok(Command {
        mode: Mode::Phrase {
            text: join(&words),
            help,
        },
        options,
        bare: false,
    })
}

/// A journal entry's number as typed: `12` or `#12`.
fn entry_number(word: &str) -> Option<u64> {
    word.trim_start_matches('#').parse().ok().filter(|n| *n > 0)
}

/// The commands in a typed or pasted text: one a line, except that a line
/// leaving a JSON value open (a pasted multi-line `-d` body) runs on into
/// the next until it closes.
pub fn commands(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::new();
    for line in text.lines() {
        if !current.is_empty() {
            current.push('\n');
        }
        current.push_str(line);
        if !incomplete(&current) {
            out.push(std::mem::take(&mut current));
        }
    }
    if !current.is_empty() {
        out.push(current);
    }
    out
}

/// Parses a REPL line or a one-shot argv (already split by the shell).
pub fn parse_line(line: &str, defaults: &Options) -> Result<Command, UsageError> {
    parse(split(line), defaults)
}

/// The longest command taken, in bytes, whether typed in the REPL or given
/// as arguments. A command is a few hundred bytes; a large request body
/// belongs in a file (`-d @body.json`), and the fuzzy lookups of a phrase
/// grow with its length.
pub const MAX_COMMAND: usize = 64 * 1024;

/// The sentence for a command over [`MAX_COMMAND`].
pub fn too_long(bytes: usize) -> UsageError {
    UsageError(format!(
        "the command is {} KiB long, over the {} KiB a command may be; \
         put a large request body in a file and pass -d @FILE",
        bytes.div_ceil(1024),
        MAX_COMMAND / 1024
    ))
}

/// Parses the program's arguments (without the program name), as the
/// operating system gives them: an argument that is not UTF-8 is named.
pub fn parse_args<I: IntoIterator<Item = std::ffi::OsString>>(
    args: I,
    defaults: &Options,
) -> Result<Command, UsageError> {
    let mut words = Vec::new();
    let mut bytes = 0;
    for (i, arg) in args.into_iter().enumerate() {
        let text = arg.into_string().map_err(|raw| {
            UsageError(format!(
                "argument {} (`{}`) is not UTF-8 text; give it as UTF-8",
                i + 1,
                raw.to_string_lossy()
            ))
        })?;
        bytes += text.len() + 1;
        if bytes > MAX_COMMAND {
            return Err(too_long(bytes));
        }
        words.push(Word::plain(text));
    }
    parse(words, defaults)
}

#[cfg(test)]
mod tests;
