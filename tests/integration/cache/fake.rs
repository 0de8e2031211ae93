//! A fake GitHub on 127.0.0.1 (wiremock) serving a tiny spec, and the
//! configuration that points the cache at it.

use std::path::Path;
use std::time::Duration;

use tempfile::TempDir;

use clerk_backend_api::source::remote::RemoteConfig;
use clerk_backend_api::source::{SourceConfig, snapshot};
use wiremock::matchers::{header, header_exists, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

pub const LIST_PATH: &str = "/repos/clerk/openapi-specs/contents/bapi";
pub const RAW_PATH: &str = "/clerk/openapi-specs/main/bapi/";
pub const DAY: Duration = Duration::from_secs(24 * 60 * 60);

/// The latest version GitHub lists here: the snapshot's, so the snapshot
/// never outdates the fake (see `offline` for a version after it).
pub fn latest() -> &'static str {
    &snapshot::record().expect("the snapshot's record").version
}

/// The day after `version`: a spec newer than the snapshot.
pub fn day_after(version: &str) -> String {
    let day: jiff::civil::Date = version.parse().unwrap();
    day.tomorrow().unwrap().to_string()
}

/// A small but real OpenAPI 3 document, so these tests run anywhere.
pub fn tiny_spec(version: &str) -> String {
    format!(
        r#"openapi: 3.0.3
info:
  title: Clerk Backend API
  version: "{version}"
servers:
  - url: https://api.clerk.com/v1
tags:
  - name: Users
    description: People who sign in.
  - name: Invitations
    description: Invitations to join an application.
paths:
  /users:
    get:
      operationId: GetUserList
      summary: List all users
      tags: [Users]
      responses:
        "200":
          description: Success
  /invitations:
    post:
      operationId: CreateInvitation
      summary: Create an invitation
      tags: [Invitations]
      responses:
        "200":
          description: Success
"#
    )
}

/// GitHub's contents API answer for a folder of these versions.
pub fn listing(versions: &[&str]) -> serde_json::Value {
    let mut entries: Vec<serde_json::Value> = versions
        .iter()
        .map(|v| serde_json::json!({"name": format!("{v}.yml"), "type": "file", "sha": "0"}))
        .collect();
    entries.push(serde_json::json!({"name": "README.md", "type": "file", "sha": "1"}));
    serde_json::Value::Array(entries)
}

pub fn config(base: &str, cache: &Path, ttl: Duration) -> SourceConfig {
    SourceConfig {
        spec_dir: None,
        cache_dir: Some(cache.to_path_buf()),
        refresh: false,
        remote: RemoteConfig {
            list_url: format!("{base}{LIST_PATH}?ref=main"),
            raw_url: format!("{base}{RAW_PATH}"),
            ttl,
            retry: Duration::from_secs(900),
        },
        progress: false,
        offline: false,
    }
}

/// Mounts GitHub's two answers with ETags, expected `times` times each.
pub async fn mount_github(server: &MockServer, body: &str, times: u64) {
    mount_github_counted(server, body, times, times).await;
}

pub async fn mount_github_counted(server: &MockServer, body: &str, lists: u64, files: u64) {
    Mock::given(method("GET"))
        .and(path(LIST_PATH))
        .and(query_param("ref", "main"))
        .and(header("accept", "application/vnd.github+json"))
        .and(header_exists("user-agent"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(listing(&["2025-11-10", latest()]))
                .insert_header("etag", "W/\"list-1\""),
        )
        .expect(lists)
        .mount(server)
        .await;
    Mock::given(method("GET"))
        .and(path(format!("{RAW_PATH}{}.yml", latest())))
        .and(header_exists("user-agent"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_string(body)
                .insert_header("etag", "\"file-1\""),
        )
        .expect(files)
        .mount(server)
        .await;
}

/// `server` answering as GitHub with the tiny spec (the list and the file
/// expected `lists` and `files` times), and an empty cache folder.
pub async fn serving_tiny(server: MockServer, lists: u64, files: u64) -> (MockServer, TempDir) {
    mount_github_counted(&server, &tiny_spec(latest()), lists, files).await;
    (server, tempfile::tempdir().unwrap())
}

/// How many requests `server` has seen.
pub async fn request_count(server: &MockServer) -> usize {
    server.received_requests().await.unwrap().len()
}

/// A server that really goes away when dropped (pooled ones stay up).
pub async fn own_server() -> MockServer {
    MockServer::builder().start().await
}

/// A base URL where nothing listens.
pub fn nowhere() -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    format!("http://{}", listener.local_addr().unwrap())
}
