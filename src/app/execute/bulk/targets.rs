//! Where a bulk run's targets come from, read as a stream: the values given
//! in the command, or a file of one target a line, or one column of a CSV
//! file with a header. A file is read twice, once to count it and show its
//! first and last targets before the confirmation, once while sending, so
//! no run holds its targets in memory. The items of a list step are spooled
//! to a file first ([`Spool`]), then read the same way.

use std::collections::VecDeque;
use std::fs::File;
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};

/// How many targets the confirmation shows from each end.
pub const SHOWN: usize = 3;

#[derive(Debug, thiserror::Error)]
pub enum TargetError {
    #[error("cannot read {path} for --each ({reason}); check the file name")]
    Unreadable { path: String, reason: String },
    #[error("{path} line {line} is not UTF-8 text; save the file as UTF-8")]
    NotText { path: String, line: u64 },
    #[error(
        "{path} has no column {wanted}; its columns are {columns}; choose one with --column NAME"
    )]
    NoColumn {
        path: String,
        wanted: String,
        columns: String,
    },
    #[error("{path} line {line} is not valid CSV ({reason}); fix that line")]
    Csv {
        path: String,
        line: u64,
        reason: String,
    },
    #[error("there are no targets in {0}; nothing was sent")]
    Empty(String),
    #[error("cannot keep the targets of the list in {path} ({reason}); nothing was written")]
    Spool { path: String, reason: String },
}

/// A readable source of targets.
#[derive(Debug, Clone)]
pub enum Source {
    Given(Vec<String>),
    /// A text file, one target a line (blank lines and `#` comments skipped).
    Lines(PathBuf),
    /// A CSV file with a header, and the index of the column.
    Csv {
        path: PathBuf,
        column: usize,
    },
}

/// The count, and the targets at both ends, for the confirmation.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Scan {
    pub count: u64,
    pub first: Vec<String>,
    pub last: Vec<String>,
}

impl Source {
    /// A file given to `--each`: CSV when its name ends with `.csv` or its
    /// first line has a comma, else lines. The column is `column`, else
    /// the first of `preferred` (the slot's own name, `id`, `email`...).
    pub fn file(
        path: &str,
        column: Option<&str>,
        preferred: &[&str],
    ) -> Result<Source, TargetError> {
        let p = PathBuf::from(path);
        let unreadable = |e: std::io::Error| TargetError::Unreadable {
            path: path.to_string(),
            reason: e.kind().to_string(),
        };
        let meta = std::fs::metadata(&p).map_err(unreadable)?;
        if !meta.is_file() {
            return Err(TargetError::Unreadable {
                path: path.to_string(),
                reason: "it is not a regular file".into(),
            });
        }
        let mut first = String::new();
        BufReader::new(File::open(&p).map_err(unreadable)?)
            .read_line(&mut first)
            .map_err(|_| TargetError::NotText {
                path: path.to_string(),
                line: 1,
            })?;
        let csv =
            path.to_ascii_lowercase().ends_with(".csv") || first.contains(',') || column.is_some();
        if !csv {
            return Ok(Source::Lines(p));
        }
        let mut reader = csv::Reader::from_path(&p).map_err(|e| csv_error(path, &e))?;
        let headers: Vec<String> = reader
            .headers()
            .map_err(|e| csv_error(path, &e))?
            .iter()
            .map(|h| h.trim().to_string())
            .collect();
        let find = |name: &str| headers.iter().position(|h| h.eq_ignore_ascii_case(name));
        let index = match column {
            Some(c) => find(c).ok_or_else(|| TargetError::NoColumn {
                path: path.to_string(),
                wanted: c.to_string(),
                columns: headers.join(", "),
            })?,
            None => {
                preferred
                    .iter()
                    .find_map(|c| find(c))
                    .ok_or_else(|| TargetError::NoColumn {
                        path: path.to_string(),
                        wanted: preferred.join(" or "),
                        columns: headers.join(", "),
                    })?
            }
        };
        Ok(Source::Csv {
            path: p,
            column: index,
        })
    }

    /// Where the targets come from, for the confirmation.
    pub fn describe(&self) -> String {
        match self {
            Source::Given(_) => "the command".into(),
            Source::Lines(p) => p.display().to_string(),
            Source::Csv { path, .. } => format!("{} (CSV)", path.display()),
        }
    }

    /// Every target in order, one at a time.
    pub fn open(
        &self,
    ) -> Result<Box<dyn Iterator<Item = Result<String, TargetError>>>, TargetError> {
        match self {
            Source::Given(values) => Ok(Box::new(values.clone().into_iter().map(Ok))),
            Source::Lines(path) => {
                let shown = path.display().to_string();
                let f = File::open(path).map_err(|e| TargetError::Unreadable {
                    path: shown.clone(),
                    reason: e.kind().to_string(),
                })?;
                let lines = BufReader::new(f).lines().enumerate();
                Ok(Box::new(lines.filter_map(move |(i, line)| match line {
                    Ok(l) => clean(&l).map(Ok),
                    Err(_) => Some(Err(TargetError::NotText {
                        path: shown.clone(),
                        line: i as u64 + 1,
                    })),
                })))
            }
            Source::Csv { path, column } => {
                let shown = path.display().to_string();
                let reader = csv::Reader::from_path(path).map_err(|e| csv_error(&shown, &e))?;
                let column = *column;
                Ok(Box::new(reader.into_records().filter_map(
                    move |r| match r {
                        Ok(rec) => rec.get(column).and_then(clean).map(Ok),
                        Err(e) => Some(Err(csv_error(&shown, &e))),
                    },
                )))
            }
        }
    }

