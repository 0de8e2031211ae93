//! The public clerk/openapi-specs repository on GitHub, through a disk cache.
//!
//! The version list and each spec file are kept on disk ([`disk`]) for a
//! time-to-live (24 h; `CLERK_BACKEND_API_SPECS_TTL_SECS` overrides it). Within it,
//! nothing is asked of GitHub, and a spec goes from its small stamp file
//! straight to its digested index: no YAML is read. Past it, the copy is
//! revalidated with its ETag (`If-None-Match`; a 304 renews the stamp). When
//! GitHub cannot be reached or refuses, the stale copy is used and a warning
//! joins `notices`; with nothing cached, that is [`SourceError::Offline`] (or
//! another GitHub failure), which [`super::SpecStore`] answers from the
//! snapshot built into the program where it can. [`cached`] reads a copy of
//! any age without asking GitHub (`--offline`). `--refresh` asks again
//! unconditionally, but still falls back the same way.
//!
//! A request that gets no answer at all is recorded, and for the next
//! 15 minutes (`CLERK_BACKEND_API_SPECS_RETRY_SECS`) GitHub is not asked again
//! unless `--refresh` says so: without network, every run would otherwise
//! wait for a DNS failure or a connect timeout before using what it has.

mod disk;
mod progress;

use std::sync::atomic::AtomicU64;
use std::time::Duration;

use serde::Deserialize;

pub use self::disk::Stamp;
use self::disk::{Disk, FileMeta, Listing};
use super::snapshot::Snapshot;
use super::{SourceConfig, SourceError, index, local};
use crate::client::github::{self, FetchError, Fetched};
use crate::env::Env;
use crate::spec::{Spec, SpecError};

/// How long a fetched copy is used without asking GitHub.
const DEFAULT_TTL: Duration = Duration::from_secs(24 * 60 * 60);

/// How long a host that gave no answer is not asked again.
const DEFAULT_RETRY: Duration = Duration::from_secs(15 * 60);

/// GitHub endpoints and cache lifetime (overridable for tests).
#[derive(Debug, Clone)]
pub struct RemoteConfig {
    /// The contents API listing `bapi/` (`CLERK_BACKEND_API_SPECS_LIST_URL`).
    pub list_url: String,
    /// The raw file URL prefix; `<version>.yml` is appended
    /// (`CLERK_BACKEND_API_SPECS_RAW_URL`).
    pub raw_url: String,
    /// How long a cached copy is fresh (`CLERK_BACKEND_API_SPECS_TTL_SECS`, in seconds).
    pub ttl: Duration,
    /// How long GitHub is not asked after it gave no answer
    /// (`CLERK_BACKEND_API_SPECS_RETRY_SECS`, in seconds).
    pub retry: Duration,
}

impl RemoteConfig {
    pub fn new(env: &Env) -> RemoteConfig {
        let var = |name: &str| env.get(name).map(str::to_string);
        let secs = |name: &str| var(name).and_then(|v| v.trim().parse().ok());
        RemoteConfig {
            list_url: var("CLERK_BACKEND_API_SPECS_LIST_URL").unwrap_or_else(|| {
                "https://api.github.com/repos/clerk/openapi-specs/contents/bapi?ref=main".into()
            }),
            raw_url: var("CLERK_BACKEND_API_SPECS_RAW_URL").unwrap_or_else(|| {
                "https://raw.githubusercontent.com/clerk/openapi-specs/main/bapi/".into()
            }),
            ttl: secs("CLERK_BACKEND_API_SPECS_TTL_SECS").map_or(DEFAULT_TTL, Duration::from_secs),
            retry: secs("CLERK_BACKEND_API_SPECS_RETRY_SECS")
                .map_or(DEFAULT_RETRY, Duration::from_secs),
        }
    }

    fn file_url(&self, version: &str) -> String {
        let slash = if self.raw_url.ends_with('/') { "" } else { "/" };
        format!("{}{slash}{version}.yml", self.raw_url)
    }
}

