//! The help mode: the seed's usage examples, plain-English examples next to
//! their slash forms, and the flags.

use serde_json::json;

use super::style::Style;
use crate::command::FLAGS;
use crate::env::VARS;

const USAGE: &str = include_str!("help.txt");

/// The help text; `repl` adds the REPL's own commands.
pub fn text(style: Style, repl: bool) -> String {
    let mut out = String::new();
    for line in USAGE.lines() {
        if !line.is_empty() && !line.starts_with(' ') {
            out.push_str(&style.heading(line.split("  ").next().unwrap_or(line)));
            if let Some(rest) = line.find("  ").map(|i| &line[i..]) {
                out.push_str(&style.bold(rest));
            }
        } else {
            out.push_str(line);
        }
        out.push('\n');
    }
    out.push('\n');
    out.push_str(&style.heading("Flags"));
    out.push_str(" (anywhere among the words; -- ends them)\n");
    for flag in FLAGS {
        let mut what = flag.help.to_string();
        if let Some(var) = flag.env {
            what.push_str(&format!(" (env {var})"));
        }
        out.push_str(&format!("  {:<30} {what}\n", flag.synopsis()));
    }
    out.push('\n');
    out.push_str(&style.heading("Environment"));
    out.push('\n');
    for (name, what) in VARS {
        out.push_str(&format!("  {name:<34} {what}\n"));
    }
    if repl {
        out.push('\n');
        out.push_str(&style.heading("REPL"));
        out.push_str(
            "\n  /clerk-backend-api WORDS — run a command (the prefix is optional)\n  \
             a number after a table — open that row\n  \
             Tab — complete commands, tags, methods, paths and flags; → accepts a hint\n  \
             ↑/↓ — history (lines holding a secret key are never saved)\n  \
             /help — this help    /exit, /quit, Ctrl-D — leave    Ctrl-C — cancel the line\n",
        );
    }
    out
}

pub fn json() -> serde_json::Value {
    json!({ "mode": "help", "text": text(Style::PLAIN, false) })
}
