//! The terminal the program talks to: stdout for results, stderr for
//! messages, and questions (confirmations, missing values) that can only be
//! asked when a person is there to answer.
//!
//! Everything the program shows passes through here, so this is where the
//! secret key is removed ([`Redactor`]): whatever a help screen, an error
//! echoing a typed word or a server reply holds, it is redacted on the way
//! out, before any line reaches stdout or stderr.

use std::io::{BufRead, IsTerminal, Write};

use crate::command::ColorChoice;
use crate::env::Env;
use crate::redact::Redactor;
use crate::render::style::{ColorEnv, Style};

pub trait Console {
    /// Writes to stdout (results, the thing a script pipes on).
    fn print(&mut self, text: &str);
    /// Writes to stderr (progress, warnings, errors).
    fn note(&mut self, text: &str);
    fn out_style(&self) -> Style;
    fn err_style(&self) -> Style;
    /// Whether a person can answer questions.
    fn interactive(&self) -> bool;
    /// Asks on the terminal; `None` when nobody can answer, or at end of
    /// input / Ctrl-C.
    fn ask(&mut self, prompt: &str) -> Option<String>;

    /// Asks for a secret (a password): what is typed is not shown.
    fn ask_secret(&mut self, prompt: &str) -> Option<String> {
        self.ask(prompt)
    }

    /// `error: ...` on stderr: the one place an error line is formatted.
    fn error(&mut self, message: &str) {
        let label = self.err_style().red("error:");
        self.note(&format!("{label} {message}"));
    }

    /// `warning: ...` on stderr, red when it is about something that
    /// cannot be undone or touches production.
    fn warn(&mut self, warning: &Warning) {
        let style = self.err_style();
        let label = match warning.severity {
            Severity::Danger => style.red("warning:"),
            Severity::Caution => style.yellow("warning:"),
        };
        self.note(&format!("{label} {}", warning.text));
    }
}

/// How loud a warning is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// Worth knowing: what a metadata type means, that keys are replaced.
    Caution,
    /// Cannot be undone, or changes production data.
    Danger,
}

/// A warning the pipeline or the source raises, typed so its colour does
/// not depend on its wording.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Warning {
    pub severity: Severity,
    pub text: String,
}

impl Warning {
    pub fn caution(text: impl Into<String>) -> Warning {
        Warning {
            severity: Severity::Caution,
            text: text.into(),
        }
    }

    pub fn danger(text: impl Into<String>) -> Warning {
        Warning {
            severity: Severity::Danger,
            text: text.into(),
        }
    }
}

/// The process's real stdin, stdout and stderr.
pub struct StdConsole {
    out: Style,
    err: Style,
    interactive: bool,
    /// Whether stdout and stderr count as terminals for `--color auto`.
    out_tty: bool,
    err_tty: bool,
    colors: ColorEnv,
    redactor: Redactor,
}

impl StdConsole {
    /// The process's streams; `redactor` removes the key from all output.
    pub fn new(color: ColorChoice, env: &Env, redactor: Redactor) -> StdConsole {
        let (out_tty, err_tty) = (
            std::io::stdout().is_terminal(),
            std::io::stderr().is_terminal(),
        );
        let colors = ColorEnv::new(env);
        let mut console = StdConsole {
            out: Style::decide(color, out_tty, colors),
            err: Style::decide(color, err_tty, colors),
            interactive: std::io::stdin().is_terminal(),
            out_tty,
            err_tty,
            colors,
            redactor,
        };
        console.set_color(color);
        console
    }

    /// Re-decides colours for one command's `--color` (and the terminal's
    /// width, which may have changed).
    pub fn set_color(&mut self, color: ColorChoice) {
        let width = |tty: bool, fd: TerminalOf| tty.then(|| fd.width()).flatten();
        self.out = Style::decide(color, self.out_tty, self.colors)
            .with_width(width(self.out_tty, TerminalOf::Stdout));
        self.err = Style::decide(color, self.err_tty, self.colors)
            .with_width(width(self.err_tty, TerminalOf::Stderr));
    }

    pub fn redactor(&self) -> &Redactor {
        &self.redactor
    }

    /// Decides colours as if stdout and stderr were pipes, for a REPL fed by
    /// a script: `--color auto` then means none even on a terminal.
    pub fn as_script(&mut self, color: ColorChoice) {
        self.out_tty = false;
        self.err_tty = false;
        self.set_color(color);
    }
}

