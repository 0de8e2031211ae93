//! Property tests over hostile input (proptest): command lines made of
//! methods, spec paths, flags with and without values, summary words, IDs,
//! the secret key itself, quotes and Unicode junk; arbitrary text for the
//! item parser and the spec digester. Properties: nothing panics; with no
//! terminal and no `--yes`, or with `--yes` and no scopes, the recording
//! server sees no write; no output holds the key.
//!
//! CI runs a bounded pass; run longer with
//! `PROPTEST_CASES=20000 cargo test --test integration fuzz -- --nocapture`.

use std::ffi::OsString;
use std::sync::{Arc, Mutex};

use clerk_backend_api::app::App;
use clerk_backend_api::command::{self, FLAGS, Options, Takes};
use clerk_backend_api::env::Env;
use clerk_backend_api::plan::items;
use clerk_backend_api::source::{SourceConfig, SpecStore};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use serde_json::json;
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, Respond, ResponseTemplate};

use crate::support::{self, Fake, KEY};

/// Cases per property unless `PROPTEST_CASES` says otherwise.
fn config(default: u32) -> Config {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default);
    Config {
        cases,
        failure_persistence: None,
        ..Config::default()
    }
}

/// One word of a hostile command line.
fn word(paths: Vec<String>, summary_words: Vec<String>) -> impl Strategy<Value = String> {
    let flags: Vec<String> = FLAGS
        .iter()
        .flat_map(|f| {
            let mut v = vec![f.long.to_string()];
            v.extend(f.short.map(|s| format!("-{s}")));
            if f.takes == Takes::Nothing {
                v.push(format!("{}=no", f.long));
                v.push(format!("{}=true", f.long));
            }
            v
        })
        // Consent itself (--yes, -y, --admin) is added by the property, not
        // drawn; its spellings with values stay in the draw.
        .filter(|f| !matches!(f.as_str(), "--yes" | "-y" | "--admin"))
        .collect();
    prop_oneof![
        3 => proptest::sample::select(paths),
        3 => proptest::sample::select(summary_words),
        2 => proptest::sample::select(flags),
        1 => proptest::sample::select(vec![
            "GET", "POST", "PATCH", "PUT", "DELETE", "help", "version", "2025-11-10",
            "user_2abc", "org_1", "sess_1", "a@b.co", "..", ".", "%2e%2e", "name=x",
            "a.b.c=1", "x:=[1]", "limit==5", "-d", "{\"a\":1}", "@/dev/zero", "'", "\"",
            "--", "them", "it", "the first one", KEY,
        ]
        .into_iter()
        .map(str::to_string)
        .collect::<Vec<_>>()),
        1 => "\\PC{0,12}",
    ]
}

/// A server that answers everything and keeps each request's method.
struct Record(Arc<Mutex<Vec<String>>>);

impl Respond for Record {
    fn respond(&self, request: &wiremock::Request) -> ResponseTemplate {
        if let Ok(mut seen) = self.0.lock() {
            seen.push(request.method.to_string());
        }
        ResponseTemplate::new(200)
            .set_body_json(json!([{"object": "user", "id": format!("user_{}", &KEY[8..])}]))
    }
}

#[test]
fn hostile_command_lines() {
    let Some(dir) = support::spec_dir() else {
        return;
    };
    let spec = support::spec("2026-05-12").expect("spec");
    let mut paths: Vec<String> = spec.operations.iter().map(|o| o.path.clone()).collect();
    paths.extend(
        spec.operations
            .iter()
            .map(|o| o.path.replace(['{', '}'], "")),
    );
    let summary_words: Vec<String> = spec
        .operations
        .iter()
        .flat_map(|o| o.summary.split_whitespace().map(str::to_lowercase))
        .collect();
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let seen = Arc::new(Mutex::new(Vec::new()));
    let server = rt.block_on(async {
        let s = MockServer::start().await;
        Mock::given(any())
            .respond_with(Record(seen.clone()))
            .mount(&s)
            .await;
        s
    });
    // The runner takes an `Fn`: the app and the counts live in cells.
    let mut app = App::new(
        SpecStore::new(SourceConfig::local(dir)),
        false,
        Env::default(),
    );
    app.journal_dir = Some(crate::support::journal_dir());
    let app = std::cell::RefCell::new(app);
    let line = (
        proptest::collection::vec(word(paths, summary_words), 0..10),
        proptest::bool::ANY,
    );
    let mut runner = TestRunner::new(config(10_000));
    let (runs, writes) = (std::cell::Cell::new(0usize), std::cell::Cell::new(0usize));
    runner
        .run(&line, |(words, yes)| {
            let before = seen.lock().unwrap().len();
            let mut args = words.clone();
            if yes {
                // --yes, but no scopes: still no write.
                args.push("--yes".into());
            }
            let mut app = app.borrow_mut();
            app.env = Env::new(std::env::temp_dir()).with("CLERK_SECRET_KEY", KEY);
            let defaults = Options {
                base_url: Some(server.uri()),
                ..Options::default()
            };
            let mut console = Fake {
                redactor: Some(clerk_backend_api::redact::Redactor::new(Some(KEY))),
                ..Fake::default()
            };
            let argv = args.iter().map(OsString::from);
            if let Ok(c) = command::parse_args(argv, &defaults) {
                rt.block_on(app.run(c, &mut console));
            }
            // The same words as a REPL line go through the same parser.
            let _ = command::parse_line(&words.join(" "), &defaults);
            runs.set(runs.get() + 1);
            let sent: Vec<String> = seen.lock().unwrap()[before..].to_vec();
            writes.set(writes.get() + sent.iter().filter(|m| *m != "GET").count());
            prop_assert!(sent.iter().all(|m| m == "GET"), "{args:?} sent {sent:?}");
            let shown = format!("{}{}", console.out, console.err);
            prop_assert!(
                !shown.contains(KEY) && !shown.contains(&KEY[8..]),
                "{args:?} showed the key:\n{shown}"
            );
            Ok(())
        })
        .unwrap();
    eprintln!(
        "fuzz: {} command lines, {} writes sent, 0 panics",
        runs.get(),
        writes.get()
    );
}

#[test]
fn items_and_specs_never_panic() {
    let mut runner = TestRunner::new(config(20_000));
    runner
        .run(&"\\PC{0,40}", |text| {
            let _ = items::parse_item(&text);
            Ok(())
        })
        .unwrap();
    // YAML-ish text built from the pieces specs are made of.
    let piece = prop_oneof![
        Just("openapi: 3.0.0\n".to_string()),
        Just("paths:\n".to_string()),
        Just("  /u:\n    get:\n      operationId: X\n".to_string()),
        Just("components: {schemas: {A: {$ref: '#/components/schemas/A'}}}\n".to_string()),
        Just("      responses: {'200': {content: {application/json: {schema: {$ref: '#/components/schemas/A'}}}}}\n".to_string()),
        Just("x: &a [1]\ny: *a\n".to_string()),
        Just("[[[[{{{{".to_string()),
        "\\PC{0,20}",
    ];
    let mut runner = TestRunner::new(config(2_000));
    runner
        .run(&proptest::collection::vec(piece, 0..12), |parts| {
            let text = parts.concat();
            if let Ok(spec) = clerk_backend_api::spec::digest(&text, "fuzz.yml") {
                for op in &spec.operations {
                    let _ = clerk_backend_api::render::detail::endpoint_json(&spec, op);
                }
            }
            Ok(())
        })
        .unwrap();
}
