//! Contract test: our requests, run through Prism (`@stoplight/prism-cli`,
//! pinned in tests/contract/package.json) mocking the real 2026-05-12 spec
//! with `--errors`, must carry no request-side violation. Response-side
//! violations (Prism's own mock data) are not ours and are ignored.
//!
//! Prism is installed by `scripts/test` (`npm ci --prefix tests/contract`).
//! Without it the test fails under CI (env `CI` set) and is skipped, with a
//! message, elsewhere.

use crate::support as execute_support;

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use clerk_backend_api::spec::Method;
use execute_support::{Cli, spec, spec_dir};

/// Explicit commands across GET, POST, PATCH, PUT and DELETE and many tags.
const COMMANDS: &[&[&str]] = &[
    &["GET", "/users", "limit=5", "order_by=-created_at"],
    &["GET", "/users/count"],
    &[
        "PATCH",
        "/users/user_1/metadata",
        "public_metadata.plan=pro",
    ],
    &[
        "PUT",
        "/users/user_1/metadata",
        r#"private_metadata:={"stripe":"cus_1"}"#,
    ],
    &["POST", "/users/user_1/ban"],
    &["DELETE", "/users/user_1"],
    &[
        "POST",
        "/organizations",
        "name=Acme",
        "created_by=user_1",
        "max_allowed_memberships:=5",
    ],
    &["GET", "/organizations", "limit=10", "query=acme"],
    &["PATCH", "/organizations/org_1", "name=Acme Two"],
    &[
        "PUT",
        "/organizations/org_1/metadata",
        r#"public_metadata:={"tier":"gold"}"#,
    ],
    &["DELETE", "/organizations/org_1"],
    &[
        "POST",
        "/organizations/org_1/invitations",
        "email_address=a@b.io",
        "role=org:member",
    ],
    &["GET", "/organizations/org_1/memberships"],
    &[
        "POST",
        "/organizations/org_1/memberships",
        "user_id=user_2",
        "role=org:member",
    ],
    &[
        "PATCH",
        "/organizations/org_1/memberships/user_2",
        "role=org:admin",
    ],
    &["POST", "/invitations", "email_address=a@b.io"],
    &["GET", "/invitations", "status=pending"],
    &["POST", "/allowlist_identifiers", "identifier=a@b.io"],
    &["DELETE", "/blocklist_identifiers/blid_1"],
    &["GET", "/sessions", "user_id=user_1"],
    &[
        "POST",
        "/sign_in_tokens",
        "user_id=user_1",
        "expires_in_seconds:=600",
    ],
    &["GET", "/jwt_templates"],
    &["POST", "/redirect_urls", "url=https://example.com/callback"],
    &["GET", "/email_addresses/idn_1"],
    &[
        "POST",
        "/actor_tokens",
        "user_id=user_1",
        r#"actor:={"sub":"user_2"}"#,
    ],
    &["GET", "/domains"],
    &["GET", "/jwks"],
];

/// Prism, killed when the test ends however it ends.
struct Prism(Child);

impl Drop for Prism {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn prism_bin() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/contract/node_modules/.bin/prism")
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_default()
}

/// Waits (bounded) until Prism's log contains `text`.
fn wait_for(log: &Path, text: &str, prism: &mut Prism) {
    let start = Instant::now();
    while !read(log).contains(text) {
        if let Ok(Some(status)) = prism.0.try_wait() {
            panic!("Prism exited ({status}) before `{text}`:\n{}", read(log));
        }
        assert!(
            start.elapsed() < Duration::from_secs(180),
            "Prism never logged `{text}`:\n{}",
            read(log)
        );
        std::thread::sleep(Duration::from_millis(200));
    }
}

/// Prism's log cut into one block per request: (`get /users`, lines).
fn request_blocks(log: &str) -> Vec<(String, String)> {
    let mut blocks: Vec<(String, String)> = Vec::new();
    for line in log.lines() {
        if line.contains("[HTTP SERVER]") && line.contains("Request received") {
            let label = line
                .split("[HTTP SERVER]")
                .nth(1)
                .unwrap_or("")
                .split_whitespace()
                .take(2)
                .collect::<Vec<_>>()
                .join(" ");
            blocks.push((label, String::new()));
        } else if let Some((_, block)) = blocks.last_mut() {
            block.push_str(line);
            block.push('\n');
        }
    }
    blocks
}

