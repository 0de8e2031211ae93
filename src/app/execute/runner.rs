//! One plan's sending context: the client, the console, the conversation's
//! memory, and how a request and its failure are shown. [`super::steps`]
//! walks a plan's steps with it, [`super::paginate`] a list's pages.

use super::record::{self, Context};
use crate::app::Status;
use crate::app::journal::Undoing;
use crate::client::bapi::{Bapi, ClientError, Reply, Request};
use crate::command::Options;
use crate::console::Console;
use crate::journal::Journal;
use crate::memory::Memory;
use crate::pipeline::Instance;
use crate::pipeline::texts::{rate_limits, text};
use crate::plan::Step;
use crate::render::View;
use crate::render::plan::step_url;
use crate::render::printer::Printer;
use crate::render::result::error_lines;
use crate::spec::Spec;

pub struct Runner<'a> {
    pub spec: &'a Spec,
    pub client: &'a Bapi,
    pub console: &'a mut dyn Console,
    pub memory: &'a mut Memory,
    pub options: &'a Options,
    pub printer: Printer,
    /// In the REPL, several lookup matches are offered to pick from.
    pub repl: bool,
    /// Where writes are recorded; a plan that writes always has one.
    pub journal: Option<&'a Journal>,
    pub instance: Instance,
    /// What this plan reverses (`undo`), for the journal.
    pub undoes: Option<Undoing>,
}

impl Runner<'_> {
    /// One request through the client, its notices on stderr. The URL is
    /// built by the same function that showed it for confirmation; values a
    /// link took from an earlier response are checked as typed ones are.
    pub async fn send(&mut self, step: &Step) -> Result<Reply, ClientError> {
        if let Err(why) = step.check_path_values() {
            return Err(ClientError::UrlChanged(why));
        }
        let req = Request {
            method: step.method,
            url: step_url(step, self.client.base_url()),
            body: step.body.clone(),
            files: crate::plan::uploads::files(step),
        };
        let context = self.context();
        let console = &mut *self.console;
        let style = console.err_style();
        let mut notify = |m: &str| console.note(&style.dim(m));
        let Some(journal) = self.journal.filter(|_| step.method.is_write()) else {
            return self.client.send(&req, &mut notify).await;
        };
        let written = record::write(
            self.spec,
            self.client,
            journal,
            self.instance,
            step,
            context,
            &mut notify,
        )
        .await;
        if let Err(e) = written.journal {
            self.console.error(&e.to_string());
        }
        written.reply
    }

    /// What the journal says a write of this plan reverses.
    pub fn context(&self) -> Context {
        match &self.undoes {
            Some(Undoing::Entry(n)) => Context {
                undoes: Some(*n),
                ..Context::default()
            },
            Some(Undoing::Run(run)) => Context {
                undoes_run: Some(run.clone()),
                ..Context::default()
            },
            None => Context::default(),
        }
    }

    /// Earlier steps' lines: in the text on stdout, or on stderr for JSON.
    pub fn say_done(&mut self, done: &[String]) {
        if !done.is_empty() {
            self.console.note(&done.join("\n"));
        }
    }

    /// An HTTP error: one line per Clerk error on stderr, the raw body as
    /// the JSON result.
    pub fn api_error(&mut self, reply: &Reply, i: usize, count: usize, done: &[String]) -> View {
        self.say_done(done);
        for line in error_lines(reply.status, &reply.body) {
            self.console.error(&line);
        }
        if i + 1 < count {
            self.console.note(&format!(
                "step {} of {count} failed; the steps after it were not sent",
                i + 1
            ));
        }
        self.printer.failure(&reply.body)
    }

    pub fn stopped(
        &mut self,
        stop: ClientError,
        i: usize,
        count: usize,
        done: &[String],
    ) -> (View, Status) {
        match stop {
            ClientError::RateLimited { retries, reply } => {
                let view = self.api_error(&reply, i, count, done);
                let mut lines = vec![text("rate_limited", &[("retries", &retries.to_string())])];
                lines.extend(rate_limits().iter().map(|l| format!("  {l}")));
                self.console.note(&lines.join("\n"));
                (view, Status::Failed)
            }
            other => {
                self.say_done(done);
                self.console.error(&other.to_string());
                (View::default(), Status::Failed)
            }
        }
    }
}
