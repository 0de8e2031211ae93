//! The REPL: one command per line, `/clerk-backend-api` optional.

use std::io::BufRead;

use crate::app::{App, Status};
use crate::command::{self, Options};
use crate::console::StdConsole;

/// Reads commands until end of input. Piped input prints no prompt.
pub fn run(
    app: &mut App,
    runtime: &tokio::runtime::Runtime,
    defaults: Options,
    console: &mut StdConsole,
) -> Status {
    let stdin = std::io::stdin();
    for line in stdin.lock().lines() {
        let Ok(line) = line else { break };
        let line = line.trim();
        let line = line
            .strip_prefix("/clerk-backend-api")
            .unwrap_or(line)
            .trim();
        if line.is_empty() {
            continue;
        }
        match command::parse_line(line, &defaults) {
            Ok(cmd) => {
                runtime.block_on(app.run(cmd, console));
            }
            Err(e) => eprintln!("error: {e}"),
        }
    }
    Status::Ok
}
