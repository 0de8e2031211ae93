//! Hostile input, one test per hole a hostile tester found (issue 7): each
//! runs the real binary against local servers and fails if the hole opens
//! again. Every `Cli` run also asserts that the key never shows.

use std::io::Write;
use std::net::TcpListener;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use serde_json::json;
use wiremock::matchers::{any, method};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::support::{Cli, KEY, LIVE_KEY, received};

async fn ok_server() -> MockServer {
    crate::support::answering(json!({"object": "user", "id": "user_1"})).await
}

#[tokio::test]
async fn dot_segments_never_reach_another_resource() {
    let s = ok_server().await;
    let uri = s.uri();
    for path in [
        "/users/user_1/passkeys/..",
        "/users/user_1/passkeys/.",
        "/users/../organizations/org_1",
    ] {
        let Some(cli) = Cli::new() else { return };
        let run = cli
            .run(&["DELETE", path, "--yes", "--admin", "--base-url", &uri])
            .await;
        assert_ne!(run.code, 0, "{path}: {run:?}");
        assert!(received(&s).await.is_empty(), "{path} sent a request");
    }
    // Percent-encoded dots are kept as the text they are: %2E%2E is sent
    // as %252E%252E, the ID the user typed, not as a dot segment.
    let Some(cli) = Cli::new() else { return };
    let run = cli.run(&["GET", "/users/%2E%2E", "--base-url", &uri]).await;
    assert_eq!(run.code, 0, "{run:?}");
    let sent = received(&s).await;
    assert_eq!(sent.len(), 1, "{sent:?}");
    assert_eq!(sent[0].url.path(), "/users/%252E%252E");
}

#[tokio::test]
async fn a_broken_env_file_stops_instead_of_using_a_parents_key() {
    let s = ok_server().await;
    let uri = s.uri();
    for broken in [
        "\u{feff}CLERK_SECRET_KEY: sk_test_childKEY1\n"
            .as_bytes()
            .to_vec(),
        b"CLERK_SECRET_KEY=sk_test_child\xffKEY\n".to_vec(),
        b"CLERK_SECRET_KEY=\"sk_test_unclosed\n".to_vec(),
    ] {
        let Some(cli) = Cli::new() else { return };
        let root = cli.cwd.path().to_path_buf();
        let app = root.join("app");
        std::fs::create_dir_all(&app).unwrap();
        std::fs::write(root.join(".env"), format!("CLERK_SECRET_KEY={LIVE_KEY}\n")).unwrap();
        std::fs::write(app.join(".env.local"), &broken).unwrap();
        let run = cli
            .no_key()
            .secret(LIVE_KEY)
            .dir(&app)
            .run(&["GET", "/users", "--base-url", &uri])
            .await;
        assert_eq!(run.code, 2, "{run:?}");
        assert!(run.stderr.contains(".env.local"), "{}", run.stderr);
    }
    // A BOM, `export<TAB>` and CR-only line ends are read as dotenv reads them.
    let Some(cli) = Cli::new() else { return };
    let root = cli.cwd.path().to_path_buf();
    std::fs::write(
        root.join(".env.local"),
        format!("\u{feff}A=1\rexport\tCLERK_SECRET_KEY={KEY}\rB=2"),
    )
    .unwrap();
    let run = cli
        .no_key()
        .run(&["GET", "/users", "--base-url", &uri])
        .await;
    assert_eq!(run.code, 0, "{run:?}");
    assert!(run.stderr.contains(".env.local"), "{}", run.stderr);
    let sent = received(&s).await;
    assert_eq!(sent.len(), 1);
    assert_eq!(
        sent[0].headers.get("authorization").unwrap(),
        &format!("Bearer {KEY}")
    );
}

