//! A conversation in the REPL on a real pseudo-terminal (expectrl), sent
//! to wiremock on 127.0.0.1: "get user ...", then "ban them" from the
//! conversation's memory (No by default, then yes), "delete that user" with
//! its typed confirmation, a near tie picked by number, and, in a REPL
//! without scopes, the offer to rerun with --admin. The key must appear in
//! nothing the terminal showed and not in the history file.
#![cfg(unix)]

use crate::support as execute_support;

use std::path::Path;
use std::process::Command;
use std::time::Duration;

use execute_support::{Cli, KEY, assert_no_secret, assert_no_secret_in_files};
use expectrl::process::unix::WaitStatus;
use expectrl::session::OsSession;
use expectrl::{Eof, Expect, Session};
use serde_json::{Value, json};
use tokio::runtime::Runtime;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

/// Generous: the machine is shared, and nothing here measures time.
const PATIENCE: Duration = Duration::from_secs(120);
const PROMPT: &str = "bapi> ";
const ENTER: &str = "\r";

/// The REPL on a terminal, everything it showed kept for the final check.
struct Repl {
    p: OsSession,
    seen: String,
}

impl Repl {
    fn start(cmd: Command) -> Repl {
        let mut p = Session::spawn(cmd).expect("the REPL starts in a pty");
        p.set_expect_timeout(Some(PATIENCE));
        let mut r = Repl {
            p,
            seen: String::new(),
        };
        r.wait(PROMPT);
        r
    }

    /// Waits for `text`, keeping what came before it.
    fn wait(&mut self, text: &str) {
        let cap = self
            .p
            .expect(text)
            .unwrap_or_else(|e| panic!("waiting for {text:?}: {e}\nso far:\n{}", self.seen));
        self.seen.push_str(&String::from_utf8_lossy(cap.before()));
        self.seen.push_str(text);
    }

    /// Types a line (only ever at a prompt or a question: rustyline drops
    /// keys that arrive with an earlier Enter) and waits for `expected`.
    fn say(&mut self, line: &str, expected: &str) {
        self.p.send(format!("{line}{ENTER}")).expect("typed");
        self.wait(expected);
    }

    /// `/exit`: the REPL ends with `code` (the first failed line's status,
    /// else 0); returns everything shown.
    fn exit(mut self, code: i32) -> String {
        self.p.send(format!("/exit{ENTER}")).expect("typed");
        let cap = self.p.expect(Eof).expect("the REPL exits");
        self.seen.push_str(&String::from_utf8_lossy(cap.before()));
        let status = self.p.get_process().wait().expect("exit status");
        assert!(
            matches!(status, WaitStatus::Exited(_, c) if c == code),
            "exit status {status:?}, expected {code}\n{}",
            self.seen
        );
        self.seen
    }
}

/// The REPL with no words, `--base-url` to the mock, the key in the
/// environment, its history under `data`.
fn repl(uri: &str, data: &Path, scopes: Option<&str>) -> Option<(Repl, tempfile::TempDir)> {
    let mut cli = Cli::new()?
        .env("XDG_DATA_HOME", &data.display().to_string())
        .env("TERM", "xterm-256color");
    if let Some(s) = scopes {
        cli = cli.scopes(s);
    }
    let (cmd, cwd) = cli.command(&["--base-url", uri]);
    Some((Repl::start(cmd), cwd))
}

/// What the mock server received so far (wiremock serves from a thread
/// of its own, so the test can block on the terminal meanwhile).
fn sent(rt: &Runtime, s: &MockServer) -> Vec<String> {
    let got: Vec<Request> = rt.block_on(s.received_requests()).unwrap_or_default();
    got.iter()
        .map(|r| format!("{} {}", r.method, r.url.path()))
        .collect()
}

fn jwt(id: &str, name: &str) -> Value {
    json!({"object": "jwt_template", "id": id, "name": name, "claims": {}, "lifetime": 60})
}

