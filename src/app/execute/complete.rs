//! Asking for the required values a plan lacks: one prompt each, with the
//! field's type and description, on a terminal; without one, the list of
//! what is missing (exit 2).

use crate::app::AppError;
use crate::console::Console;
use crate::pipeline::texts::text;
use crate::plan::Plan;
use crate::plan::missing::{self, Missing};
use crate::plan::uploads;
use crate::plan::values;
use crate::render::table::one_line;
use crate::spec::Spec;

/// Fills every missing value, or says what is missing; then every file to
/// upload must be a readable file, before anything is asked or sent.
pub fn complete(
    spec: &Spec,
    plan: &mut Plan,
    found: Vec<Missing>,
    console: &mut dyn Console,
) -> Result<(), AppError> {
    ask_missing(spec, plan, found, console)?;
    match uploads::unreadable(plan) {
        Some(why) => Err(AppError::Usage(why)),
        None => Ok(()),
    }
}

fn ask_missing(
    spec: &Spec,
    plan: &mut Plan,
    found: Vec<Missing>,
    console: &mut dyn Console,
) -> Result<(), AppError> {
    if found.is_empty() {
        return Ok(());
    }
    if !console.interactive() {
        let list: Vec<String> = found.iter().map(describe).collect();
        return Err(AppError::Usage(format!(
            "missing required values, and no terminal to ask for them: {}; give them as items (name=value) or in the path",
            list.join("; ")
        )));
    }
    let style = console.err_style();
    for m in &found {
        let mut note = format!(
            "{} needs {} ({}, {})",
            plan.steps[m.step].label(),
            style.bold(&m.name),
            m.location(),
            m.type_name
        );
        if !m.description.is_empty() {
            note.push_str(&format!(": {}", one_line(&m.description, 100)));
        }
        console.note(&note);
        let value = ask_one(spec, m, console)?;
        missing::fill(plan, m, value);
    }
    Ok(())
}

fn ask_one(
    spec: &Spec,
    m: &Missing,
    console: &mut dyn Console,
) -> Result<serde_json::Value, AppError> {
    let choices = values::choices(spec, m.schema);
    let what = if choices.is_empty() {
        m.type_name.clone()
    } else {
        format!("one of {}", choices.join(", "))
    };
    // A password or a secret is not shown as it is typed.
    let secret = spec.schema(m.schema).write_only || is_secret_name(&m.name);
    for _ in 0..3 {
        let prompt = format!("{} ({what}): ", m.name);
        let answer = if secret {
            console.ask_secret(&prompt)
        } else {
            console.ask(&prompt)
        };
        let Some(answer) = answer.filter(|a| !a.trim().is_empty()) else {
            break;
        };
        match m.parse(spec, &answer) {
            Ok(v) => return Ok(v),
            Err(e) => console.note(&e),
        }
    }
    Err(AppError::Usage(format!(
        "cancelled: {} is required; nothing was sent",
        m.name
    )))
}

/// A field named like a secret (`password`, `client_secret`...): the words
/// the history keeps out.
fn is_secret_name(name: &str) -> bool {
    let words = text("history.fields", &[]);
    let name = name.to_ascii_lowercase();
    words.split_whitespace().any(|w| name.contains(w))
}

fn describe(m: &Missing) -> String {
    format!(
        "{} ({}, {}, step {})",
        m.name,
        m.location(),
        m.type_name,
        m.step + 1
    )
}