#[tokio::test]
async fn the_key_goes_only_to_clerk_unless_the_user_chooses() {
    let Some(dir) = crate::support::spec_dir() else {
        return;
    };
    // A spec naming another server: the plan still goes to api.clerk.com.
    let specs = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(dir.join("2026-05-12.yml")).unwrap();
    let poisoned = text.replace("https://api.clerk.com/v1", "https://evil.example/v1");
    assert_ne!(text, poisoned, "the spec names its server");
    std::fs::write(specs.path().join("2026-05-12.yml"), poisoned).unwrap();
    let Some(cli) = Cli::new() else { return };
    let run = cli
        .env_remove("CLERK_BACKEND_API_URL")
        .env(
            "CLERK_BACKEND_API_SPECS_DIR",
            specs.path().to_str().unwrap(),
        )
        .run(&["GET", "/users", "--dry-run"])
        .await;
    assert_eq!(run.code, 0, "{run:?}");
    assert!(
        run.stdout.contains("https://api.clerk.com/v1/users"),
        "{run:?}"
    );
    assert!(!run.stdout.contains("evil.example/v1/users"), "{run:?}");
    assert!(
        run.stderr
            .contains("the spec names the server https://evil.example/v1"),
        "{run:?}"
    );
}

/// A server that answers every request with a redirect to `location`.
async fn redirecting(status: u16, location: &str) -> MockServer {
    let s = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(status).insert_header("location", location))
        .mount(&s)
        .await;
    s
}

#[tokio::test]
async fn redirects_are_not_followed_for_writes_nor_off_origin() {
    let elsewhere = ok_server().await;
    let target = format!("{}/v1/users", elsewhere.uri());
    for (status, verb, path) in [
        (307, "POST", "/users/user_1/ban"),
        (308, "DELETE", "/users/user_1"),
        (302, "POST", "/organizations"),
        (302, "GET", "/users"),
        (301, "GET", "/users/user_1"),
    ] {
        let s = redirecting(status, &target).await;
        let Some(cli) = Cli::new() else { return };
        let mut args = vec![verb, path, "--yes", "--admin", "--base-url"];
        let uri = s.uri();
        args.push(&uri);
        if path == "/organizations" {
            args.push("name=Acme");
        }
        let run = cli.run(&args).await;
        assert_ne!(run.code, 0, "{status} {verb}: {run:?}");
        assert!(
            run.stderr.contains("redirect"),
            "{status} {verb}: {}",
            run.stderr
        );
        assert_eq!(received(&s).await.len(), 1, "{status} {verb}: sent once");
    }
    assert!(
        received(&elsewhere).await.is_empty(),
        "nothing followed a redirect to another origin"
    );
}

#[tokio::test]
async fn a_redirect_loop_is_not_retried() {
    let s = MockServer::start().await;
    let uri = s.uri();
    Mock::given(any())
        .respond_with(ResponseTemplate::new(302).insert_header("location", "/users/user_1"))
        .mount(&s)
        .await;
    for verb in ["DELETE", "GET"] {
        let Some(cli) = Cli::new() else { return };
        let before = received(&s).await.len();
        let run = cli
            .run(&[
                verb,
                "/users/user_1",
                "--yes",
                "--admin",
                "--base-url",
                &uri,
            ])
            .await;
        assert_ne!(run.code, 0, "{run:?}");
        let sent = received(&s).await.len() - before;
        // A read: the first plus at most 5 redirects. A DELETE: the same
        // for the journal's read before it, which fails, so the DELETE
        // itself is not sent.
        assert!(sent <= 6, "{verb} sent {sent} requests: {}", run.stderr);
        let writes = received(&s)
            .await
            .iter()
            .filter(|r| r.method.as_str() == "DELETE")
            .count();
        assert_eq!(writes, 0, "{}", run.stderr);
    }
}

#[tokio::test]
async fn a_tls_failure_is_not_retried() {
    // A plain TCP server on loopback: the TLS handshake fails every time.
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let connections = Arc::new(AtomicUsize::new(0));
    let seen = connections.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            seen.fetch_add(1, Ordering::SeqCst);
            let mut stream = stream;
            let _ = stream.write_all(b"HTTP/1.1 400 Bad Request\r\n\r\n");
        }
    });
    let Some(cli) = Cli::new() else { return };
    let base = format!("https://127.0.0.1:{port}/v1");
    let run = cli
        .run(&[
            "DELETE",
            "/users/user_1",
            "--yes",
            "--admin",
            "--base-url",
            &base,
        ])
        .await;
    assert_ne!(run.code, 0, "{run:?}");
    assert!(run.stderr.contains("not retried"), "{}", run.stderr);
    assert_eq!(connections.load(Ordering::SeqCst), 1, "{}", run.stderr);
}