    /// Counts the targets and keeps the first and last [`SHOWN`].
    pub fn scan(&self) -> Result<Scan, TargetError> {
        let mut scan = Scan::default();
        let mut last: VecDeque<String> = VecDeque::new();
        for t in self.open()? {
            let t = t?;
            scan.count += 1;
            if scan.first.len() < SHOWN {
                scan.first.push(t);
                continue;
            }
            last.push_back(t);
            if last.len() > SHOWN {
                last.pop_front();
            }
        }
        scan.last = last.into();
        if scan.count == 0 {
            return Err(TargetError::Empty(self.describe()));
        }
        Ok(scan)
    }
}

/// A target as written: trimmed, quotes and comments dropped.
fn clean(line: &str) -> Option<String> {
    let t = line.trim().trim_matches('"').trim();
    (!t.is_empty() && !t.starts_with('#')).then(|| t.to_string())
}

fn csv_error(path: &str, e: &csv::Error) -> TargetError {
    match e.kind() {
        csv::ErrorKind::Io(io) => TargetError::Unreadable {
            path: path.to_string(),
            reason: io.kind().to_string(),
        },
        _ => TargetError::Csv {
            path: path.to_string(),
            line: e.position().map_or(0, |p| p.line()),
            reason: e.to_string(),
        },
    }
}

/// The targets taken from a list's items, written to a private file as they
/// arrive (a page at a time), so a list of 100,000 users is never held.
pub struct Spool {
    path: PathBuf,
    file: File,
    pub scan: Scan,
    last: VecDeque<String>,
}

impl Spool {
    pub fn create(dir: &Path, run: &str) -> Result<Spool, TargetError> {
        let path = dir.join(format!("targets-{run}.txt"));
        let fail = |e: std::io::Error| TargetError::Spool {
            path: path.display().to_string(),
            reason: e.to_string(),
        };
        std::fs::create_dir_all(dir).map_err(fail)?;
        let mut options = std::fs::OpenOptions::new();
        options.create(true).write(true).truncate(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options.mode(0o600);
        }
        let file = options.open(&path).map_err(fail)?;
        Ok(Spool {
            path,
            file,
            scan: Scan::default(),
            last: VecDeque::new(),
        })
    }

    pub fn push(&mut self, target: &str) -> Result<(), TargetError> {
        // One target a line: a value with a line break would be two.
        let target = target.replace(['\n', '\r'], " ");
        writeln!(self.file, "{target}").map_err(|e| TargetError::Spool {
            path: self.path.display().to_string(),
            reason: e.to_string(),
        })?;
        self.scan.count += 1;
        if self.scan.first.len() < SHOWN {
            self.scan.first.push(target);
        } else {
            self.last.push_back(target);
            if self.last.len() > SHOWN {
                self.last.pop_front();
            }
        }
        Ok(())
    }

    /// The finished spool as a source, with its scan.
    pub fn finish(mut self) -> Result<(Source, Scan, SpoolFile), TargetError> {
        self.file.flush().map_err(|e| TargetError::Spool {
            path: self.path.display().to_string(),
            reason: e.to_string(),
        })?;
        self.scan.last = self.last.into();
        Ok((
            Source::Lines(self.path.clone()),
            self.scan,
            SpoolFile(self.path),
        ))
    }
}

/// Removes the spool when the run ends, however it ends.
pub struct SpoolFile(PathBuf);

impl Drop for SpoolFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(name: &str, text: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("cba-targets-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let p = dir.join(name);
        std::fs::write(&p, text).unwrap();
        p
    }

    #[test]
    fn lines_skip_blanks_and_comments_and_keep_both_ends() {
        let text: String = (1..=10).map(|i| format!("user_{i}\n")).collect();
        let p = file("ids.txt", &format!("# spammers\n\n{text}"));
        let s = Source::file(p.to_str().unwrap(), None, &["user_id"]).unwrap();
        let scan = s.scan().unwrap();
        assert_eq!(scan.count, 10);
        assert_eq!(scan.first, ["user_1", "user_2", "user_3"]);
        assert_eq!(scan.last, ["user_8", "user_9", "user_10"]);
    }

    #[test]
    fn csv_columns_are_found_by_name() {
        let p = file("u.csv", "Name,Email\n\"Doe, J\",j@x.io\nA,a@x.io\n");
        let s = Source::file(p.to_str().unwrap(), None, &["identifier", "email"]).unwrap();
        let got: Vec<String> = s.open().unwrap().map(Result::unwrap).collect();
        assert_eq!(got, ["j@x.io", "a@x.io"]);
        let e = Source::file(p.to_str().unwrap(), Some("id"), &[]).unwrap_err();
        assert!(e.to_string().contains("its columns are Name, Email"), "{e}");
        let empty = file("e.txt", "\n# none\n");
        let s = Source::file(empty.to_str().unwrap(), None, &[]).unwrap();
        assert!(matches!(s.scan(), Err(TargetError::Empty(_))));
    }

    #[test]
    fn a_spool_reads_back_what_was_pushed() {
        let dir = std::env::temp_dir().join(format!("cba-spool-{}", std::process::id()));
        let mut sp = Spool::create(&dir, "r1").unwrap();
        for i in 0..5 {
            sp.push(&format!("user_{i}")).unwrap();
        }
        let (source, scan, guard) = sp.finish().unwrap();
        assert_eq!(scan.count, 5);
        assert_eq!(scan.last, ["user_3", "user_4"], "the ends never overlap");
        assert_eq!(source.open().unwrap().count(), 5);
        let path = dir.join("targets-r1.txt");
        assert!(path.exists());
        drop(guard);
        assert!(!path.exists());
    }
}
