//! The read-only modes through the real binary: help, browse, detail, in
//! text and JSON, with spec versions and the errors a user can hit.

use assert_cmd::Command;
use predicates::prelude::*;
use serde_json::Value;

use crate::support as common;

/// The binary with a private cache and the real specs, or `None` to skip.
fn cli() -> Option<(Command, tempfile::TempDir)> {
    let specs = common::spec_dir()?;
    let home = tempfile::tempdir().unwrap();
    let mut cmd = Command::cargo_bin("clerk-backend-api").unwrap();
    cmd.env("CLERK_BACKEND_API_SPECS_DIR", specs)
        .env("XDG_CACHE_HOME", home.path().join("cache"))
        .env("XDG_DATA_HOME", home.path().join("data"))
        .env_remove("NO_COLOR")
        .env_remove("CLICOLOR_FORCE")
        .env_remove("CLERK_SECRET_KEY");
    Some((cmd, home))
}

fn json_of(out: &[u8]) -> Value {
    serde_json::from_slice(out).expect("stdout is one JSON document")
}

/// Runs `args`, expects success, and parses stdout as one JSON document.
fn json_ok(args: &[&str]) -> Option<Value> {
    let (mut cmd, _home) = cli()?;
    let out = cmd
        .args(args)
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    Some(json_of(&out))
}

/// Runs `args`, expects success, and returns stdout as text.
fn text_ok(args: &[&str]) -> Option<String> {
    let (mut cmd, _home) = cli()?;
    let out = cmd
        .args(args)
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    Some(String::from_utf8(out).expect("UTF-8"))
}

#[test]
fn help_prints_the_seed_examples() {
    let Some((mut cmd, _home)) = cli() else {
        return;
    };
    let out = cmd
        .arg("--help")
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let text = String::from_utf8(out).unwrap();
    for line in [
        "/clerk-backend-api tags — list all tags",
        "/clerk-backend-api Users version 2025-11-10.yml — browse using a different version",
        "/clerk-backend-api get user john_doe — natural language works too",
        "/clerk-backend-api POST /invitations -h — view request/response details",
        "--admin — bypass scope restrictions for write/delete",
        "--spec-dir DIR",
    ] {
        assert!(text.contains(line), "missing {line:?}");
    }
    assert!(!text.contains('\u{1b}'), "no escape codes into a pipe");
}

#[test]
fn help_json() {
    let Some(v) = json_ok(&["help", "--output", "json"]) else {
        return;
    };
    assert_eq!(v["mode"], "help");
    assert!(v["text"].as_str().unwrap().contains("Browse"));
}

#[test]
fn program_version() {
    let Some((mut cmd, _home)) = cli() else {
        return;
    };
    cmd.arg("--version")
        .assert()
        .success()
        .stdout(predicate::str::contains(env!("CARGO_PKG_VERSION")));
}

#[test]
fn tags_text_and_json() {
    let Some((mut cmd, _home)) = cli() else {
        return;
    };
    cmd.arg("tags")
        .assert()
        .success()
        .stdout(predicate::str::contains("Users").and(predicate::str::contains("35")));
    let Some(v) = json_ok(&["tags", "--output=json"]) else {
        return;
    };
    assert_eq!(v["mode"], "browse");
    assert_eq!(v["version"], "2026-05-12");
    let tags = v["tags"].as_array().unwrap();
    let users = tags.iter().find(|t| t["name"] == "Users").unwrap();
    assert_eq!(users["operations"], 35);
    assert!(users["description"].as_str().unwrap().len() > 10);
    // Declared tags and tags only operations use.
    assert!(tags.len() >= 39);
}

#[test]
fn browse_a_tag_forgivingly() {
    for typed in ["Users", "users", "user", "USERS"] {
        let Some(v) = json_ok(&[typed, "--output", "json"]) else {
            return;
        };
        assert_eq!(v["tag"], "Users", "{typed}");
        let eps = v["endpoints"].as_array().unwrap();
        assert_eq!(eps.len(), 35);
        assert!(eps.iter().any(|e| e["method"] == "GET"
            && e["path"] == "/users"
            && e["operation_id"] == "GetUserList"));
    }
    let Some((mut cmd, _home)) = cli() else {
        return;
    };
    cmd.args(["allow", "list"])
        .assert()
        .success()
        .stdout(predicate::str::contains("/allowlist_identifiers"));
}

#[test]
fn unknown_tag_suggests() {
    let Some((mut cmd, _home)) = cli() else {
        return;
    };
    cmd.arg("Usres")
        .assert()
        .code(1)
        .stdout(predicate::str::contains("Did you mean").and(predicate::str::contains("Users")));
}

#[test]
fn spec_version_is_the_one_used() {
    // The browse JSON names the version it was made from.
    let Some(v) = json_ok(&["Users", "version", "2025-11-10.yml", "--output", "json"]) else {
        return;
    };
    assert_eq!(v["version"], "2025-11-10");
    let Some(doc) = json_ok(&["--spec-version", "2021-02-05", "tags", "--output", "json"]) else {
        return;
    };
    assert_eq!(doc["version"], "2021-02-05");
}

