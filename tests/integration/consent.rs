//! The consent matrix: every write operation of every spec version in
//! `../shared`, explicit and routed from its summary, through the same
//! command parser and pipeline as the binary (in process, so thousands of
//! runs take seconds), against a local recording server. Without consent
//! (no terminal and no `--yes`, missing or insufficient scopes, DELETE with
//! only `write`, `--dry-run`, `--curl`, `--sdk`, `help`, any switch written
//! `--flag=value`), the server must see no request. A positive control per
//! operation (`--yes` with the scopes) proves the server would have seen it.
//! `binary_and_repl_agree` repeats a sample through the real binary, one-shot
//! and piped into the REPL.

use std::ffi::OsString;
use std::sync::{Arc, Mutex};

use clerk_backend_api::app::App;
use clerk_backend_api::command::{self, FLAGS, Options, Takes};
use clerk_backend_api::env::Env;
use clerk_backend_api::plan::missing;
use clerk_backend_api::plan::{Plan, Step};
use clerk_backend_api::source::{SourceConfig, SpecStore};
use clerk_backend_api::spec::{JsonKind, Method, Operation, SchemaId, SchemaKind, Spec};
use serde_json::{Map, Value, json};
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, Respond, ResponseTemplate};

use crate::support::{self, Cli, Fake, KEY};

/// What a case may cause on the server.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Allowed {
    /// No request at all.
    Nothing,
    /// Reads only (a routed request that became a read may run).
    Reads,
    /// The positive control: at least one request.
    Sent,
}

struct Case {
    what: String,
    args: Vec<String>,
    scopes: Option<&'static str>,
    allowed: Allowed,
}

/// A value that satisfies a schema, for required fields.
fn sample(spec: &Spec, id: SchemaId, depth: usize) -> Value {
    let s = spec.schema(id);
    if let Some(first) = s.enum_values.first() {
        return serde_json::from_str(first).unwrap_or_else(|_| json!(first));
    }
    match spec.json_kind(id) {
        JsonKind::String => match s.format.as_deref() {
            Some("email") => json!("a@example.com"),
            Some("date-time") => json!("2026-01-01T00:00:00Z"),
            Some("uri" | "url") => json!("https://example.com/x"),
            _ => json!("x_1"),
        },
        JsonKind::Integer | JsonKind::Number => {
            json!(s.constraints.minimum.unwrap_or(1.0).max(1.0) as i64)
        }
        JsonKind::Boolean => json!(true),
        JsonKind::Array => {
            let item = match &s.kind {
                SchemaKind::Array(item) => Some(*item),
                _ => None,
            };
            match item {
                Some(item) if s.constraints.min_items.unwrap_or(0) > 0 && depth < 4 => {
                    json!([sample(spec, item, depth + 1)])
                }
                _ => json!([]),
            }
        }
        JsonKind::Object => {
            let mut map = Map::new();
            if depth < 4 {
                for p in spec.properties(id).iter().filter(|p| p.required) {
                    map.insert(p.name.to_string(), sample(spec, p.schema, depth + 1));
                }
            }
            Value::Object(map)
        }
        JsonKind::Any => json!("x_1"),
    }
}

/// `METHOD /concrete/path [query items] [-d body]` for an operation, with
/// every required value given.
/// A small image file, for the operations that upload one.
fn upload_file() -> &'static std::path::Path {
    static FILE: std::sync::OnceLock<std::path::PathBuf> = std::sync::OnceLock::new();
    FILE.get_or_init(|| {
        let file = crate::support::test_home().join("consent-logo.png");
        std::fs::create_dir_all(crate::support::test_home()).expect("test home");
        std::fs::write(&file, b"\x89PNG\r\n\x1a\n").expect("an image file");
        file
    })
}

fn explicit_args(spec: &Spec, op: &Operation) -> Vec<String> {
    let mut path = op.path.clone();
    for p in op.path_params() {
        let v = sample(spec, p.schema, 0);
        let v = v.as_str().map_or_else(|| v.to_string(), str::to_string);
        path = path.replace(&format!("{{{}}}", p.name), &v);
    }
    let mut args = vec![op.method.as_str().to_string(), path];
    for p in op.query_params().filter(|p| p.required) {
        let v = sample(spec, p.schema, 0);
        let v = v.as_str().map_or_else(|| v.to_string(), str::to_string);
        args.push(format!("{}=={v}", p.name));
    }
    let mut step = Step::new(op.method, &op.path, &op.operation_id);
    if op.request_body.is_some() {
        step.body = Some(json!({}));
    }
    let plan = Plan::new(&spec.version, vec![step], "probe");
    let files = clerk_backend_api::plan::uploads::op_files(spec, op);
    let mut body = Map::new();
    for m in missing::find(spec, &plan) {
        if let clerk_backend_api::plan::Slot::Body(_) = m.slot
            && !files.contains(&m.name)
        {
            body.insert(m.name.clone(), sample(spec, m.schema, 0));
        }
    }
    // A file to upload is a real one, so that only consent stands between
    // the request and the server.
    for name in &files {
        args.push(format!("{name}@{}", upload_file().display()));
    }
    if !body.is_empty() {
        args.push("-d".into());
        args.push(Value::Object(body).to_string());
    }
    args
}

