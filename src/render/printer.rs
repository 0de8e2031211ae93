//! Where each piece of a command's output goes, decided once by `--output`
//! (xh's `printer.rs` is the model): `app/` says what happened, the printer
//! decides what the user sees. Text is for people; with `--output json`
//! stdout carries exactly one JSON document (or one streamed array) and
//! everything else goes to stderr, so `| jq` works.

use serde_json::Value;

use super::export::Rows;
use super::result::{list_items, success, table};
use super::{Style, View};
use crate::command::{Export, Options, Output};
use crate::console::Console;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Printer {
    output: Output,
    /// `--output csv|ndjson`: lists as rows (anything else as JSON).
    export: Option<Export>,
}

impl Printer {
    pub fn new(options: &Options) -> Printer {
        Printer {
            output: options.output,
            export: options.export,
        }
    }

    /// Whether stdout is for a script (one JSON document).
    pub fn json(self) -> bool {
        self.output == Output::Json
    }

    /// A finished command's view on stdout. A null document means the
    /// command already streamed its output (`--all`) or the response had no
    /// body.
    pub fn show(self, console: &mut dyn Console, view: &View) {
        if self.json() {
            if view.json.is_null() {
                return;
            }
            let text = match self.export {
                Some(Export::Ndjson) => view.json.to_string(),
                _ => serde_json::to_string_pretty(&view.json).unwrap_or_default(),
            };
            console.print(&text);
        } else if !view.text.is_empty() {
            console.print(&view.text);
        }
    }

    /// Words that come before a request's result (an answer from the
    /// documentation): on stdout for people, on stderr beside a JSON result.
    pub fn preface(self, console: &mut dyn Console, text: &str) {
        if self.json() {
            console.note(text);
        } else {
            console.print(text);
        }
    }

    /// A request's final result: what the earlier steps did, the body, and
    /// whether more pages exist.
    /// `picks` are the commands a list's rows open in the REPL: when there
    /// are any, the table is numbered.
    pub fn result(
        self,
        console: &mut dyn Console,
        done: &[String],
        body: &Value,
        more: Option<String>,
        picks: Vec<String>,
    ) -> View {
        if self.json() {
            if !done.is_empty() {
                console.note(&done.join("\n"));
            }
            if let Some(m) = &more {
                console.note(m);
            }
            if let (Some(kind), Some((items, _))) = (self.export, list_items(body)) {
                for line in Rows::new(kind).page(items) {
                    console.print(&line);
                }
                return View::default();
            }
            return View {
                json: body.clone(),
                ..View::default()
            };
        }
        let style = console.out_style();
        let mut out = String::new();
        for line in done {
            out.push_str(&style.dim(line));
            out.push('\n');
        }
        let numbered = !picks.is_empty();
        out.push_str(&success(body, style, numbered));
        if let Some(m) = more {
            if !out.ends_with('\n') {
                out.push('\n');
            }
            out.push_str(&style.yellow(&m));
        }
        View {
            text: out.trim_end().to_string(),
            json: body.clone(),
            picks,
        }
    }

    /// The view of a failed request: its error lines went to stderr; a
    /// script still gets Clerk's error body on stdout.
    pub fn failure(self, body: &Value) -> View {
        View {
            json: if self.json() {
                body.clone()
            } else {
                Value::Null
            },
            ..View::default()
        }
    }

    /// A stream for `--all`: one JSON array, or a table per page.
    pub fn list(self) -> ListStream {
        ListStream {
            json: self.json(),
            rows: self.export.map(Rows::new),
            opened: false,
            pending: None,
            closed: false,
        }
    }
}

/// Items as they arrive: a JSON array written one item behind (so the
/// comma rule holds without knowing which item is last), or text tables
/// per page (the header once).
pub struct ListStream {
    json: bool,
    /// CSV or NDJSON rows instead of a JSON array.
    rows: Option<Rows>,
    opened: bool,
    pending: Option<String>,
    closed: bool,
}

impl ListStream {
    pub fn page(&mut self, console: &mut dyn Console, items: &[Value]) {
        if let Some(rows) = &mut self.rows {
            for line in rows.page(items) {
                console.print(&line);
            }
            return;
        }
        let first = !self.opened;
        self.opened = true;
        if self.json {
            if first {
                console.print("[");
            }
            for item in items {
                if let Some(prev) = self.pending.take() {
                    console.print(&format!("{prev},"));
                }
                self.pending = Some(item.to_string());
            }
            return;
        }
        let style: Style = console.out_style();
        let rendered = table(items, style);
        let body: String = if first {
            rendered
        } else {
            rendered.lines().skip(1).map(|l| format!("{l}\n")).collect()
        };
        if !body.is_empty() {
            console.print(body.trim_end());
        }
    }

    /// Closes the JSON array (even when no page came, or after Ctrl-C), so
    /// a script always gets valid JSON.
    pub fn finish(&mut self, console: &mut dyn Console) {
        if !self.json || self.closed || self.rows.is_some() {
            return;
        }
        if !self.opened {
            console.print("[");
            self.opened = true;
        }
        if let Some(prev) = self.pending.take() {
            console.print(&prev);
        }
        console.print("]");
        self.closed = true;
    }
}
