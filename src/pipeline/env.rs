//! A snapshot of what the pipeline reads from the process: environment
//! variables and the current directory. Tests build one by hand instead of
//! changing the real environment.

use std::collections::BTreeMap;
use std::path::PathBuf;

#[derive(Debug, Clone, Default)]
pub struct Env {
    vars: BTreeMap<String, String>,
    /// Where `.env` discovery starts.
    pub cwd: PathBuf,
}

/// The variables the pipeline and the client read.
const NAMES: &[&str] = &[
    "CLERK_SECRET_KEY",
    "CLERK_BAPI_SCOPES",
    "CLERK_BACKEND_API_RETRY_MS",
];

impl Env {
    pub fn from_process() -> Env {
        let mut vars = BTreeMap::new();
        for name in NAMES {
            if let Ok(v) = std::env::var(name) {
                vars.insert((*name).to_string(), v);
            }
        }
        Env {
            vars,
            cwd: std::env::current_dir().unwrap_or_else(|_| PathBuf::from(".")),
        }
    }

    /// An empty environment rooted at `cwd`.
    pub fn new(cwd: impl Into<PathBuf>) -> Env {
        Env {
            vars: BTreeMap::new(),
            cwd: cwd.into(),
        }
    }

    pub fn with(mut self, name: &str, value: &str) -> Env {
        self.vars.insert(name.to_string(), value.to_string());
        self
    }

    /// A variable's value; empty counts as unset.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.vars
            .get(name)
            .map(String::as_str)
            .filter(|v| !v.trim().is_empty())
    }
}
