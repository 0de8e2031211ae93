//! The REPL: one command per line, `/clerk-backend-api` optional.
//!
//! On a terminal, a rustyline editor with history, Tab completion and hints
//! ([`helper`], [`complete`], [`history`]); with piped stdin, a plain loop
//! that prints no prompt and no colour, for scripts. Either way each line is
//! classified ([`slash`]) and commands run through [`App::run`] with the
//! session's flags as defaults.

mod complete;
mod helper;
mod history;
mod slash;

use std::io::{BufRead, IsTerminal};

use rustyline::error::ReadlineError;
use rustyline::history::FileHistory;
use rustyline::{Behavior, ColorMode, CompletionType, Config, Editor};

use crate::app::{App, Status};
use crate::command::{self, Command, Options};
use crate::console::{Console, StdConsole, Warning};
use crate::render;
use complete::Vocabulary;
use helper::ReplHelper;
use slash::Action;

const PROMPT: &str = "bapi> ";

/// How long a command may take to stop after Ctrl-C before it is dropped.
const CLEAN_STOP: std::time::Duration = std::time::Duration::from_secs(2);

/// Reads commands until `/exit`, Ctrl-D or the end of piped input.
/// `defaults` are the flags the REPL was started with.
pub fn run(
    app: &mut App,
    runtime: &tokio::runtime::Runtime,
    defaults: Options,
    console: &mut StdConsole,
) -> Status {
    let terminal = std::io::stdin().is_terminal();
    let mut session = Session {
        app,
        runtime,
        defaults,
        console,
        vocabulary: None,
        terminal,
        outcome: Outcome::default(),
    };
    if terminal {
        return session.interactive();
    }
    session.console.as_script(session.defaults.color);
    session.piped()
}

/// Why a piped line was not read.
enum Line {
    TooLong(usize),
    NotUtf8,
    Broken(std::io::Error),
}

/// One line of piped input, newline kept, read at most
/// [`command::MAX_COMMAND`] bytes at a time so an endless line cannot fill
/// memory; `None` at the end of input.
fn read_line() -> Result<Option<String>, Line> {
    use std::io::Read;
    let stdin = std::io::stdin();
    let mut lock = stdin.lock();
    let mut buf = Vec::new();
    let limit = command::MAX_COMMAND as u64 + 1;
    match (&mut lock).take(limit).read_until(b'\n', &mut buf) {
        Ok(0) => return Ok(None),
        Ok(_) => {}
        Err(e) => return Err(Line::Broken(e)),
    }
    if buf.len() as u64 >= limit && !buf.ends_with(b"\n") {
        // Skip the rest of the line, counting it.
        let mut total = buf.len();
        loop {
            buf.clear();
            match (&mut lock).take(64 * 1024).read_until(b'\n', &mut buf) {
                Ok(0) => break,
                Ok(n) => total += n,
                Err(e) => return Err(Line::Broken(e)),
            }
            if buf.ends_with(b"\n") {
                break;
            }
        }
        return Err(Line::TooLong(total));
    }
    String::from_utf8(buf).map(Some).map_err(|_| Line::NotUtf8)
}

/// What the loop does after a line.
enum Flow {
    Continue,
    Exit,
}

/// How a session ends: the first failed command's status (a script that
/// feeds the REPL learns that something failed), else success.
#[derive(Default)]
struct Outcome {
    first_failure: Option<Status>,
}

impl Outcome {
    fn record(&mut self, status: Status) {
        if status != Status::Ok && self.first_failure.is_none() {
            self.first_failure = Some(status);
        }
    }

    fn status(&self) -> Status {
        self.first_failure.unwrap_or(Status::Ok)
    }
}

struct Session<'a> {
    app: &'a mut App,
    runtime: &'a tokio::runtime::Runtime,
    defaults: Options,
    console: &'a mut StdConsole,
    /// The spec's words, once loaded: at start on a terminal, on first need
    /// when piped.
    vocabulary: Option<Vocabulary>,
    /// On a terminal, Ctrl-C during a command cancels the command.
    terminal: bool,
    outcome: Outcome,
}

