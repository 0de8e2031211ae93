//! One command, start to end: load the spec, pick the mode, render.
//!
//! The REPL and the one-shot command both call [`App::run`]; what differs is
//! only the [`Console`] and whether the conversation is remembered.

pub mod execute;
pub mod journal;
mod phrase;

use std::path::PathBuf;
use std::sync::Arc;

use crate::client::bapi::ClientError;
use crate::command::{Command, Mode, Options, UsageError};
use crate::console::{Console, Warning};
use crate::env::Env;
use crate::intent::GrammarError;
use crate::journal::JournalError;
use crate::memory::Memory;
use crate::pipeline::key::KeyError;
use crate::plan::links::LinkError;
use crate::render::printer::Printer;
use crate::render::{self, View, browse, completions, detail};
use crate::source::{SourceError, SpecStore};
use crate::spec::{Method, Spec, path_segments};

/// How a command ended; the process exit code for one-shot runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Ok = 0,
    Failed = 1,
    Usage = 2,
    /// Stopped by Ctrl-C, as a shell reports SIGINT.
    Interrupted = 130,
}

/// Why a command failed, as one sentence with what to do next. The typed
/// sources keep their own messages and decide the exit status.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// The command cannot be run as given (exit 2).
    #[error("{0}")]
    Usage(String),
    #[error(transparent)]
    Command(#[from] UsageError),
    #[error(transparent)]
    Source(#[from] SourceError),
    #[error(transparent)]
    Key(#[from] KeyError),
    #[error(transparent)]
    Client(#[from] ClientError),
    #[error(transparent)]
    Link(#[from] LinkError),
    #[error(transparent)]
    Journal(#[from] JournalError),
    #[error(
        "the built-in grammar does not load ({0}); this is a bug in clerk-backend-api, please report it"
    )]
    Grammar(#[from] GrammarError),
    #[error("{0}")]
    NotFound(String),
    #[error("{0}")]
    Failed(String),
}

impl AppError {
    pub fn status(&self) -> Status {
        match self {
            AppError::Usage(_) | AppError::Command(_) | AppError::Key(_) => Status::Usage,
            AppError::Source(SourceError::UnknownVersion { .. }) => Status::Usage,
            AppError::Client(ClientError::PlainHttp(_) | ClientError::BadUrl(_)) => Status::Usage,
            _ => Status::Failed,
        }
    }
}

pub struct App {
    pub store: SpecStore,
    /// Whether this is a REPL session (numbered picks, memory).
    pub repl: bool,
    /// The commands the rows of the last table open, for REPL picks.
    pub picks: Vec<String>,
    /// What this conversation has shown or created (REPL only).
    pub memory: Memory,
    /// The process environment, read once at start.
    pub env: Env,
    /// Where the journal of writes lives ([`Env::data_dir`]); `None`:
    /// nowhere, so no write is sent.
    pub journal_dir: Option<PathBuf>,
    /// While `undo` runs its inverse plan: what it reverses.
    pub undoing: Option<journal::Undoing>,
}

impl App {
    pub fn new(store: SpecStore, repl: bool, env: Env) -> App {
        App {
            store,
            repl,
            picks: Vec::new(),
            memory: Memory::default(),
            journal_dir: env.data_dir(),
            env,
            undoing: None,
        }
    }

    /// Runs one command and prints its result; errors are printed as one
    /// line on stderr.
    pub async fn run(&mut self, command: Command, console: &mut dyn Console) -> Status {
        let printer = Printer::new(&command.options);
        let result = self.dispatch(command, console).await;
        for notice in self.store.take_notices() {
            console.warn(&Warning::caution(notice));
        }
        match result {
            Ok((view, status)) => {
                printer.show(console, &view);
                // Row numbers open rows of the latest output's table; an
                // output without one leaves no rows to open.
                self.picks = view.picks;
                status
            }
            Err(e) => {
                console.error(&e.to_string());
                e.status()
            }
        }
    }

    async fn spec(&mut self, options: &Options) -> Result<Arc<Spec>, AppError> {
        Ok(self.store.load(options.spec_version.as_deref()).await?)
    }

    async fn dispatch(
        &mut self,
        command: Command,
        console: &mut dyn Console,
    ) -> Result<(View, Status), AppError> {
        let style = console.out_style();
        let options = command.options;
        let view = match command.mode {
            Mode::Help => View {
                text: render::help::text(style, self.repl),
                json: render::help::json(),
                picks: Vec::new(),
            },
            Mode::ProgramVersion => View {
                text: format!("clerk-backend-api {}", env!("CARGO_PKG_VERSION")),
                json: serde_json::json!({"mode": "version", "version": env!("CARGO_PKG_VERSION")}),
                picks: Vec::new(),
            },
            Mode::Tags => browse::tags(&*self.spec(&options).await?, style),
            Mode::Completions { shell } => {
                let Some(script) = completions::script(&shell) else {
                    return Err(AppError::Usage(format!(
                        "no completions for `{shell}`; shells: {}",
                        crate::command::SHELLS.join(", ")
                    )));
                };
                View {
                    json: serde_json::json!({"mode": "completions", "shell": shell, "script": script}),
                    text: script,
                    picks: Vec::new(),
                }
            }
            Mode::History { entry } => journal::history(self, entry, style, &options)?,
            Mode::Undo { entry } => {
                let spec = self.spec(&options).await?;
                return journal::undo(self, &spec, entry, &options, console).await;
            }
            Mode::Manual => {
                let page = completions::manual();
                View {
                    json: serde_json::json!({"mode": "man", "roff": page}),
                    text: page,
                    picks: Vec::new(),
                }
            }
            Mode::Endpoint {
                method,
                path,
                help: true,
                ..
            } => {
                let spec = self.spec(&options).await?;
                endpoint_detail(&spec, method, &path, style, Printer::new(&options).json())?
            }
            Mode::Endpoint {
                method,
                path,
                items,
                ..
            } => {
                let spec = self.spec(&options).await?;
                return execute::explicit(self, &spec, method, &path, items, &options, console)
                    .await;
            }
            Mode::Phrase { text, help } => {
                let spec = self.spec(&options).await?;
                return phrase::run(self, &spec, &text, help, &options, console).await;
            }
        };
        Ok((view, Status::Ok))
    }
}

/// The detail of an endpoint; without a method, of every method on the path.
fn endpoint_detail(
    spec: &Spec,
    method: Option<Method>,
    path: &str,
    style: render::Style,
    json: bool,
) -> Result<View, AppError> {
    let methods = match method {
        Some(m) => vec![m],
        None => spec.methods_for(path),
    };
    let found: Vec<_> = methods
        .iter()
        .filter_map(|m| spec.find_endpoint(*m, path))
        .collect();
    match found.as_slice() {
        [one] => Ok(detail::endpoint(spec, one.op, style, json)),
        [] => Err(AppError::NotFound(missing_endpoint(spec, method, path))),
        many => {
            let views: Vec<View> = many
                .iter()
                .map(|m| detail::endpoint(spec, m.op, style, json))
                .collect();
            Ok(View {
                text: views
                    .iter()
                    .map(|v| v.text.as_str())
                    .collect::<Vec<_>>()
                    .join("\n"),
                json: serde_json::json!({
                    "mode": "detail",
                    "version": spec.version,
                    "endpoints": views.iter().map(|v| v.json["endpoint"].clone()).collect::<Vec<_>>(),
                }),
                picks: Vec::new(),
            })
        }
    }
}

/// "No such endpoint" with what the path does have, or the nearest ones.
pub fn missing_endpoint(spec: &Spec, method: Option<Method>, path: &str) -> String {
    let shown = format!("/{}", path_segments(path).join("/"));
    let label = match method {
        Some(m) => format!("{m} {shown}"),
        None => shown.clone(),
    };
    let there = spec.methods_for(path);
    if !there.is_empty() {
        let list: Vec<&str> = there.iter().map(|m| m.as_str()).collect();
        return format!(
            "{label} is not in spec {}; {shown} supports {}",
            spec.version,
            list.join(", ")
        );
    }
    let near: Vec<String> = spec
        .closest_endpoints(method, path, 3)
        .iter()
        .map(|op| op.label())
        .collect();
    format!(
        "{label} is not in spec {}; did you mean {}?",
        spec.version,
        near.join(", or ")
    )
}