impl Console for StdConsole {
    fn print(&mut self, text: &str) {
        let text = self.redactor.redact(text);
        let mut out = std::io::stdout().lock();
        // A closed pipe (`| head`) is not an error worth a message.
        let _ = out.write_all(text.as_bytes());
        if !text.ends_with('\n') {
            let _ = out.write_all(b"\n");
        }
        let _ = out.flush();
    }

    fn note(&mut self, text: &str) {
        let text = self.redactor.redact(text);
        let mut err = std::io::stderr().lock();
        let _ = err.write_all(text.as_bytes());
        if !text.ends_with('\n') {
            let _ = err.write_all(b"\n");
        }
    }

    fn out_style(&self) -> Style {
        self.out
    }

    fn err_style(&self) -> Style {
        self.err
    }

    fn interactive(&self) -> bool {
        self.interactive
    }

    fn ask(&mut self, prompt: &str) -> Option<String> {
        if !self.interactive {
            return None;
        }
        let prompt = self.redactor.redact(prompt);
        let prompt = prompt.as_str();
        // The question's last line is the line editor's prompt; what comes
        // before it goes to stderr as it is.
        let (lead, last) = match prompt.rfind('\n') {
            Some(i) => prompt.split_at(i + 1),
            None => ("", prompt),
        };
        if !lead.is_empty() {
            self.note(lead);
        }
        match ask_line(last, false) {
            Ok(answer) => answer,
            // No line editor (an odd terminal): a plain read still works.
            Err(_) => read_plain(last),
        }
    }

    fn ask_secret(&mut self, prompt: &str) -> Option<String> {
        if !self.interactive {
            return None;
        }
        let prompt = self.redactor.redact(prompt);
        // Without a line editor a secret is not asked for: a plain read
        // would echo it.
        ask_line(&prompt, true).ok().flatten()
    }
}

/// Shows every typed character as `*`.
struct Masked;

impl rustyline::highlight::Highlighter for Masked {
    fn highlight<'l>(&self, line: &'l str, _pos: usize) -> std::borrow::Cow<'l, str> {
        std::borrow::Cow::Owned("*".repeat(line.chars().count()))
    }

    fn highlight_char(
        &self,
        _line: &str,
        _pos: usize,
        _kind: rustyline::highlight::CmdKind,
    ) -> bool {
        true
    }
}

impl rustyline::completion::Completer for Masked {
    type Candidate = String;
}
impl rustyline::hint::Hinter for Masked {
    type Hint = String;
}
impl rustyline::validate::Validator for Masked {}
impl rustyline::Helper for Masked {}

#[derive(Clone, Copy)]
enum TerminalOf {
    Stdout,
    Stderr,
}

impl TerminalOf {
    /// The terminal's width in columns, when it is one.
    fn width(self) -> Option<usize> {
        let size = match self {
            TerminalOf::Stdout => terminal_size::terminal_size_of(std::io::stdout()),
            TerminalOf::Stderr => terminal_size::terminal_size_of(std::io::stderr()),
        };
        size.map(|(w, _)| usize::from(w.0)).filter(|w| *w >= 20)
    }
}

/// Reads an answer with a line editor on the terminal. In its raw mode
/// Ctrl-C and Ctrl-D arrive as keys and mean "no answer"; a plain read in
/// cooked mode would let Ctrl-C raise SIGINT instead, which ends the whole
/// REPL (or, once the REPL catches it to cancel commands, is ignored until
/// Enter). `/dev/tty` keeps the question off a redirected stdout.
fn ask_line(prompt: &str, masked: bool) -> rustyline::Result<Option<String>> {
    use rustyline::error::ReadlineError;
    let config = rustyline::Config::builder()
        .behavior(rustyline::Behavior::PreferTerm)
        .auto_add_history(false)
        .color_mode(rustyline::ColorMode::Forced)
        .build();
    let mut editor: rustyline::Editor<Masked, rustyline::history::DefaultHistory> =
        rustyline::Editor::with_config(config)?;
    if masked {
        editor.set_helper(Some(Masked));
    }
    match editor.readline(prompt) {
        Ok(line) => Ok(Some(line)),
        Err(ReadlineError::Interrupted | ReadlineError::Eof) => Ok(None),
        Err(e) => Err(e),
    }
}

fn read_plain(prompt: &str) -> Option<String> {
    {
        let mut err = std::io::stderr().lock();
        let _ = err.write_all(prompt.as_bytes());
        let _ = err.flush();
    }
    let mut line = String::new();
    match std::io::stdin().lock().read_line(&mut line) {
        Ok(0) | Err(_) => None,
        Ok(_) => Some(line.trim_end_matches(['\n', '\r']).to_string()),
    }
}
