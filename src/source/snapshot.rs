//! The spec built into the program: one gzip-compressed YAML file of
//! clerk/openapi-specs (`snapshot/bapi.yml.gz`, MIT, its licence beside it)
//! and its record (`snapshot/snapshot.json`: version, sha256 of the YAML,
//! the date it was taken). `scripts/snapshot` regenerates both.
//!
//! It serves the latest version when GitHub cannot be asked (`--offline`) or
//! does not answer, and nothing newer is cached. The record's sha256 keys
//! the digested index like any other spec's, so only the first use in a
//! cache decompresses and digests the YAML; later ones read the index.

use std::io::Read;
use std::sync::OnceLock;

use serde::Deserialize;

use super::{SourceConfig, SourceError, index};
use crate::spec::Spec;

/// The compressed YAML.
static YAML_GZ: &[u8] = include_bytes!("../../snapshot/bapi.yml.gz");
/// Its record, written by `scripts/snapshot`.
static RECORD: &str = include_str!("../../snapshot/snapshot.json");

/// What `snapshot/snapshot.json` says about the built-in spec.
#[derive(Debug, Clone)]
pub struct Snapshot {
    /// The spec version, `YYYY-MM-DD`.
    pub version: String,
    /// sha256 of the uncompressed YAML, lowercase hex.
    pub sha256: String,
    /// The date the snapshot was taken, `YYYY-MM-DD`.
    pub taken: jiff::civil::Date,
    /// Size of the uncompressed YAML.
    pub yaml_bytes: usize,
}

/// The record, or why it cannot be read (only a build from edited files).
pub fn record() -> Result<&'static Snapshot, SourceError> {
    static PARSED: OnceLock<Result<Snapshot, String>> = OnceLock::new();
    PARSED
        .get_or_init(|| parse(RECORD))
        .as_ref()
        .map_err(|reason| damaged(format!("snapshot.json: {reason}")))
}

/// The fields of `snapshot.json` this program reads (it holds more, for people).
#[derive(Deserialize)]
struct Raw {
    version: String,
    sha256: String,
    taken: String,
    yaml_bytes: usize,
}

fn parse(json: &str) -> Result<Snapshot, String> {
    let raw: Raw = serde_json::from_str(json).map_err(|e| e.to_string())?;
    let taken = raw
        .taken
        .parse()
        .map_err(|e| format!("taken {:?}: {e}", raw.taken))?;
    if !crate::spec::is_version(&raw.version) {
        return Err(format!("version {:?} is not YYYY-MM-DD", raw.version));
    }
    Ok(Snapshot {
        version: raw.version,
        sha256: raw.sha256,
        taken,
        yaml_bytes: raw.yaml_bytes,
    })
}

/// The compressed bytes built in (for size checks).
pub fn compressed() -> &'static [u8] {
    YAML_GZ
}

/// The YAML text, decompressed.
pub fn yaml() -> Result<String, SourceError> {
    let record = record()?;
    let mut text = String::with_capacity(record.yaml_bytes);
    flate2::read::GzDecoder::new(YAML_GZ)
        .read_to_string(&mut text)
        .map_err(|e| damaged(format!("bapi.yml.gz: {e}")))?;
    Ok(text)
}

/// The digested built-in spec, through the index cache.
pub fn load(config: &SourceConfig, notices: &mut Vec<String>) -> Result<Spec, SourceError> {
    let record = record()?;
    if let Some(dir) = &config.cache_dir
        && !config.refresh
        && let Some(spec) = index::read(dir, &record.sha256)
    {
        return Ok(spec);
    }
    let text = yaml()?;
    let origin = format!("the spec {} built into this program", record.version);
    index::digest_with_hash(&text, &record.sha256, &origin, config, notices)
}

impl Snapshot {
    /// The one line that says the built-in spec is in use, after `cause`
    /// (why GitHub was not asked, or did not answer).
    pub fn notice(&self, cause: &str, today: jiff::civil::Date) -> String {
        format!(
            "{cause}: using Clerk's spec {} built into this program (snapshot of {}, {})",
            self.version,
            self.taken,
            age(self.taken, today)
        )
    }

