//! A request's body from `-d '{json}'`, `-d @file.json`, or stdin, read
//! with a cap so a FIFO or `/dev/zero` cannot be read forever.

use std::io::{IsTerminal, Read};

use serde_json::Value;

use crate::app::AppError;
use crate::command::Options;
use crate::plan::items;
use crate::spec::Operation;

/// The body from `-d '{json}'`, `-d @file.json`, or (one-shot only) stdin
/// when it is not a terminal, no items were given and the operation takes
/// a body.
pub fn request_body(
    op: &Operation,
    options: &Options,
    items: &[String],
    one_shot: bool,
) -> Result<Option<Value>, AppError> {
    let (text, origin) = match options.data.as_deref() {
        Some("@-") => (
            read_capped(std::io::stdin().lock(), "stdin")?,
            "stdin".into(),
        ),
        Some(d) if d.starts_with('@') => {
            let file = &d[1..];
            let cannot =
                |why: String| AppError::Usage(format!("cannot read {file} for -d ({why})"));
            let meta = std::fs::metadata(file).map_err(|e| cannot(e.kind().to_string()))?;
            // A FIFO or a device (`/dev/zero`) could be read forever.
            if !meta.is_file() {
                return Err(cannot(
                    "it is not a regular file; pipe it on stdin with -d @- instead".into(),
                ));
            }
            let f = std::fs::File::open(file).map_err(|e| cannot(e.kind().to_string()))?;
            (read_capped(f, file)?, file.to_string())
        }
        Some(d) => (d.to_string(), "-d".to_string()),
        None => {
            let stdin = std::io::stdin();
            if !one_shot
                || !items.is_empty()
                || items::body_schema(op).is_none()
                || stdin.is_terminal()
            {
                return Ok(None);
            }
            let text = read_capped(stdin.lock(), "stdin")?;
            if text.trim().is_empty() {
                return Ok(None);
            }
            (text, "the body on stdin".to_string())
        }
    };
    serde_json::from_str(&text)
        .map(Some)
        .map_err(|e| AppError::Usage(format!("{origin} is not valid JSON ({e})")))
}

/// The largest request body read from a file or stdin.
const MAX_BODY_INPUT: u64 = 16 * 1024 * 1024;

/// Reads a body, refusing one over [`MAX_BODY_INPUT`] or not UTF-8.
fn read_capped(reader: impl Read, origin: &str) -> Result<String, AppError> {
    let mut bytes = Vec::new();
    reader
        .take(MAX_BODY_INPUT + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| AppError::Usage(format!("cannot read {origin} for -d ({})", e.kind())))?;
    if bytes.len() as u64 > MAX_BODY_INPUT {
        return Err(AppError::Usage(format!(
            "the body in {origin} is over {} MiB; Clerk's requests are far smaller",
            MAX_BODY_INPUT / (1024 * 1024)
        )));
    }
    String::from_utf8(bytes)
        .map_err(|_| AppError::Usage(format!("the body in {origin} is not UTF-8 text")))
}