impl Session<'_> {
    fn piped(&mut self) -> Status {
        let mut pending = String::new();
        let mut number = 0;
        loop {
            number += 1;
            let line = match read_line() {
                Ok(Some(line)) => line,
                Ok(None) => break,
                Err(Line::TooLong(bytes)) => {
                    self.error(&command::too_long(bytes).to_string());
                    pending.clear();
                    continue;
                }
                Err(Line::NotUtf8) => {
                    self.error(&format!("input line {number} is not UTF-8 text; skipped"));
                    continue;
                }
                Err(Line::Broken(e)) => {
                    self.error(&format!("cannot read the input any further ({e})"));
                    break;
                }
            };
            pending.push_str(&line);
            if self.too_long(&pending) {
                pending.clear();
                continue;
            }
            // A multi-line body runs on until its JSON closes.
            if command::incomplete(&pending) {
                continue;
            }
            let text = std::mem::take(&mut pending);
            if let Flow::Exit = self.handle(&text) {
                return self.outcome.status();
            }
        }
        if !pending.is_empty() {
            self.handle(&pending);
        }
        self.outcome.status()
    }

    fn interactive(&mut self) -> Status {
        let vocabulary = self.load_vocabulary(true);
        let style = self.console.out_style();
        let built = Config::builder()
            .completion_type(CompletionType::List)
            .auto_add_history(false)
            .history_ignore_space(true)
            .history_ignore_dups(true)
            .and_then(|c| c.max_history_size(1000));
        let config = match built {
            Ok(c) => c
                .color_mode(if style.color {
                    ColorMode::Enabled
                } else {
                    ColorMode::Disabled
                })
                // The prompt goes to the terminal even when stdout is
                // redirected to a file.
                .behavior(Behavior::PreferTerm)
                .build(),
            Err(e) => return self.no_editor(&e),
        };
        let mut editor: Editor<ReplHelper, FileHistory> = match Editor::with_config(config) {
            Ok(e) => e,
            Err(e) => return self.no_editor(&e),
        };
        editor.set_helper(Some(ReplHelper::new(vocabulary, style)));
        let (mut history, problem) =
            history::History::open(&mut editor, history::path_in(&self.app.env));
        if let Some(problem) = problem {
            self.warn(&problem);
        }
        loop {
            match editor.readline(PROMPT) {
                Ok(text) => {
                    if self.too_long(&text) {
                        continue;
                    }
                    // A pasted block arrives as one text: one command a
                    // line, a multi-line body staying with its command.
                    for line in command::commands(&text) {
                        let line = line.as_str();
                        let entry = self.history_entry(line);
                        let redactor = self.console.redactor().clone();
                        if let Some(note) = history.record(&mut editor, &entry, &redactor) {
                            let style = self.console.err_style();
                            self.console.note(&style.dim(&note));
                        }
                        if let Flow::Exit = self.handle(line) {
                            return self.outcome.status();
                        }
                    }
                }
                // Ctrl-C: the line is dropped, the REPL goes on.
                Err(ReadlineError::Interrupted) => continue,
                Err(ReadlineError::Eof) => return self.outcome.status(),
                Err(e) => {
                    self.error(&format!("the terminal stopped answering ({e})"));
                    return Status::Failed;
                }
            }
        }
    }

    /// Without a line editor the terminal is read like a pipe.
    fn no_editor(&mut self, e: &ReadlineError) -> Status {
        self.warn(&format!(
            "no line editor on this terminal ({e}); reading plain lines"
        ));
        self.piped()
    }

    /// Loads the spec for completion and the banner; on a terminal, says
    /// what was loaded or why not.
    fn load_vocabulary(&mut self, announce: bool) -> Vocabulary {
        let version = self.defaults.spec_version.clone();
        let loaded = self
            .runtime
            .block_on(self.app.store.load(version.as_deref()));
        let versions = match &loaded {
            Ok(_) => self
                .runtime
                .block_on(self.app.store.versions())
                .unwrap_or_default(),
            Err(_) => Vec::new(),
        };
        let vocabulary = Vocabulary::new(loaded.as_deref().ok(), versions);
        self.vocabulary = Some(vocabulary.clone());
        if !announce {
            // The loading's warnings print after the command that needed it.
            return vocabulary;
        }
        let style = self.console.err_style();
        let name = style.bold(&format!("clerk-backend-api {}", env!("CARGO_PKG_VERSION")));
        match &loaded {
            Ok(spec) => self.console.note(&format!(
                "{name} · Clerk Backend API spec {} ({} endpoints, {} tags)",
                spec.version,
                spec.operations.len(),
                spec.tags.len()
            )),
            Err(_) => self.console.note(&name),
        }
        self.console.note(&self.target_line());
        for notice in self.app.store.take_notices() {
            self.warn(&notice);
        }
        if let Err(e) = &loaded {
            self.warn(&format!(
                "the spec could not be loaded ({e}); Tab completes commands and flags only, \
                 and each command tries again"
            ));
        }
        let tip = "Type /help for help, `tags` to browse, Tab to complete; /exit or Ctrl-D leaves.";
        self.console.note(&style.dim(tip));
        vocabulary
    }

    /// Which instance and server the session's requests go to, so nobody
    /// confuses production with development: `development instance
    /// (sk_test_, key from .env.local) · https://api.clerk.com/v1`.
    fn target_line(&self) -> String {
        let style = self.console.err_style();
        let base = self
            .defaults
            .base_url
            .clone()
            .unwrap_or_else(|| crate::client::bapi::DEFAULT_BASE_URL.to_string());
        let who = match crate::pipeline::key::discover(&self.app.env) {
            Ok(k) => {
                let label = format!(
                    "{} instance ({}, key from {})",
                    k.instance.as_str(),
                    match k.instance {
                        crate::pipeline::Instance::Development => "sk_test_",
                        crate::pipeline::Instance::Production => "sk_live_",
                    },
                    k.source
                );
                match k.instance {
                    crate::pipeline::Instance::Production => style.red(&label),
                    crate::pipeline::Instance::Development => style.green(&label),
                }
            }
            Err(_) => style.yellow("no usable secret key yet (requests will say why)"),
        };
        format!("{who} · {base}")
    }

    /// Refuses a line over [`command::MAX_COMMAND`], with a message.
    fn too_long(&mut self, line: &str) -> bool {
        if line.len() <= command::MAX_COMMAND {
            return false;
        }
        self.error(&command::too_long(line.len()).to_string());
        true
    }

    fn handle(&mut self, line: &str) -> Flow {
        let action = slash::classify(line, |word| {
            if self.vocabulary.is_none() {
                self.load_vocabulary(false);
            }
            self.vocabulary
                .as_ref()
                .is_some_and(|v| v.is_path_root(word))
        });
        match action {
            Action::Nothing => {}
            Action::Exit => return Flow::Exit,
            Action::Help("") => {
                let text = render::help::text(self.console.out_style(), true);
                self.console.print(&text);
            }
            // `--help` anywhere among the words is the help of those words.
            Action::Help(words) => self.run_words(&format!("--help {words}")),
            Action::Run(words) => self.run_words(words),
            Action::Pick(typed) => self.pick(typed),
            Action::Unknown { typed, nearest } => {
                self.error(&slash::unknown_message(typed, nearest));
            }
        }
        Flow::Continue
    }

    /// What goes into the history for a line: a row number means nothing
    /// in another session, so the command it opens is kept instead (nothing,
    /// for a number with no row).
    fn history_entry(&self, line: &str) -> String {
        match slash::classify(line, |_| false) {
            Action::Pick(typed) => self.row(typed).unwrap_or_default(),
            _ => line.to_string(),
        }
    }

    /// Opens row `typed` of the last table.
    fn pick(&mut self, typed: &str) {
        let count = self.app.picks.len();
        match self.row(typed) {
            Some(words) => {
                let style = self.console.err_style();
                self.console.note(&style.dim(&format!("→ {words}")));
                self.run_words(&words);
            }
            None if count == 0 => self.error(&format!(
                "there is no table to pick row {typed} from; type `tags` to list the tags"
            )),
            None => self.error(&format!(
                "there is no row {typed}; the last table has rows 1 to {count}"
            )),
        }
    }

    /// The command row `typed` (counted from 1) of the last table opens.
    fn row(&self, typed: &str) -> Option<String> {
        let n = typed.parse::<usize>().ok()?;
        self.app.picks.get(n.checked_sub(1)?).cloned()
    }

    /// Runs the words of one command with this line's flags on top of the
    /// session's.
    fn run_words(&mut self, words: &str) {
        match command::parse_line(words, &self.defaults) {
            Ok(command) => {
                self.console.set_color(command.options.color);
                self.execute(command);
                self.console.set_color(self.defaults.color);
            }
            Err(e) => self.error(&e.to_string()),
        }
    }

    fn execute(&mut self, command: Command) {
        if !self.terminal {
            let status = self.runtime.block_on(self.app.run(command, self.console));
            self.outcome.record(status);
            return;
        }
        let (app, console) = (&mut *self.app, &mut *self.console);
        let status = self.runtime.block_on(async {
            let run = app.run(command, console);
            tokio::pin!(run);
            tokio::select! {
                biased;
                status = &mut run => return Some(status),
                // A handler that cannot be installed disables this branch.
                Ok(()) = tokio::signal::ctrl_c() => {}
            }
            // A command that listens for Ctrl-C itself (`--all` closing its
            // JSON array) gets a moment to stop cleanly before it is dropped.
            tokio::time::timeout(CLEAN_STOP, &mut run).await.ok()
        });
        match status {
            Some(status) => self.outcome.record(status),
            None => {
                self.console.error("the command was cancelled (Ctrl-C)");
                self.outcome.record(Status::Interrupted);
            }
        }
    }

    /// A line that could not run: said, and counted as a usage failure.
    fn error(&mut self, message: &str) {
        self.console.error(message);
        self.outcome.record(Status::Usage);
    }

    fn warn(&mut self, message: &str) {
        self.console.warn(&Warning::caution(message));
    }
}
