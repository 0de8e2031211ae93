//! The digested-spec cache: `index/<sha256 of the YAML>-<program version>-<format>.bin`
//! under the cache directory, in postcard. A new program version or a changed
//! file gets a new key, so a stale index is never read.

use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use super::{SourceConfig, SourceError};
use crate::spec::{self, Spec};

/// The content hash that keys a spec's index.
pub fn content_hash(text: &str) -> String {
    let digest = Sha256::digest(text.as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// Bumped whenever the digest or the model changes what an index holds, so
/// a development build never reads an index an older digest wrote under the
/// same program version.
const INDEX_FORMAT: u32 = 3;

fn index_path(cache_dir: &Path, hash: &str) -> PathBuf {
    cache_dir.join("index").join(format!(
        "{hash}-{}-{INDEX_FORMAT}.bin",
        env!("CARGO_PKG_VERSION")
    ))
}

/// Where a file's digest failure is remembered: the same content fails the
/// same way with the same program, so it is not parsed again.
fn failure_path(cache_dir: &Path, hash: &str) -> PathBuf {
    index_path(cache_dir, hash).with_extension("failed")
}

/// Reads a digested spec by content hash, if cached and readable.
pub fn read(cache_dir: &Path, hash: &str) -> Option<Spec> {
    let bytes = std::fs::read(index_path(cache_dir, hash)).ok()?;
    postcard::from_bytes(&bytes).ok()
}

/// Writes a digested spec; a failure is only a notice (the cache is an
/// optimisation, never a requirement).
pub fn write(cache_dir: &Path, hash: &str, spec: &Spec) -> Result<(), String> {
    let path = index_path(cache_dir, hash);
    let bytes = postcard::to_allocvec(spec).map_err(|e| e.to_string())?;
    write_atomic(&path, &bytes)
}

/// Writes through a temporary file and a rename, so a reader never sees half
/// a file and two processes never interleave.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), String> {
    let dir = path.parent().ok_or("no parent directory")?;
    std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let tmp = dir.join(format!(
        ".{}.{}.tmp",
        path.file_name().and_then(|n| n.to_str()).unwrap_or("cache"),
        std::process::id()
    ));
    std::fs::write(&tmp, bytes).map_err(|e| format!("{}: {e}", tmp.display()))?;
    std::fs::rename(&tmp, path).map_err(|e| format!("{}: {e}", path.display()))
}

/// Digests YAML text, through the index cache when there is one.
pub fn digest_cached(
    text: &str,
    origin: &str,
    config: &SourceConfig,
    notices: &mut Vec<String>,
) -> Result<Spec, SourceError> {
    let hash = content_hash(text);
    digest_with_hash(text, &hash, origin, config, notices)
}

pub fn digest_with_hash(
    text: &str,
    hash: &str,
    origin: &str,
    config: &SourceConfig,
    notices: &mut Vec<String>,
) -> Result<Spec, SourceError> {
    let cached = match &config.cache_dir {
        Some(dir) if !config.refresh => read(dir, hash),
        _ => None,
    };
    if let Some(spec) = cached {
        return Ok(spec);
    }
    if let Some(dir) = config.cache_dir.as_ref().filter(|_| !config.refresh)
        && let Ok(why) = std::fs::read_to_string(failure_path(dir, hash))
    {
        return Err(spec::SpecError::Remembered(why).into());
    }
    let mut spec = match spec::digest(text, origin) {
        Ok(spec) => spec,
        Err(e) => {
            if let Some(dir) = &config.cache_dir {
                // Only an optimisation: a failure to remember costs a re-parse.
                let _ = write_atomic(&failure_path(dir, hash), e.to_string().as_bytes());
            }
            return Err(e.into());
        }
    };
    spec.source_hash = hash.to_string();
    if let Some(Err(e)) = config.cache_dir.as_ref().map(|dir| write(dir, hash, &spec)) {
        notices.push(format!("could not write the spec index cache: {e}"));
    }
    Ok(spec)
}
