//! Everything the user sees: help, browse tables, endpoint detail, results
//! and errors. Renderers are pure: they return text and JSON, the caller
//! decides where it goes.

pub mod browse;
pub mod bulk;
pub mod completions;
pub mod detail;
pub mod export;
pub mod fields;
pub mod help;
pub mod json;
pub mod plan;
pub mod printer;
pub mod result;
pub mod routing;
pub mod sdk;
pub mod style;
pub mod summary;
pub mod table;

pub use style::Style;

/// One screen of output: text for people, JSON for `--output json`, and the
/// commands a table's row numbers open in the REPL.
#[derive(Debug, Clone, Default)]
pub struct View {
    pub text: String,
    pub json: serde_json::Value,
    pub picks: Vec<String>,
}
