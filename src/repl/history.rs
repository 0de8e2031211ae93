//! The REPL's persistent history: where it lives, and which lines may go in
//! it. A line holding a secret key is kept out of the file and out of the
//! in-memory history (so the up arrow cannot bring it back either).

use std::path::{Path, PathBuf};

use rustyline::history::FileHistory;
use rustyline::{Editor, Helper};

use crate::env::Env;
use crate::pipeline::texts::text;
use crate::redact::{Redactor, holds_secret_field};

/// `history` in the data folder: `CLERK_BACKEND_API_DATA_DIR`, else
/// `$XDG_DATA_HOME/clerk-backend-api`, beside the journal.
pub fn path_in(env: &Env) -> Option<PathBuf> {
    env.data_dir().map(|dir| dir.join("history"))
}

/// Why a line stays out of the history, if it does: it holds the key or
/// something shaped like one, or gives a secret field a value.
pub fn kept_out(line: &str, redactor: &Redactor) -> Option<&'static str> {
    let words = text("history.fields", &[]);
    let words: Vec<&str> = words.split_whitespace().collect();
    if redactor.holds(line) {
        Some("not saved to history: the line holds a secret key")
    } else if holds_secret_field(line, &words) {
        Some(
            "not saved to history: the line gives a secret field (a password, secret, token or code) a value",
        )
    } else {
        None
    }
}

/// The history file of a session, once it could be opened.
pub struct History {
    path: Option<PathBuf>,
}

impl History {
    /// Creates the file if needed (0600 on unix, in a 0700 folder) and loads
    /// it into the editor. On failure the session runs without a history
    /// file and the returned sentence says why.
    pub fn open<H: Helper>(
        editor: &mut Editor<H, FileHistory>,
        path: Option<PathBuf>,
    ) -> (History, Option<String>) {
        let Some(path) = path else {
            let why = "no user data directory was found, so history is not saved".to_string();
            return (History { path: None }, Some(why));
        };
        if let Err(e) = create(&path) {
            let why = format!(
                "history is not saved: {} cannot be created ({e})",
                path.display()
            );
            return (History { path: None }, Some(why));
        }
        if let Err(e) = editor.load_history(&path) {
            let why = format!(
                "history is not saved: {} cannot be read ({e})",
                path.display()
            );
            return (History { path: None }, Some(why));
        }
        (History { path: Some(path) }, None)
    }

    /// Adds a line to the history and appends it to the file. Returns a
    /// note for the user when the line was left out or the file failed.
    pub fn record<H: Helper>(
        &mut self,
        editor: &mut Editor<H, FileHistory>,
        line: &str,
        redactor: &Redactor,
    ) -> Option<String> {
        if line.trim().is_empty() {
            return None;
        }
        if let Some(why) = kept_out(line, redactor) {
            return Some(why.into());
        }
        // Only fails when the history refuses the line (duplicate, leading
        // space), which is fine to ignore.
        let _ = editor.add_history_entry(line);
        let path = self.path.as_ref()?;
        match editor.append_history(path) {
            Ok(()) => None,
            Err(e) => {
                let why = format!(
                    "history is no longer saved: {} cannot be written ({e})",
                    path.display()
                );
                self.path = None;
                Some(why)
            }
        }
    }
}

/// Creates the history file, readable by its owner only, if it is missing.
fn create(path: &Path) -> std::io::Result<()> {
    if let Some(dir) = path.parent() {
        let mut builder = std::fs::DirBuilder::new();
        builder.recursive(true);
        #[cfg(unix)]
        std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
        builder.create(dir)?;
    }
    let mut options = std::fs::OpenOptions::new();
    options.append(true).create(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options.open(path).map(drop)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_lines_are_kept_out() {
        let r = Redactor::new(Some("sk_test_Q1w2E3r4t5"));
        for line in [
            "GET /users key=sk_test_abc123",
            "sk_live_ABCdef",
            "CLERK_SECRET_KEY=sk_test_x",
            "use SK_TEST_abc",
            "my key is sk_9f8e7d",
            "'sk_abc'",
            "token:sk_test_",
            "sk\\u005ftest_Q1w2E3r4t5",
            "POST /users password=hunter2",
        ] {
            assert!(kept_out(line, &r).is_some(), "{line}");
        }
        for line in [
            "GET /users",
            "mask_value 3",
            "task_list",
            "sk_",
            "ask_ me",
            "pk_test_abc",
        ] {
            assert!(kept_out(line, &r).is_none(), "{line}");
        }
    }

    #[cfg(unix)]
    #[test]
    fn the_file_is_private() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("a/b/history");
        create(&path).expect("created");
        let mode = std::fs::metadata(&path).expect("meta").permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
        // A second call leaves the existing file alone.
        std::fs::write(&path, "#V2\nUsers\n").expect("write");
        create(&path).expect("reopened");
        assert_eq!(
            std::fs::read_to_string(&path).expect("read"),
            "#V2\nUsers\n"
        );
    }
}
