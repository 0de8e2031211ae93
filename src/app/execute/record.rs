//! One write, journaled: the read before it where the write changes state
//! that can be read ([`crate::journal::before`]), the write itself, and the
//! journal line. Single requests and every target of a bulk run go through
//! here, so nothing the tool writes escapes the journal.

use serde_json::{Map, Value};

use crate::client::bapi::{Bapi, ClientError, Reply, Request};
use crate::journal::{Entry, Journal, JournalError, before};
use crate::pipeline::Instance;
use crate::plan::Step;
use crate::render::plan::step_url;
use crate::render::result::error_lines;
use crate::spec::Spec;

/// What a journal line says beyond the request: its bulk run and target,
/// or the entry it undoes.
#[derive(Debug, Clone, Default)]
pub struct Context {
    pub run: Option<String>,
    pub target: Option<String>,
    pub template: Option<String>,
    pub undoes: Option<u64>,
    pub undoes_run: Option<String>,
}

/// What became of one write.
pub struct Written {
    pub reply: Result<Reply, ClientError>,
    /// The journal line could not be written (the write was sent).
    pub journal: Result<(), JournalError>,
}

/// Sends `step` (a resolved write): the read before, the write, the line.
pub async fn write(
    spec: &Spec,
    client: &Bapi,
    journal: &Journal,
    instance: Instance,
    step: &Step,
    context: Context,
    notify: &mut dyn FnMut(&str),
) -> Written {
    let mut entry = Entry {
        time: String::new(),
        instance: instance.as_str().into(),
        method: step.method.as_str().into(),
        url: step_url(step, client.base_url()),
        operation_id: step.operation_id.clone(),
        path: step.path.clone(),
        path_params: step
            .path_params
            .iter()
            .cloned()
            .collect::<Map<String, Value>>(),
        body: step.body.clone(),
        run: context.run,
        target: context.target,
        template: context.template,
        undoes: context.undoes,
        undoes_run: context.undoes_run,
        ..Entry::default()
    };
    if let Some(read) = before::read_for(spec, step) {
        let url = step_url(&read.step, client.base_url());
        let req = Request {
            method: read.step.method,
            url: url.clone(),
            body: None,
            files: Vec::new(),
        };
        match client.send(&req, notify).await {
            Ok(r) if r.ok() => match read.keep(r.body) {
                Some(state) => {
                    entry.before = Some(state);
                    entry.before_from = Some(format!("GET {url}"));
                }
                None => entry.before_from = Some(format!("GET {url}: not in the answer")),
            },
            Ok(r) => entry.before_from = Some(format!("GET {url}: HTTP {}", r.status)),
            // No answer at all (a TLS failure, a redirect, no route): the
            // write would fare no better, and would go unprotected.
            Err(e) => {
                entry.time = crate::journal::now();
                entry.error = Some(format!("not sent: the read before it failed ({e})"));
                let journal = journal.append(&entry);
                return Written {
                    reply: Err(e),
                    journal,
                };
            }
        }
    }
    let req = Request {
        method: step.method,
        url: entry.url.clone(),
        body: step.body.clone(),
        files: crate::plan::uploads::files(step),
    };
    let reply = client.send(&req, notify).await;
    entry.time = crate::journal::now();
    match &reply {
        Ok(r) => {
            entry.status = Some(r.status);
            entry.response_id = r.body.get("id").and_then(Value::as_str).map(str::to_string);
            if !r.ok() {
                entry.error = Some(error_lines(r.status, &r.body).join("; "));
            }
        }
        Err(ClientError::RateLimited { reply, .. }) => {
            entry.status = Some(reply.status);
            entry.error = Some(error_lines(reply.status, &reply.body).join("; "));
        }
        // Not sent, or sent without an answer: recorded all the same, so
        // `--resume` retries it and `history` shows it.
        Err(e) => entry.error = Some(e.to_string()),
    }
    let journal = journal.append(&entry);
    Written { reply, journal }
}
