//! `clerk-backend-api`: the REPL with no words, one command with words.

use std::io::IsTerminal;
use std::process::ExitCode;

use clerk_backend_api::app::{App, Status};
use clerk_backend_api::command::{self, Options};
use clerk_backend_api::console::StdConsole;
use clerk_backend_api::repl;
use clerk_backend_api::source::{SourceConfig, SpecStore};

fn main() -> ExitCode {
    let defaults = Options {
        spec_dir: std::env::var_os("CLERK_OPENAPI_SPECS_DIR")
            .filter(|v| !v.is_empty())
            .map(Into::into),
        base_url: std::env::var("CLERK_BACKEND_API_URL")
            .ok()
            .filter(|v| !v.is_empty()),
        ..Options::default()
    };
    let command = match command::parse_args(std::env::args().skip(1), &defaults) {
        Ok(c) => c,
        Err(e) => {
            let mut console = StdConsole::new(defaults.color);
            clerk_backend_api::console::Console::note(&mut console, &format!("error: {e}"));
            return ExitCode::from(Status::Usage as u8);
        }
    };
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the async runtime ({e})");
            return ExitCode::from(Status::Failed as u8);
        }
    };
    let options = command.options.clone();
    let mut console = StdConsole::new(options.color);
    let config = SourceConfig::from_env(
        options.spec_dir.clone(),
        options.refresh,
        std::io::stderr().is_terminal(),
    );
    let store = SpecStore::new(config);
    if command.bare {
        let mut app = App::new(store, true);
        let status = repl::run(&mut app, &runtime, options, &mut console);
        return ExitCode::from(status as u8);
    }
    let mut app = App::new(store, false);
    let status = runtime.block_on(app.run(command, &mut console));
    ExitCode::from(status as u8)
}