    /// Whether a copy fetched at `unix` seconds predates this snapshot
    /// (fetched on an earlier day, UTC): the snapshot is then the newer copy
    /// of its version.
    pub fn is_newer_than(&self, unix: u64) -> bool {
        let fetched = i64::try_from(unix)
            .ok()
            .and_then(|s| jiff::Timestamp::from_second(s).ok())
            .map(|t| t.to_zoned_datetime(jiff::tz::TimeZone::UTC).date());
        fetched.is_some_and(|day| day < self.taken)
    }
}

/// Today in the user's time zone.
pub fn today() -> jiff::civil::Date {
    jiff::ZonedDateTime::now().date()
}

/// "0 days old", "1 day old", "203 days old".
fn age(taken: jiff::civil::Date, today: jiff::civil::Date) -> String {
    match taken.until(today).map(|span| span.get_days()) {
        Ok(1) => "1 day old".into(),
        Ok(days) if days >= 0 => format!("{days} days old"),
        // The clock says the snapshot is from the future.
        _ => "its date is after today's".into(),
    }
}

fn damaged(reason: String) -> SourceError {
    SourceError::Snapshot { reason }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    /// The record describes the file built in: a snapshot replaced without
    /// `scripts/snapshot` fails here.
    #[test]
    fn the_record_matches_the_file() {
        let record = record().unwrap();
        let text = yaml().unwrap();
        assert_eq!(index::content_hash(&text), record.sha256);
        assert_eq!(text.len(), record.yaml_bytes);
        assert!(record.taken >= record.version.parse::<jiff::civil::Date>().unwrap());
        // Well under a megabyte in the binary.
        assert!(compressed().len() < 200 * 1024, "{}", compressed().len());
        let spec = crate::spec::digest(&text, "snapshot").unwrap();
        assert_eq!(spec.version, record.version);
    }

    #[test]
    fn a_record_that_is_not_one_is_refused() {
        let good =
            r#"{"version": "2026-05-12", "sha256": "ab", "taken": "2026-12-02", "yaml_bytes": 1}"#;
        assert_eq!(parse(good).unwrap().taken, date(2026, 12, 2));
        assert!(parse(&good.replace("2026-12-02", "02/12/2026")).is_err());
        assert!(parse(&good.replace("\"2026-05-12\"", "\"latest\"")).is_err());
        assert!(parse("{}").is_err());
    }

    #[test]
    fn the_notice_says_how_old_the_snapshot_is() {
        let record = Snapshot {
            version: "2026-05-12".into(),
            sha256: String::new(),
            taken: date(2026, 5, 20),
            yaml_bytes: 0,
        };
        assert_eq!(
            record.notice("--offline", date(2026, 6, 19)),
            "--offline: using Clerk's spec 2026-05-12 built into this program \
             (snapshot of 2026-05-20, 30 days old)"
        );
        assert!(
            record
                .notice("x", date(2026, 5, 20))
                .ends_with("0 days old)")
        );
        assert!(
            record
                .notice("x", date(2026, 5, 21))
                .ends_with("1 day old)")
        );
        assert!(
            record
                .notice("x", date(2026, 5, 1))
                .ends_with("after today's)")
        );
    }

    #[test]
    fn a_copy_fetched_before_the_snapshot_day_is_older() {
        let record = Snapshot {
            version: "2026-05-12".into(),
            sha256: String::new(),
            taken: date(2026, 5, 20),
            yaml_bytes: 0,
        };
        let day = |d: i8| {
            let at = date(2026, 5, d)
                .to_zoned_datetime(jiff::tz::TimeZone::UTC)
                .unwrap();
            at.timestamp().as_second() as u64
        };
        assert!(record.is_newer_than(day(19)));
        assert!(!record.is_newer_than(day(20)));
        assert!(!record.is_newer_than(day(21) - 1));
        assert!(!record.is_newer_than(day(28)));
    }
}
