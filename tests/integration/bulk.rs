//! Bulk requests through the real binary against a stand-in for Clerk that
//! enforces a rate limit as Clerk does (429 + Retry-After): throughput at
//! the limit with no failed request, Ctrl-C then `--resume` sending exactly
//! the rest, the consent rules for bulk plans, the dry run, export.

use std::time::{Duration, Instant};

use serde_json::Value;

use crate::support::clerk::{self, user};
use crate::support::{Cli, Run};

/// The test scale: Clerk's 100 requests / 10 s as 100 / 1 s.
const SCALE: &str = "10";

fn ids(n: usize) -> Vec<String> {
    (0..n).map(|i| format!("user_{i:05}")).collect()
}

fn users(ids: &[String]) -> Vec<Value> {
    ids.iter()
        .map(|id| user(id, &format!("{id}@spam.test")))
        .collect()
}

fn cli() -> Option<Cli> {
    scaled(SCALE)
}

/// A run whose rate limit window is divided by `scale`.
fn scaled(scale: &str) -> Option<Cli> {
    Some(
        Cli::new()?
            .env("CLERK_BACKEND_API_RATE_SCALE", scale)
            .scopes("write,delete"),
    )
}

/// Writes the targets file in the run's folder; returns its name.
fn targets_file(cli: &Cli, ids: &[String]) -> String {
    let path = cli.cwd.path().join("ids.txt");
    std::fs::write(&path, ids.join("\n")).unwrap();
    path.display().to_string()
}

/// `POST /users/{user_id}/ban --each FILE --output json` with `extra`,
/// allowed and confirmed: the JSON summary, after checking it succeeded.
async fn ban_each(cli: Cli, targets: &[String], uri: &str, extra: &[&str]) -> Value {
    let file = targets_file(&cli, targets);
    let mut args = ban_args(&file);
    args.extend_from_slice(extra);
    let run = cli.send(&args, uri).await;
    assert_eq!(run.code, 0, "{}", run.stderr);
    summary(&run)
}

/// A ban of every target of `file`, with a JSON summary.
fn ban_args(file: &str) -> Vec<&str> {
    let each = ["POST", "/users/{user_id}/ban", "--each", file];
    each.into_iter().chain(["--output", "json"]).collect()
}

/// `--each FILE` with a plain-English request fills the value the routed
/// plan leaves open, through the same pipeline: piped without `--yes`
/// nothing is sent; allowed and confirmed, each target is banned once.
#[tokio::test]
async fn each_file_fans_out_a_routed_request_too() {
    let targets = ids(5);
    let server = clerk::start(users(&targets), None).await;
    let Some(cli) = scaled("100") else {
        return;
    };
    let file = targets_file(&cli, &targets);
    let uri = server.uri();
    let unconfirmed = [
        "ban these users",
        "--each",
        &file,
        "--admin",
        "--base-url",
        &uri,
    ];
    let run = cli.run(&unconfirmed).await;
    assert_ne!(run.code, 0, "{run:?}");
    assert_eq!(server.state().requests, 0, "sent without consent");
    let Some(cli) = scaled("100") else {
        return;
    };
    let file = targets_file(&cli, &targets);
    let argv = ["ban these users", "--each", &file, "--output", "json"];
    let run = cli.send(&argv, &uri).await;
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(summary(&run)["succeeded"], 5);
    written_once(&server, &targets, "ban");
}

/// Every target got exactly one `POST /users/{id}/{action}`.
fn written_once(server: &clerk::Running, targets: &[String], action: &str) {
    let state = server.state();
    for id in targets {
        assert_eq!(
            state.writes.get(&format!("POST /users/{id}/{action}")),
            Some(&1),
            "{id} written twice or never"
        );
    }
}

fn summary(run: &Run) -> Value {
    serde_json::from_str(&run.stdout)
        .unwrap_or_else(|e| panic!("{e}: not the JSON summary:\n{}", run.all()))
}

