//! The REPL fed by a pipe: one command per line, no prompt, no escape
//! codes, exit 0 at the end of input.

use crate::support as common;

use assert_cmd::Command;
use tempfile::TempDir;

/// The binary with private data and cache folders and no colour settings
/// from the environment.
fn binary(home: &TempDir) -> Command {
    let mut cmd = Command::cargo_bin("clerk-backend-api").expect("binary");
    cmd.env("XDG_DATA_HOME", home.path().join("data"))
        .env("XDG_CACHE_HOME", home.path().join("cache"))
        .env_remove("NO_COLOR")
        .env_remove("CLICOLOR_FORCE")
        .env_remove("CLERK_SECRET_KEY");
    cmd
}

/// A session on the real specs, fed `input`.
fn repl(input: impl Into<Vec<u8>>) -> Option<(assert_cmd::assert::Assert, TempDir)> {
    let specs = common::spec_dir()?;
    let home = tempfile::tempdir().expect("temp dir");
    let assert = binary(&home)
        .env("CLERK_BACKEND_API_SPECS_DIR", specs)
        .write_stdin(input)
        .assert();
    Some((assert, home))
}

/// What a session printed, whatever its status.
fn output(input: &str) -> Option<(String, String)> {
    let (assert, _home) = repl(input)?;
    let out = assert.get_output().clone();
    Some((
        String::from_utf8(out.stdout).expect("utf-8 stdout"),
        String::from_utf8(out.stderr).expect("utf-8 stderr"),
    ))
}

#[test]
fn several_commands_in_one_session() {
    let Some((out, err)) = output("tags\n/clerk-backend-api Users\nGET /users help\n/help\n")
    else {
        return;
    };
    assert!(out.contains("tags in spec 2026-05-12"), "{out}");
    assert!(out.contains("Users — 35 endpoints"), "{out}");
    assert!(out.contains("GET /users  (GetUserList"), "{out}");
    assert!(out.contains("/exit, /quit, Ctrl-D"), "the REPL help: {out}");
    assert!(!out.contains('\u{1b}') && !err.contains('\u{1b}'));
    assert!(
        !out.contains("bapi>") && !err.contains("bapi>"),
        "no prompt"
    );
    assert!(!err.contains("/help for help"), "no banner: {err}");
}

#[test]
fn end_of_input_and_exit_end_the_session_with_zero() {
    let Some((out, _)) = output("") else { return };
    assert!(out.is_empty());
    let Some((out, _)) = output("/exit\ntags\n") else {
        return;
    };
    assert!(out.is_empty(), "nothing runs after /exit: {out}");
    // A last line without a newline still runs.
    let Some((out, _)) = output("\n   \nJWKS") else {
        return;
    };
    assert!(out.contains("JWKS — 1 endpoints"), "{out}");
}

#[test]
fn unknown_slash_commands_name_the_nearest() {
    let Some((out, err)) = output("/hlep\n/clerk Users\n") else {
        return;
    };
    assert!(out.is_empty(), "{out}");
    assert!(
        err.contains("/hlep is not a REPL command; did you mean /help?"),
        "{err}"
    );
    assert!(err.contains("did you mean /clerk-backend-api?"), "{err}");
    assert_eq!(err.lines().count(), 2, "one message each: {err}");
}

#[test]
fn a_path_without_a_method_is_not_a_slash_command() {
    let Some((out, err)) = output("/users/count help\n/jwks help\n") else {
        return;
    };
    assert!(
        out.contains("GET /users/count  (GetUsersCount"),
        "{out}{err}"
    );
    assert!(out.contains("GET /jwks"), "{out}{err}");
    assert!(!err.contains("not a REPL command"), "{err}");
}

#[test]
fn a_number_opens_a_row_of_the_last_table() {
    let Some((out, err)) = output("tags\n32\n3\n") else {
        return;
    };
    // Row 32 of `tags` is Users; row 3 of the Users table is GET /users/count.
    assert!(out.contains("Users — 35 endpoints"), "{out}");
    assert!(out.contains("GET /users/count  (GetUsersCount"), "{out}");
    assert!(err.contains("→ Users") && err.contains("→ GET /users/count help"));
}

#[test]
fn picks_out_of_range_or_without_a_table_say_so() {
    let Some((out, err)) = output("7\ntags\n0\n43\n99999999999999999999999\n") else {
        return;
    };
    assert!(
        err.contains("there is no table to pick row 7 from"),
        "{err}"
    );
    assert!(err.contains("there is no row 0; the last table has rows 1 to 42"));
    assert!(err.contains("there is no row 43;"), "{err}");
    assert!(err.contains("there is no row 99999999999999999999999;"));
    assert_eq!(out.matches("tags in spec").count(), 1);
}