async fn server() -> MockServer {
    let s = MockServer::start().await;
    let user = json!({"object": "user", "id": "user_2abc", "username": "john_doe",
        "first_name": "John", "last_name": "Doe",
        "email_addresses": [{"id": "idn_1", "email_address": "john@acme.io"}],
        "primary_email_address_id": "idn_1", "created_at": 1_764_000_000_000_i64});
    for (verb, at, body) in [
        ("GET", "/users/user_2abc", user.clone()),
        ("POST", "/users/user_2abc/ban", user.clone()),
        ("POST", "/users", user.clone()),
        ("GET", "/users", json!([user])),
        (
            "DELETE",
            "/users/user_2abc",
            json!({"object": "user", "id": "user_2abc", "deleted": true}),
        ),
        (
            "GET",
            "/instance/organization_settings",
            json!({"object": "organization_settings", "enabled": true, "max_allowed_memberships": 5}),
        ),
        ("POST", "/jwt_templates", jwt("jtmp_new", "supabase")),
        (
            "GET",
            "/jwt_templates/jtmp_new",
            jwt("jtmp_new", "supabase"),
        ),
        (
            "DELETE",
            "/jwt_templates/jtmp_new",
            json!({"object": "jwt_template", "id": "jtmp_new", "deleted": true}),
        ),
        (
            "GET",
            "/jwt_templates",
            json!([jwt("jtmp_a", "hasura"), jwt("jtmp_b", "fauna")]),
        ),
        ("GET", "/jwt_templates/jtmp_a", jwt("jtmp_a", "hasura")),
        (
            "DELETE",
            "/jwt_templates/jtmp_a",
            json!({"object": "jwt_template", "id": "jtmp_a", "deleted": true}),
        ),
        (
            "GET",
            "/sessions",
            json!([{"object": "session", "id": "sess_1", "user_id": "user_2abc", "status": "active"}]),
        ),
    ] {
        Mock::given(method(verb))
            .and(path(at))
            .respond_with(ResponseTemplate::new(200).set_body_json(body))
            .mount(&s)
            .await;
    }
    s
}

/// The mock server (with the runtime its checks run on) and a home whose
/// `data` folder holds the REPL's history.
struct World {
    rt: Runtime,
    server: MockServer,
    home: tempfile::TempDir,
}

impl World {
    fn new() -> World {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("a runtime");
        let server = rt.block_on(server());
        let home = tempfile::tempdir().expect("temp dir");
        World { rt, server, home }
    }

    fn data(&self) -> std::path::PathBuf {
        self.home.path().join("data")
    }
}

#[test]
fn a_conversation_acts_on_what_it_remembers() {
    let w = World::new();
    let (s, uri) = (&w.server, w.server.uri());
    let sent = || sent(&w.rt, s);
    let Some((mut r, _cwd)) = repl(&uri, &w.data(), Some("write,delete")) else {
        return;
    };

    r.say("get user user_2abc", "User user_2abc");
    r.wait("john@acme.io");
    r.wait(PROMPT);
    assert_eq!(sent(), ["GET /users/user_2abc"]);

    // "them" is the user just shown; the request and the ID used are
    // shown; Enter is No.
    r.say("ban them", "Using user_2abc for user_id: the last user");
    r.wait(&format!("POST {uri}/users/user_2abc/ban"));
    r.wait("Send? [y/N] ");
    r.say("", "Cancelled: nothing was sent.");
    r.wait(PROMPT);
    assert_eq!(sent().len(), 1, "No sends nothing");
    r.say("ban them", "Send? [y/N] ");
    r.say("y", PROMPT);
    assert_eq!(
        sent(),
        ["GET /users/user_2abc", "POST /users/user_2abc/ban"]
    );

    // A delete: the IRREVERSIBLE warning, then the ID typed.
    r.say("delete that user", "IRREVERSIBLE");
    r.wait("Type `yes` or the ID user_2abc to delete, anything else cancels: ");
    r.say("user_2abc", "Deleted user_2abc");
    r.wait(PROMPT);
    // The journal reads the user just before deleting it.
    let all = sent();
    assert_eq!(
        all[all.len() - 2..],
        ["GET /users/user_2abc", "DELETE /users/user_2abc"]
    );

    // Two operations tie: a numbered list; the number runs one.
    r.say("show settings", "Several requests match `show settings`");
    r.wait("1  GET /instance/organization_settings");
    r.wait(PROMPT);
    assert_eq!(sent().len(), 4, "a list to pick from sends nothing");
    r.say("1", "max allowed memberships");
    r.wait(PROMPT);
    assert_eq!(
        sent().last().unwrap(),
        "GET /instance/organization_settings"
    );
    let seen = r.exit(1);
    assert_eq!(
        sent(),
        [
            "GET /users/user_2abc",
            "POST /users/user_2abc/ban",
            "GET /users/user_2abc",
            "DELETE /users/user_2abc",
            "GET /instance/organization_settings"
        ]
    );
    assert_no_secret(KEY, &seen, "terminal");
    let history = std::fs::read_to_string(w.data().join("clerk-backend-api/history"))
        .expect("the history file exists");
    assert!(history.contains("ban them\n"), "{history}");
    assert_no_secret_in_files(KEY, w.home.path());
}