#[tokio::test]
async fn two_thousand_bans_at_the_rate_limit_with_no_failure() {
    let targets = ids(2000);
    // Clerk's 100 / 10 s scaled to 100 / 0.2 s (500 a second), on both
    // sides, so the run takes seconds.
    let window = Duration::from_millis(200);
    let server = clerk::start(users(&targets), Some((100, window))).await;
    let Some(cli) = scaled("50") else {
        return;
    };
    let started = Instant::now();
    let doc = ban_each(cli, &targets, &server.uri(), &["--concurrency", "16"]).await;
    let wall = started.elapsed().as_secs_f64();
    assert_eq!(doc["succeeded"], 2000, "{doc}");
    assert_eq!(doc["failed"], 0, "{doc}");
    let secs = doc["seconds"].as_f64().unwrap();
    // 2,000 at 100 / 0.2 s: the first 100 at once, then 19 more windows.
    let minimum = 19.0 * window.as_secs_f64();
    eprintln!(
        "bulk: 2000 bans in {secs:.2} s (whole process {wall:.2} s; minimum {minimum:.1} s at 100 / 0.2 s: {:.1}% over); {} 429s",
        (secs / minimum - 1.0) * 100.0,
        server.state().rejected_429
    );
    // The limiter counts each request until a window after its answer, so
    // the server never sees more than its limit, however requests are
    // delayed on the way.
    assert_eq!(server.state().rejected_429, 0);
    assert!(
        secs >= minimum * 0.99,
        "faster than the limit allows: {secs}"
    );
    assert!(
        secs <= minimum * 1.10,
        "more than 10% over the minimum: {secs}"
    );
    written_once(&server, &targets, "ban");
    let state = server.state();
    assert!(targets.iter().all(|id| state.users[id]["banned"] == true));
}

#[tokio::test]
async fn a_429_retry_after_pauses_every_request_and_nothing_fails() {
    let targets = ids(300);
    let server = clerk::start(users(&targets), None).await;
    // After 100 requests the server refuses everything for a second.
    server.throttle(100, Duration::from_secs(1));
    let Some(cli) = scaled("100") else {
        return;
    };
    let doc = ban_each(cli, &targets, &server.uri(), &[]).await;
    assert_eq!(
        (doc["succeeded"].as_u64(), doc["failed"].as_u64()),
        (Some(300), Some(0)),
        "{doc}"
    );
    let state = server.state();
    let first_429 = state
        .arrivals
        .iter()
        .find(|(_, refused)| *refused)
        .expect("a 429")
        .0;
    // Retry-After: 1 is honoured by every request, not only the refused
    // ones: nothing arrives while the pause lasts (the requests already in
    // flight arrive at once, so a little slack at the start).
    let during = state
        .arrivals
        .iter()
        .filter(|(t, _)| {
            let d = t.saturating_duration_since(first_429);
            d > Duration::from_millis(150) && d < Duration::from_millis(950)
        })
        .count();
    assert_eq!(during, 0, "requests arrived during the pause");
    assert!(
        state.rejected_429 >= 1 && state.rejected_429 <= 16,
        "{}",
        state.rejected_429
    );
    eprintln!(
        "429: {} refused, all retried after Retry-After",
        state.rejected_429
    );
    drop(state);
    written_once(&server, &targets, "ban");
}

#[tokio::test]
async fn ctrl_c_stops_cleanly_and_resume_sends_exactly_the_rest() {
    let targets = ids(600);
    let server = clerk::start(users(&targets), Some((100, Duration::from_secs(1)))).await;
    let Some(cli) = cli() else {
        return;
    };
    let file = targets_file(&cli, &targets);
    let uri = server.uri();
    let args = [
        "POST",
        "/users/{user_id}/lock",
        "--each",
        &file,
        "--output",
        "json",
        "--admin",
        "--yes",
        "--base-url",
        &uri,
    ];
    let (mut cmd, cwd) = cli.command(&args);
    let child = cmd
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // Interrupt once a fair part is done.
    let deadline = Instant::now() + Duration::from_secs(30);
    while server.state().writes.len() < 150 && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let status = std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let out = tokio::task::spawn_blocking(move || child.wait_with_output().unwrap())
        .await
        .unwrap();
    let first = Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    };
    assert_eq!(first.code, 130, "{}", first.all());
    assert!(
        first.stderr.contains("Ctrl-C: taking no more targets"),
        "{}",
        first.stderr
    );
    let doc = summary(&first);
    assert_eq!(doc["interrupted"], true);
    let done = doc["succeeded"].as_u64().unwrap();
    assert!((150..600).contains(&done), "{doc}");
    assert_eq!(
        server.state().writes.len() as u64,
        done,
        "every write sent is counted as done"
    );
    // The same command with --resume: exactly the rest.
    let cli = cli_in(cwd);
    let started = Instant::now();
    let mut resumed: Vec<&str> = args.to_vec();
    resumed.push("--resume");
    let second = cli.run(&resumed).await;
    let resume_secs = started.elapsed().as_secs_f64();
    assert_eq!(second.code, 0, "{}", second.all());
    let doc = summary(&second);
    assert_eq!(doc["skipped"].as_u64(), Some(done), "{doc}");
    assert_eq!(doc["succeeded"].as_u64(), Some(600 - done), "{doc}");
    eprintln!(
        "resume: {done} skipped, {} sent, in {resume_secs:.2} s (whole process)",
        600 - done
    );
    written_once(&server, &targets, "lock");
}

