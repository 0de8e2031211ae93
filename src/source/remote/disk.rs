//! The files of the GitHub cache, under `<cache dir>/github/`:
//!
//! - `versions.json`: the version list, with when and where it was fetched
//!   and its ETag;
//! - `<version>.yml`: a spec file as GitHub served it;
//! - `<version>.json`: that file's stamp and the sha256 of its content, which
//!   is also the key of its digested index, so a fresh cache goes from this
//!   small file straight to the index without reading the YAML;
//! - `unreachable.json`: when and why GitHub last gave no answer at all, so
//!   that a machine without network does not wait for it on every run.
//!
//! Anything missing, unreadable, not parseable or fetched from another URL
//! reads as `None`: the caller fetches again. Writes are atomic.

use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};

use super::super::{index, local};

/// When and from where something was fetched, and how to revalidate it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Stamp {
    pub url: String,
    pub etag: Option<String>,
    /// Unix seconds.
    pub fetched_at: u64,
}

impl Stamp {
    pub fn now(url: &str, etag: Option<String>) -> Stamp {
        Stamp {
            url: url.to_string(),
            etag,
            fetched_at: unix_now(),
        }
    }

    /// Younger than `ttl`. A time in the future (the clock moved back) is
    /// not trusted: the copy is revalidated.
    pub fn is_fresh(&self, ttl: Duration) -> bool {
        let now = unix_now();
        now >= self.fetched_at && now - self.fetched_at < ttl.as_secs()
    }

    /// "3 hours", for a warning about a stale copy.
    pub fn age(&self) -> String {
        let secs = unix_now().saturating_sub(self.fetched_at);
        let (n, unit) = match secs {
            0..120 => return "moments".into(),
            120..7_200 => (secs / 60, "minutes"),
            7_200..172_800 => (secs / 3_600, "hours"),
            _ => (secs / 86_400, "days"),
        };
        format!("{n} {unit}")
    }
}

fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// The cached version list.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Listing {
    #[serde(flatten)]
    pub stamp: Stamp,
    pub versions: Vec<String>,
}

/// What is known about a cached spec file without reading it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct FileMeta {
    #[serde(flatten)]
    pub stamp: Stamp,
    /// sha256 of the YAML: checks the file, and keys its index.
    pub sha256: String,
}

/// GitHub gave no answer at all (DNS, refused, timed out): `stamp.url` is
/// the scheme and host asked, `fetched_at` when.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Unreachable {
    #[serde(flatten)]
    pub stamp: Stamp,
    pub reason: String,
}

/// `https://api.github.com` of `https://api.github.com/repos/...`: a
/// failure to reach a host says nothing about another one.
fn origin(url: &str) -> String {
    let start = url.find("://").map_or(0, |i| i + 3);
    let end = url[start..].find('/').map_or(url.len(), |i| start + i);
    url[..end].to_string()
}

/// The cache folder for GitHub's files.
pub struct Disk {
    dir: PathBuf,
}

impl Disk {
    pub fn new(cache_dir: &Path) -> Disk {
        Disk {
            dir: cache_dir.join("github"),
        }
    }

    fn listing_path(&self) -> PathBuf {
        self.dir.join("versions.json")
    }

    fn yaml_path(&self, version: &str) -> PathBuf {
        self.dir.join(format!("{version}.yml"))
    }

    fn meta_path(&self, version: &str) -> PathBuf {
        self.dir.join(format!("{version}.json"))
    }

    fn unreachable_path(&self) -> PathBuf {
        self.dir.join("unreachable.json")
    }

    /// The last network failure for `url`'s host, if one is recorded.
    pub fn unreachable(&self, url: &str) -> Option<Unreachable> {
        let miss: Unreachable = read_json(&self.unreachable_path())?;
        (miss.stamp.url == origin(url)).then_some(miss)
    }

    /// Records that `url`'s host gave no answer, and why.
    pub fn write_unreachable(&self, url: &str, reason: &str) -> Result<(), String> {
        let miss = Unreachable {
            stamp: Stamp::now(&origin(url), None),
            reason: reason.to_string(),
        };
        write_json(&self.unreachable_path(), &miss)
    }

    /// Forgets a recorded failure: GitHub answered.
    pub fn clear_unreachable(&self) {
        // Nothing recorded is the usual case, and not an error.
        let _ = std::fs::remove_file(self.unreachable_path());
    }

    /// The version list fetched from `url`, if cached and sound.
    pub fn listing(&self, url: &str) -> Option<Listing> {
        let listing: Listing = read_json(&self.listing_path())?;
        let sound = listing.stamp.url == url
            && !listing.versions.is_empty()
            && listing.versions.iter().all(|v| local::is_version(v));
        sound.then_some(listing)
    }

    pub fn write_listing(&self, listing: &Listing) -> Result<(), String> {
        write_json(&self.listing_path(), listing)
    }

    /// The stamp of `version`'s file fetched from `url`, if cached.
    pub fn meta(&self, version: &str, url: &str) -> Option<FileMeta> {
        let meta: FileMeta = read_json(&self.meta_path(version))?;
        (meta.stamp.url == url).then_some(meta)
    }

    pub fn write_meta(&self, version: &str, meta: &FileMeta) -> Result<(), String> {
        write_json(&self.meta_path(version), meta)
    }

