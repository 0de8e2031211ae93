//! The GitHub spec cache, with wiremock on 127.0.0.1 standing in for GitHub:
//! fetch, reuse, ETag revalidation, stale fallback, the snapshot when GitHub
//! refuses, corrupt files (here), the binary going through the cache
//! ([`binary`]), and the binary with no network and no cache ([`offline`]).

use std::time::{Duration, Instant};

use clerk_backend_api::source::{SourceConfig, SourceError, SpecStore};
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use self::fake::*;

mod binary;
use crate::support as common;
mod fake;
mod offline;

/// Loads the latest spec through a new store (a new process, as far as the
/// cache can tell); checks it is the tiny spec and returns the warnings.
async fn load_latest(config: SourceConfig) -> Result<Vec<String>, SourceError> {
    let mut store = SpecStore::new(config);
    let spec = store.load(None).await?;
    assert_eq!(spec.version, latest());
    assert_eq!(spec.operations.len(), 2);
    Ok(store.take_notices())
}

/// Loads as above and expects no warnings.
async fn load_quietly(config: SourceConfig) {
    let notices = load_latest(config).await.unwrap();
    assert!(notices.is_empty(), "{notices:?}");
}

#[tokio::test]
async fn first_load_downloads_list_and_latest_file_then_reuses_them() {
    let (server, cache) = serving_tiny(MockServer::start().await, 1, 1).await;

    let mut store = SpecStore::new(config(&server.uri(), cache.path(), DAY));
    assert_eq!(store.versions().await.unwrap(), ["2025-11-10", latest()]);
    assert_eq!(store.load(None).await.unwrap().version, latest());
    assert!(store.take_notices().is_empty());

    // A warm start reads the stamp and the index, never the YAML: without
    // the YAML file it still loads, and asks GitHub nothing.
    std::fs::remove_file(cache.path().join(format!("github/{}.yml", latest()))).unwrap();
    load_quietly(config(&server.uri(), cache.path(), DAY)).await;
    assert_eq!(request_count(&server).await, 2);
}

#[tokio::test]
async fn an_expired_copy_is_revalidated_with_its_etag() {
    let server = MockServer::start().await;
    let cache = tempfile::tempdir().unwrap();
    // 304s only for the ETags given out, checked before the 200s.
    for (route, etag) in [
        (LIST_PATH.to_string(), "W/\"list-1\""),
        (format!("{RAW_PATH}{}.yml", latest()), "\"file-1\""),
    ] {
        Mock::given(method("GET"))
            .and(path(route))
            .and(header("if-none-match", etag))
            .respond_with(ResponseTemplate::new(304))
            .with_priority(1)
            .expect(1)
            .mount(&server)
            .await;
    }
    mount_github(&server, &tiny_spec(latest()), 1).await;

    let expired = config(&server.uri(), cache.path(), Duration::ZERO);
    load_quietly(expired.clone()).await;
    load_quietly(expired).await;

    // The 304 renewed the stamps: with a day to live, no more requests.
    load_quietly(config(&server.uri(), cache.path(), DAY)).await;
    assert_eq!(request_count(&server).await, 4);
}

#[tokio::test]
async fn refresh_downloads_again_without_an_etag() {
    let (server, cache) = serving_tiny(MockServer::start().await, 2, 2).await;

    let fresh = config(&server.uri(), cache.path(), DAY);
    load_quietly(fresh.clone()).await;
    let refresh = SourceConfig {
        refresh: true,
        ..fresh
    };
    load_quietly(refresh).await;
    let requests = server.received_requests().await.unwrap();
    assert_eq!(requests.len(), 4);
    assert!(
        requests
            .iter()
            .all(|r| !r.headers.contains_key("if-none-match"))
    );
}