#[test]
fn without_scopes_the_repl_offers_admin() {
    let w = World::new();
    let (s, uri) = (&w.server, w.server.uri());
    let sent = || sent(&w.rt, s);
    let Some((mut r, _cwd)) = repl(&uri, &w.data(), None) else {
        return;
    };
    r.say("ban user_2abc", "CLERK_BAPI_SCOPES");
    r.wait("Rerun with --admin? [y/N] ");
    assert!(sent().is_empty(), "asked before sending");
    r.say("y", &format!("POST {uri}/users/user_2abc/ban"));
    r.wait("Send? [y/N] ");
    r.say("y", "User user_2abc");
    r.wait(PROMPT);
    assert_eq!(sent(), ["POST /users/user_2abc/ban"]);
    let seen = r.exit(0);
    assert_no_secret(KEY, &seen, "terminal");
    assert_no_secret_in_files(KEY, w.home.path());
}

/// Ctrl-C while `--all -o json` streams to the terminal: the command stops
/// cleanly (the JSON array is closed), the REPL goes on, and the session's
/// status says it was interrupted (130).
#[test]
fn ctrl_c_during_all_closes_the_json_array() {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    let server = rt.block_on(async {
        let s = MockServer::start().await;
        let page: Vec<serde_json::Value> = (0..500)
            .map(|i| json!({"object": "user", "id": format!("user_{i}")}))
            .collect();
        Mock::given(method("GET"))
            .and(path("/users"))
            .and(wiremock::matchers::query_param("offset", "0"))
            .respond_with(ResponseTemplate::new(200).set_body_json(page))
            .mount(&s)
            .await;
        // The second page never comes in time.
        Mock::given(method("GET"))
            .and(path("/users"))
            .and(wiremock::matchers::query_param("offset", "500"))
            .respond_with(
                ResponseTemplate::new(200)
                    .set_body_json(json!([]))
                    .set_delay(Duration::from_secs(120)),
            )
            .mount(&s)
            .await;
        s
    });
    let home = tempfile::tempdir().expect("temp dir");
    let Some((mut r, _cwd)) = repl(&server.uri(), &home.path().join("data"), None) else {
        return;
    };
    // Three times: which of two Ctrl-C listeners wakes first is a race the
    // fix must win every time.
    for _ in 0..3 {
        let from = r.seen.len();
        r.say("GET /users --all -o json", "page 1: 500");
        r.p.send(expectrl::ControlCode::EndOfText).expect("Ctrl-C");
        r.wait("Stopped by Ctrl-C after 500 users");
        r.wait(PROMPT);
        // The last item of the page, then a line that closes the array.
        let round = &r.seen[from..];
        let last = round
            .rfind("\"user_499\"")
            .expect("the first page was printed");
        let tail = &round[last..];
        assert!(tail.lines().any(|l| l.trim() == "]"), "{tail}");
        assert!(!round.contains("the command was cancelled"), "{round}");
    }
    r.exit(130);
}

