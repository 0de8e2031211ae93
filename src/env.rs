//! The one snapshot of the process environment the program reads:
//! variables and the current directory. `main` takes it once; everything
//! else (the key, scopes, flag defaults, the spec source, colours) reads
//! this snapshot, and tests build one by hand instead of changing the real
//! environment.

use std::collections::BTreeMap;
use std::path::PathBuf;

#[derive(Debug, Clone, Default)]
pub struct Env {
    vars: BTreeMap<String, String>,
    /// Where `.env` discovery starts.
    pub cwd: PathBuf,
    /// The user data folder (`$XDG_DATA_HOME/clerk-backend-api`), found
    /// by [`Env::from_process`] only: an environment built by hand (the
    /// tests') has none, so nothing in-process can write to the real
    /// user's journal by accident.
    pub data_home: Option<PathBuf>,
}

/// Every variable the program reads, with what it does (for help and the
/// man page). Clerk's own names first; the program's own share one prefix.
pub const VARS: &[(&str, &str)] = &[
    (
        "CLERK_SECRET_KEY",
        "the secret key (sk_test_/sk_live_); else the nearest .env.local or .env",
    ),
    (
        "CLERK_BAPI_SCOPES",
        "granted scopes: write, delete (comma or space separated)",
    ),
    (
        "CLERK_BACKEND_API_URL",
        "the API's base URL (default https://api.clerk.com/v1)",
    ),
    (
        "CLERK_BACKEND_API_SPECS_DIR",
        "a folder of YYYY-MM-DD.yml specs to use instead of GitHub",
    ),
    (
        "CLERK_BACKEND_API_SPECS_TTL_SECS",
        "how long a downloaded spec is used before asking GitHub again (default 86400)",
    ),
    (
        "CLERK_BACKEND_API_SPECS_RETRY_SECS",
        "how long GitHub is not asked after it gave no answer (default 900)",
    ),
    (
        "CLERK_BACKEND_API_SPECS_LIST_URL",
        "the GitHub contents API URL listing the specs",
    ),
    (
        "CLERK_BACKEND_API_SPECS_RAW_URL",
        "the URL prefix spec files are downloaded from",
    ),
    (
        "CLERK_BACKEND_API_RETRY_MS",
        "the first backoff after a server or connection error (default 500)",
    ),
    (
        "CLERK_BACKEND_API_DATA_DIR",
        "the folder of the journal of writes and the REPL history (default $XDG_DATA_HOME/clerk-backend-api)",
    ),
    (
        "CLERK_BACKEND_API_RATE_SCALE",
        "for tests only: divide the rate limit's window by this (10 makes 100 requests / 10 s into 100 / 1 s)",
    ),
    ("NO_COLOR", "no colours (https://no-color.org)"),
    ("CLICOLOR_FORCE", "colours even into a pipe"),
    ("TERM", "`dumb` turns colours off"),
];

/// `$XDG_DATA_HOME/clerk-backend-api` (history and the journal live here).
fn default_data_dir() -> Option<PathBuf> {
    use etcetera::BaseStrategy;
    let base = etcetera::choose_base_strategy().ok()?;
    Some(base.data_dir().join("clerk-backend-api"))
}

impl Env {
    pub fn from_process() -> Env {
        let mut vars = BTreeMap::new();
        for (name, _) in VARS {
            // A variable that is not UTF-8 counts as unset.
            if let Ok(v) = std::env::var(name) {
                vars.insert((*name).to_string(), v);
            }
        }
        Env {
            vars,
            cwd: std::env::current_dir().unwrap_or_else(|_| PathBuf::from(".")),
            data_home: default_data_dir(),
        }
    }

    /// An empty environment rooted at `cwd`.
    pub fn new(cwd: impl Into<PathBuf>) -> Env {
        Env {
            vars: BTreeMap::new(),
            cwd: cwd.into(),
            data_home: None,
        }
    }

    /// Where the journal lives: `CLERK_BACKEND_API_DATA_DIR`, else the
    /// user data folder; `None` (no write is sent) when neither is known.
    pub fn data_dir(&self) -> Option<PathBuf> {
        self.get("CLERK_BACKEND_API_DATA_DIR")
            .map(PathBuf::from)
            .or_else(|| self.data_home.clone())
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