#[tokio::test]
async fn a_typed_key_is_never_echoed() {
    let s = ok_server().await;
    let uri = s.uri();
    let items = format!("{KEY}==1");
    let field = format!("{KEY}=1");
    let path = format!("/users/{KEY}/x");
    let flag = format!("--{KEY}");
    let data = format!("@/nonexistent/{KEY}");
    let detail = format!("/users/{KEY}");
    let cases: Vec<Vec<&str>> = vec![
        vec!["help", KEY],
        vec![KEY],
        vec!["get", "user", KEY, "--sdk"],
        vec!["GET", &path],
        vec!["GET", "/users", &items],
        vec!["POST", "/users", &field],
        vec!["GET", "/users", &flag],
        vec!["GET", "/users", "--timeout", KEY],
        vec!["POST", "/users", "-d", &data],
        vec!["GET", &detail, "help"],
    ];
    for mut args in cases {
        args.extend(["--base-url", &uri]);
        let Some(cli) = Cli::new() else { return };
        // `Cli::run` fails the test if the key or its tail shows.
        let _ = cli.run(&args).await;
    }
}

#[tokio::test]
async fn a_key_echoed_by_the_server_is_redacted_and_not_reused() {
    let s = MockServer::start().await;
    let uri = s.uri();
    let echoed = format!("user_{}", &KEY[8..]);
    let long = format!("{KEY}{}", "x".repeat(80));
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([
            {"object": "user", "id": echoed, "first_name": long, "username": KEY}
        ])))
        .mount(&s)
        .await;
    let Some(cli) = Cli::new() else { return };
    // The REPL: a table that would cut the key short, then "ban them".
    let _ = cli
        .stdin(&format!(
            "GET /users --base-url {uri}\nGET /users -o json --base-url {uri}\n"
        ))
        .run(&[])
        .await;
}

#[tokio::test]
async fn odd_arguments_and_inputs_are_usage_errors() {
    let Some(cli) = Cli::new() else { return };
    // A non-UTF-8 argument.
    use std::os::unix::ffi::OsStrExt;
    let (mut cmd, _cwd) = cli.command(&[]);
    let out = cmd
        .arg(std::ffi::OsStr::from_bytes(b"get user \xff"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("argument 1"));
    // A one-shot command of 60,000 words.
    let words = vec!["users"; 60_000];
    let Some(cli) = Cli::new() else { return };
    let run = cli.run(&words).await;
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("KiB"), "{}", run.stderr);
    // A field nested 10,000 levels deep.
    let deep = format!("{}=x", vec!["a"; 10_000].join("."));
    let Some(cli) = Cli::new() else { return };
    let run = cli
        .run(&[
            "PATCH",
            "/users/user_1",
            &format!("public_metadata.{deep}"),
            "--dry-run",
        ])
        .await;
    assert_eq!(run.code, 2, "{run:?}");
    assert!(run.stderr.contains("at most 64"), "{}", run.stderr);
    // A body from a device or a FIFO would be read forever.
    let Some(cli) = Cli::new() else { return };
    let fifo = cli.cwd.path().join("body");
    assert!(
        std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap()
            .success()
    );
    let fifo_arg = format!("@{}", fifo.display());
    for data in ["@/dev/zero", fifo_arg.as_str()] {
        let Some(cli) = Cli::new() else { return };
        let run = cli.run(&["POST", "/users", "-d", data, "--dry-run"]).await;
        assert_eq!(run.code, 2, "{data}: {run:?}");
        assert!(run.stderr.contains("not a regular file"), "{}", run.stderr);
    }
}

