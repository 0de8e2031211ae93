//! The binary with no `--spec-dir`, no cache and GitHub's addresses on a
//! closed port: the snapshot built into it answers help, browse, detail and
//! routing, and says so in one line. `--offline` asks a recording fake
//! GitHub nothing; a newer cached or fetched spec beats the snapshot; an
//! older version nothing offline holds is one sentence naming what is; the
//! snapshot's record matches its file.

use std::io::Read;
use std::path::PathBuf;

use clerk_backend_api::source::{SourceConfig, SourceError, SpecStore, index, snapshot};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use super::binary::{binary, run};
use super::common;
use super::fake::*;

/// What the snapshot's one line always says.
const BUILT_IN: &str = "built into this program";

/// stdout and stderr of a run that must succeed.
fn succeeds(cmd: std::process::Command) -> (String, String) {
    let done = run(cmd).success();
    let out = done.get_output();
    (
        String::from_utf8(out.stdout.clone()).unwrap(),
        String::from_utf8(out.stderr.clone()).unwrap(),
    )
}

/// The snapshot's notice, starting with `cause`, as the one line of `stderr`.
fn assert_notice_alone(stderr: &str, cause: &str) {
    let record = snapshot::record().unwrap();
    let lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(lines.len(), 1, "{stderr}");
    let says = format!(
        ": using Clerk's spec {} {BUILT_IN} (snapshot of {}, ",
        record.version, record.taken
    );
    assert!(
        lines[0].starts_with(&format!("warning: {cause}")) && lines[0].contains(&says),
        "{stderr}"
    );
    assert!(lines[0].ends_with(" days old)") || lines[0].ends_with(" day old)"));
}

#[test]
fn no_network_and_no_cache_answer_from_the_snapshot() {
    let base = nowhere();
    let cache = tempfile::tempdir().unwrap();
    let version = latest();
    let commands: [(&[&str], &str); 4] = [
        (&["tags"], &format!("tags in spec {version}")),
        (&["Users"], &format!("endpoints (spec {version})")),
        (&["GET", "/users", "help"], "GET /users  (GetUserList"),
        (
            &["--dry-run", "get", "user", "john_doe"],
            "GET https://api.clerk.com/v1/users?username=john_doe",
        ),
    ];
    // The first run digests the snapshot into the empty cache; the others
    // read that index. Each says once that the snapshot is in use.
    for (args, expected) in commands {
        let mut cmd = binary(&base, cache.path());
        cmd.env_remove("CLERK_SECRET_KEY").args(args);
        let (stdout, stderr) = succeeds(cmd);
        assert!(stdout.contains(expected), "{args:?}: {stdout}");
        assert_notice_alone(&stderr, "GitHub cannot be reached (");
    }
    let index = cache.path().join("clerk-backend-api/index");
    assert_eq!(std::fs::read_dir(index).unwrap().count(), 1);

    // Help needs no spec at all: nothing to say.
    let mut cmd = binary(&base, cache.path());
    cmd.arg("help");
    let (stdout, stderr) = succeeds(cmd);
    assert!(stdout.contains("tags — list all tags"), "{stdout}");
    assert!(stderr.is_empty(), "{stderr}");
}

/// The snapshot is the published file: browsing it prints what browsing
/// that file from a spec folder prints.
#[test]
fn the_snapshot_browses_as_its_published_file() {
    let Some(dir) = common::spec_dir() else {
        return;
    };
    if !dir.join(format!("{}.yml", latest())).is_file() {
        eprintln!("skipped: ../shared has no {}.yml", latest());
        return;
    }
    for args in [
        &["tags"][..],
        &["Users"],
        &["GET", "/users/{user_id}", "help"],
    ] {
        // Two caches: the index of one would serve the other (same hash).
        let (cache, other) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
        let mut built_in = binary(&nowhere(), cache.path());
        built_in.arg("--offline").args(args);
        let mut local = binary(&nowhere(), other.path());
        local.env("CLERK_BACKEND_API_SPECS_DIR", &dir).args(args);
        assert_eq!(succeeds(built_in).0, succeeds(local).0, "{args:?}");
    }
}