    /// The versions with a stamp for a file fetched from `url_of(version)`,
    /// oldest first: what can be read without asking GitHub.
    pub fn cached_versions(&self, url_of: impl Fn(&str) -> String) -> Vec<String> {
        let Ok(entries) = std::fs::read_dir(&self.dir) else {
            return Vec::new();
        };
        let mut versions: Vec<String> = entries
            .filter_map(Result::ok)
            .filter_map(|e| {
                e.file_name()
                    .to_str()?
                    .strip_suffix(".json")
                    .map(str::to_string)
            })
            .filter(|v| local::is_version(v) && self.meta(v, &url_of(v)).is_some())
            .collect();
        versions.sort();
        versions
    }

    /// The cached YAML of `version`, if it is still the content `meta`
    /// describes (a truncated or edited file reads as missing).
    pub fn yaml(&self, version: &str, meta: &FileMeta) -> Option<String> {
        let text = std::fs::read_to_string(self.yaml_path(version)).ok()?;
        (index::content_hash(&text) == meta.sha256).then_some(text)
    }

    /// The path of `version`'s YAML, for messages about its content.
    pub fn yaml_origin(&self, version: &str) -> String {
        self.yaml_path(version).display().to_string()
    }

    /// Stores a spec file, then its stamp: a reader that finds the stamp
    /// finds the file it describes.
    pub fn write_yaml(&self, version: &str, text: &str, meta: &FileMeta) -> Result<(), String> {
        index::write_atomic(&self.yaml_path(version), text.as_bytes())?;
        self.write_meta(version, meta)
    }
}

fn read_json<T: for<'de> Deserialize<'de>>(path: &Path) -> Option<T> {
    let bytes = std::fs::read(path).ok()?;
    serde_json::from_slice(&bytes).ok()
}

fn write_json<T: Serialize>(path: &Path, value: &T) -> Result<(), String> {
    let bytes = serde_json::to_vec_pretty(value).map_err(|e| e.to_string())?;
    index::write_atomic(path, &bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stamp_aged(secs: i64) -> Stamp {
        Stamp {
            url: String::new(),
            etag: None,
            fetched_at: unix_now().saturating_add_signed(-secs),
        }
    }

    #[test]
    fn freshness_and_age() {
        let day = Duration::from_secs(86_400);
        assert!(stamp_aged(60).is_fresh(day));
        assert!(!stamp_aged(90_000).is_fresh(day));
        assert!(!stamp_aged(0).is_fresh(Duration::ZERO));
        // A stamp from the future (the clock moved back) is revalidated.
        assert!(!stamp_aged(-3_600).is_fresh(day));
        assert_eq!(stamp_aged(30).age(), "moments");
        assert_eq!(stamp_aged(600).age(), "10 minutes");
        assert_eq!(stamp_aged(3 * 3_600 + 5).age(), "3 hours");
        assert_eq!(stamp_aged(5 * 86_400).age(), "5 days");
    }

    #[test]
    fn a_network_failure_is_recorded_per_host_until_cleared() {
        let dir = tempfile::tempdir().unwrap();
        let disk = Disk::new(dir.path());
        let api = "https://api.github.com/repos/clerk/openapi-specs/contents/bapi?ref=main";
        let raw = "https://raw.githubusercontent.com/clerk/openapi-specs/main/bapi/x.yml";
        assert!(disk.unreachable(api).is_none());
        std::fs::create_dir_all(dir.path().join("github")).unwrap();
        disk.write_unreachable(api, "no route to host").unwrap();
        let miss = disk.unreachable("https://api.github.com/other").unwrap();
        assert_eq!(miss.reason, "no route to host");
        assert_eq!(miss.stamp.url, "https://api.github.com");
        assert!(disk.unreachable(raw).is_none());
        disk.clear_unreachable();
        assert!(disk.unreachable(api).is_none());
        assert_eq!(origin("http://127.0.0.1:9"), "http://127.0.0.1:9");
    }

    #[test]
    fn unsound_files_read_as_missing() {
        let dir = tempfile::tempdir().unwrap();
        let disk = Disk::new(dir.path());
        let url = "http://127.0.0.1:1/list";
        assert!(disk.listing(url).is_none());
        let listing = Listing {
            stamp: Stamp::now(url, Some("\"e\"".into())),
            versions: vec!["2026-05-12".into()],
        };
        disk.write_listing(&listing).unwrap();
        assert_eq!(disk.listing(url).unwrap().versions, ["2026-05-12"]);
        // Another source's list, or names that are not versions, are not used.
        assert!(disk.listing("http://127.0.0.1:1/other").is_none());
        let odd = Listing {
            versions: vec!["../../etc/passwd".into()],
            ..listing
        };
        disk.write_listing(&odd).unwrap();
        assert!(disk.listing(url).is_none());
    }

    #[test]
    fn cached_versions_are_the_stamped_files_of_one_source() {
        let dir = tempfile::tempdir().unwrap();
        let disk = Disk::new(dir.path());
        let url_of = |v: &str| format!("http://127.0.0.1:1/{v}.yml");
        assert!(disk.cached_versions(url_of).is_empty());
        for (version, url) in [
            ("2026-05-12", url_of("2026-05-12")),
            ("2025-11-10", url_of("2025-11-10")),
            (
                "2024-10-01",
                "http://127.0.0.1:2/2024-10-01.yml".to_string(),
            ),
        ] {
            let meta = FileMeta {
                stamp: Stamp::now(&url, None),
                sha256: "0".into(),
            };
            disk.write_meta(version, &meta).unwrap();
        }
        // The listing and other files are not versions.
        std::fs::write(dir.path().join("github/notes.json"), "{}").unwrap();
        assert_eq!(disk.cached_versions(url_of), ["2025-11-10", "2026-05-12"]);
    }
}
