//! Helpers for the execute-mode tests: the binary run against a local
//! wiremock server with a clean environment, a temporary cache and working
//! directory, and a check on EVERY run that the test key appears in no
//! captured output and no file the program wrote.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;

use tempfile::TempDir;

use clerk_backend_api::console::Console;
use clerk_backend_api::render::Style;
use std::collections::VecDeque;

pub mod clerk;
mod common;
pub mod pty;
pub use common::spec_dir;

/// The digested real spec of a version.
pub fn spec(version: &str) -> Option<clerk_backend_api::spec::Spec> {
    common::spec(version)
}

/// The secret key the tests use; it must never be shown.
pub const KEY: &str = "sk_test_executeSECRET0123456789";
pub const LIVE_KEY: &str = "sk_live_executeSECRET0123456789";

/// One cache and data folder for the whole test binary, so the spec is
/// digested once, and checked for keys after each run.
fn home() -> &'static Path {
    static HOME: OnceLock<TempDir> = OnceLock::new();
    HOME.get_or_init(|| tempfile::tempdir().expect("temp dir"))
        .path()
}

/// The journal folder of in-process runs (the binary's is under
/// `XDG_DATA_HOME`): inside the test home, so it is checked for keys too,
/// and never the real user's.
pub fn journal_dir() -> PathBuf {
    home().join("in-process-journal")
}

/// The test home, where the binary's data folder (and its journal) lives.
pub fn test_home() -> &'static Path {
    home()
}

pub struct Cli {
    cmd: Command,
    stdin: Option<String>,
    pub cwd: TempDir,
    secrets: Vec<String>,
}

#[derive(Debug)]
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    pub fn all(&self) -> String {
        format!("{}\n{}", self.stdout, self.stderr)
    }
}

impl Cli {
    /// The binary with the real specs, a clean environment and `KEY`.
    pub fn new() -> Option<Cli> {
        let specs = spec_dir()?;
        let cwd = tempfile::tempdir().expect("temp dir");
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_clerk-backend-api"));
        cmd.current_dir(cwd.path())
            .env("CLERK_BACKEND_API_SPECS_DIR", specs)
            .env("XDG_CACHE_HOME", home().join("cache"))
            .env("XDG_DATA_HOME", home().join("data"))
            .env("HOME", home())
            .env("NO_COLOR", "1")
            .env("CLERK_BACKEND_API_RETRY_MS", "5")
            .env("CLERK_SECRET_KEY", KEY)
            .env_remove("CLERK_BAPI_SCOPES")
            .env_remove("CLERK_BACKEND_API_URL")
            .env_remove("CLICOLOR_FORCE");
        Some(Cli {
            cmd,
            stdin: None,
            cwd,
            secrets: vec![KEY.to_string(), LIVE_KEY.to_string()],
        })
    }

    pub fn env(mut self, k: &str, v: &str) -> Cli {
        self.cmd.env(k, v);
        if v.starts_with("sk_") {
            self.secrets.push(v.to_string());
        }
        self
    }

    pub fn env_remove(mut self, k: &str) -> Cli {
        self.cmd.env_remove(k);
        self
    }

    /// Another secret the run must not show (a key in a `.env` file).
    pub fn secret(mut self, s: &str) -> Cli {
        self.secrets.push(s.to_string());
        self
    }

    pub fn no_key(mut self) -> Cli {
        self.cmd.env_remove("CLERK_SECRET_KEY");
        self
    }

    pub fn scopes(self, s: &str) -> Cli {
        self.env("CLERK_BAPI_SCOPES", s)
    }

    pub fn stdin(mut self, text: &str) -> Cli {
        self.stdin = Some(text.to_string());
        self
    }

    pub fn dir(mut self, dir: &Path) -> Cli {
        self.cmd.current_dir(dir);
        self
    }

    /// The command to spawn by hand (a pseudo-terminal, signals), with the
    /// working directory it needs kept alive.
    pub fn command(mut self, args: &[&str]) -> (Command, TempDir) {
        self.cmd.args(args);
        (self.cmd, self.cwd)
    }