/// A body pasted over several lines is read to its end before it runs.
#[test]
fn a_pasted_multi_line_body_is_one_command() {
    let w = World::new();
    let Some((mut r, _cwd)) = repl(&w.server.uri(), &w.data(), Some("write")) else {
        return;
    };
    r.p.send(format!("POST /users --yes -d '{{{ENTER}"))
        .expect("typed");
    r.p.send(format!("  \"first_name\": \"Ann\"{ENTER}"))
        .expect("typed");
    r.say("}'", "User user_2abc");
    let got = sent(&w.rt, &w.server);
    assert_eq!(got, ["POST /users"], "{}", r.seen);
    let received =
        w.rt.block_on(w.server.received_requests())
            .unwrap_or_default();
    let body: serde_json::Value = serde_json::from_slice(&received[0].body).unwrap();
    assert_eq!(body, json!({"first_name": "Ann"}));
    r.p.send(format!("quit{ENTER}")).expect("typed");
    r.p.expect(Eof).expect("`quit` leaves");
}

/// After a result table, a row's number opens that row, not a row of an
/// earlier table (`tags`).
#[test]
fn row_numbers_open_rows_of_the_latest_result_table() {
    let w = World::new();
    let Some((mut r, _cwd)) = repl(&w.server.uri(), &w.data(), None) else {
        return;
    };
    // The banner says where requests go.
    let target = format!(
        "development instance (sk_test_, key from CLERK_SECRET_KEY) · {}",
        w.server.uri()
    );
    assert!(r.seen.contains(&target), "{}", r.seen);
    r.say("tags", "tags in spec");
    r.say("GET /users", "1 user");
    r.say("1", "User user_2abc");
    let got = sent(&w.rt, &w.server);
    assert_eq!(got, ["GET /users", "GET /users/user_2abc"], "{}", r.seen);
    r.exit(0);
}

/// References keep their type: "delete it" after creating a JWT template
/// deletes that template, "the first one" is row 1 of the last list, and
/// "their sessions" lists the user's sessions.
#[test]
fn references_mean_the_object_of_their_type() {
    let w = World::new();
    let (s, uri) = (&w.server, w.server.uri());
    let sent = || sent(&w.rt, s);
    let Some((mut r, _cwd)) = repl(&uri, &w.data(), Some("write,delete")) else {
        return;
    };
    r.say("get user user_2abc", "User user_2abc");
    r.wait(PROMPT);
    r.say("create a jwt template named supabase", "claims (object");
    r.wait(": ");
    r.say("{}", "Send? [y/N] ");
    r.say("y", PROMPT);
    r.say("now delete it", "Using jtmp_new for template_id");
    r.wait("to delete, anything else cancels: ");
    r.say("yes", PROMPT);
    assert_eq!(sent().last().unwrap(), "DELETE /jwt_templates/jtmp_new");
    r.say("list jwt templates", "fauna");
    r.wait(PROMPT);
    r.say(
        "delete the first one",
        "Using jtmp_a for template_id: row 1 of the last list",
    );
    r.wait("to delete, anything else cancels: ");
    r.say("yes", PROMPT);
    assert_eq!(sent().last().unwrap(), "DELETE /jwt_templates/jtmp_a");
    r.say("show their sessions", "sess_1");
    r.wait(PROMPT);
    let got: Vec<Request> = w.rt.block_on(s.received_requests()).unwrap_or_default();
    let last = got.last().expect("a request");
    assert_eq!(last.url.path(), "/sessions");
    assert!(
        last.url.query().unwrap_or("").contains("user_id=user_2abc"),
        "{:?}",
        last.url
    );
    assert!(
        sent().iter().all(|l| !l.starts_with("DELETE /users")),
        "{:?}",
        sent()
    );
    r.exit(0);
}
