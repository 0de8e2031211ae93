//! Words -> [`Command`]: which mode, with which options.
//!
//! One-shot arguments and REPL lines go through the same [`parse`], so
//! `clerk-backend-api WORDS...` behaves exactly like `/clerk-backend-api
//! WORDS...` typed in the REPL. Flags may stand anywhere among the words;
//! `--` ends flag parsing.

mod flags;
mod words;

use std::path::PathBuf;

pub use flags::FLAGS;
pub use words::{Word, join, split};

use crate::spec::Method;

/// What the user asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Mode {
    /// Usage examples.
    Help,
    /// `--version` alone: the program's version.
    ProgramVersion,
    /// `tags`: every tag of the spec.
    Tags,
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
    /// `-d '{json}'` or `-d @file.json`.
    pub data: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Command {
    pub mode: Mode,
    pub options: Options,
    /// No words and no help flag: on the command line this starts the REPL.
    pub bare: bool,
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
            "--version needs a date here, like `--version 2025-11-10`; \
             `clerk-backend-api --version` alone prints the program version"
                .into(),
        ));
    }
    let help = parsed.help;
    if words.len() == 1 && !help && words[0].text.eq_ignore_ascii_case("tags") {
        return Ok(Command {
            mode: Mode::Tags,
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

/// Parses a REPL line or a one-shot argv (already split by the shell).
pub fn parse_line(line: &str, defaults: &Options) -> Result<Command, UsageError> {
    parse(split(line), defaults)
}

pub fn parse_args<I: IntoIterator<Item = String>>(
    args: I,
    defaults: &Options,
) -> Result<Command, UsageError> {
    parse(args.into_iter().map(Word::plain).collect(), defaults)
}

#[cfg(test)]
mod tests;
