//! The REPL on a real pseudo-terminal: prompt, Tab completion, history that
//! leaves secret keys out, Ctrl-C and Ctrl-D.
#![cfg(unix)]

use crate::support as common;

use std::path::Path;
use std::process::Command;
use std::time::Duration;

use expectrl::process::unix::WaitStatus;
use expectrl::session::OsSession;
use expectrl::{ControlCode, Eof, Expect, Session};

/// Generous: the machine is shared, and nothing here measures time.
const PATIENCE: Duration = Duration::from_secs(120);

const ENTER: &str = "\r";
const UP: &str = "\x1b[A";

fn spawn(specs: &Path, home: &Path, color: bool) -> OsSession {
    spawn_with(specs, home, color, &[])
}

/// [`spawn`] with more environment variables.
fn spawn_with(specs: &Path, home: &Path, color: bool, vars: &[(&str, &Path)]) -> OsSession {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_clerk-backend-api"));
    cmd.envs(vars.iter().copied());
    cmd.env("CLERK_BACKEND_API_SPECS_DIR", specs)
        .env("XDG_DATA_HOME", home.join("data"))
        .env("XDG_CACHE_HOME", home.join("cache"))
        .env("TERM", "xterm-256color")
        .env_remove("CLICOLOR_FORCE")
        .env_remove("CLERK_SECRET_KEY");
    if color {
        cmd.env_remove("NO_COLOR");
    } else {
        cmd.env("NO_COLOR", "1");
    }
    let mut session = Session::spawn(cmd).expect("the REPL starts in a pty");
    session.set_expect_timeout(Some(PATIENCE));
    session
}

fn history(home: &Path) -> String {
    std::fs::read_to_string(home.join("data/clerk-backend-api/history"))
        .expect("the history file exists")
}

const PROMPT: &str = "bapi> ";

/// Types a line, waits for what its output must contain, then for the next
/// prompt. Typing only at a prompt matters: rustyline drops what it read past
/// the end of a line, so keys sent in the same burst as an Enter may be lost
/// (a person typing during a command is fine: the keys wait in the terminal).
fn run(p: &mut OsSession, line: &str, expected: &str) {
    p.send(format!("{line}{ENTER}")).expect("typed");
    p.expect(expected)
        .unwrap_or_else(|e| panic!("after `{line}`, expected `{expected}`: {e}"));
    p.expect(PROMPT)
        .unwrap_or_else(|e| panic!("no prompt after `{line}`: {e}"));
}

/// The REPL ends with `code`: the first failed line's status, else 0.
fn exited_with(p: &mut OsSession, code: i32) {
    p.expect(Eof).expect("the REPL exits");
    let status = p.get_process().wait().expect("exit status");
    assert!(
        matches!(status, WaitStatus::Exited(_, c) if c == code),
        "exit status {status:?}, expected {code}"
    );
}

#[test]
fn a_session_on_a_terminal() {
    let Some(specs) = common::spec_dir() else {
        return;
    };
    let home = tempfile::tempdir().expect("temp dir");
    let mut p = spawn(&specs, home.path(), false);
    p.expect("Clerk Backend API spec 2026-05-12")
        .expect("banner");
    p.expect("no usable secret key yet (requests will say why) · https://api.clerk.com/v1")
        .expect("the banner says where requests go");
    p.expect("Type /help").expect("the banner's hint");
    p.expect(PROMPT).expect("prompt");

    // Tab completes a tag name; without it `Us` matches no tag.
    run(&mut p, "/clerk-backend-api Us\t", "Users — 35 endpoints");
    // Tab completes a path segment; without it the path does not exist.
    run(&mut p, "GET /users/co\t help", "(GetUsersCount");

    // A secret key never reaches the history, even the in-memory one: the
    // up arrow brings back the line before it.
    run(
        &mut p,
        "GET /users key=sk_test_abc123def456ghi789",
        "not saved to history: the line holds a secret key",
    );
    p.send(UP).expect("up arrow");
    run(&mut p, "", "(GetUsersCount");

    // Ctrl-C drops a half-typed line and the REPL goes on.
    p.send("tags --out").expect("typed");
    p.send(ControlCode::EndOfText).expect("Ctrl-C");
    p.expect(PROMPT).expect("a fresh prompt after Ctrl-C");
    run(&mut p, "JWKS", "JWKS — 1 endpoints");

    // A number opens a row of the last table; the history keeps the command
    // it opened, which means something in another session.
    run(&mut p, "1", "GET /jwks  (GetJWKS");

    p.send(ControlCode::EndOfTransmission).expect("Ctrl-D");
    exited_with(&mut p, 2);

    let saved = history(home.path());
    assert!(saved.contains("/clerk-backend-api Users\n"), "{saved}");
    assert!(saved.contains("GET /users/count help\n"), "{saved}");
    assert!(saved.contains("JWKS\n"), "{saved}");
    assert!(saved.ends_with("GET /jwks help\n"), "{saved}");
    assert!(!saved.contains("sk_test"), "{saved}");
    assert!(!saved.contains("tags --out"), "Ctrl-C dropped it: {saved}");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let path = home.path().join("data/clerk-backend-api/history");
        let mode = std::fs::metadata(path).expect("meta").permissions().mode();
        assert_eq!(mode & 0o777, 0o600, "history is private");
    }

    // The next session starts with that history.
    let mut p = spawn(&specs, home.path(), false);
    p.expect(PROMPT).expect("prompt");
    p.send(UP).expect("up arrow");
    run(&mut p, "", "GET /jwks  (GetJWKS");
    p.send(format!("/exit{ENTER}")).expect("typed");
    exited_with(&mut p, 0);
}

/// `CLERK_BACKEND_API_DATA_DIR` moves the history with the journal.
#[test]
fn the_data_folder_holds_the_history() {
    let Some(specs) = common::spec_dir() else {
        return;
    };
    let home = tempfile::tempdir().expect("temp dir");
    let data = home.path().join("elsewhere");
    let vars = [("CLERK_BACKEND_API_DATA_DIR", data.as_path())];
    let mut p = spawn_with(&specs, home.path(), false, &vars);
    p.expect(PROMPT).expect("prompt");
    run(&mut p, "tags", "Users");
    p.send(format!("/exit{ENTER}")).expect("typed");
    exited_with(&mut p, 0);
    let saved = std::fs::read_to_string(data.join("history")).expect("history in DIR");
    assert!(saved.lines().any(|l| l == "tags"), "{saved}");
    assert!(!home.path().join("data/clerk-backend-api/history").exists());
}

#[test]
fn colours_and_the_unknown_command_message_on_a_terminal() {
    let Some(specs) = common::spec_dir() else {
        return;
    };
    let home = tempfile::tempdir().expect("temp dir");
    let mut p = spawn(&specs, home.path(), true);
    // The prompt is bold cyan.
    p.expect("\x1b[1m\x1b[36mbapi> ").expect("coloured prompt");
    run(&mut p, "/hlep", "did you mean /help?");
    p.send(format!("/quit{ENTER}")).expect("typed");
    exited_with(&mut p, 2);
}
