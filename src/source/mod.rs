//! Where spec text comes from, and the caches in front of it.
//!
//! In order: a local folder of `YYYY-MM-DD.yml` files (`--spec-dir`,
//! nothing fetched, nothing else read); else the public clerk/openapi-specs
//! repository on GitHub through a disk cache ([`remote`]: the cache within
//! its lifetime, else GitHub, else a stale cached copy); and the spec built
//! into the program ([`snapshot`]) whenever GitHub is not asked
//! (`--offline`) or does not answer and nothing newer is cached. Whatever
//! the source, a digested [`Spec`] is kept on disk keyed by the YAML's
//! content hash and the program version ([`index`]), so a warm start never
//! parses YAML, and in memory once per version per process.

pub mod index;
mod local;
pub mod remote;
pub mod snapshot;

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
    /// A version that neither the cache nor the snapshot holds, with GitHub
    /// not asked or not answering.
    #[error(
        "Clerk's spec {version} is not cached and {why}; available offline: {}; {next}",
        available.join(", ")
    )]
    NotOffline {
        version: String,
        /// Why GitHub gave nothing: "--offline asks GitHub for nothing", ...
        why: String,
        /// "2026-05-12 (built in)", "2025-11-10 (cached)".
        available: Vec<String>,
        /// What to do next.
        next: &'static str,
    },
    #[error(
        "the spec built into this program is damaged ({reason}); reinstall the program, \
         or use --spec-dir with a local copy of clerk/openapi-specs/bapi"
    )]
    Snapshot { reason: String },
}

impl SourceError {
    /// Why GitHub gave no spec, as a clause ("GitHub cannot be reached
    /// (...)"), when this error is GitHub's failure; `None` for the others.
    fn github_failure(&self) -> Option<String> {
        Some(match self {
            SourceError::Offline { reason } => format!("GitHub cannot be reached ({reason})"),
            SourceError::RateLimited { until } => {
                format!("GitHub's rate limit for unauthenticated requests is used up{until}")
            }
            SourceError::Http { status, .. } => format!("GitHub answered HTTP {status}"),
            SourceError::BadDownload { reason, .. } => {
                format!("GitHub's answer was not usable ({reason})")
            }
            _ => return None,
        })
    }
}

/// Why GitHub is not asked for the rest of a process.
#[derive(Debug, Clone)]
enum NoGitHub {
    /// `--offline`.
    Asked,
    /// The version list could not be had: the clause saying why.
    Failed(String),
}

impl NoGitHub {
    fn why(&self) -> &str {
        match self {
            NoGitHub::Asked => "--offline asks GitHub for nothing",
            NoGitHub::Failed(why) => why,
        }
    }

    /// The start of the snapshot's notice.
    fn cause(&self) -> &str {
        match self {
            NoGitHub::Asked => "--offline",
            NoGitHub::Failed(why) => why,
        }
    }

    fn next(&self) -> &'static str {
        match self {
            NoGitHub::Asked => {
                "run once without --offline to cache it, \
                 or use --spec-dir with a local copy of clerk/openapi-specs/bapi"
            }
            NoGitHub::Failed(_) => {
                "try again when GitHub can be reached, \
                 or use --spec-dir with a local copy of clerk/openapi-specs/bapi"
            }
        }
    }
}

/// Loads specs on demand and keeps each version once per process.
pub struct SpecStore {
    config: SourceConfig,
    versions: Option<Vec<String>>,
    loaded: HashMap<String, Arc<Spec>>,
    notices: Vec<String>,
    /// Set once GitHub is not to be asked again in this process.
    no_github: Option<NoGitHub>,
}

impl SpecStore {
    pub fn new(config: SourceConfig) -> SpecStore {
        let no_github = (config.offline && config.spec_dir.is_none()).then_some(NoGitHub::Asked);
        SpecStore {
            config,
            versions: None,
            loaded: HashMap::new(),
            notices: Vec::new(),
            no_github,
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
            None => self.remote_versions().await?,
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
                if let Some(no_github) = self.no_github.clone() {
                    return Err(self.not_offline(v, &no_github));
                }
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
            None => self.remote_load(&version).await?,
        };
        let spec = Arc::new(spec);
        self.loaded.insert(version, spec.clone());
        Ok(spec)
    }