/// The versions GitHub lists, oldest first.
pub async fn versions(
    config: &SourceConfig,
    notices: &mut Vec<String>,
) -> Result<Vec<String>, SourceError> {
    let url = &config.remote.list_url;
    let disk = config.cache_dir.as_deref().map(Disk::new);
    let cached = disk.as_ref().and_then(|d| d.listing(url));
    if let Some(listing) = &cached
        && !config.refresh
        && listing.stamp.is_fresh(config.remote.ttl)
    {
        return Ok(listing.versions.clone());
    }
    let etag = revalidating(config, cached.as_ref().map(|l| &l.stamp));
    let answer = fetch(
        url,
        Some(github::API_JSON),
        etag,
        "Listing Clerk's spec versions",
        config,
    )
    .await;
    let what = "the list of Clerk's spec versions";
    let stale = |cached: Option<Listing>| cached.map(|l| (l.stamp, l.versions));
    match answer {
        Ok(Fetched::NotModified) => {
            let Some(mut listing) = cached else {
                return Err(unasked_304(url));
            };
            listing.stamp = Stamp::now(url, listing.stamp.etag);
            store(disk.map(|d| d.write_listing(&listing)), notices);
            Ok(listing.versions)
        }
        Ok(Fetched::Body { bytes, etag }) => match parse_listing(&bytes) {
            Ok(versions) => {
                let listing = Listing {
                    stamp: Stamp::now(url, etag),
                    versions,
                };
                store(disk.map(|d| d.write_listing(&listing)), notices);
                Ok(listing.versions)
            }
            Err(reason) => {
                let error = SourceError::BadDownload {
                    url: url.clone(),
                    reason: reason.clone(),
                };
                fall_back(stale(cached), what, &reason, error, notices)
            }
        },
        Err(e) => {
            let reason = e.to_string();
            fall_back(stale(cached), what, &reason, failure(e, url), notices)
        }
    }
}

/// The versions cached from this source, whatever their age: what can be
/// read without asking GitHub (none under `--refresh`).
pub fn cached_versions(config: &SourceConfig) -> Vec<String> {
    match &config.cache_dir {
        Some(dir) if !config.refresh => {
            Disk::new(dir).cached_versions(|v| config.remote.file_url(v))
        }
        _ => Vec::new(),
    }
}

/// The cached copy of `version`, whatever its age, without asking GitHub,
/// and when it was fetched. `None` when there is none (or under `--refresh`).
pub fn cached(
    version: &str,
    config: &SourceConfig,
    notices: &mut Vec<String>,
) -> Result<Option<(Spec, Stamp)>, SourceError> {
    let (Some(dir), false) = (&config.cache_dir, config.refresh) else {
        return Ok(None);
    };
    let disk = Disk::new(dir);
    let Some(meta) = disk.meta(version, &config.remote.file_url(version)) else {
        return Ok(None);
    };
    if let Some(spec) = index::read(dir, &meta.sha256) {
        return Ok(Some((spec, meta.stamp)));
    }
    let Some(text) = disk.yaml(version, &meta) else {
        return Ok(None);
    };
    let origin = disk.yaml_origin(version);
    let spec = index::digest_with_hash(&text, &meta.sha256, &origin, config, notices)?;
    Ok(Some((spec, meta.stamp)))
}

