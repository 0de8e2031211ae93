//! Asking for the required values a plan lacks: one prompt each, with the
//! field's type and description, on a terminal; without one, the list of
//! what is missing (exit 2).

use crate::app::AppError;
use crate::console::Console;
use crate::plan::Plan;
use crate::plan::missing::{self, Missing};
use crate::render::table::one_line;
use crate::spec::Spec;

/// Fills every missing value, or says what is missing.
pub fn complete(
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
    for _ in 0..3 {
        let answer = console.ask(&format!("{} ({}): ", m.name, m.type_name));
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

fn describe(m: &Missing) -> String {
    format!(
        "{} ({}, {}, step {})",
        m.name,
        m.location(),
        m.type_name,
        m.step + 1
    )
}
