//! "How do I ...?" answered with what to call and the command that does it,
//! instead of doing it: a how-to question asks for knowledge, and running
//! the request (even a read) would answer a question nobody asked.

use serde_json::Value;

use super::knowledge::Answer;
use super::{Again, Routing};
use crate::intent::fill::Context;
use crate::intent::read::doc::Doc;
use crate::plan::{Plan, Step};

/// A knowledge section matching this many words of its `when` phrases
/// answers a how-to question even when the request routes confidently.
const STRONG: usize = 2;

/// Routes the request after the how-to phrase, then answers with what it
/// found instead of planning it. A knowledge section (`known`) answers
/// instead when it matches strongly or the request routes nowhere sure;
/// a weak one is pointed to.
pub fn route(
    doc: &Doc,
    after: usize,
    ctx: &Context,
    known: Option<Answer>,
    again: Again,
) -> Routing {
    let request = request(doc, after);
    let mut inner = again(&request, ctx);
    let prefer_known = known
        .as_ref()
        .is_some_and(|a| a.score >= STRONG || !inner.confident);
    if inner.plan.is_none() && inner.answer.is_some() {
        return inner;
    }
    // A how-to question names no target: what the destructive candidates
    // would need is asked when the request itself is typed.
    let plans: Vec<Plan> = inner
        .plan
        .take()
        .into_iter()
        .chain(inner.ties.drain(..))
        .take(4)
        .collect();
    let mut why = vec![format!(
        "A how-to question: `{request}` answered with what to call; no request planned."
    )];
    why.append(&mut inner.why);
    let mut answer = if plans.is_empty() {
        nearest(&inner.suggestions, &request)
    } else {
        Some(answer(&plans, &request))
    };
    match (answer.as_mut(), known) {
        // The section first, then the calls that do what was asked.
        (Some(a), Some(k)) if prefer_known => {
            a.body = format!("{}\n\n{}", k.body.trim_end(), a.body);
            a.title = k.title;
        }
        (None, Some(k)) if prefer_known => answer = Some(k),
        (Some(a), Some(k)) => a.body.push_str(&format!(
            "\n\nRelated: {} (ask about it for more).",
            k.title
        )),
        _ => {}
    }
    Routing {
        answer,
        suggestions: inner.suggestions,
        why,
        ..Routing::default()
    }
}

/// The request a how-to question asks about, as the user would type it.
fn request(doc: &Doc, after: usize) -> String {
    let request = doc.tokens[after..]
        .iter()
        .map(|t| {
            if t.quoted || t.text.contains(' ') {
                format!("\"{}\"", t.text)
            } else {
                t.text.clone()
            }
        })
        .collect::<Vec<_>>()
        .join(" ");
    request.trim_end_matches(['?', '.', '!']).to_string()
}

/// The answer: the calls of the best plan (or the candidates), the request
/// to type, and the explicit endpoint when one call does it.
fn answer(plans: &[Plan], request: &str) -> Answer {
    let mut body = String::new();
    let plan = &plans[0];
    let calls: Vec<&Step> = plan.steps.iter().collect();
    let (intro, listed): (&str, Vec<&Step>) = if plans.len() > 1 {
        (
            "One of these calls, depending on what you have:",
            plans.iter().filter_map(|p| p.steps.last()).collect(),
        )
    } else if calls.len() == 1 {
        ("Clerk's Backend API does it with one call:", calls.clone())
    } else {
        ("Clerk's Backend API does it in these calls:", calls.clone())
    };
    body.push_str(&format!("{intro}\n\n"));
    for (i, s) in listed.iter().enumerate() {
        body.push_str(&format!(
            "{}. `{} {}`: {}\n",
            i + 1,
            s.method,
            s.path,
            s.purpose
        ));
    }
    body.push_str("\nTo do it here, type the request itself (it is planned, shown and confirmed before anything is sent):\n\n");
    body.push_str(&format!("    /clerk-backend-api {request}\n"));
    if let [only] = calls.as_slice()
        && only.links.is_empty()
        && plans.len() == 1
    {
        body.push_str(&format!(
            "\nor the endpoint with its values:\n\n    /clerk-backend-api {}\n",
            explicit(only)
        ));
    }
    body.push_str("\nAdd `--dry-run` to see the request, `--curl` for a curl command, or `help` for the endpoint's parameters.");
    Answer {
        title: format!("How to: {}", first_lower(request)),
        body,
        score: 1,
    }
}

/// Nothing matched well: the nearest operations, to look at with `help`.
fn nearest(labels: &[String], request: &str) -> Option<Answer> {
    let first = labels.first()?;
    let mut body =
        String::from("Nothing in the spec matches that well; the nearest calls are:\n\n");
    for (i, l) in labels.iter().enumerate() {
        body.push_str(&format!("{}. `{l}`\n", i + 1));
    }
    body.push_str(&format!(
        "\nSee what one takes before calling it:\n\n    /clerk-backend-api {first} help\n"
    ));
    Some(Answer {
        title: format!("How to: {}", first_lower(request)),
        body,
        score: 1,
    })
}

/// The step as an explicit command: `METHOD /path name==v name=v name:=json`.
fn explicit(s: &Step) -> String {
    let mut out = format!("{} {}", s.method, s.concrete_path());
    for (k, v) in &s.query {
        out.push_str(&format!(" {k}=={}", scalar(v)));
    }
    if let Some(Value::Object(fields)) = &s.body {
        for (k, v) in fields {
            match v {
                Value::String(text) => out.push_str(&format!(" {k}={}", shell_word(text))),
                other => out.push_str(&format!(" {k}:={}", shell_word(&other.to_string()))),
            }
        }
    }
    out
}

fn scalar(v: &Value) -> String {
    match v {
        Value::String(s) => shell_word(s),
        other => shell_word(&other.to_string()),
    }
}

/// A word as the shell (and the REPL) reads it back.
fn shell_word(s: &str) -> String {
    if !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_.@:/+,%".contains(c))
    {
        s.to_string()
    } else {
        format!("'{}'", s.replace('\'', r"'\''"))
    }
}

fn first_lower(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_lowercase().chain(c).collect(),
        None => String::new(),
    }
}