/// The digested spec of `version`. When GitHub fails, a stale copy is used,
/// unless `newer` (the built-in snapshot of this version) was taken after
/// it was fetched: then the failure is returned, for the caller to use the
/// snapshot.
pub async fn load(
    version: &str,
    config: &SourceConfig,
    newer: Option<&Snapshot>,
    notices: &mut Vec<String>,
) -> Result<Spec, SourceError> {
    let url = config.remote.file_url(version);
    let disk = config.cache_dir.as_deref().map(Disk::new);
    let meta = disk.as_ref().and_then(|d| d.meta(version, &url));
    if let (Some(dir), Some(disk), Some(meta)) = (&config.cache_dir, &disk, &meta)
        && !config.refresh
        && meta.stamp.is_fresh(config.remote.ttl)
    {
        if let Some(spec) = index::read(dir, &meta.sha256) {
            return Ok(spec);
        }
        if let Some(text) = disk.yaml(version, meta) {
            let origin = disk.yaml_origin(version);
            return index::digest_with_hash(&text, &meta.sha256, &origin, config, notices);
        }
        // The stamp outlived its file: fetch it again.
    }
    // Only a copy whose content checks out is revalidated or fallen back on.
    let stale = disk
        .as_ref()
        .zip(meta)
        .and_then(|(d, m)| d.yaml(version, &m).map(|text| (m.stamp.clone(), (m, text))));
    // A revalidation that fails falls back on the stale copy only if it is
    // not older than the snapshot (a 304 still renews it).
    let older = |stamp: &Stamp| newer.is_some_and(|s| s.is_newer_than(stamp.fetched_at));
    let etag = revalidating(config, stale.as_ref().map(|(stamp, _)| stamp));
    let label = format!("Downloading Clerk's spec {version}");
    let answer = fetch(&url, None, etag, &label, config).await;
    let what = format!("Clerk's spec {version}");
    let (meta, text) = match answer {
        Ok(Fetched::NotModified) => {
            let Some((_, (mut meta, text))) = stale else {
                return Err(unasked_304(&url));
            };
            meta.stamp = Stamp::now(&url, meta.stamp.etag);
            store(disk.as_ref().map(|d| d.write_meta(version, &meta)), notices);
            (meta, text)
        }
        Ok(Fetched::Body { bytes, etag }) => match fresh_spec(bytes, &url, config, notices) {
            Ok((text, hash, spec)) => {
                let meta = FileMeta {
                    stamp: Stamp::now(&url, etag),
                    sha256: hash,
                };
                let written = disk.as_ref().map(|d| d.write_yaml(version, &text, &meta));
                store(written, notices);
                return Ok(spec);
            }
            Err(error) => {
                let reason = "it is not a readable OpenAPI document";
                let stale = stale.filter(|(stamp, _)| !older(stamp));
                fall_back(stale, &what, reason, error, notices)?
            }
        },
        Err(e) => {
            let reason = e.to_string();
            let stale = stale.filter(|(stamp, _)| !older(stamp));
            fall_back(stale, &what, &reason, failure(e, &url), notices)?
        }
    };
    let origin = disk.map_or_else(|| url.clone(), |d| d.yaml_origin(version));
    index::digest_with_hash(&text, &meta.sha256, &origin, config, notices)
}

/// Digests a downloaded spec: its text, content hash and digest.
fn fresh_spec(
    bytes: Vec<u8>,
    url: &str,
    config: &SourceConfig,
    notices: &mut Vec<String>,
) -> Result<(String, String, Spec), SourceError> {
    let text = String::from_utf8(bytes).map_err(|e| SpecError::Yaml {
        file: url.to_string(),
        message: format!("not UTF-8 text: {e}"),
    })?;
    let hash = index::content_hash(&text);
    let spec = index::digest_with_hash(&text, &hash, url, config, notices)?;
    Ok((text, hash, spec))
}

/// The ETag to send: none under `--refresh`, which asks for the whole file.
fn revalidating<'a>(config: &SourceConfig, stamp: Option<&'a Stamp>) -> Option<&'a str> {
    stamp
        .filter(|_| !config.refresh)
        .and_then(|s| s.etag.as_deref())
}

/// One GET, with a spinner on a terminal; none while a recent one to the
/// same host got no answer (then its reason, with when).
async fn fetch(
    url: &str,
    accept: Option<&str>,
    etag: Option<&str>,
    label: &str,
    config: &SourceConfig,
) -> Result<Fetched, FetchError> {
    let disk = config.cache_dir.as_deref().map(Disk::new);
    let recent = disk
        .as_ref()
        .and_then(|d| d.unreachable(url))
        .filter(|miss| !config.refresh && miss.stamp.is_fresh(config.remote.retry));
    if let Some(miss) = recent {
        return Err(FetchError::Network(format!(
            "{}, tried {} ago; --refresh tries again now",
            miss.reason,
            miss.stamp.age()
        )));
    }
    let received = AtomicU64::new(0);
    let work = github::get(url, accept, etag, &received);
    let answer = progress::during(config.progress, label, &received, work).await;
    if let Some(disk) = &disk {
        match &answer {
            // Failing to record it only costs the next run the same wait.
            Err(FetchError::Network(reason)) => {
                let _ = disk.write_unreachable(url, reason);
            }
            _ => disk.clear_unreachable(),
        }
    }
    answer
}