fn request_violation(block: &str) -> bool {
    block.contains("Violation: request")
        || block.contains("Request did not pass the validation rules")
}

/// A raw request, to prove the log check can fail.
fn raw_get(port: u16, target: &str) -> String {
    let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    write!(
        s,
        "GET {target} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer sk_test_x\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut out = String::new();
    let _ = s.read_to_string(&mut out);
    out
}

#[tokio::test]
async fn our_requests_conform_to_the_spec() {
    let (Some(dir), Some(latest)) = (spec_dir(), spec("2026-05-12")) else {
        return;
    };
    if !prism_bin().exists() {
        let msg =
            "Prism is not installed: run scripts/test (it runs `npm ci --prefix tests/contract`)";
        if std::env::var_os("CI").is_some_and(|v| !v.is_empty()) {
            panic!("{msg}");
        }
        eprintln!("skipped: {msg}");
        return;
    }
    // The list covers every method and at least 10 tags.
    let mut tags: Vec<&str> = Vec::new();
    let mut methods: Vec<Method> = Vec::new();
    for c in COMMANDS {
        let m = Method::parse(c[0]).unwrap();
        let op = latest
            .find_endpoint(m, c[1])
            .unwrap_or_else(|| panic!("{c:?}"))
            .op;
        tags.extend(op.tags.iter().map(String::as_str));
        methods.push(m);
    }
    tags.sort();
    tags.dedup();
    assert!(tags.len() >= 10, "only {} tags: {tags:?}", tags.len());
    assert!(Method::ALL.iter().all(|m| methods.contains(m)));

    let logs = tempfile::tempdir().unwrap();
    let log = logs.path().join("prism.log");
    let port = free_port();
    let spec_file = dir.join("2026-05-12.yml");
    let child = Command::new(prism_bin())
        .args([
            "mock",
            "-h",
            "127.0.0.1",
            "-p",
            &port.to_string(),
            "--errors",
        ])
        .arg(&spec_file)
        .env("SCARF_ANALYTICS", "false")
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .stdout(std::fs::File::create(&log).unwrap())
        .stderr(std::fs::File::create(logs.path().join("prism.err")).unwrap())
        .spawn()
        .expect("Prism starts");
    let mut prism = Prism(child);
    wait_for(&log, "Prism is listening", &mut prism);

    let base = format!("http://127.0.0.1:{port}");
    let mut ours = Vec::new();
    for c in COMMANDS {
        let Some(cli) = Cli::new() else { return };
        let mut argv = c.to_vec();
        argv.extend(["--yes", "--admin", "--base-url", &base]);
        let run = cli.run(&argv).await;
        for status in [
            "(HTTP 400",
            "(HTTP 401",
            "(HTTP 422",
            "HTTP 400:",
            "HTTP 401:",
            "HTTP 422:",
        ] {
            if run.stderr.contains(status) {
                ours.push(format!("{c:?}: {}", run.stderr.trim()));
            }
        }
    }
    // A request known to be wrong, so the check below is proven to bite,
    // then a marker that flushes the log.
    let bad = raw_get(port, "/users?limit=abc");
    assert!(bad.starts_with("HTTP/1.1 422"), "{bad}");
    raw_get(port, "/contract-test-done");
    wait_for(&log, "/contract-test-done", &mut prism);

    let blocks = request_blocks(&read(&log));
    let flagged: Vec<&(String, String)> = blocks
        .iter()
        .filter(|(_, b)| request_violation(b))
        .collect();
    assert_eq!(
        flagged.len(),
        1,
        "request-side violations:\n{flagged:#?}\nour errors: {ours:#?}"
    );
    assert_eq!(flagged[0].0, "get /users");
    assert!(
        flagged[0].1.contains("limit must be integer"),
        "{}",
        flagged[0].1
    );
    assert!(
        ours.is_empty(),
        "Prism refused our requests:\n{}",
        ours.join("\n")
    );
    // Every command reached Prism (retries of 5xx GETs add more).
    assert!(
        blocks.len() > COMMANDS.len(),
        "{} requests logged",
        blocks.len()
    );
}