/// A second run in the first one's folder (its targets file).
fn cli_in(cwd: tempfile::TempDir) -> Cli {
    let mut cli = cli().unwrap();
    cli = cli.dir(cwd.path());
    cli.cwd = cwd;
    cli
}

#[tokio::test]
async fn bulk_plans_send_nothing_without_consent() {
    let targets = ids(8);
    let server = clerk::start(users(&targets), None).await;
    let uri = server.uri();
    let Some(cli) = cli() else {
        return;
    };
    let file = targets_file(&cli, &targets);
    let cwd = cli.cwd.path().to_path_buf();
    let base = [
        "DELETE",
        "/users/{user_id}",
        "--each",
        &file,
        "--base-url",
        &uri,
    ];
    let with = |extra: &[&'static str]| {
        let mut a: Vec<&str> = base.to_vec();
        a.extend_from_slice(extra);
        a
    };
    // No terminal and no --yes; --yes without scopes; --yes with `write`
    // only; --dry-run; --curl; a switch given a value.
    for (args, scopes) in [
        (with(&[]), Some("write,delete")),
        (with(&["--yes"]), None),
        (with(&["--yes"]), Some("write")),
        (
            with(&["--yes", "--admin", "--dry-run"]),
            Some("write,delete"),
        ),
        (with(&["--yes", "--admin", "--curl"]), Some("write,delete")),
        (with(&["--yes=no", "--admin"]), Some("write,delete")),
        (
            with(&["--yes", "--resume=false", "--admin"]),
            Some("write,delete"),
        ),
        (with(&["--yes", "--admin", "--sdk"]), Some("write,delete")),
    ] {
        let mut c = Cli::new().unwrap().dir(&cwd);
        if let Some(s) = scopes {
            c = c.scopes(s);
        }
        let run = c.run(&args).await;
        let preview =
            args.contains(&"--dry-run") || args.contains(&"--curl") || args.contains(&"--sdk");
        assert_eq!(run.code == 0, preview, "{args:?}: {}", run.all());
        assert_eq!(server.state().requests, 0, "{args:?} sent: {}", run.all());
    }
    let dry = Cli::new()
        .unwrap()
        .dir(&cwd)
        .run(&with(&["--dry-run"]))
        .await;
    assert!(dry.stdout.contains("targets: 8 from"), "{}", dry.stdout);
    assert!(
        dry.stdout
            .contains("user_00000, user_00001, user_00002, …, user_00005, user_00006, user_00007"),
        "{}",
        dry.stdout
    );
    assert!(
        dry.stdout
            .contains(&format!("each request: DELETE {uri}/users/{{user_id}}")),
        "{}",
        dry.stdout
    );
    assert!(
        dry.stdout
            .contains("you would type the count (8) to confirm"),
        "{}",
        dry.stdout
    );
    assert!(
        dry.stdout.contains("before each write: GET"),
        "{}",
        dry.stdout
    );
    let json = Cli::new()
        .unwrap()
        .dir(&cwd)
        .run(&with(&["--dry-run", "--output", "json"]))
        .await;
    let doc: Value = serde_json::from_str(&json.stdout).unwrap();
    assert_eq!(doc["bulk"]["count"], 8);
    assert_eq!(
        doc["missing"],
        Value::Array(vec![]),
        "the targets fill user_id"
    );
    assert_eq!(server.state().requests, 0);
    // Piped answers are not consent, even the right count: stdin is not a
    // terminal, and only --yes speaks for a script.
    for piped in ["8\n", "yes\n", "y\n"] {
        let run = Cli::new()
            .unwrap()
            .dir(&cwd)
            .scopes("write,delete")
            .stdin(piped)
            .run(&base)
            .await;
        assert_eq!(run.code, 2, "{piped:?}: {}", run.all());
        assert_eq!(server.state().requests, 0, "{piped:?} sent: {}", run.all());
    }
    // The refusal says what would have been sent, with the count.
    let refused = Cli::new()
        .unwrap()
        .dir(&cwd)
        .scopes("write,delete")
        .run(&base)
        .await;
    assert_eq!(refused.code, 2);
    assert!(
        refused.stderr.contains("there is no terminal to ask on"),
        "{}",
        refused.stderr
    );
}

