//! The binary going through the cache: `tags` fetched once, then served
//! from the cache with the network gone; the spinner on a terminal only.

use std::path::Path;
use std::time::Duration;

use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use super::fake::*;

/// The binary, pointed at `base` for GitHub and at `cache` for its caches.
pub fn binary(base: &str, cache: &Path) -> std::process::Command {
    let mut cmd = std::process::Command::new(assert_cmd::cargo::cargo_bin!("clerk-backend-api"));
    cmd.env_remove("CLERK_BACKEND_API_SPECS_DIR")
        .env_remove("CLERK_BACKEND_API_SPECS_TTL_SECS")
        .env_remove("NO_COLOR")
        .env_remove("CLICOLOR_FORCE")
        .env(
            "CLERK_BACKEND_API_SPECS_LIST_URL",
            format!("{base}{LIST_PATH}?ref=main"),
        )
        .env(
            "CLERK_BACKEND_API_SPECS_RAW_URL",
            format!("{base}{RAW_PATH}"),
        )
        .env("XDG_CACHE_HOME", cache)
        .env("XDG_DATA_HOME", cache.join("data"));
    cmd
}

pub fn run(cmd: std::process::Command) -> assert_cmd::assert::Assert {
    assert_cmd::Command::from_std(cmd).assert()
}

#[tokio::test]
async fn the_binary_browses_through_the_cache_and_on_without_network() {
    let (server, cache) = serving_tiny(own_server().await, 1, 1).await;
    let base = server.uri();

    let mut cmd = binary(&base, cache.path());
    cmd.arg("tags");
    let first = run(cmd).success();
    let stdout = String::from_utf8_lossy(&first.get_output().stdout).to_string();
    let stderr = String::from_utf8_lossy(&first.get_output().stderr).to_string();
    assert!(
        stdout.contains("Users") && stdout.contains("Invitations"),
        "{stdout}"
    );
    // stderr is a pipe here: no spinner, no escape codes, nothing at all.
    assert!(stderr.is_empty(), "{stderr:?}");
    assert!(
        cache
            .path()
            .join("clerk-backend-api/github/versions.json")
            .is_file()
    );
    drop(server);

    // Warm cache, no network.
    let mut cmd = binary(&base, cache.path());
    cmd.arg("tags");
    let again = run(cmd).success();
    assert_eq!(String::from_utf8_lossy(&again.get_output().stdout), stdout);

    // Expired cache, no network: the stale copy, with warnings.
    let mut cmd = binary(&base, cache.path());
    cmd.env("CLERK_BACKEND_API_SPECS_TTL_SECS", "0").arg("tags");
    let stale = run(cmd).success();
    assert_eq!(String::from_utf8_lossy(&stale.get_output().stdout), stdout);
    let stderr = String::from_utf8_lossy(&stale.get_output().stderr);
    assert!(
        stderr.contains("warning:") && stderr.contains("using the copy cached"),
        "{stderr}"
    );
    assert!(
        !stderr.contains('\x1b') && !stderr.contains('\r'),
        "{stderr:?}"
    );

    // Nothing cached, no network: the snapshot for the latest version; an
    // older one is one sentence, exit 1.
    let empty = tempfile::tempdir().unwrap();
    let mut cmd = binary(&base, empty.path());
    cmd.args(["--spec-version", "2025-11-10", "tags"]);
    let offline = run(cmd).code(1);
    let stderr = String::from_utf8_lossy(&offline.get_output().stderr);
    assert_eq!(stderr.trim().lines().count(), 1, "{stderr}");
    assert!(
        stderr.contains("2025-11-10 is not cached") && stderr.contains("--spec-dir"),
        "{stderr}"
    );
}

/// On a terminal, a slow download shows a spinner line that is erased before
/// the output.
#[tokio::test]
async fn a_slow_download_spins_on_a_terminal_and_clears_its_line() {
    use expectrl::{Eof, Expect, Session};
    let server = MockServer::start().await;
    let cache = tempfile::tempdir().unwrap();
    Mock::given(method("GET"))
        .and(path(LIST_PATH))
        .respond_with(ResponseTemplate::new(200).set_body_json(listing(&[latest()])))
        .mount(&server)
        .await;
    // Longer than the spinner's first tick.
    Mock::given(method("GET"))
        .and(path(format!("{RAW_PATH}{}.yml", latest())))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_string(tiny_spec(latest()))
                .set_delay(Duration::from_millis(600)),
        )
        .mount(&server)
        .await;
    let mut std_cmd = binary(&server.uri(), cache.path());
    std_cmd.args(["--color", "never", "tags"]);
    let mut session = Session::spawn(std_cmd).unwrap();
    session.set_expect_timeout(Some(Duration::from_secs(60)));
    let seen = session.expect(Eof).unwrap();
    let output = String::from_utf8_lossy(seen.get(0).unwrap()).to_string();
    let spinner = output
        .find(&format!("Downloading Clerk's spec {}", latest()))
        .expect(&output);
    let cleared = output[spinner..].find("\r\x1b[2K").expect(&output);
    let table = output.find("Invitations").expect(&output);
    assert!(spinner + cleared < table, "{output:?}");
}
