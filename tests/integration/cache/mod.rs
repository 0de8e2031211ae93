//! The GitHub spec cache, with wiremock on 127.0.0.1 standing in for GitHub:
//! fetch, reuse, ETag revalidation, stale fallback, offline, corrupt files
//! (here), and the binary going through the cache ([`binary`]).

use std::time::{Duration, Instant};

use clerk_backend_api::source::{SourceConfig, SourceError, SpecStore};
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use self::fake::*;

mod binary;
use crate::support as common;
mod fake;

/// Loads the latest spec through a new store (a new process, as far as the
/// cache can tell); checks it is the tiny spec and returns the warnings.
async fn load_latest(config: SourceConfig) -> Result<Vec<String>, SourceError> {
    let mut store = SpecStore::new(config);
    let spec = store.load(None).await?;
    assert_eq!(spec.version, "2026-05-12");
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
    assert_eq!(
        store.versions().await.unwrap(),
        ["2025-11-10", "2026-05-12"]
    );
    assert_eq!(store.load(None).await.unwrap().version, "2026-05-12");
    assert!(store.take_notices().is_empty());

    // A warm start reads the stamp and the index, never the YAML: without
    // the YAML file it still loads, and asks GitHub nothing.
    std::fs::remove_file(cache.path().join("github/2026-05-12.yml")).unwrap();
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
        (format!("{RAW_PATH}2026-05-12.yml"), "\"file-1\""),
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
    mount_github(&server, &tiny_spec("2026-05-12"), 1).await;

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
    assert!(notices[1].contains("Clerk's spec 2026-05-12"));
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

#[tokio::test]
async fn nothing_cached_and_no_network_is_the_offline_error() {
    let cache = tempfile::tempdir().unwrap();
    let error = load_latest(config(&nowhere(), cache.path(), DAY))
        .await
        .unwrap_err();
    assert!(matches!(error, SourceError::Offline { .. }), "{error:?}");
    let message = error.to_string();
    assert!(message.contains("--spec-dir"), "{message}");
    assert!(!message.contains('\n'));
}

#[tokio::test]
async fn refusals_with_nothing_cached_say_what_to_do() {
    let server = MockServer::start().await;
    let cache = tempfile::tempdir().unwrap();
    let answers = [
        ResponseTemplate::new(429),
        ResponseTemplate::new(404),
        ResponseTemplate::new(200).set_body_string("<html>"),
    ];
    let mut errors = Vec::new();
    for answer in answers {
        server.reset().await;
        Mock::given(method("GET"))
            .respond_with(answer)
            .mount(&server)
            .await;
        let loaded = load_latest(config(&server.uri(), cache.path(), DAY)).await;
        errors.push(loaded.unwrap_err());
    }
    assert!(matches!(errors[0], SourceError::RateLimited { .. }));
    assert!(matches!(errors[1], SourceError::Http { status: 404, .. }));
    assert!(matches!(errors[2], SourceError::BadDownload { .. }));
    for error in errors {
        assert!(error.to_string().contains("--spec-dir"), "{error}");
    }
}

#[tokio::test]
async fn corrupt_cache_files_are_fetched_again() {
    let (server, cache) = serving_tiny(MockServer::start().await, 2, 3).await;
    let fresh = config(&server.uri(), cache.path(), DAY);
    load_quietly(fresh.clone()).await;
    let github = cache.path().join("github");

    // Garbled stamps: both are fetched again.
    std::fs::write(github.join("versions.json"), "{\"url\": ").unwrap();
    std::fs::write(github.join("2026-05-12.json"), [0xff, 0x00, 0x13]).unwrap();
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
    std::fs::write(github.join("2026-05-12.yml"), "openapi: 3.0.3\npa").unwrap();
    load_quietly(fresh.clone()).await;
    let requests = server.received_requests().await.unwrap();
    assert_eq!(requests.len(), 5);
    assert!(requests[4].url.path().ends_with("2026-05-12.yml"));
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