#[tokio::test]
async fn a_stale_copy_is_used_with_a_warning_when_github_fails() {
    let (server, cache) = serving_tiny(own_server().await, 1, 1).await;
    let expired = config(&server.uri(), cache.path(), Duration::ZERO);
    load_quietly(expired.clone()).await;

    // GitHub breaks.
    server.reset().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(500))
        .expect(2)
        .mount(&server)
        .await;
    let notices = load_latest(expired.clone()).await.unwrap();
    assert_eq!(notices.len(), 2, "{notices:?}");
    assert!(notices[0].contains("list of Clerk's spec versions"));
    assert!(notices[1].contains(&format!("Clerk's spec {}", latest())));
    assert!(
        notices
            .iter()
            .all(|n| n.contains("HTTP 500") && n.contains("cached"))
    );

    // GitHub's rate limit.
    server.reset().await;
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(403)
                .insert_header("x-ratelimit-remaining", "0")
                .insert_header("x-ratelimit-reset", "1900000000"),
        )
        .mount(&server)
        .await;
    let notices = load_latest(expired.clone()).await.unwrap();
    assert!(
        notices.iter().all(|n| n.contains("rate limit")),
        "{notices:?}"
    );

    // GitHub unreachable.
    drop(server);
    let notices = load_latest(expired).await.unwrap();
    assert_eq!(notices.len(), 2, "{notices:?}");
}

/// With nothing cached and GitHub refusing in each of its ways, the latest
/// version comes from the snapshot, and an older one is one sentence that
/// says why, what is available offline and what to do.
#[tokio::test]
async fn refusals_with_nothing_cached_fall_back_on_the_snapshot() {
    let server = MockServer::start().await;
    let answers = [
        (ResponseTemplate::new(429), "rate limit"),
        (ResponseTemplate::new(404), "GitHub answered HTTP 404"),
        (
            ResponseTemplate::new(200).set_body_string("<html>"),
            "not usable",
        ),
    ];
    for (answer, why) in answers {
        server.reset().await;
        Mock::given(method("GET"))
            .respond_with(answer)
            .mount(&server)
            .await;
        let cache = tempfile::tempdir().unwrap();
        let mut store = SpecStore::new(config(&server.uri(), cache.path(), DAY));
        let spec = store.load(None).await.unwrap();
        assert_eq!(spec.version, latest());
        let notices = store.take_notices();
        assert_eq!(notices.len(), 1, "{notices:?}");
        assert!(
            notices[0].contains(why) && notices[0].contains("built into this program"),
            "{notices:?}"
        );

        let error = store.load(Some("2025-11-10")).await.unwrap_err();
        assert!(matches!(error, SourceError::NotOffline { .. }), "{error:?}");
        let message = error.to_string();
        assert!(message.contains(why), "{message}");
        assert!(
            message.contains(&format!("available offline: {} (built in)", latest())),
            "{message}"
        );
        assert!(message.contains("--spec-dir") && !message.contains('\n'));
        // The list failed: GitHub is not asked again by this store.
        assert_eq!(request_count(&server).await, 1);
    }
}

/// The list answered but the latest file does not come: the snapshot of
/// that version; an older listed version that does not come either is the
/// error naming what is available offline.
#[tokio::test]
async fn a_file_that_does_not_come_falls_back_on_the_snapshot() {
    let server = MockServer::start().await;
    let cache = tempfile::tempdir().unwrap();
    Mock::given(method("GET"))
        .and(path(LIST_PATH))
        .respond_with(ResponseTemplate::new(200).set_body_json(listing(&["2025-11-10", latest()])))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(503))
        .mount(&server)
        .await;
    let mut store = SpecStore::new(config(&server.uri(), cache.path(), DAY));
    let spec = store.load(None).await.unwrap();
    assert_eq!(spec.version, latest());
    assert!(
        spec.operations.len() > 100,
        "the real spec, not the tiny one"
    );
    let notices = store.take_notices();
    assert_eq!(notices.len(), 1, "{notices:?}");
    assert!(notices[0].starts_with("GitHub answered HTTP 503: using Clerk's spec"));
    let error = store.load(Some("2025-11-10")).await.unwrap_err();
    assert!(
        error.to_string().contains("HTTP 503") && error.to_string().contains("(built in)"),
        "{error}"
    );
}

