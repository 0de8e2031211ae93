//! The journal: every write the tool sends, appended as one JSON line to
//! `$XDG_DATA_HOME/clerk-backend-api/journal.jsonl` (mode 0600, in a 0700
//! folder): when, on which instance, the request (method, URL, body with
//! secret fields hidden), Clerk's answer (status, the ID in the body or the
//! error), and for state changes the state before, read just before the
//! write ([`before`]). `history` lists it, `undo` reverses an entry
//! ([`undo`]), and `--resume` skips the targets of a bulk run it already
//! holds as done.
//!
//! The secret key is never in it: it is only ever in the `Authorization`
//! header, which is not recorded, and every line passes through the same
//! redactor as the console before it is written, in case a body or a
//! server's answer holds it. Entries are numbered by their line (append
//! only, so a number never changes).

pub mod before;
pub mod undo;

use std::fs::{File, OpenOptions};
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::pipeline::confirm::redact_body;
use crate::redact::Redactor;

pub const FILE_NAME: &str = "journal.jsonl";

/// One write, as recorded.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Entry {
    /// RFC 3339, UTC.
    pub time: String,
    /// `development` or `production`.
    pub instance: String,
    pub method: String,
    pub url: String,
    pub operation_id: String,
    /// The path template (`/users/{user_id}/ban`).
    pub path: String,
    #[serde(default)]
    pub path_params: Map<String, Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<Value>,
    /// Clerk's HTTP status; `None` when no answer came (timeout, refused).
    pub status: Option<u16>,
    /// The `id` of the response body (the object created or changed).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub response_id: Option<String>,
    /// Clerk's error, or why no answer came.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// The state before the write (the object, its metadata, the
    /// membership), as the read before it returned.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub before: Option<Value>,
    /// `GET url` of that read, or why it gave nothing.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub before_from: Option<String>,
    /// The bulk run this write belongs to, and its target.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub run: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target: Option<String>,
    /// What a bulk run's requests share, so `--resume` finds the same run
    /// ([`crate::app::execute::bulk`] computes it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub template: Option<String>,
    /// The entry this write reversed (`undo`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub undoes: Option<u64>,
    /// The bulk run this write helped reverse (`undo` of a run).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub undoes_run: Option<String>,
}

impl Entry {
    pub fn ok(&self) -> bool {
        self.status.is_some_and(|s| (200..300).contains(&s))
    }
}

#[derive(Debug, thiserror::Error)]
pub enum JournalError {
    #[error(
        "no user data directory was found for the journal, so no write is sent; set XDG_DATA_HOME (or HOME) to a folder you can write"
    )]
    NoDataDir,
    #[error(
        "the journal {path} cannot be opened ({reason}), so no write is sent; fix its permissions or set XDG_DATA_HOME to another folder"
    )]
    Open { path: String, reason: String },
    #[error(
        "the journal {path} cannot be written ({reason}); the write was sent but is not recorded; check the disk"
    )]
    Write { path: String, reason: String },
    #[error("the journal {path} cannot be read ({reason})")]
    Read { path: String, reason: String },
}

/// The journal file, open for appending.
#[derive(Debug)]
pub struct Journal {
    path: PathBuf,
    file: File,
    redactor: Redactor,
}

/// `DIR/journal.jsonl`.
pub fn path_in(dir: &Path) -> PathBuf {
    dir.join(FILE_NAME)
}

impl Journal {
    /// Opens (creating) the journal in `dir`: the folder 0700, the file
    /// 0600 even if it existed with wider permissions.
    pub fn open(dir: Option<&Path>, redactor: Redactor) -> Result<Journal, JournalError> {
        let dir = dir.ok_or(JournalError::NoDataDir)?;
        let path = path_in(dir);
        let fail = |e: std::io::Error| JournalError::Open {
            path: path.display().to_string(),
            reason: e.to_string(),
        };
        create_private_dir(dir).map_err(fail)?;
        let mut options = OpenOptions::new();
        options.create(true).append(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        let file = options.open(&path).map_err(fail)?;
        // A file made earlier with wider permissions is narrowed.
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            file.set_permissions(std::fs::Permissions::from_mode(0o600))
                .map_err(fail)?;
        }
        Ok(Journal {
            path,
            file,
            redactor,
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Appends one entry as one line, written with a single `write` so
    /// concurrent runs do not interleave within a line. Secret body fields
    /// are hidden and the key is redacted from the whole line.
    pub fn append(&self, entry: &Entry) -> Result<(), JournalError> {
        let mut entry = entry.clone();
        entry.body = entry.body.as_ref().map(redact_body);
        entry.before = entry.before.as_ref().map(redact_body);
        let line = serde_json::to_string(&entry).unwrap_or_default();
        let mut line = self.redactor.redact(&line);
        line.push('\n');
        (&self.file)
            .write_all(line.as_bytes())
            .map_err(|e| JournalError::Write {
                path: self.path.display().to_string(),
                reason: e.to_string(),
            })
    }
}

fn create_private_dir(dir: &Path) -> std::io::Result<()> {
    if dir.is_dir() {
        return Ok(());
    }
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(0o700);
    }
    builder.create(dir)
}

/// Reads a journal line by line, without holding it: `(number, entry)`
/// for every line that parses (a line cut short by a crash is skipped).
/// A journal that does not exist yet reads as empty.
pub fn entries(path: &Path) -> Result<impl Iterator<Item = (u64, Entry)>, JournalError> {
    let file = match File::open(path) {
        Ok(f) => Some(f),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(e) => {
            return Err(JournalError::Read {
                path: path.display().to_string(),
                reason: e.to_string(),
            });
        }
    };
    let lines = file.into_iter().flat_map(|f| BufReader::new(f).lines());
    Ok(lines
        .map_while(Result::ok)
        .enumerate()
        .filter_map(|(i, line)| {
            serde_json::from_str::<Entry>(&line)
                .ok()
                .map(|e| (i as u64 + 1, e))
        }))
}

/// The time now, as entries record it.
pub fn now() -> String {
    jiff::Timestamp::now()
        .round(jiff::Unit::Millisecond)
        .map(|t| t.to_string())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn entries_are_appended_private_and_without_the_key() {
        let dir = std::env::temp_dir().join(format!("cba-journal-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let key = "sk_test_journalSECRET123456";
        let j = Journal::open(Some(&dir), Redactor::new(Some(key))).unwrap();
        let entry = Entry {
            method: "PATCH".into(),
            url: "http://127.0.0.1/users/user_1".into(),
            body: Some(json!({"public_metadata": {"k": key}, "password": "hunter2"})),
            status: Some(200),
            ..Entry::default()
        };
        j.append(&entry).unwrap();
        j.append(&Entry {
            status: Some(404),
            ..entry.clone()
        })
        .unwrap();
        let text = std::fs::read_to_string(j.path()).unwrap();
        assert!(!text.contains(key) && !text.contains("hunter2"), "{text}");
        let read: Vec<(u64, Entry)> = entries(j.path()).unwrap().collect();
        assert_eq!(read.len(), 2);
        assert_eq!(read[1].0, 2);
        assert!(read[0].1.ok() && !read[1].1.ok());
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(j.path()).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        let _ = std::fs::remove_dir_all(&dir);
        assert_eq!(entries(&dir.join("none")).unwrap().count(), 0);
    }
}
