//! A local folder of spec files (`--spec-dir`): nothing is fetched.

use std::path::Path;

use super::{SourceConfig, SourceError, index};
use crate::spec::Spec;

/// The versions in a folder: every `YYYY-MM-DD.yml` file.
pub fn versions(dir: &Path) -> Result<Vec<String>, SourceError> {
    let entries = std::fs::read_dir(dir).map_err(|e| SourceError::UnreadableDir {
        dir: dir.display().to_string(),
        reason: e.to_string(),
    })?;
    let versions: Vec<String> = entries
        .filter_map(Result::ok)
        .filter_map(|e| e.file_name().to_str().map(str::to_string))
        .filter_map(|name| name.strip_suffix(".yml").map(str::to_string))
        .filter(|v| is_version(v))
        .collect();
    if versions.is_empty() {
        return Err(SourceError::EmptyDir {
            dir: dir.display().to_string(),
        });
    }
    Ok(versions)
}

pub use crate::spec::is_version;

pub fn load(
    dir: &Path,
    version: &str,
    config: &SourceConfig,
    notices: &mut Vec<String>,
) -> Result<Spec, SourceError> {
    let path = dir.join(format!("{version}.yml"));
    let text = std::fs::read_to_string(&path).map_err(|e| SourceError::Unreadable {
        file: path.display().to_string(),
        reason: e.to_string(),
    })?;
    index::digest_cached(&text, &path.display().to_string(), config, notices)
}