/// Every switch written with a value, in the forms a user might try.
fn switch_forms() -> Vec<String> {
    let mut out = vec!["-y=no".to_string(), "--yes=no".into(), "--YES=false".into()];
    for f in FLAGS.iter().filter(|f| f.takes == Takes::Nothing) {
        for v in ["false", "no", "0", "true"] {
            out.push(format!("{}={v}", f.long));
        }
    }
    out
}

fn cases(spec: &Spec, op: &Operation, full: bool) -> Vec<Case> {
    let base = explicit_args(spec, op);
    let with = |extra: &[&str]| {
        let mut a = base.clone();
        a.extend(extra.iter().map(|s| s.to_string()));
        a
    };
    let all = if op.method == Method::Delete {
        "write,delete"
    } else {
        "write"
    };
    let short = if op.method == Method::Delete {
        "write"
    } else {
        "delete"
    };
    let mut out = vec![
        Case {
            what: "no terminal, no --yes".into(),
            args: base.clone(),
            scopes: Some("write,delete"),
            allowed: Allowed::Nothing,
        },
        Case {
            what: "--yes, scopes unset".into(),
            args: with(&["--yes"]),
            scopes: None,
            allowed: Allowed::Nothing,
        },
        Case {
            what: format!("--yes, scopes {short} only"),
            args: with(&["--yes"]),
            scopes: Some(short),
            allowed: Allowed::Nothing,
        },
        Case {
            what: "--yes --admin --dry-run".into(),
            args: with(&["--yes", "--admin", "--dry-run"]),
            scopes: Some("write,delete"),
            allowed: Allowed::Nothing,
        },
        Case {
            what: "--yes --admin --curl".into(),
            args: with(&["--yes", "--admin", "--curl"]),
            scopes: Some("write,delete"),
            allowed: Allowed::Nothing,
        },
        Case {
            what: "--yes --admin --sdk".into(),
            args: with(&["--yes", "--admin", "--sdk"]),
            scopes: Some("write,delete"),
            allowed: Allowed::Nothing,
        },
        Case {
            what: "help --yes --admin".into(),
            args: with(&["help", "--yes", "--admin"]),
            scopes: Some("write,delete"),
            allowed: Allowed::Nothing,
        },
        Case {
            what: "--yes (the positive control)".into(),
            args: with(&["--yes"]),
            scopes: Some(all),
            allowed: Allowed::Sent,
        },
    ];
    let forms = if full {
        switch_forms()
    } else {
        vec!["--yes=no".into(), "--admin=false".into()]
    };
    for form in forms {
        out.push(Case {
            what: format!("--yes --admin {form}"),
            args: with(&["--yes", "--admin", &form]),
            scopes: Some("write,delete"),
            allowed: Allowed::Nothing,
        });
    }
    // Routed from the operation's own summary, with its IDs.
    let mut phrase = vec![op.summary.clone()];
    for p in op.path_params() {
        let v = sample(spec, p.schema, 0);
        phrase.push(v.as_str().map_or_else(|| v.to_string(), str::to_string));
    }
    let phrase = phrase.join(" ");
    if !phrase.trim().is_empty() {
        for (what, extra, scopes, allowed) in [
            (
                "routed, no --yes",
                vec![],
                Some("write,delete"),
                Allowed::Reads,
            ),
            (
                "routed, --yes, scopes unset",
                vec!["--yes"],
                None,
                Allowed::Reads,
            ),
            (
                "routed --dry-run",
                vec!["--yes", "--admin", "--dry-run"],
                Some("write,delete"),
                Allowed::Nothing,
            ),
            (
                "routed --curl",
                vec!["--yes", "--admin", "--curl"],
                Some("write,delete"),
                Allowed::Nothing,
            ),
            (
                "routed --sdk",
                vec!["--yes", "--admin", "--sdk"],
                Some("write,delete"),
                Allowed::Nothing,
            ),
            (
                "routed help",
                vec!["--yes", "--admin", "help"],
                Some("write,delete"),
                Allowed::Nothing,
            ),
        ] {
            let mut args = vec!["--".to_string(), phrase.clone()];
            args.splice(0..0, extra.iter().map(|s| s.to_string()));
            out.push(Case {
                what: what.into(),
                args,
                scopes,
                allowed,
            });
        }
    }
    out
}

/// A server that answers every request and keeps `METHOD path` of each
/// (cheaper to read thousands of times than wiremock's full records).
struct Recorder {
    server: MockServer,
    seen: Arc<Mutex<Vec<(String, String)>>>,
}

struct Record(Arc<Mutex<Vec<(String, String)>>>);

impl Respond for Record {
    fn respond(&self, request: &wiremock::Request) -> ResponseTemplate {
        if let Ok(mut seen) = self.0.lock() {
            seen.push((request.method.to_string(), request.url.path().to_string()));
        }
        ResponseTemplate::new(200).set_body_json(json!({"object": "x", "id": "x_1"}))
    }
}