#[tokio::test]
async fn response_bodies_are_capped() {
    let s = MockServer::start().await;
    let uri = s.uri();
    let big = format!("[{}]", vec!["\"0123456789abcdef\""; 120_000].join(","));
    Mock::given(any())
        .respond_with(ResponseTemplate::new(200).set_body_raw(big, "application/json"))
        .mount(&s)
        .await;
    let Some(cli) = Cli::new() else { return };
    let run = cli
        .run(&["GET", "/users", "--max-body", "1", "--base-url", &uri])
        .await;
    assert_eq!(run.code, 1, "{run:?}");
    assert!(run.stderr.contains("over 1 MiB"), "{}", run.stderr);
    let Some(cli) = Cli::new() else { return };
    let run = cli
        .run(&[
            "GET",
            "/users",
            "--max-body",
            "8",
            "-o",
            "json",
            "--base-url",
            &uri,
        ])
        .await;
    assert_eq!(run.code, 0, "{}", run.stderr);
}

/// Specs built to exhaust the parser or the renderer: each run must end
/// promptly with a result or one sentence, never a crash.
#[test]
fn hostile_specs_end_promptly() {
    let Some(cli) = Cli::new() else { return };
    let header = "openapi: 3.0.3\ninfo: {title: t, version: \"1\"}\npaths:\n  /users:\n    post:\n      operationId: CreateUser\n      summary: Create a user\n      requestBody:\n        content:\n          application/json:\n            schema: {$ref: \"#/components/schemas/S0\"}\n      responses:\n        \"200\": {description: ok}\ncomponents:\n  schemas:\n";
    let mut two = header.to_string();
    for i in 0..40 {
        two.push_str(&format!("    S{i}:\n      type: object\n      properties:\n        a: {{$ref: \"#/components/schemas/S{}\"}}\n        b: {{$ref: \"#/components/schemas/S{}\"}}\n", i + 1, i + 1));
    }
    two.push_str("    S40: {type: string}\n");
    let mut chain = header.to_string();
    for i in 0..20_000 {
        chain.push_str(&format!("    S{i}:\n      type: object\n      properties:\n        a: {{$ref: \"#/components/schemas/S{}\"}}\n", i + 1));
    }
    chain.push_str("    S20000: {type: string}\n");
    let flow = format!(
        "openapi: 3.0.3\ninfo: {{title: t, version: \"1\"}}\npaths: {{}}\nx: {}{}\n",
        "[".repeat(100_000),
        "]".repeat(100_000)
    );
    let mut aliases = "openapi: 3.0.3\ninfo: {title: t, version: \"1\"}\nl0: &l0 [x, x, x, x, x, x, x, x, x, x]\n".to_string();
    for i in 1..9 {
        let refs = vec![format!("*l{}", i - 1); 10].join(", ");
        aliases.push_str(&format!("l{i}: &l{i} [{refs}]\n"));
    }
    aliases.push_str("paths: {}\n");
    let _ = cli;
    for (name, text) in [
        ("two", two),
        ("chain", chain),
        ("flow", flow),
        ("aliases", aliases),
    ] {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("2026-05-12.yml"), text).unwrap();
        let mut failed_before = false;
        for args in [
            vec!["tags"],
            vec!["POST", "/users", "help", "--output", "json"],
        ] {
            let Some(cli) = Cli::new() else { return };
            let (mut cmd, _cwd) = cli.command(&args);
            cmd.env("CLERK_BACKEND_API_SPECS_DIR", dir.path());
            let child = cmd
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap();
            let pid = child.id();
            let (tx, rx) = std::sync::mpsc::channel();
            std::thread::spawn(move || tx.send(child.wait_with_output()));
            // Generous: this bounds minutes-long pathologies, not speed.
            let Ok(out) = rx.recv_timeout(std::time::Duration::from_secs(60)) else {
                let _ = std::process::Command::new("kill")
                    .args(["-9", &pid.to_string()])
                    .status();
                panic!("{name} {args:?} ran past 60 s");
            };
            let out = out.unwrap();
            let status = out.status;
            let err = String::from_utf8_lossy(&out.stderr);
            assert!(
                matches!(status.code(), Some(0..=2)),
                "{name} {args:?}: {status:?} {err}"
            );
            assert!(!err.contains("panicked"), "{name}: {err}");
            // A file refused once is not parsed again: its failure is read back.
            if failed_before {
                assert!(
                    err.contains("remembered from an earlier run"),
                    "{name}: {err}"
                );
            }
            failed_before = status.code() != Some(0) && err.contains("refused before parsing")
                || err.contains("remembered from an earlier run");
        }
    }
}