/// `--offline` asks GitHub nothing, whether the cache is empty (the
/// snapshot) or holds a copy past its lifetime (that copy, quietly).
#[tokio::test]
async fn offline_sends_no_request() {
    let server = MockServer::start().await;
    let cache = tempfile::tempdir().unwrap();
    mount_github_counted(&server, &tiny_spec(latest()), 0, 0).await;
    let mut cmd = binary(&server.uri(), cache.path());
    cmd.args(["--offline", "tags"]);
    let (stdout, stderr) = succeeds(cmd);
    assert!(stdout.contains(&format!("tags in spec {}", latest())));
    assert_notice_alone(&stderr, "--offline");
    assert_eq!(request_count(&server).await, 0);

    // Fill the cache from the fake GitHub, then expire it.
    server.reset().await;
    mount_github(&server, &tiny_spec(latest()), 1).await;
    let mut cmd = binary(&server.uri(), cache.path());
    cmd.arg("tags");
    let (online, stderr) = succeeds(cmd);
    assert!(
        online.contains("Invitations") && stderr.is_empty(),
        "{stderr}"
    );
    server.reset().await;
    let mut cmd = binary(&server.uri(), cache.path());
    cmd.env("CLERK_BACKEND_API_SPECS_TTL_SECS", "0")
        .args(["--offline", "tags"]);
    let (stdout, stderr) = succeeds(cmd);
    assert_eq!(stdout, online);
    assert!(stderr.is_empty(), "{stderr}");
    assert_eq!(request_count(&server).await, 0);
}

/// A version after the snapshot's, fetched once, is the latest from then
/// on: fresh, stale with GitHub gone, and under `--offline`. The snapshot
/// still serves its own version, and an older version is an error that
/// names both.
#[tokio::test]
async fn a_newer_cached_spec_beats_the_snapshot() {
    let newer = day_after(latest());
    let server = own_server().await;
    let cache = tempfile::tempdir().unwrap();
    Mock::given(method("GET"))
        .and(path(LIST_PATH))
        .respond_with(ResponseTemplate::new(200).set_body_json(listing(&[
            "2025-11-10",
            latest(),
            &newer,
        ])))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(format!("{RAW_PATH}{newer}.yml")))
        .respond_with(ResponseTemplate::new(200).set_body_string(tiny_spec(&newer)))
        .expect(1)
        .mount(&server)
        .await;
    let base = server.uri();
    let tags = |cache: &std::path::Path, extra: &[&str]| {
        let mut cmd = binary(&base, cache);
        cmd.args(extra).arg("tags");
        cmd
    };

    // Fetched: newer than the snapshot, so it wins, with nothing to say.
    let (fetched, stderr) = succeeds(tags(cache.path(), &[]));
    assert!(
        fetched.contains(&format!("tags in spec {newer}")),
        "{fetched}"
    );
    assert!(fetched.contains("Invitations"), "the tiny spec: {fetched}");
    assert!(stderr.is_empty(), "{stderr}");
    drop(server);

    // GitHub gone: the fresh copy, then the stale one (with the usual
    // warnings), then under --offline; never the snapshot.
    let (fresh, stderr) = succeeds(tags(cache.path(), &[]));
    assert_eq!(fresh, fetched);
    assert!(stderr.is_empty(), "{stderr}");
    let mut stale = tags(cache.path(), &[]);
    stale.env("CLERK_BACKEND_API_SPECS_TTL_SECS", "0");
    let (stdout, stderr) = succeeds(stale);
    assert_eq!(stdout, fetched);
    assert!(stderr.contains("using the copy cached"), "{stderr}");
    assert!(!stderr.contains(BUILT_IN), "{stderr}");
    let (stdout, stderr) = succeeds(tags(cache.path(), &["--offline"]));
    assert_eq!(stdout, fetched);
    assert!(stderr.is_empty(), "{stderr}");

    // The snapshot's own version, asked for by name.
    let version = latest().to_string();
    let (stdout, stderr) = succeeds(tags(
        cache.path(),
        &["--offline", "--spec-version", &version],
    ));
    assert!(
        stdout.contains(&format!("tags in spec {version}")),
        "{stdout}"
    );
    assert_notice_alone(&stderr, "--offline");

    // --refresh under --offline: the cache is ignored, so the snapshot.
    let (stdout, stderr) = succeeds(tags(cache.path(), &["--offline", "--refresh"]));
    assert!(
        stdout.contains(&format!("tags in spec {version}")),
        "{stdout}"
    );
    assert_notice_alone(&stderr, "--offline");

    // Listed once, but never fetched: one sentence naming what is here.
    let old = run(tags(
        cache.path(),
        &["--offline", "--spec-version", "2025-11-10"],
    ))
    .code(1);
    let stderr = String::from_utf8_lossy(&old.get_output().stderr).to_string();
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    let available = format!("available offline: {newer} (cached), {version} (built in);");
    assert!(
        stderr.starts_with("error: Clerk's spec 2025-11-10 is not cached and --offline")
            && stderr.contains(&available)
            && stderr.contains("without --offline"),
        "{stderr}"
    );
}