impl Recorder {
    async fn start() -> Recorder {
        let server = MockServer::start().await;
        let seen = Arc::new(Mutex::new(Vec::new()));
        Mock::given(any())
            .respond_with(Record(seen.clone()))
            .mount(&server)
            .await;
        Recorder { server, seen }
    }

    fn count(&self) -> usize {
        self.seen.lock().map_or(0, |s| s.len())
    }

    fn since(&self, from: usize) -> Vec<(String, String)> {
        self.seen.lock().map_or(Vec::new(), |s| s[from..].to_vec())
    }
}

/// Runs one case in process; returns the requests the server saw.
async fn run(app: &mut App, server: &Recorder, case: &Case) -> Vec<(String, String)> {
    let before = server.count();
    let mut env = Env::new(std::env::temp_dir()).with("CLERK_SECRET_KEY", KEY);
    if let Some(s) = case.scopes {
        env = env.with("CLERK_BAPI_SCOPES", s);
    }
    app.env = env;
    let defaults = Options {
        base_url: Some(server.server.uri()),
        ..Options::default()
    };
    let argv = case.args.iter().map(OsString::from);
    let mut console = Fake::default();
    if let Ok(command) = command::parse_args(argv, &defaults) {
        app.run(command, &mut console).await;
    }
    server.since(before)
}

#[tokio::test]
async fn nothing_is_sent_without_consent() {
    let Some(dir) = support::spec_dir() else {
        return;
    };
    let server = Recorder::start().await;
    let mut versions: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .flatten()
        .filter_map(|e| {
            let name = e.file_name().into_string().ok()?;
            name.strip_suffix(".yml").map(str::to_string)
        })
        .collect();
    versions.sort();
    let latest = versions.last().cloned().unwrap_or_default();
    let (mut runs, mut ops, mut controls) = (0usize, 0usize, 0usize);
    let mut violations = Vec::new();
    for version in &versions {
        let spec = support::spec(version).expect("spec");
        let mut app = App::new(
            SpecStore::new(SourceConfig::local(dir.clone())),
            false,
            Env::default(),
        );
        app.journal_dir = Some(support::journal_dir());
        for op in spec.operations.iter().filter(|o| o.method.is_write()) {
            ops += 1;
            for mut case in cases(&spec, op, *version == latest) {
                case.args.extend(["--spec-version".into(), version.clone()]);
                let seen = run(&mut app, &server, &case).await;
                runs += 1;
                let ok = match case.allowed {
                    Allowed::Nothing => seen.is_empty(),
                    Allowed::Reads => seen.iter().all(|(m, _)| m == "GET"),
                    Allowed::Sent => {
                        controls += 1;
                        seen.iter().any(|(m, _)| m == op.method.as_str())
                    }
                };
                if !ok {
                    violations.push(format!(
                        "{version} {}: {} ({:?}): {} request(s): {:?}",
                        op.label(),
                        case.what,
                        case.args,
                        seen.len(),
                        seen
                    ));
                }
            }
        }
    }
    eprintln!(
        "consent matrix: {runs} runs over {ops} write operations of {} versions, {controls} positive controls, {} violations",
        versions.len(),
        violations.len()
    );
    assert!(
        violations.is_empty(),
        "{} of {runs} runs broke consent:\n{}",
        violations.len(),
        violations.join("\n")
    );
}

/// A sample of the matrix through the real binary: argv one-shot, and the
/// same lines piped into the REPL.
#[tokio::test]
async fn binary_and_repl_agree() {
    let Some(spec) = support::spec("2026-05-12") else {
        return;
    };
    let server = Recorder::start().await;
    let writes: Vec<&Operation> = spec
        .operations
        .iter()
        .filter(|o| o.method.is_write())
        .collect();
    let mut checked = 0;
    for op in writes.iter().step_by(17) {
        let base = explicit_args(&spec, op);
        for extra in [
            vec![],
            vec!["--yes=no"],
            vec!["--yes", "--admin=false"],
            vec!["--yes", "--admin", "--sdk"],
            vec!["--yes", "--admin", "--curl"],
            vec!["--yes", "--admin", "--dry-run"],
            vec!["--yes", "--admin", "help"],
        ] {
            let mut args: Vec<String> = base.clone();
            args.extend(extra.iter().map(|s| s.to_string()));
            args.extend(["--base-url".into(), server.server.uri()]);
            let refs: Vec<&str> = args.iter().map(String::as_str).collect();
            let before = server.count();
            let one_shot = Cli::new()
                .expect("cli")
                .scopes("write,delete")
                .run(&refs)
                .await;
            let line = args
                .iter()
                .map(|a| format!("'{}'", a.replace('\'', "'\\''")))
                .collect::<Vec<_>>()
                .join(" ");
            let repl = Cli::new()
                .expect("cli")
                .scopes("write,delete")
                .stdin(&format!("{line}\n"))
                .run(&[])
                .await;
            let after = server.count();
            assert_eq!(
                before,
                after,
                "{} {extra:?} sent a request\none-shot: {}\nREPL: {}",
                op.label(),
                one_shot.all(),
                repl.all()
            );
            checked += 1;
        }
    }
    assert!(checked > 50, "{checked}");
}
