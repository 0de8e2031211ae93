//! Where spec text comes from, and the caches in front of it.
//!
//! Two sources: a local folder of `YYYY-MM-DD.yml` files (`--spec-dir`,
//! nothing fetched), or the public clerk/openapi-specs repository on GitHub
//! through a disk cache ([`remote`]). Either way, a digested [`Spec`] is kept
//! on disk keyed by the YAML's content hash and the program version
//! ([`index`]), so a warm start never parses YAML, and in memory once per
//! version per process.

pub mod index;
mod local;
pub mod remote;

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;

use crate::command::Options;
use crate::env::Env;
use crate::spec::{Spec, SpecError};

/// Where specs come from, and where caches go.
#[derive(Debug, Clone)]
pub struct SourceConfig {
    /// `--spec-dir` / `CLERK_BACKEND_API_SPECS_DIR`.
    pub spec_dir: Option<PathBuf>,
    /// The user cache directory for this program (`None`: no disk cache).
    pub cache_dir: Option<PathBuf>,
    /// `--refresh`: ignore what is cached.
    pub refresh: bool,
    pub remote: remote::RemoteConfig,
    /// Whether a progress line may be drawn on stderr.
    pub progress: bool,
    /// `--offline`: never ask GitHub.
    pub offline: bool,
}

impl SourceConfig {
    /// The configuration of a command: its `--spec-dir`, `--refresh` and
    /// `--offline`, the user cache directory (XDG on Linux and macOS) and
    /// the GitHub endpoints (the environment may override them).
    pub fn new(env: &Env, options: &Options, progress: bool) -> SourceConfig {
        SourceConfig {
            spec_dir: options.spec_dir.clone(),
            cache_dir: default_cache_dir(),
            refresh: options.refresh,
            remote: remote::RemoteConfig::new(env),
            progress,
            offline: options.offline,
        }
    }

    /// Specs from a local folder only, no cache (tests and benchmarks).
    pub fn local(spec_dir: PathBuf) -> SourceConfig {
        SourceConfig {
            spec_dir: Some(spec_dir),
            cache_dir: None,
            refresh: false,
            remote: remote::RemoteConfig::new(&Env::default()),
            progress: false,
            offline: true,
        }
    }
}

/// `$XDG_CACHE_HOME/clerk-backend-api` (or `~/.cache/clerk-backend-api`).
pub fn default_cache_dir() -> Option<PathBuf> {
    use etcetera::BaseStrategy;
    let base = etcetera::choose_base_strategy().ok()?;
    Some(base.cache_dir().join("clerk-backend-api"))
}

/// `$XDG_DATA_HOME/clerk-backend-api` (history lives here).
pub fn default_data_dir() -> Option<PathBuf> {
    use etcetera::BaseStrategy;
    let base = etcetera::choose_base_strategy().ok()?;
    Some(base.data_dir().join("clerk-backend-api"))
}

/// Why no spec could be had. Each message says what to do next.
#[derive(Debug, thiserror::Error)]
pub enum SourceError {
    #[error(
        "the spec folder {dir} cannot be read ({reason}); check --spec-dir / CLERK_BACKEND_API_SPECS_DIR"
    )]
    UnreadableDir { dir: String, reason: String },
    #[error(
        "the spec folder {dir} holds no YYYY-MM-DD.yml files; point --spec-dir at clerk/openapi-specs' bapi folder"
    )]
    EmptyDir { dir: String },
    #[error("{file} cannot be read ({reason})")]
    Unreadable { file: String, reason: String },
    #[error("there is no spec version {version}; available: {}", available.join(", "))]
    UnknownVersion {
        version: String,
        available: Vec<String>,
    },
    #[error(transparent)]
    Spec(#[from] SpecError),
    #[error(
        "cannot reach GitHub for Clerk's specs ({reason}) and nothing is cached; \
         check the network, or use --spec-dir with a local copy of clerk/openapi-specs/bapi"
    )]
    Offline { reason: String },
    #[error("GitHub answered {status} for {url}; try again later, or use --spec-dir")]
    Http { status: u16, url: String },
    #[error(
        "GitHub's rate limit for unauthenticated requests is used up{until} and nothing is cached; \
         try again later, or use --spec-dir with a local copy of clerk/openapi-specs/bapi"
    )]
    RateLimited { until: String },
    #[error("{url} did not give a usable answer ({reason}); try again later, or use --spec-dir")]
    BadDownload { url: String, reason: String },
}

/// Loads specs on demand and keeps each version once per process.
pub struct SpecStore {
    config: SourceConfig,
    versions: Option<Vec<String>>,
    loaded: HashMap<String, Arc<Spec>>,
    notices: Vec<String>,
}

impl SpecStore {
    pub fn new(config: SourceConfig) -> SpecStore {
        SpecStore {
            config,
            versions: None,
            loaded: HashMap::new(),
            notices: Vec::new(),
        }
    }

    pub fn config(&self) -> &SourceConfig {
        &self.config
    }

    /// Warnings gathered while loading (a stale cache used, a cache that
    /// could not be written), for the caller to print on stderr.
    pub fn take_notices(&mut self) -> Vec<String> {
        std::mem::take(&mut self.notices)
    }

    /// The available versions, oldest first.
    pub async fn versions(&mut self) -> Result<Vec<String>, SourceError> {
        if let Some(v) = &self.versions {
            return Ok(v.clone());
        }
        let mut versions = match &self.config.spec_dir {
            Some(dir) => local::versions(dir)?,
            None => remote::versions(&self.config, &mut self.notices).await?,
        };
        versions.sort();
        versions.dedup();
        self.versions = Some(versions.clone());
        Ok(versions)
    }

    /// The spec of `version`, or of the latest version.
    pub async fn load(&mut self, version: Option<&str>) -> Result<Arc<Spec>, SourceError> {
        if let Some(spec) = version.and_then(|v| self.loaded.get(v)) {
            return Ok(spec.clone());
        }
        let versions = self.versions().await?;
        let version = match version {
            Some(v) if versions.iter().any(|x| x == v) => v.to_string(),
            Some(v) => {
                return Err(SourceError::UnknownVersion {
                    version: v.to_string(),
                    available: versions,
                });
            }
            None => versions
                .last()
                .cloned()
                .ok_or_else(|| SourceError::EmptyDir {
                    dir: "clerk/openapi-specs bapi/".into(),
                })?,
        };
        if let Some(spec) = self.loaded.get(&version) {
            return Ok(spec.clone());
        }
        let spec = match self.config.spec_dir.clone() {
            Some(dir) => local::load(&dir, &version, &self.config, &mut self.notices)?,
            None => remote::load(&version, &self.config, &mut self.notices).await?,
        };
        let spec = Arc::new(spec);
        self.loaded.insert(version, spec.clone());
        Ok(spec)
    }
}