#[test]
fn session_flags_are_defaults_and_line_flags_override_them() {
    let Some(specs) = common::spec_dir() else {
        return;
    };
    let home = tempfile::tempdir().expect("temp dir");
    let out = binary(&home)
        .args(["--output", "json", "--spec-dir"])
        .arg(&specs)
        .env_remove("CLERK_BACKEND_API_SPECS_DIR")
        .write_stdin(
            "JWKS\nJWKS --spec-version 2025-11-10\nJWKS --output text --color always\nJWKS\n",
        )
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let out = String::from_utf8(out).expect("utf-8");
    let docs: Vec<serde_json::Value> = serde_json::Deserializer::from_str(&out)
        .into_iter()
        .map_while(Result::ok)
        .collect();
    assert_eq!(docs.len(), 2, "two JSON documents, then text: {out}");
    assert_eq!(docs[0]["tag"], "JWKS");
    assert_eq!(docs[0]["version"], "2026-05-12");
    assert_eq!(docs[1]["version"], "2025-11-10");
    assert!(out.contains("\u{1b}["), "--color always on one line: {out}");
    // The line's flags do not stick: the last line is JSON again.
    assert!(out.trim_end().ends_with('}'), "{out}");
}

#[test]
fn odd_lines_do_not_break_the_session() {
    let long = "x".repeat(200_000);
    let input = format!(
        "'unbalanced \"quotes\n{long}\n/\n--output\nget /users/{{\n\u{1F600}\nGET /users/{}\ntags\n",
        "a/".repeat(500)
    );
    let Some((assert, _home)) = repl(input) else {
        return;
    };
    // The session goes on, and its status is the first failure's (the
    // unbalanced quote matches no request).
    let out = assert.code(1).get_output().clone();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stdout.contains("tags in spec"), "the last line still ran");
    assert!(stderr.contains("the command is 196 KiB long"), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
}

#[test]
fn non_utf8_lines_are_skipped_with_a_message() {
    let Some((assert, _home)) = repl(b"\xff\xfe\nJWKS\n".to_vec()) else {
        return;
    };
    let out = assert.code(2).get_output().clone();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("input line 1 is not UTF-8 text; skipped"),
        "{stderr}"
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("JWKS — 1 endpoints"));
}

#[test]
fn piped_sessions_write_no_history() {
    let Some((assert, home)) = repl("tags\n") else {
        return;
    };
    assert.success();
    assert!(!home.path().join("data/clerk-backend-api/history").exists());
}

#[test]
fn a_session_exits_with_its_first_failure() {
    let Some((assert, _home)) = repl("tags\nGET /nope\nUsers --yes=no\ntags\n") else {
        return;
    };
    // `GET /nope` is not found (1) before the bad flag (2): the first counts.
    let out = assert.code(1).get_output().clone();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("--yes takes no value"), "{stderr}");
    let Some((assert, _home)) = repl("tags\nUsers\n") else {
        return;
    };
    assert.success();
}

/// A multi-line `-d` body pasted into the REPL is one command, and an
/// item's quoted value is its content, as in a shell.
#[tokio::test]
async fn pasted_bodies_and_shell_quoting() {
    use wiremock::matchers::{body_json, method, path};
    use wiremock::{Mock, MockServer, ResponseTemplate};
    let s = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/users"))
        .and(body_json(
            serde_json::json!({"email_address": ["z@x.com"], "first_name": "Ann Lee"}),
        ))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(serde_json::json!({"object": "user", "id": "user_1"})),
        )
        .expect(2)
        .mount(&s)
        .await;
    let uri = s.uri();
    let input = format!(
        "POST /users --yes --admin --base-url {uri} -d '{{\n  \"email_address\": [\"z@x.com\"],\n  \"first_name\": \"Ann Lee\"\n}}'\n\
         POST /users email_address:='[\"z@x.com\"]' first_name='Ann Lee' --yes --admin --base-url {uri}\n\
         exit\ntags\n"
    );
    let Some(cli) = crate::support::Cli::new() else {
        return;
    };
    let run = cli.stdin(&input).run(&[]).await;
    assert_eq!(run.code, 0, "{}", run.stderr);
    // `exit` left before `tags`.
    assert!(!run.stdout.contains("tags in spec"), "{}", run.stdout);
}
