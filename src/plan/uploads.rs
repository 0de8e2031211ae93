//! Bodies the spec sends as `multipart/form-data`: which of their fields
//! are files, where those files are, and whether they can be read. The
//! plan holds each file's path as the user typed it; only the client reads
//! the file, when it sends.

use std::path::PathBuf;

use serde_json::Value;

use super::{Plan, Step, missing};
use crate::spec::{Operation, Spec};

/// The largest file sent: Clerk's image uploads take far less, and a
/// mistyped path to a large file is refused here rather than read.
pub const MAX_FILE_BYTES: u64 = 10 << 20;

/// Marks, on every step whose operation takes a multipart body, the body
/// fields that are files (`format: binary`).
pub fn mark(spec: &Spec, plan: &mut Plan) {
    for step in &mut plan.steps {
        step.uploads =
            missing::operation(spec, step).map_or_else(Vec::new, |op| op_files(spec, op));
    }
}

/// The file fields of `op`, if its body is multipart.
pub fn op_files(spec: &Spec, op: &Operation) -> Vec<String> {
    let Some(body) = op.request_body.as_ref() else {
        return Vec::new();
    };
    if !body.content_type.starts_with("multipart/") {
        return Vec::new();
    }
    body.schema
        .map(|id| spec.properties(id))
        .unwrap_or_default()
        .into_iter()
        .filter(|p| spec.schema(p.schema).is_file())
        .map(|p| p.name.to_string())
        .collect()
}

/// Whether an explicit endpoint's word is a file item (`file@./logo.png`)
/// of one of `files`, rather than a target.
pub fn is_file_item(word: &str, files: &[String]) -> bool {
    word.split_once('@')
        .is_some_and(|(name, _)| files.iter().any(|f| f == name))
}

/// The local path a value names: `@` (as curl writes it) dropped, `~/`
/// the home folder.
pub fn local_path(value: &str) -> PathBuf {
    let value = value.strip_prefix('@').unwrap_or(value);
    match (value.strip_prefix("~/"), std::env::var_os("HOME")) {
        (Some(rest), Some(home)) => PathBuf::from(home).join(rest),
        _ => PathBuf::from(value),
    }
}

/// The files `step` uploads: field name and path, in body order.
pub fn files(step: &Step) -> Vec<(String, PathBuf)> {
    let Some(Value::Object(body)) = &step.body else {
        return Vec::new();
    };
    step.uploads
        .iter()
        .filter_map(|name| Some((name.clone(), local_path(body.get(name)?.as_str()?))))
        .collect()
}

/// Why a file the plan uploads cannot be sent, as one sentence, or `None`
/// when every upload has a readable file of a sendable size.
pub fn unreadable(plan: &Plan) -> Option<String> {
    for step in &plan.steps {
        let files = files(step);
        // A form with no file is no upload; the spec may not say the file
        // is required, but there is nothing else to send.
        if files.is_empty()
            && step.each.is_none()
            && let Some(name) = step.uploads.first()
        {
            return Some(format!(
                "{} uploads a file: give its path, as {name}@PATH; nothing was sent",
                step.label()
            ));
        }
        for (name, path) in files {
            let shown = path.display();
            let why = match std::fs::metadata(&path) {
                Err(e) => format!("{name}: {shown} cannot be read ({e})"),
                Ok(m) if !m.is_file() => format!("{name}: {shown} is not a file"),
                Ok(m) if m.len() > MAX_FILE_BYTES => format!(
                    "{name}: {shown} is {} MiB, over the {} MiB this program uploads",
                    m.len() >> 20,
                    MAX_FILE_BYTES >> 20
                ),
                Ok(_) => continue,
            };
            return Some(format!("{why}; nothing was sent"));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::Method;

    #[test]
    fn a_path_is_checked_before_anything_is_sent() {
        let dir = tempfile::tempdir().unwrap();
        let logo = dir.path().join("logo.png");
        std::fs::write(&logo, b"\x89PNG").unwrap();
        let mut step = Step::new(Method::Put, "/organizations/{organization_id}/logo", "x");
        step.uploads = vec!["file".into()];
        step.body = Some(serde_json::json!({"file": format!("@{}", logo.display())}));
        let mut plan = Plan::new("2026-05-12", vec![step], "test");
        assert_eq!(files(&plan.steps[0]), [("file".to_string(), logo.clone())]);
        assert_eq!(unreadable(&plan), None);
        plan.steps[0].body = Some(serde_json::json!({"file": dir.path().join("nope.png")}));
        let why = unreadable(&plan).unwrap();
        assert!(why.contains("nope.png cannot be read") && why.ends_with("nothing was sent"));
        plan.steps[0].body = Some(serde_json::json!({"file": dir.path()}));
        assert!(unreadable(&plan).unwrap().contains("is not a file"));
        plan.steps[0].body = None;
        assert!(
            unreadable(&plan)
                .unwrap()
                .contains("give its path, as file@PATH")
        );
    }
}