#[tokio::test]
async fn several_ids_in_the_command_and_a_summary_with_each_failure() {
    let targets = ids(3);
    let server = clerk::start(users(&targets), None).await;
    let Some(cli) = cli() else {
        return;
    };
    let args = [
        "POST",
        "/users/{user_id}/ban",
        "user_00000",
        "user_00002",
        "user_404",
    ];
    let run = cli.send(&args, &server.uri()).await;
    assert_eq!(run.code, 1, "{}", run.all());
    assert!(run.stderr.contains("3 × POST"), "{}", run.stderr);
    assert!(
        run.stdout.contains("2 succeeded, 1 failed, 0 skipped"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains("user_404: resource_not_found: Resource not found (HTTP 404"),
        "{}",
        run.stdout
    );
    let state = server.state();
    assert_eq!(state.users["user_00000"]["banned"], true);
    assert_eq!(state.users["user_00001"]["banned"], false);
}

#[tokio::test]
async fn every_user_exports_as_csv_and_ndjson_streamed() {
    let list = ids(1234);
    let server = clerk::start(users(&list), None).await;
    let Some(cli) = cli() else {
        return;
    };
    let run = cli
        .run(&[
            "GET",
            "/users",
            "--all",
            "--output",
            "csv",
            "--base-url",
            &server.uri(),
        ])
        .await;
    assert_eq!(run.code, 0, "{}", run.stderr);
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(lines.len(), 1235, "a header and a row per user");
    assert!(lines[0].starts_with("id,email_addresses,primary_email_address,username,first_name,last_name,created_at,last_sign_in_at"));
    assert_eq!(
        lines[1],
        "user_00000,user_00000@spam.test,user_00000@spam.test,,Test,user_00000,2023-11-14T22:13:20Z,,false,false,{},{},{}"
    );
    let nd = Cli::new()
        .unwrap()
        .run(&[
            "GET",
            "/users",
            "--all",
            "--output",
            "ndjson",
            "--base-url",
            &server.uri(),
        ])
        .await;
    let rows: Vec<Value> = nd
        .stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(rows.len(), 1234);
    assert_eq!(rows[1233]["id"], "user_01233");
}

/// Peak memory of a bulk run at 1,000 and at 100,000 targets, and of
/// `--resume` over the finished run (every target skipped), measured with
/// `/usr/bin/time -v` (set `CLERK_BACKEND_API_BIN` to measure the release
/// binary). Targets are streamed from the file, responses are not kept, and
/// done targets are 8-byte digests, so the runs should be close. Slow
/// (100,000 requests), hence ignored:
/// `cargo test --test integration -- --ignored peak_memory --nocapture`.
#[tokio::test]
#[ignore]
async fn peak_memory_stays_flat_from_a_thousand_to_a_hundred_thousand_targets() {
    if !std::path::Path::new("/usr/bin/time").exists() {
        return;
    }
    let mut peaks = Vec::new();
    for n in [1_000usize, 100_000] {
        let targets = ids(n);
        let server = clerk::start(users(&targets), None).await;
        let journal = tempfile::tempdir().unwrap();
        for resume in [false, true] {
            let Some(cli) = scaled("1000") else {
                return;
            };
            let file = targets_file(&cli, &targets);
            let cli = cli.env(
                "CLERK_BACKEND_API_DATA_DIR",
                &journal.path().display().to_string(),
            );
            let uri = server.uri();
            let mut args = ban_args(&file);
            args.extend([
                "--concurrency",
                "32",
                "--admin",
                "--yes",
                "--base-url",
                &uri,
            ]);
            if resume {
                args.push("--resume");
            }
            let (kb, wall, stdout) = peak_of(cli, &args).await;
            let (what, want) = if resume {
                ("resume", "skipped")
            } else {
                ("run", "succeeded")
            };
            let doc: Value = serde_json::from_str(&stdout).unwrap_or(Value::Null);
            if resume {
                // Nothing left: the run says so and sends nothing.
                assert!(
                    doc.is_null() || doc[want].as_u64() == Some(n as u64),
                    "{doc}"
                );
            } else {
                assert_eq!(doc[want].as_u64(), Some(n as u64), "{doc}");
            }
            eprintln!(
                "memory: {what}, {n} targets, peak RSS {:.1} MB, {wall:.1} s, {} 429s",
                kb as f64 / 1024.0,
                server.state().rejected_429
            );
            peaks.push(kb);
        }
    }
    assert!(
        peaks[2] < peaks[0] + 16 * 1024 && peaks[3] < peaks[1] + 16 * 1024,
        "peak memory grew with the targets: {peaks:?} kB"
    );
}

/// Runs the binary under `/usr/bin/time -v`: peak RSS in kB, wall seconds
/// and standard output.
async fn peak_of(cli: Cli, args: &[&str]) -> (u64, f64, String) {
    let (cmd, cwd) = cli.command(args);
    let bin = std::env::var("CLERK_BACKEND_API_BIN")
        .map(std::ffi::OsString::from)
        .unwrap_or_else(|_| cmd.get_program().to_os_string());
    let mut timed = std::process::Command::new("/usr/bin/time");
    timed.arg("-v").arg(bin).args(cmd.get_args());
    for (k, v) in cmd.get_envs() {
        match v {
            Some(v) => timed.env(k, v),
            None => timed.env_remove(k),
        };
    }
    timed.current_dir(cwd.path());
    let started = Instant::now();
    let out = tokio::task::spawn_blocking(move || timed.output().unwrap())
        .await
        .unwrap();
    let wall = started.elapsed().as_secs_f64();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    let kb: u64 = stderr
        .lines()
        .find_map(|l| {
            l.trim()
                .strip_prefix("Maximum resident set size (kbytes): ")
        })
        .and_then(|v| v.trim().parse().ok())
        .expect("time -v reports the peak");
    (kb, wall, String::from_utf8_lossy(&out.stdout).into_owned())
}

/// "Revoke all sessions of jane@acme.io": the user is looked up by email,
/// their sessions listed with the found ID, and each one revoked, in one
/// confirmed run; without consent nothing at all is sent.
#[tokio::test]
async fn a_fan_out_over_a_looked_up_users_items() {
    use wiremock::matchers::{method, path, query_param};
    use wiremock::{Mock, MockServer, ResponseTemplate};
    let s = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/users"))
        .and(query_param("email_address", "jane@acme.io"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(serde_json::json!([user("user_jane", "jane@acme.io")])),
        )
        .mount(&s)
        .await;
    let session = |id: &str| serde_json::json!({"object": "session", "id": id, "user_id": "user_jane", "status": "active"});
    Mock::given(method("GET"))
        .and(path("/sessions"))
        .and(query_param("user_id", "user_jane"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(serde_json::json!([session("sess_1"), session("sess_2")])),
        )
        .mount(&s)
        .await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200).set_body_json(session("sess_x")))
        .mount(&s)
        .await;
    let request = "revoke all sessions of jane@acme.io";
    let Some(cli) = scaled("100") else { return };
    let run = cli.run(&[request, "--admin", "--base-url", &s.uri()]).await;
    assert_ne!(run.code, 0, "{run:?}");
    assert!(
        crate::support::received(&s).await.is_empty(),
        "sent without consent"
    );
    let Some(cli) = scaled("100") else { return };
    let run = cli.send(&[request, "--output", "json"], &s.uri()).await;
    assert_eq!(run.code, 0, "{}", run.stderr);
    let got: Vec<String> = crate::support::received(&s)
        .await
        .iter()
        .filter(|r| r.method.as_str() == "POST")
        .map(|r| r.url.path().to_string())
        .collect();
    assert_eq!(got.len(), 2, "{got:?}");
    for id in ["sess_1", "sess_2"] {
        assert!(got.contains(&format!("/sessions/{id}/revoke")), "{got:?}");
    }
}
