//! The terminal the program talks to: stdout for results, stderr for
//! messages, and questions (confirmations, missing values) that can only be
//! asked when a person is there to answer.

use std::io::{BufRead, IsTerminal, Write};

use crate::command::ColorChoice;
use crate::render::Style;

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
}

/// The process's real stdin, stdout and stderr.
pub struct StdConsole {
    out: Style,
    err: Style,
    interactive: bool,
}

impl StdConsole {
    pub fn new(color: ColorChoice) -> StdConsole {
        StdConsole {
            out: Style::decide(color, std::io::stdout().is_terminal()),
            err: Style::decide(color, std::io::stderr().is_terminal()),
            interactive: std::io::stdin().is_terminal(),
        }
    }

    /// Re-decides colours for one command's `--color`.
    pub fn set_color(&mut self, color: ColorChoice) {
        self.out = Style::decide(color, std::io::stdout().is_terminal());
        self.err = Style::decide(color, std::io::stderr().is_terminal());
    }
}

impl Console for StdConsole {
    fn print(&mut self, text: &str) {
        let mut out = std::io::stdout().lock();
        // A closed pipe (`| head`) is not an error worth a message.
        let _ = out.write_all(text.as_bytes());
        if !text.ends_with('\n') {
            let _ = out.write_all(b"\n");
        }
        let _ = out.flush();
    }

    fn note(&mut self, text: &str) {
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
        let mut err = std::io::stderr().lock();
        let _ = err.write_all(prompt.as_bytes());
        let _ = err.flush();
        drop(err);
        let mut line = String::new();
        match std::io::stdin().lock().read_line(&mut line) {
            Ok(0) | Err(_) => None,
            Ok(_) => Some(line.trim_end_matches(['\n', '\r']).to_string()),
        }
    }
}