#[test]
fn unknown_version_lists_the_versions() {
    let Some((mut cmd, _home)) = cli() else {
        return;
    };
    cmd.args(["tags", "--spec-version", "2020-01-01"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("2020-01-01").and(predicate::str::contains("2026-05-12")));
}

#[test]
fn detail_text() {
    let Some(text) = text_ok(&["GET", "/users", "help"]) else {
        return;
    };
    for want in [
        "GET /users",
        "GetUserList",
        "created_at_after",
        "limit",
        "query",
        "Responses",
        "200",
    ] {
        assert!(text.contains(want), "missing {want}");
    }
    let Some(text) = text_ok(&[
        "post",
        "/v1/organizations/{organization_id}/invitations",
        "-h",
    ]) else {
        return;
    };
    assert!(
        text.contains("email_address*"),
        "required body field is marked"
    );
    assert!(text.contains("role*"));
}

#[test]
fn detail_json_resolves_refs() {
    let Some(v) = json_ok(&["GET", "/users/user_123", "--help", "--output", "json"]) else {
        return;
    };
    assert_eq!(v["mode"], "detail");
    let ep = &v["endpoint"];
    assert_eq!(ep["path"], "/users/{user_id}");
    assert_eq!(ep["operation_id"], "GetUser");
    assert_eq!(ep["parameters"][0]["name"], "user_id");
    assert_eq!(ep["parameters"][0]["in"], "path");
    assert_eq!(ep["parameters"][0]["required"], true);
    assert!(ep["request_body"].is_null());
    assert_eq!(ep["responses"]["200"]["properties"]["id"]["type"], "string");
    let Some(doc) = json_ok(&["POST", "/organizations", "help", "--output", "json"]) else {
        return;
    };
    let body = &doc["endpoint"]["request_body"];
    assert!(body["properties"]["name"].is_object());
    assert!(
        body["required"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r == "name")
    );
}

#[test]
fn literal_segments_win() {
    let Some(doc) = json_ok(&["GET", "/users/count", "help", "--output", "json"]) else {
        return;
    };
    assert_eq!(doc["endpoint"]["operation_id"], "GetUsersCount");
}

#[test]
fn unknown_endpoint_suggests() {
    let Some((mut cmd, _home)) = cli() else {
        return;
    };
    cmd.args(["GET", "/userz", "help"]).assert().code(1).stderr(
        predicate::str::contains("did you mean").and(predicate::str::contains("GET /users")),
    );
    let Some((mut cmd, _home)) = cli() else {
        return;
    };
    cmd.args(["PUT", "/users", "help"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("supports GET, POST"));
}

#[test]
fn colors_follow_the_flag_and_no_color() {
    let Some((mut cmd, _home)) = cli() else {
        return;
    };
    cmd.args(["tags", "--color", "always"])
        .assert()
        .success()
        .stdout(predicate::str::contains("\u{1b}["));
    let Some((mut cmd, _home)) = cli() else {
        return;
    };
    cmd.args(["tags"])
        .env("CLICOLOR_FORCE", "1")
        .assert()
        .success()
        .stdout(predicate::str::contains("\u{1b}["));
    let Some((mut cmd, _home)) = cli() else {
        return;
    };
    cmd.args(["tags"])
        .env("CLICOLOR_FORCE", "1")
        .env("NO_COLOR", "1")
        .assert()
        .success()
        .stdout(predicate::str::contains("\u{1b}[").not());
}

#[test]
fn usage_errors_exit_2() {
    let Some((mut cmd, _home)) = cli() else {
        return;
    };
    cmd.args(["tags", "--outptu", "json"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("did you mean --output"));
}

#[test]
fn bad_spec_folders_are_one_clear_error() {
    let home = tempfile::tempdir().unwrap();
    let empty = home.path().join("empty");
    std::fs::create_dir(&empty).unwrap();
    let run = |dir: &std::path::Path| {
        let mut cmd = Command::cargo_bin("clerk-backend-api").unwrap();
        cmd.env("XDG_CACHE_HOME", home.path().join("cache"))
            .env_remove("CLERK_BACKEND_API_SPECS_DIR")
            .args(["tags", "--spec-dir"])
            .arg(dir);
        cmd
    };
    run(&empty)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("holds no YYYY-MM-DD.yml"));
    run(&home.path().join("missing"))
        .assert()
        .code(1)
        .stderr(predicate::str::contains("cannot be read"));
    let bad = home.path().join("bad");
    std::fs::create_dir(&bad).unwrap();
    std::fs::write(bad.join("2026-01-01.yml"), "openapi: [unclosed").unwrap();
    run(&bad)
        .assert()
        .code(1)
        .stderr(
            predicate::str::contains("2026-01-01.yml")
                .and(predicate::str::contains("not valid YAML")),
        )
        .stderr(predicate::str::contains("panicked").not());
    let old = home.path().join("old");
    std::fs::create_dir(&old).unwrap();
    std::fs::write(old.join("2026-01-01.yml"), "swagger: '2.0'\npaths: {}\n").unwrap();
    run(&old)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("not an OpenAPI 3 document"));
}

#[test]
fn warm_start_uses_the_index_cache() {
    let Some((mut cmd, home)) = cli() else { return };
    cmd.arg("tags").assert().success();
    let index = home.path().join("cache/clerk-backend-api/index");
    let files: Vec<_> = std::fs::read_dir(&index).unwrap().collect();
    assert_eq!(files.len(), 1, "one digested spec cached");
}

/// The README's list of flags and environment variables is `--help`'s,
/// line for line: the flag table stays the one source of truth.
#[test]
fn the_readme_lists_the_flags_help_prints() {
    let Some(help) = text_ok(&["--help", "--color", "never"]) else {
        return;
    };
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md"))
        .expect("the README");
    let start = help.find("Flags (anywhere").expect("a Flags section");
    let section: Vec<&str> = help[start..]
        .lines()
        .take_while(|l| !l.starts_with("  TERM"))
        .filter(|l| !l.trim().is_empty())
        .collect();
    assert!(section.len() > 30, "{section:?}");
    for line in section {
        assert!(
            readme.contains(line),
            "README.md lacks the --help line {line:?}"
        );
    }
}