    /// GitHub's versions and the snapshot's; without GitHub (`--offline`,
    /// or it failed and nothing is cached), what can be read offline.
    async fn remote_versions(&mut self) -> Result<Vec<String>, SourceError> {
        if self.no_github.is_none() {
            match remote::versions(&self.config, &mut self.notices).await {
                Ok(mut versions) => {
                    versions.extend(snapshot::record().ok().map(|s| s.version.clone()));
                    return Ok(versions);
                }
                Err(e) => match e.github_failure() {
                    Some(why) => self.no_github = Some(NoGitHub::Failed(why)),
                    None => return Err(e),
                },
            }
        }
        let mut versions = remote::cached_versions(&self.config);
        match snapshot::record() {
            Ok(record) => versions.push(record.version.clone()),
            Err(damaged) if versions.is_empty() => return Err(damaged),
            Err(_) => {}
        }
        Ok(versions)
    }

    /// A version without `--spec-dir`: through the cache and GitHub, else
    /// from the snapshot when it is that version.
    async fn remote_load(&mut self, version: &str) -> Result<Spec, SourceError> {
        let built_in = snapshot::record().ok().filter(|s| s.version == version);
        if let Some(no_github) = self.no_github.clone() {
            return self.offline_load(version, built_in, &no_github);
        }
        let loaded = remote::load(version, &self.config, built_in, &mut self.notices).await;
        let Err(error) = loaded else {
            return loaded;
        };
        let why = match (error.github_failure(), &error) {
            (Some(why), _) => why,
            // The download (or its cached copy) does not digest.
            (None, SourceError::Spec(_)) if built_in.is_some() => {
                format!("Clerk's spec {version} from GitHub cannot be read")
            }
            (None, _) => return Err(error),
        };
        let failed = NoGitHub::Failed(why);
        match built_in {
            Some(record) => self.use_snapshot(record, &failed),
            None => Err(self.not_offline(version, &failed)),
        }
    }

    /// `version` with no request to GitHub: the cached copy, unless the
    /// snapshot is a newer copy of the same version; else the snapshot.
    fn offline_load(
        &mut self,
        version: &str,
        built_in: Option<&'static snapshot::Snapshot>,
        no_github: &NoGitHub,
    ) -> Result<Spec, SourceError> {
        let cached = remote::cached(version, &self.config, &mut self.notices)?;
        match (cached, built_in) {
            (Some((_, stamp)), Some(record)) if record.is_newer_than(stamp.fetched_at) => {
                self.use_snapshot(record, no_github)
            }
            (Some((spec, stamp)), _) => {
                if let NoGitHub::Failed(why) = no_github
                    && !stamp.is_fresh(self.config.remote.ttl)
                {
                    self.notices.push(format!(
                        "{why}: using Clerk's spec {version} as cached {} ago",
                        stamp.age()
                    ));
                }
                Ok(spec)
            }
            (None, Some(record)) => self.use_snapshot(record, no_github),
            (None, None) => Err(self.not_offline(version, no_github)),
        }
    }

    /// The built-in spec, and the one line that says so. A version is
    /// loaded once per store (`loaded`), so the line is given once per
    /// process.
    fn use_snapshot(
        &mut self,
        record: &snapshot::Snapshot,
        cause: &NoGitHub,
    ) -> Result<Spec, SourceError> {
        let spec = snapshot::load(&self.config, &mut self.notices)?;
        let notice = record.notice(cause.cause(), snapshot::today());
        self.notices.push(notice);
        Ok(spec)
    }

    /// The error for a version nothing offline holds, naming what does.
    fn not_offline(&self, version: &str, no_github: &NoGitHub) -> SourceError {
        let built_in = snapshot::record().ok().map(|s| s.version.as_str());
        let mut here: Vec<(&str, &str)> = Vec::new();
        let cached = remote::cached_versions(&self.config);
        here.extend(
            cached
                .iter()
                .map(String::as_str)
                .filter(|v| Some(*v) != built_in)
                .map(|v| (v, "cached")),
        );
        here.extend(built_in.map(|v| (v, "built in")));
        // Newest first.
        here.sort_by(|a, b| b.0.cmp(a.0));
        let mut available: Vec<String> = here
            .into_iter()
            .map(|(version, how)| format!("{version} ({how})"))
            .collect();
        if available.is_empty() {
            available.push("none".into());
        }
        SourceError::NotOffline {
            version: version.to_string(),
            why: no_github.why().to_string(),
            available,
            next: no_github.next(),
        }
    }
}