/// The stale copy with a warning, or `error` when there is none.
fn fall_back<T>(
    stale: Option<(Stamp, T)>,
    what: &str,
    reason: &str,
    error: SourceError,
    notices: &mut Vec<String>,
) -> Result<T, SourceError> {
    let (stamp, value) = stale.ok_or(error)?;
    notices.push(format!(
        "could not refresh {what} from GitHub ({reason}); using the copy cached {} ago",
        stamp.age()
    ));
    Ok(value)
}

/// A 304 to a request that sent no ETag (none is sent without a cached
/// copy) is a server fault, not an answer.
fn unasked_304(url: &str) -> SourceError {
    failure(FetchError::Status(304), url)
}

/// A cache write that failed costs a later download, so it is a notice.
fn store(written: Option<Result<(), String>>, notices: &mut Vec<String>) {
    if let Some(Err(e)) = written {
        notices.push(format!("could not write the spec cache: {e}"));
    }
}

/// The error for a failed fetch with nothing cached to fall back on.
fn failure(error: FetchError, url: &str) -> SourceError {
    match error {
        FetchError::Network(reason) => SourceError::Offline { reason },
        FetchError::RateLimited { reset } => SourceError::RateLimited {
            until: reset.and_then(local_time).unwrap_or_default(),
        },
        FetchError::Status(status) => SourceError::Http {
            status,
            url: url.to_string(),
        },
        e @ FetchError::TooLarge => SourceError::BadDownload {
            url: url.to_string(),
            reason: e.to_string(),
        },
    }
}

/// " until 14:05" in the user's time zone.
fn local_time(unix: i64) -> Option<String> {
    let at = jiff::Timestamp::from_second(unix).ok()?;
    let zoned = at.to_zoned_datetime(jiff::tz::TimeZone::system());
    Some(format!(" until {}", zoned.strftime("%H:%M")))
}

/// One entry of GitHub's contents API answer for a folder.
#[derive(Deserialize)]
struct Entry {
    name: String,
    #[serde(rename = "type")]
    kind: String,
}

/// The `YYYY-MM-DD.yml` files of a contents API answer, oldest first.
fn parse_listing(bytes: &[u8]) -> Result<Vec<String>, String> {
    let entries: Vec<Entry> = serde_json::from_slice(bytes)
        .map_err(|e| format!("it is not a GitHub folder listing: {e}"))?;
    let mut versions: Vec<String> = entries
        .into_iter()
        .filter(|e| e.kind == "file")
        .filter_map(|e| e.name.strip_suffix(".yml").map(str::to_string))
        .filter(|v| local::is_version(v))
        .collect();
    versions.sort();
    if versions.is_empty() {
        return Err("it lists no YYYY-MM-DD.yml files".into());
    }
    Ok(versions)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn listing_keeps_dated_yaml_files_only() {
        let body = br#"[
            {"name": "2025-11-10.yml", "type": "file", "sha": "a"},
            {"name": "README.md", "type": "file", "sha": "b"},
            {"name": "2024-10-01.yml", "type": "file", "sha": "c"},
            {"name": "2026-01-01.yml", "type": "dir", "sha": "d"},
            {"name": "latest.yml", "type": "file", "sha": "e"}
        ]"#;
        assert_eq!(parse_listing(body).unwrap(), ["2024-10-01", "2025-11-10"]);
        assert!(parse_listing(b"[]").is_err());
        assert!(parse_listing(b"{\"message\": \"Not Found\"}").is_err());
    }

    #[test]
    fn file_urls_join_with_one_slash() {
        let mut remote = RemoteConfig::new(&Env::default());
        remote.raw_url = "http://127.0.0.1:1/bapi".into();
        assert_eq!(
            remote.file_url("2026-05-12"),
            "http://127.0.0.1:1/bapi/2026-05-12.yml"
        );
        remote.raw_url.push('/');
        assert_eq!(
            remote.file_url("2026-05-12"),
            "http://127.0.0.1:1/bapi/2026-05-12.yml"
        );
    }
}