#[tokio::test]
async fn corrupt_cache_files_are_fetched_again() {
    let (server, cache) = serving_tiny(MockServer::start().await, 2, 3).await;
    let fresh = config(&server.uri(), cache.path(), DAY);
    load_quietly(fresh.clone()).await;
    let github = cache.path().join("github");

    // Garbled stamps: both are fetched again.
    std::fs::write(github.join("versions.json"), "{\"url\": ").unwrap();
    std::fs::write(
        github.join(format!("{}.json", latest())),
        [0xff, 0x00, 0x13],
    )
    .unwrap();
    load_quietly(fresh.clone()).await;

    // A garbled index alone is rebuilt from the YAML, without a request.
    for entry in std::fs::read_dir(cache.path().join("index")).unwrap() {
        std::fs::write(entry.unwrap().path(), b"not postcard").unwrap();
    }
    load_quietly(fresh.clone()).await;
    assert_eq!(request_count(&server).await, 4);

    // A truncated YAML with no index: its hash no longer matches, so the
    // file (only) is fetched again.
    std::fs::remove_dir_all(cache.path().join("index")).unwrap();
    std::fs::write(
        github.join(format!("{}.yml", latest())),
        "openapi: 3.0.3\npa",
    )
    .unwrap();
    load_quietly(fresh.clone()).await;
    let requests = server.received_requests().await.unwrap();
    assert_eq!(requests.len(), 5);
    assert!(
        requests[4]
            .url
            .path()
            .ends_with(&format!("{}.yml", latest()))
    );
}

/// Informal: how long a cold load (download + digest) and a warm load
/// (stamp + index) of the real spec take in this build. Nothing is
/// asserted about time.
#[tokio::test]
async fn real_spec_cold_and_warm() {
    let Some(dir) = common::spec_dir() else {
        return;
    };
    let body = std::fs::read_to_string(dir.join("2026-05-12.yml")).unwrap();
    let server = MockServer::start().await;
    let cache = tempfile::tempdir().unwrap();
    mount_github(&server, &body, 1).await;
    let fresh = config(&server.uri(), cache.path(), DAY);

    let started = Instant::now();
    let cold = SpecStore::new(fresh.clone()).load(None).await.unwrap();
    let cold_time = started.elapsed();
    let started = Instant::now();
    let warm = SpecStore::new(fresh).load(None).await.unwrap();
    let warm_time = started.elapsed();
    assert_eq!(cold.operations.len(), 249);
    assert_eq!(warm.operations.len(), cold.operations.len());
    eprintln!("2026-05-12: cold load {cold_time:?}, warm load {warm_time:?}");
}

/// A host that gave no answer is not asked again by later runs for a while
/// (they answer from the snapshot at once); `--refresh` asks, and an answer
/// forgets the failure.
#[tokio::test]
async fn a_host_that_gave_no_answer_is_not_asked_again_for_a_while() {
    let base = nowhere();
    let cache = tempfile::tempdir().unwrap();
    let first = {
        let mut store = SpecStore::new(config(&base, cache.path(), DAY));
        assert_eq!(store.load(None).await.unwrap().version, latest());
        store.take_notices()
    };
    assert!(first[0].contains("built into this program"), "{first:?}");

    // Something listens there now; a later run still does not ask it.
    let port = base.rsplit(':').next().unwrap();
    let listener = std::net::TcpListener::bind(format!("127.0.0.1:{port}")).unwrap();
    let server = MockServer::builder().listener(listener).start().await;
    mount_github(&server, &tiny_spec(latest()), 1).await;
    let mut store = SpecStore::new(config(&base, cache.path(), DAY));
    assert_eq!(store.load(None).await.unwrap().version, latest());
    let notices = store.take_notices();
    assert!(
        notices[0].contains("tried moments ago; --refresh tries again now"),
        "{notices:?}"
    );
    assert_eq!(request_count(&server).await, 0);

    // A zero retry time, or --refresh, asks at once; the answer clears it.
    let mut asking = config(&base, cache.path(), DAY);
    asking.remote.retry = Duration::ZERO;
    load_quietly(asking).await;
    assert_eq!(request_count(&server).await, 2);
    assert!(!cache.path().join("github/unreachable.json").exists());
}
