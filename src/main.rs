//! `clerk-backend-api`: the REPL with no words, one command with words.

use std::io::IsTerminal;
use std::process::ExitCode;

use clerk_backend_api::app::{App, Status};
use clerk_backend_api::command::{self, ColorChoice, Options};
use clerk_backend_api::console::{Console, StdConsole};
use clerk_backend_api::env::Env;
use clerk_backend_api::pipeline::key;
use clerk_backend_api::repl;
use clerk_backend_api::source::{SourceConfig, SpecStore};

fn main() -> ExitCode {
    let env = Env::from_process();
    // Known before anything can be printed, so nothing shows it.
    let redactor = key::discover(&env)
        .map(|k| k.redactor())
        .unwrap_or_default();
    let mut console = StdConsole::new(ColorChoice::Auto, &env, redactor);
    let parsed = Options::from_env(&env)
        .and_then(|defaults| command::parse_args(std::env::args_os().skip(1), &defaults));
    let command = match parsed {
        Ok(c) => c,
        Err(e) => {
            console.error(&e.to_string());
            return ExitCode::from(Status::Usage as u8);
        }
    };
    let options = command.options.clone();
    console.set_color(options.color);
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            console.error(&format!("cannot start the async runtime ({e})"));
            return ExitCode::from(Status::Failed as u8);
        }
    };
    let config = SourceConfig::new(&env, &options, std::io::stderr().is_terminal());
    let store = SpecStore::new(config);
    let mut app = App::new(store, command.bare, env);
    if command.bare {
        let status = repl::run(&mut app, &runtime, options, &mut console);
        return ExitCode::from(status as u8);
    }
    let status = runtime.block_on(app.run(command, &mut console));
    ExitCode::from(status as u8)
}