    /// Runs a write that is allowed and confirmed: `--admin --yes`, sent to
    /// the mock server at `uri`.
    pub async fn send(self, args: &[&str], uri: &str) -> Run {
        let mut argv = args.to_vec();
        argv.extend(["--admin", "--yes", "--base-url", uri]);
        self.run(&argv).await
    }

    /// Runs the binary (off the async runtime, so wiremock keeps serving)
    /// and asserts that no secret key leaked.
    pub async fn run(mut self, args: &[&str]) -> Run {
        self.cmd.args(args);
        let mut cmd = self.cmd;
        let stdin = self.stdin;
        let out = tokio::task::spawn_blocking(move || {
            cmd.stdin(if stdin.is_some() {
                Stdio::piped()
            } else {
                Stdio::null()
            })
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
            let mut child = cmd.spawn().expect("binary runs");
            if let Some(text) = stdin {
                use std::io::Write;
                let mut pipe = child.stdin.take().expect("stdin");
                pipe.write_all(text.as_bytes()).expect("write stdin");
            }
            child.wait_with_output().expect("binary finishes")
        })
        .await
        .expect("join");
        let run = Run {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        };
        for s in &self.secrets {
            assert_no_secret(s, &run.all(), "output");
            assert_no_secret_in_files(s, home());
            assert_no_secret_in_files(s, self.cwd.path());
        }
        run
    }
}

pub fn assert_no_secret(secret: &str, text: &str, what: &str) {
    assert!(
        !text.contains(secret) && !text.contains(&secret[8..]),
        "the secret key appeared in the {what}:\n{text}"
    );
}

/// Every file under `dir` (history, caches) is free of the secret,
/// except the `.env` files a test wrote on purpose.
pub fn assert_no_secret_in_files(secret: &str, dir: &Path) {
    for path in files(dir) {
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if name.starts_with(".env") {
            continue;
        }
        let bytes = std::fs::read(&path).unwrap_or_default();
        let text = String::from_utf8_lossy(&bytes);
        assert_no_secret(secret, &text, &path.display().to_string());
    }
}

fn files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return out;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            out.extend(files(&p));
        } else {
            out.push(p);
        }
    }
    out
}

/// A mock Clerk that answers every request with 200 and `body`.
pub async fn answering(body: serde_json::Value) -> wiremock::MockServer {
    let s = wiremock::MockServer::start().await;
    wiremock::Mock::given(wiremock::matchers::any())
        .respond_with(wiremock::ResponseTemplate::new(200).set_body_json(body))
        .mount(&s)
        .await;
    s
}

/// Requests the mock server has received so far.
pub async fn received(server: &wiremock::MockServer) -> Vec<wiremock::Request> {
    server.received_requests().await.unwrap_or_default()
}

#[derive(Default)]
/// A console for in-process runs: what was printed and noted, and the
/// answers a person would type (none: nobody is there). With a redactor it
/// redacts as the real console does, so a test proves that every output
/// passes through the console's methods.
pub struct Fake {
    pub out: String,
    pub err: String,
    pub answers: VecDeque<String>,
    pub tty: bool,
    pub redactor: Option<clerk_backend_api::redact::Redactor>,
}

impl Fake {
    fn shown(&self, t: &str) -> String {
        match &self.redactor {
            Some(r) => r.redact(t),
            None => t.to_string(),
        }
    }
}

impl Console for Fake {
    fn print(&mut self, t: &str) {
        let t = self.shown(t);
        self.out.push_str(&t);
        self.out.push('\n');
    }
    fn note(&mut self, t: &str) {
        let t = self.shown(t);
        self.err.push_str(&t);
        self.err.push('\n');
    }
    fn out_style(&self) -> Style {
        Style::PLAIN
    }
    fn err_style(&self) -> Style {
        Style::PLAIN
    }
    fn interactive(&self) -> bool {
        self.tty
    }
    fn ask(&mut self, prompt: &str) -> Option<String> {
        let p = self.shown(prompt);
        self.err.push_str(&p);
        self.answers.pop_front()
    }
}
