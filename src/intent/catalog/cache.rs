//! The router's build, cached on disk beside the digested spec index:
//! `router/<key>.bin` under the cache directory, in postcard. The key hashes
//! the program version, a format number, every grammar file and the spec
//! itself, so a new spec, a changed grammar or a new program never reads a
//! stale build. The cache is an optimisation: any failure to read or write
//! it just builds.

use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use crate::grammar;
use crate::intent::catalog::built::Built;
use crate::spec::Spec;

/// Bumped whenever [`Built`] changes shape or meaning.
const FORMAT: u32 = 7;

/// The cache file for a spec.
pub fn path(dir: &Path, spec: &Spec) -> PathBuf {
    let mut h = Sha256::new();
    h.update(env!("CARGO_PKG_VERSION"));
    h.update(FORMAT.to_le_bytes());
    // The English word list is read per request, never built into the
    // cache; hashing its 350 kB would cost more than it could ever save.
    for (name, text) in grammar::files()
        .iter()
        .filter(|(n, _)| *n != grammar::ENGLISH)
    {
        h.update(name);
        h.update(text);
    }
    // The YAML's hash where the source knows it (every source does);
    // otherwise the spec as digested, which costs milliseconds.
    if spec.source_hash.is_empty() {
        h.update(postcard::to_allocvec(spec).unwrap_or_default());
    } else {
        h.update(&spec.source_hash);
    }
    let key: String = h
        .finalize()
        .iter()
        .take(16)
        .map(|b| format!("{b:02x}"))
        .collect();
    dir.join("router")
        .join(format!("{}-{key}.bin", spec.version))
}

/// The cached build for a spec, or a fresh one (then written).
pub fn load(dir: &Path, spec: &Spec, build: impl FnOnce() -> Built) -> Built {
    let file = path(dir, spec);
    if let Some(built) = std::fs::read(&file)
        .ok()
        .and_then(|b| postcard::from_bytes::<Built>(&b).ok())
    {
        let mut built = built;
        built.lex.restore();
        return built;
    }
    let built = build();
    if let Ok(bytes) = postcard::to_allocvec(&built) {
        // Failing to write only costs the next run a build.
        if crate::source::index::write_atomic(&file, &bytes).is_ok() {
            prune(&file, &spec.version);
        }
    }
    built
}

/// Removes the builds of `version` other than `kept`: each new grammar or
/// program version leaves one behind (200 kB), and none is read again.
fn prune(kept: &Path, version: &str) {
    let Some(dir) = kept.parent() else { return };
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let prefix = format!("{version}-");
    for entry in entries.filter_map(Result::ok) {
        let path = entry.path();
        let name = entry.file_name();
        let ours = name
            .to_str()
            .is_some_and(|n| n.starts_with(&prefix) && n.ends_with(".bin"));
        if ours && path != kept {
            let _ = std::fs::remove_file(path);
        }
    }
}