/// A REPL session loads the spec once and says so once, whatever it runs.
#[test]
fn the_notice_is_given_once_per_process() {
    let cache = tempfile::tempdir().unwrap();
    let mut cmd = binary(&nowhere(), cache.path());
    cmd.arg("--offline");
    let session = assert_cmd::Command::from_std(cmd)
        .write_stdin("tags\nUsers\nGET /users help\nget user john_doe --dry-run\n")
        .assert()
        .success();
    let out = session.get_output();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stdout.contains("GET /users  (GetUserList"), "{stdout}");
    assert!(stdout.contains("users?username=john_doe"), "{stdout}");
    assert_eq!(stderr.matches(BUILT_IN).count(), 1, "{stderr}");
}

/// In one store (one process), the notice is given once however often the
/// snapshot's version is asked for; a new store gives it again.
#[tokio::test]
async fn a_store_gives_the_notice_once() {
    let cache = tempfile::tempdir().unwrap();
    let offline = SourceConfig {
        offline: true,
        ..config(&nowhere(), cache.path(), DAY)
    };
    for _ in 0..2 {
        let mut store = SpecStore::new(offline.clone());
        let first = store.load(None).await.unwrap();
        let again = store.load(Some(latest())).await.unwrap();
        assert!(std::sync::Arc::ptr_eq(&first, &again));
        assert_eq!(store.versions().await.unwrap(), [latest()]);
        let error = store.load(Some("2025-11-10")).await.unwrap_err();
        assert!(matches!(error, SourceError::NotOffline { .. }), "{error}");
        let notices = store.take_notices();
        assert_eq!(notices.len(), 1, "{notices:?}");
        assert!(notices[0].starts_with("--offline: using"), "{notices:?}");
    }
}

/// The committed snapshot: its record describes the file (a file replaced
/// without `scripts/snapshot` fails here), the binary embeds those bytes,
/// the licence is beside it, and it costs well under a megabyte.
#[test]
fn the_snapshot_record_matches_its_file() {
    let folder = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("snapshot");
    let packed = std::fs::read(folder.join("bapi.yml.gz")).unwrap();
    let record: serde_json::Value =
        serde_json::from_slice(&std::fs::read(folder.join("snapshot.json")).unwrap()).unwrap();
    let mut yaml = String::new();
    flate2::read::GzDecoder::new(&packed[..])
        .read_to_string(&mut yaml)
        .unwrap();
    assert_eq!(record["sha256"], index::content_hash(&yaml));
    assert_eq!(record["yaml_bytes"], yaml.len());
    assert_eq!(record["gzip_bytes"], packed.len());
    assert!(packed.len() < 256 * 1024, "{} bytes", packed.len());
    assert_eq!(snapshot::compressed(), &packed[..], "the binary embeds it");
    let built_in = snapshot::record().unwrap();
    assert_eq!(record["version"], built_in.version.as_str());
    assert_eq!(record["taken"], built_in.taken.to_string());
    let licence = std::fs::read_to_string(folder.join("LICENSE")).unwrap();
    assert!(licence.contains("Copyright (c)") && licence.contains("Clerk"));
    assert!(licence.contains("Permission is hereby granted, free of charge"));

    // Where the published file is at hand, it is the same text.
    if let Some(dir) = common::spec_dir()
        && let Ok(published) =
            std::fs::read_to_string(dir.join(format!("{}.yml", built_in.version)))
    {
        assert_eq!(index::content_hash(&published), built_in.sha256);
    }
}

/// A cached copy of the snapshot's own version fetched before the snapshot
/// was taken is the older copy: with GitHub gone or not asked, the
/// snapshot serves that version.
#[tokio::test]
async fn the_snapshot_beats_an_older_copy_of_its_version() {
    let (server, cache) = serving_tiny(own_server().await, 1, 1).await;
    let online = config(&server.uri(), cache.path(), DAY);
    let tiny = SpecStore::new(online.clone()).load(None).await.unwrap();
    assert_eq!(tiny.operations.len(), 2);
    drop(server);

    // The copy as if fetched two days before the snapshot was taken.
    let meta = cache.path().join(format!("github/{}.json", latest()));
    let mut stamp: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&meta).unwrap()).unwrap();
    let taken = snapshot::record().unwrap().taken;
    let before = taken.yesterday().unwrap().yesterday().unwrap();
    let at = before.to_zoned_datetime(jiff::tz::TimeZone::UTC).unwrap();
    stamp["fetched_at"] = at.timestamp().as_second().into();
    std::fs::write(&meta, serde_json::to_vec(&stamp).unwrap()).unwrap();

    let offline = SourceConfig {
        offline: true,
        ..online.clone()
    };
    for (config, cause) in [(online, "GitHub cannot be reached"), (offline, "--offline")] {
        let mut store = SpecStore::new(config);
        let spec = store.load(None).await.unwrap();
        assert!(
            spec.operations.len() > 100,
            "the snapshot, not the tiny copy"
        );
        let notices = store.take_notices();
        assert_eq!(notices.len(), 1, "{notices:?}");
        assert!(notices[0].starts_with(cause), "{notices:?}");
    }
}
