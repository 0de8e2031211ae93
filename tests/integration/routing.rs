//! Measured routing: every line of `../shared/routing-examples.jsonl` (and
//! of our own `tests/routing_extra.jsonl`) goes through the command parser
//! and the router against the 2026-05-12 spec, as `--dry-run --output json`
//! would plan it. A line is right when the plan's final step is one of its
//! `ops` and each of its `values` appears in the planned requests. Accuracy
//! per kind is printed; at least 95% overall is required.

use crate::support as common;

use std::collections::BTreeMap;
use std::path::Path;

use clerk_backend_api::command::{self, Mode, Options};
use clerk_backend_api::intent::{Context, Router};
use clerk_backend_api::memory::Memory;
use clerk_backend_api::pipeline;
use clerk_backend_api::plan;
use clerk_backend_api::plan::check::check_plan;
use serde_json::Value;

/// A fixed moment, so time filters are reproducible.
const NOW: i64 = 1_750_248_000_000;

struct Outcome {
    kind: String,
    ok: bool,
    detail: String,
    /// The expected operation is the plan's or one of its alternatives (or
    /// of the candidates offered instead of a plan).
    top3: bool,
    /// The router did not commit: no plan, or a plan marked not confident.
    abstained: bool,
}

fn judge(router: &Router, line: &Value) -> Outcome {
    let q = line["q"].as_str().unwrap_or_default();
    let kind = line["kind"].as_str().unwrap_or("?").to_string();
    let fail = |detail: String| Outcome {
        kind: kind.clone(),
        ok: false,
        detail: format!("{q}\n      {detail}"),
        top3: false,
        abstained: true,
    };
    let text = match command::parse_line(q, &Options::default()) {
        Ok(c) => match c.mode {
            Mode::Phrase { text, .. } => text,
            other => return fail(format!("parsed as {other:?}, not a phrase")),
        },
        Err(e) => return fail(format!("parse error: {e}")),
    };
    let memory = Memory::default();
    let ctx = context(&memory, false);
    let routing = router.route(&text, &ctx);
    let ops: Vec<&str> = line["ops"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .collect();
    let offered: Vec<String> = routing
        .plan
        .iter()
        .flat_map(|p| p.alternatives.iter().take(2).cloned())
        .chain(
            routing
                .ties
                .iter()
                .take(3)
                .filter_map(|p| p.steps.last().map(|s| s.label())),
        )
        .collect();
    let Some(plan) = routing.plan else {
        let mut o = fail(format!(
            "no plan (answer: {:?}; suggestions: {:?})",
            routing.answer.map(|a| a.title),
            routing.suggestions
        ));
        o.top3 = offered.iter().any(|l| ops.contains(&l.as_str()));
        return o;
    };
    let last = plan.steps.last().map(|s| s.label()).unwrap_or_default();
    let top3 = ops.contains(&last.as_str()) || offered.iter().any(|l| ops.contains(&l.as_str()));
    let abstained = !routing.confident;
    let steps: String = plan.steps.iter().map(|s| s.to_json().to_string()).collect();
    let whole = serde_json::to_string(&plan).unwrap_or_default();
    let missing: Vec<&str> = line["values"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .filter(|v| !steps.contains(v) && !whole.contains(v))
        .collect();
    // A plan the last check before sending would refuse is no answer,
    // whatever literals it holds (`limit=15551234567`).
    if let Some(Err(why)) = latest().map(|spec| check_plan(spec, &plan)) {
        let mut o = fail(format!("got {last}, refused by the plan check: {why}"));
        o.top3 = top3;
        o.abstained = abstained;
        return o;
    }
    if !ops.contains(&last.as_str()) || !missing.is_empty() {
        let mut o = fail(format!(
            "got {last} (want {ops:?}){}; values missing {missing:?}\n      steps {steps}\n      why {:?}",
            if routing.confident { " CONFIDENT" } else { "" },
            routing.why
        ));
        o.top3 = top3;
        o.abstained = abstained;
        return o;
    }
    Outcome {
        kind,
        ok: true,
        detail: format!("{q}\n      why {:?}", routing.why),
        top3,
        abstained,
    }
}

/// Runs a JSONL file; returns overall accuracy after printing per kind.
fn measure(router: &Router, file: &Path) -> f64 {
    let text = std::fs::read_to_string(file).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
    let outcomes: Vec<Outcome> = text
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| judge(router, &serde_json::from_str(l).expect("each line is JSON")))
        .collect();
    let mut kinds: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    for o in &outcomes {
        let e = kinds.entry(o.kind.as_str()).or_default();
        e.1 += 1;
        if o.ok {
            e.0 += 1;
        } else {
            println!("  MISS {}", o.detail);
        }
    }
    let right = outcomes.iter().filter(|o| o.ok).count();
    for o in outcomes.iter().filter(|o| o.ok && o.abstained) {
        println!("  UNSURE {}", o.detail);
    }
    println!("{}:", file.display());
    for (kind, (ok, all)) in &kinds {
        println!(
            "  {kind:<11} {ok:>3}/{all:<3} {:5.1}%",
            100.0 * *ok as f64 / *all as f64
        );
    }
    let overall = right as f64 / outcomes.len() as f64;
    println!(
        "  {:<11} {right:>3}/{:<3} {:5.1}%",
        "overall",
        outcomes.len(),
        100.0 * overall
    );
    overall
}

/// The latest spec, digested once for every line a corpus judges.
fn latest() -> Option<&'static clerk_backend_api::spec::Spec> {
    static SPEC: std::sync::OnceLock<Option<clerk_backend_api::spec::Spec>> =
        std::sync::OnceLock::new();
    SPEC.get_or_init(|| common::spec("2026-05-12")).as_ref()
}

fn router() -> Option<Router> {
    let spec = common::spec("2026-05-12")?;
    Some(Router::new(&spec).expect("the grammar loads"))
}

fn context(memory: &Memory, repl: bool) -> Context<'_> {
    Context {
        now_ms: NOW,
        memory,
        repl,
    }
}

fn require_95(file: impl AsRef<Path>) {
    let Some(router) = router() else { return };
    let accuracy = measure(&router, file.as_ref());
    assert!(
        accuracy >= 0.95,
        "routing accuracy {:.1}% is below 95%",
        100.0 * accuracy
    );
}

#[test]
fn shared_routing_examples() {
    if let Some(dir) = common::spec_dir() {
        require_95(dir.join("../../routing-examples.jsonl"));
    }
}

#[test]
fn our_own_routing_examples() {
    require_95(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/routing_extra.jsonl"));
}

/// The six prompts of `../shared/seed/evals.json`: each gets an answer, a
/// plan or both, and together they say every point the eval expects (key
/// phrases per expectation, checked on the answer's text, the steps as
/// `--dry-run --output json` prints them, and the plan's notes).
#[test]
fn seed_evals_are_answered() {
    let (Some(spec), Some(dir)) = (common::spec("2026-05-12"), common::spec_dir()) else {
        return;
    };
    let router = Router::new(&spec).expect("the grammar loads");
    let evals: Value = serde_json::from_str(
        &std::fs::read_to_string(dir.join("../../seed/evals.json")).expect("evals.json"),
    )
    .expect("evals.json is JSON");
    let phrases: [&[&str]; 6] = [
        &[
            "GET",
            "\"/users\"",
            "created_at_after",
            "Authorization: Bearer",
            "CLERK_SECRET_KEY",
            "array",
            "limit",
            "offset",
        ],
        &[
            "POST",
            "\"/organizations\"",
            "Acme Corp",
            "/organizations/{organization_id}/invitations",
            "org:admin",
            "Both requests",
            "Authorization: Bearer $CLERK_SECRET_KEY",
            "\"pointer\":\"/id\"",
            "step 1's response",
        ],
        &[
            "PATCH",
            "/users/{user_id}",
            "\"public_metadata\":{\"plan\":\"pro\",\"onboarded\":true}",
            "public_metadata is read by the frontend and the backend",
            "private_metadata is read and written by the backend only",
            "unsafe_metadata is read and written by the frontend too",
            "CLERK_BAPI_SCOPES",
        ],
        &[
            "DELETE",
            "/users/{user_id}",
            "user_abc123",
            "IRREVERSIBLE",
            "confirm",
            "Authorization: Bearer $CLERK_SECRET_KEY",
            "sessions",
            "organization memberships",
            "associated data",
        ],
        &[
            "REPLACES",
            "not merge",
            "getUser(userId)",
            "{ ...user.publicMetadata, plan: 'pro' }",
            "updateUser(userId",
            "`publicMetadata`, `privateMetadata` and `unsafeMetadata` equally",
        ],
        &[
            "100 requests per 10 seconds",
            "1,000 requests per 10 seconds",
            "batch",
            "reduce call frequency",
            "currentUser()",
            "auth()",
        ],
    ];
    let memory = Memory::default();
    let ctx = context(&memory, false);
    let mut failures = Vec::new();
    for (eval, want) in evals["evals"]
        .as_array()
        .expect("evals")
        .iter()
        .zip(phrases)
    {
        let prompt = eval["prompt"].as_str().unwrap_or_default();
        let Ok(Mode::Phrase { text, .. }) =
            command::parse_line(prompt, &Options::default()).map(|c| c.mode)
        else {
            failures.push(format!("{prompt}: not a phrase"));
            continue;
        };
        let r = router.route(&text, &ctx);
        let mut said = String::new();
        if let Some(a) = &r.answer {
            said.push_str(&format!("{}\n{}\n", a.title, a.body));
        }
        if let Some(p) = &r.plan {
            for s in &p.steps {
                said.push_str(&s.to_json().to_string());
            }
            said.push_str(&p.notes.join("\n"));
            // The dry run prints the pipeline's warnings with the plan.
            for w in pipeline::warnings::for_plan(&spec, p) {
                said.push_str(&w.text);
                said.push('\n');
            }
        }
        let missing: Vec<&&str> = want.iter().filter(|w| !said.contains(**w)).collect();
        if said.is_empty() || !missing.is_empty() {
            failures.push(format!("{prompt}\n    missing {missing:?}\n    got {said}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// The binary, with the real specs and a throwaway cache.
fn binary(args: &[&str], stdin: &str) -> Option<(String, String, i32)> {
    let dir = common::spec_dir()?;
    let cache = tempfile::tempdir().expect("temp dir");
    let out = assert_cmd::Command::cargo_bin("clerk-backend-api")
        .expect("binary")
        .args(args)
        .env("CLERK_BACKEND_API_SPECS_DIR", dir)
        .env("XDG_CACHE_HOME", cache.path())
        .env("HOME", cache.path())
        .env_remove("CLERK_SECRET_KEY")
        .write_stdin(stdin)
        .output()
        .expect("runs");
    let text = |b: &[u8]| String::from_utf8_lossy(b).to_string();
    Some((
        text(&out.stdout),
        text(&out.stderr),
        out.status.code().unwrap_or(-1),
    ))
}

#[test]
fn help_after_a_request_explains_the_routing() {
    let Some((out, _, code)) = binary(&["get", "user", "john_doe", "help"], "") else {
        return;
    };
    assert_eq!(code, 0);
    assert!(out.contains("resolves to"), "{out}");
    assert!(out.contains("fast path `get-user`"), "{out}");
    assert!(out.contains("Look up the user john_doe"), "{out}");
    assert!(
        out.contains("Retrieve a user"),
        "the endpoint detail follows: {out}"
    );
}

#[test]
fn questions_are_answered_and_nothing_matched_suggests() {
    let Some((out, _, code)) = binary(&["what", "are", "the", "rate", "limits?"], "") else {
        return;
    };
    assert_eq!(code, 0);
    assert!(out.contains("1,000 requests per 10 seconds"), "{out}");
    let (out, _, code) = binary(
        &["--output", "json", "which metadata type should I use?"],
        "",
    )
    .unwrap();
    assert_eq!(code, 0);
    let json: Value = serde_json::from_str(&out).expect("JSON on stdout");
    assert_eq!(json["mode"], "answer");
    let (out, _, code) = binary(&["xyzzy", "frobnicate"], "").unwrap();
    assert_eq!(code, 1);
    assert!(out.contains("Nothing in spec"), "{out}");
}

#[test]
fn sdk_code_for_fast_paths_only() {
    let Some((out, _, code)) = binary(
        &["--sdk", "create org Acme then invite a@b.co as admin"],
        "",
    ) else {
        return;
    };
    assert_eq!(code, 0);
    assert!(
        out.contains("clerkClient.organizations.createOrganization({ name: 'Acme' })"),
        "{out}"
    );
    assert!(out.contains("organizationId: org.id"), "{out}");
    assert!(out.contains("snake_case"), "{out}");
    let (_, err, code) = binary(&["--sdk", "ban", "user_2abc"], "").unwrap();
    assert_eq!(code, 2);
    assert!(err.contains("--curl"), "{err}");
}

#[test]
fn repl_offers_near_ties_as_numbered_choices() {
    let Some((out, _, code)) = binary(&[], "show settings\n") else {
        return;
    };
    assert_eq!(code, 0);
    assert!(out.contains("Several requests match"), "{out}");
    assert!(out.contains("1  GET /instance"), "{out}");
    // One-shot makes the same decision: not confident, a read, so it runs
    // (here without a key: the key error, not a pick list).
    let (_, err, _) = binary(&["show", "settings"], "").unwrap();
    assert!(!err.contains("Several requests"), "{err}");
    // A tag name still browses first.
    let (out, _, _) = binary(&["Users"], "").unwrap();
    assert!(out.contains("endpoints (spec"), "{out}");
}

/// Whether an operation destroys or cuts off something: a DELETE, or a
/// POST whose last path segment is one of the spec's destructive actions.
fn destructive(label: &str) -> bool {
    let last = label.rsplit('/').next().unwrap_or("");
    label.starts_with("DELETE ")
        || matches!(
            last,
            "ban" | "lock" | "revoke" | "set_compromised" | "rotate" | "reject" | "remove"
        )
        || last.starts_with("remove_")
        || label.ends_with("/revoke_token")
}

/// The field corpus (`tests/routing_field.jsonl`, phrasings adapted from
/// real issues, docs and code, split into `tune` and `holdout` before any
/// tuning): top-1 per split and kind, plans that chose a destructive
/// operation nobody asked for, and unwanted writes. The holdout half is the
/// honest predictor; nothing is tuned on it.
#[test]
fn field_corpus() {
    let Some(router) = router() else { return };
    let file = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/routing_field.jsonl");
    let text = std::fs::read_to_string(&file).expect("the field corpus");
    let mut by: BTreeMap<(String, String), (usize, usize)> = BTreeMap::new();
    let (mut wrong_destructive, mut wrong_write, mut lines) = (0, 0, 0);
    // Per split: (lines, top-3 hits, abstentions, confident and wrong).
    let mut rates: BTreeMap<String, (usize, usize, usize, usize)> = BTreeMap::new();
    let mut holdout = (0, 0);
    for l in text.lines().filter(|l| !l.trim().is_empty()) {
        let line: Value = serde_json::from_str(l).expect("JSON");
        let split = line["split"].as_str().unwrap_or("?").to_string();
        let outcome = judge(&router, &line);
        lines += 1;
        let e = by.entry((split.clone(), outcome.kind.clone())).or_default();
        e.1 += 1;
        if outcome.ok {
            e.0 += 1;
        }
        let rate = rates.entry(split.clone()).or_default();
        rate.0 += 1;
        rate.1 += usize::from(outcome.top3);
        rate.2 += usize::from(outcome.abstained);
        rate.3 += usize::from(!outcome.ok && !outcome.abstained);
        if split == "holdout" {
            holdout.1 += 1;
            holdout.0 += usize::from(outcome.ok);
        }
        if outcome.ok {
            continue;
        }
        let ops: Vec<&str> = line["ops"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .collect();
        let q = line["q"].as_str().unwrap_or_default();
        let planned = planned_ops(&router, q);
        let unasked = |p: &&String| !ops.contains(&p.as_str());
        if planned.iter().filter(unasked).any(|p| destructive(p)) {
            wrong_destructive += 1;
            println!("  WRONG-DESTRUCTIVE [{split}] {q} -> {planned:?} (want {ops:?})");
        } else if planned
            .iter()
            .filter(unasked)
            .any(|p| !p.starts_with("GET "))
            && ops.iter().all(|o| o.starts_with("GET "))
        {
            wrong_write += 1;
        }
        println!("  MISS [{split}] {}", outcome.detail);
    }
    for ((split, kind), (ok, all)) in &by {
        println!("  {split:<8} {kind:<12} {ok:>3}/{all:<3}");
    }
    for split in ["tune", "holdout"] {
        let (ok, all) = by
            .iter()
            .filter(|((s, _), _)| s == split)
            .fold((0, 0), |a, (_, (o, n))| (a.0 + o, a.1 + n));
        println!(
            "  {split:<8} overall {ok}/{all} {:.1}%",
            100.0 * ok as f64 / all.max(1) as f64
        );
    }
    for (split, (n, top3, abstained, confident_wrong)) in &rates {
        let pct = |k: &usize| 100.0 * *k as f64 / (*n).max(1) as f64;
        println!(
            "  {split:<8} top-3 {:.1}%; abstained {:.1}%; confident and wrong {:.1}%",
            pct(top3),
            pct(abstained),
            pct(confident_wrong)
        );
    }
    println!(
        "  {lines} lines; wrong-destructive {wrong_destructive}; unwanted writes {wrong_write}"
    );
    assert_eq!(
        wrong_destructive, 0,
        "a destructive operation nobody asked for was planned"
    );
    let _ = holdout;
}

/// The last step of the plan for `q` (one-shot, no conversation); the
/// request must plan.
fn last_step(router: &Router, q: &str) -> plan::Step {
    let memory = Memory::default();
    let routing = router.route(q, &context(&memory, false));
    let plan = routing.plan.unwrap_or_else(|| panic!("{q}: no plan"));
    plan.steps.last().cloned().expect("a step")
}

/// `METHOD /path` of every step the router plans for `q`.
fn planned_ops(router: &Router, q: &str) -> Vec<String> {
    let memory = Memory::default();
    let ctx = context(&memory, false);
    let text = match command::parse_line(q, &Options::default()).map(|c| c.mode) {
        Ok(Mode::Phrase { text, .. }) => text,
        _ => return Vec::new(),
    };
    router
        .route(&text, &ctx)
        .plan
        .map(|p| p.steps.iter().map(|s| s.label()).collect())
        .unwrap_or_default()
}

/// The help screen's plain-English examples, and requests the REPL once
/// offered a pick list for while one-shot ran them, are confident: the
/// REPL and one-shot decide the same, and these need no pick.
#[test]
fn help_examples_never_need_a_pick() {
    let Some(router) = router() else { return };
    let help =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("src/render/help.txt"))
            .expect("help.txt");
    let mut examples: Vec<String> = help
        .lines()
        .skip_while(|l| !l.starts_with("Plain English"))
        .skip(1)
        .take_while(|l| l.starts_with("  "))
        .filter_map(|l| l.trim().split("  ").next())
        .flat_map(|e| e.split(" / ").map(str::to_string).collect::<Vec<_>>())
        .filter(|e| !e.ends_with('?'))
        .collect();
    assert!(examples.len() >= 6, "{examples:?}");
    for more in [
        "list organizations",
        "list domains",
        "lsit orgs",
        "revoke session sess_123",
    ] {
        examples.push(more.to_string());
    }
    let memory = Memory::default();
    let ctx = context(&memory, true);
    for e in &examples {
        let r = router.route(e, &ctx);
        assert!(
            r.plan.is_some() && r.confident && r.ties.is_empty(),
            "{e}: {:?}",
            r.why
        );
    }
}

/// A router loaded from the disk cache routes exactly as a fresh build:
/// the field corpus gets the same plans both ways.
#[test]
fn the_cached_router_routes_like_a_fresh_one() {
    let Some(spec) = common::spec("2026-05-12") else {
        return;
    };
    let dir = tempfile::tempdir().expect("temp dir");
    let fresh = Router::new(&spec).expect("the grammar loads");
    // What an older grammar or program left behind is removed on a build.
    let router = dir.path().join("router");
    std::fs::create_dir_all(&router).expect("router dir");
    let stale = router.join(format!("{}-0000.bin", spec.version));
    let other = router.join("2025-11-10-0000.bin");
    std::fs::write(&stale, b"old").expect("stale build");
    std::fs::write(&other, b"other version").expect("other build");
    Router::load(&spec, Some(dir.path())).expect("builds and writes");
    assert!(!stale.exists() && other.exists());
    std::fs::remove_file(&other).expect("removed");
    let cached = Router::load(&spec, Some(dir.path())).expect("reads");
    assert!(
        std::fs::read_dir(dir.path().join("router")).is_ok_and(|d| d.count() == 1),
        "one cache file"
    );
    let text = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/routing_field.jsonl"),
    )
    .expect("the field corpus");
    let memory = Memory::default();
    let ctx = context(&memory, false);
    for l in text.lines().filter(|l| !l.trim().is_empty()) {
        let q: Value = serde_json::from_str(l).expect("JSON");
        let q = q["q"].as_str().unwrap_or_default();
        let (a, b) = (fresh.route(q, &ctx), cached.route(q, &ctx));
        assert_eq!(a.plan, b.plan, "{q}");
        assert_eq!(a.confident, b.confident, "{q}");
    }
}

/// A how-to question is answered with what to call and never planned: for
/// every operation of the latest spec, "how do I <its summary>?" (and two
/// other ways of asking) gets an answer naming a call and no plan.
#[test]
fn how_to_questions_are_answered_never_planned() {
    let Some(spec) = common::spec("2026-05-12") else {
        return;
    };
    let router = Router::new(&spec).expect("the grammar loads");
    let memory = Memory::default();
    let ctx = context(&memory, false);
    let mut named = 0;
    let mut direct = 0;
    for op in &spec.operations {
        let task = op.summary.trim_end_matches('.').to_lowercase();
        let label = format!("{} {}", op.method, op.path);
        let plain = router.route(&task, &ctx);
        let reaches = plain.op.as_deref() == Some(label.as_str())
            || plain
                .ties
                .iter()
                .any(|p| p.steps.last().is_some_and(|s| s.label() == label))
            || plain.suggestions.contains(&label);
        direct += 3 * usize::from(reaches);
        for q in [
            format!("how do I {task}?"),
            format!("is there a way to {task}"),
            format!("which endpoint should I call to {task}"),
        ] {
            let out = router.route(&q, &ctx);
            assert!(out.plan.is_none(), "{q}: planned {:?}", out.op);
            let answer = out.answer.unwrap_or_else(|| panic!("{q}: no answer"));
            named += usize::from(answer.body.contains(&label));
        }
    }
    // Asking how names the operation about as often as asking for it
    // reaches it (the question words take nothing away).
    let asked = spec.operations.len() * 3;
    eprintln!(
        "how-to answers naming their call: {named} of {asked}; the plain request reaches it: {direct}"
    );
    assert!(
        named * 100 >= direct * 95,
        "{named} of {asked} answers name their call, the plain request reaches {direct}"
    );
    // Through the binary: answered, nothing sent, exit 0.
    let (out, _, code) = binary(&["how do I ban user_2abc?"], "").unwrap();
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("POST /users/{user_id}/ban"), "{out}");
    assert!(out.contains("/clerk-backend-api ban user_2abc"), "{out}");
}

/// A reference means the newest object of a type the action takes, never
/// an object of another type: "delete it" after a JWT template is that
/// template (or a question), never the last user.
#[test]
fn references_keep_their_object_type() {
    let Some(router) = router() else { return };
    let mut memory = Memory::default();
    memory.remember("user", "user_2mem");
    memory.remember("organization", "org_2mem");
    memory.remember("jwt_template", "jtmp_2mem");
    let ctx = context(&memory, true);
    let labels = |q: &str| -> Vec<(String, String)> {
        let out = router.route(q, &ctx);
        out.plan
            .iter()
            .chain(&out.ties)
            .filter_map(|p| p.steps.last())
            .map(|s| (s.label(), serde_json::to_string(&s.path_params).unwrap()))
            .collect()
    };
    for q in ["now delete it", "delete that", "remove it"] {
        let got = labels(q);
        assert!(
            got.iter().all(|(l, params)| !params.contains("user_2mem")
                && !params.contains("org_2mem")
                && !l.starts_with("DELETE /users/{user_id}")),
            "{q}: {got:?}"
        );
        assert!(
            got.iter().any(|(l, p)| l == "DELETE /jwt_templates/{template_id}" && p.contains("jtmp_2mem")),
            "{q}: {got:?}"
        );
    }
    // Naming the type reaches older objects of that type.
    let got = labels("delete that org");
    assert_eq!(
        got[0].0, "DELETE /organizations/{organization_id}",
        "{got:?}"
    );
    assert!(got[0].1.contains("org_2mem"), "{got:?}");
    let got = labels("ban them");
    assert!(got[0].1.contains("user_2mem"), "{got:?}");
    // "The first one" reads the rows of the last list shown.
    let mut listed = memory.clone();
    listed.observe_rows(&serde_json::json!([
        {"object": "jwt_template", "id": "jtmp_first"},
        {"object": "jwt_template", "id": "jtmp_second"},
        {"object": "jwt_template", "id": "jtmp_last"}
    ]));
    let lctx = context(&listed, true);
    for (q, id) in [
        ("delete the first one", "jtmp_first"),
        ("now delete the second one", "jtmp_second"),
        ("remove the last one", "jtmp_last"),
    ] {
        let out = router.route(q, &lctx);
        let plans: Vec<_> = out.plan.iter().chain(&out.ties).collect();
        assert!(
            plans.iter().all(|p| p
                .steps
                .iter()
                .all(|s| !s.label().starts_with("DELETE /users"))),
            "{q}: {:?}",
            out.op
        );
        assert!(
            plans.iter().any(|p| p
                .steps
                .last()
                .is_some_and(|s| s.label() == "DELETE /jwt_templates/{template_id}"
                    && s.path_param("template_id") == Some(&serde_json::json!(id)))),
            "{q}: {:?} {:?}",
            out.op,
            out.why
        );
    }
    // A row of another type never fills a user.
    let out = router.route("ban the first one", &lctx);
    assert!(
        out.plan
            .iter()
            .chain(&out.ties)
            .all(|p| p.steps.iter().all(|s| s.path_param("user_id").is_none())),
        "{:?}",
        out.op
    );
    // "Their sessions": that user's, through the list's filter.
    for q in ["show their sessions", "list sessions of that user"] {
        let p = router
            .route(q, &ctx)
            .plan
            .unwrap_or_else(|| panic!("{q}: no plan"));
        let s = p.steps.last().unwrap();
        assert_eq!(s.label(), "GET /sessions", "{q}");
        assert!(
            s.query
                .iter()
                .any(|(k, v)| k == "user_id" && v == "user_2mem"),
            "{q}: {:?}",
            s.query
        );
    }
}

/// A flag is named by what it is about ("a satellite domain" sets
/// `is_satellite`), and takes only true or false, never the domain.
#[test]
fn flags_are_named_by_what_they_are_about() {
    let Some(router) = router() else { return };
    let memory = Memory::default();
    let ctx = context(&memory, false);
    let plan = router
        .route("add satellite domain shop.example.com", &ctx)
        .plan
        .expect("a plan");
    let s = plan.steps.last().unwrap();
    assert_eq!(s.label(), "POST /domains");
    assert_eq!(
        s.body,
        Some(serde_json::json!({"is_satellite": true, "name": "shop.example.com"}))
    );
}

/// A value the operation's own word names ("password" of verify_password,
/// "token" of revoke_token) fills that field when it is shaped like no
/// English word; a token with capitals inside keeps its case (not a
/// domain); a URL of any scheme is a URL.
#[test]
fn values_after_the_operations_own_word_fill_it() {
    let Some(router) = router() else { return };
    let last = |q: &str| last_step(&router, q);
    let s = last("verify the password hunter2-Blue for user_2abc");
    assert_eq!(s.label(), "POST /users/{user_id}/verify_password");
    assert_eq!(
        s.body,
        Some(serde_json::json!({"password": "hunter2-Blue"}))
    );
    let s = last("revoke token tok_leaked_91x of oauth app oa_2abc");
    assert_eq!(
        s.label(),
        "POST /oauth_applications/{oauth_application_id}/revoke_token"
    );
    assert_eq!(s.body, Some(serde_json::json!({"token": "tok_leaked_91x"})));
    let s = last("verify client token eyJhbGciOiJSUzI1NiJ9.abc");
    assert_eq!(
        s.body,
        Some(serde_json::json!({"token": "eyJhbGciOiJSUzI1NiJ9.abc"}))
    );
    let s = last("add redirect url myapp://oauth-callback");
    assert_eq!(s.label(), "POST /redirect_urls");
    assert_eq!(
        s.body,
        Some(serde_json::json!({"url": "myapp://oauth-callback"}))
    );
    // A plain word after the operation's own word is no value.
    let s = last("verify the password of user_2abc");
    assert!(
        s.body.as_ref().is_none_or(|b| b.get("password").is_none()),
        "{s:?}"
    );
}

/// Values the request already holds fill their fields: an ID of a prefix
/// the grammar does not know (`oa_`), a duration into a date ("by 7 days"
/// from now), a flag negated by a prefix or a phrase ("non-satellite",
/// "not a satellite"), a provider in the spec's spelling; a snake_case word
/// after "user" stays a username.
#[test]
fn values_the_request_holds_fill_their_fields() {
    let Some(router) = router() else { return };
    let memory = Memory::default();
    let ctx = context(&memory, false);
    let last = |q: &str| last_step(&router, q);
    // A known prefix with a placeholder tail, as docs write IDs.
    let s = last("get organization org_xxxx");
    assert_eq!(s.label(), "GET /organizations/{organization_id}");
    assert_eq!(s.path_params[0].1, "org_xxxx");
    let s = last("get oauth application oa_2abc");
    assert_eq!(s.label(), "GET /oauth_applications/{oauth_application_id}");
    assert_eq!(s.path_params[0].1, "oa_2abc");
    let plan = router.route("get user bob_2000", &ctx).plan.unwrap();
    assert!(
        plan.steps[0]
            .query
            .contains(&("username".into(), serde_json::json!(["bob_2000"]))),
        "{plan:?}"
    );
    let s = last("extend free trial of subscription item csi_2abc by 7 days");
    let week = jiff::Timestamp::from_millisecond(NOW + 7 * 86_400_000).unwrap();
    let want = week.strftime("%Y-%m-%dT%H:%M:%SZ").to_string();
    assert_eq!(s.body, Some(serde_json::json!({ "extend_to": want })));
    for (q, satellite) in [
        ("create a non-satellite domain shop.example.com", false),
        ("add domain shop.example.com that is not a satellite", false),
        ("create a satellite domain shop.example.com", true),
    ] {
        let s = last(q);
        assert_eq!(s.label(), "POST /domains", "{q}");
        assert_eq!(s.body.as_ref().unwrap()["is_satellite"], satellite, "{q}");
    }
    // Words in the form the field takes: the allowed value a word ends,
    // the prefix a field's values carry (grammar/fields.txt).
    let s = last("create a saml connection named Corp with provider okta for domain corp.io");
    assert_eq!(s.body.as_ref().unwrap()["provider"], "saml_okta");
    let s = last("fetch the github oauth access token of user_2abc");
    assert_eq!(s.path_params[1].1, "oauth_github", "{s:?}");
}

/// A request that quantifies an action ("every", a local test, a time)
/// plans the list, then the action once per item; reads and named targets
/// do not fan out, and the collection must be the one the request names.
#[test]
fn quantified_requests_act_on_every_item_of_a_list() {
    let Some(router) = router() else { return };
    let memory = Memory::default();
    let ctx = context(&memory, false);
    let labels = |q: &str| -> (Vec<String>, Option<plan::each::Each>) {
        let plan = router.route(q, &ctx).plan.unwrap_or_else(|| panic!("{q}"));
        let each = plan.steps.last().and_then(|s| s.each.clone());
        (plan.steps.iter().map(|s| s.label()).collect(), each)
    };
    let (ops, each) = labels("delete test users created today whose email ends with @spam.test");
    assert_eq!(ops, ["GET /users", "DELETE /users/{user_id}"]);
    let Some(plan::each::Each {
        targets: plan::each::Targets::Items { filters, .. },
        ..
    }) = each
    else {
        panic!("no fan-out")
    };
    assert_eq!(filters.len(), 1);
    assert_eq!(filters[0].describe(), "email ends with @spam.test");
    let (ops, each) = labels("revoke all sessions of user_2abc");
    assert_eq!(ops, ["GET /sessions", "POST /sessions/{session_id}/revoke"]);
    assert!(each.is_some());
    let plan = router
        .route("revoke all sessions of user_2abc", &ctx)
        .plan
        .unwrap();
    assert!(
        plan.steps[0]
            .query
            .contains(&("user_id".into(), "user_2abc".into()))
    );
    for q in [
        "list all users",
        "show all sessions of user_2abc",
        "list users created today",
        "ban user_2abc",
        "revoke session sess_2abc",
    ] {
        let (_, each) = labels(q);
        assert!(each.is_none(), "{q} fanned out");
    }
}

/// A write whose target would be a plain English word the request does not
/// mark as a name ("set sign up mode" → directory `sign`) is never picked:
/// the candidates are offered with that parameter still to give. A word
/// marked as a name ("called hasura", "the supabase template") still plans.
#[test]
fn a_write_never_guesses_its_target_from_a_plain_word() {
    let Some(router) = router() else { return };
    let memory = Memory::default();
    let ctx = context(&memory, false);
    for q in [
        "set sign up mode to waitlist",
        "turn off the waitlist",
        "update directory settings",
        "rename role set to admins",
        "enable the feature for everyone",
    ] {
        let routing = router.route(q, &ctx);
        let words: Vec<&str> = q.split(' ').collect();
        let plans = routing.plan.iter().chain(&routing.ties);
        for step in plans.flat_map(|p| &p.steps) {
            let guessed = step
                .path_params
                .iter()
                .any(|(_, v)| v.as_str().is_some_and(|v| words.contains(&v)));
            assert!(
                !(step.method.is_write() && guessed),
                "{q}: a write aimed at a word of the request: {step:?}"
            );
        }
    }
    for q in ["set sign up mode to waitlist", "turn off the waitlist"] {
        assert!(router.route(q, &ctx).plan.is_none(), "{q}");
    }
    for (q, name) in [
        (
            "create a session token from the supabase template for sess_2abc",
            "supabase",
        ),
        (
            "mint a token with template called hasura for sess_2abc",
            "hasura",
        ),
    ] {
        let s = last_step(&router, q);
        assert_eq!(
            s.label(),
            "POST /sessions/{session_id}/tokens/{template_name}",
            "{q}"
        );
        assert!(s.path_params.iter().any(|(_, v)| v == name), "{q}: {s:?}");
    }
}

/// How many values a request gives never decides which operation it
/// means: one to seven emails for the allowlist stay allowlist entries
/// (never the bulk invitation, which emails people), and several user IDs
/// to ban take the bulk ban where the spec has one.
#[test]
fn the_count_of_targets_never_changes_the_operation() {
    let Some(router) = router() else { return };
    let emails = [
        "a@x.io", "b@x.io", "c@x.io", "d@x.io", "e@x.io", "f@x.io", "g@x.io",
    ];
    for n in 1..=emails.len() {
        let list = match &emails[..n] {
            [one] => one.to_string(),
            [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
            [] => unreachable!(),
        };
        for q in [
            format!("add {list} to the allowlist"),
            format!("add {list} to the blocklist"),
        ] {
            let ops = planned_ops(&router, &q);
            let want = if q.contains("allow") {
                "POST /allowlist_identifiers"
            } else {
                "POST /blocklist_identifiers"
            };
            assert_eq!(ops.len(), n, "{q}: {ops:?}");
            assert!(ops.iter().all(|o| o == want), "{q}: {ops:?}");
        }
    }
    // A noun for the action and several values: never the bulk invitation.
    let ops = planned_ops(&router, "blocklist spam1@x.io and spam2@x.io");
    assert!(ops.iter().all(|o| !o.contains("invitations")), "{ops:?}");
    let ops = planned_ops(&router, "ban user_2abc, user_3def and user_4ghi");
    assert_eq!(ops, ["POST /users/ban"]);
}

/// Several URLs or domains for one slot are one request each; of a change
/// "from" one value "to" another, the new one fills the slot and the old
/// one is never a second request.
#[test]
fn a_change_from_one_value_to_another_is_one_request() {
    let Some(router) = router() else { return };
    let ops = planned_ops(
        &router,
        "add redirect urls myapp://oauth-callback and https://my-app.com/cb",
    );
    assert_eq!(ops, ["POST /redirect_urls", "POST /redirect_urls"]);
    for q in [
        "change the instance domain from a-corp.com to b-corp.com",
        "move the production instance to b-corp.com from a-corp.com",
    ] {
        let memory = Memory::default();
        let plan = router
            .route(q, &context(&memory, false))
            .plan
            .unwrap_or_else(|| panic!("{q}: no plan"));
        assert_eq!(plan.steps.len(), 1, "{q}: {:?}", plan.steps);
        let body = plan.steps[0].body.as_ref().expect("a body").to_string();
        assert!(body.contains("b-corp.com"), "{q}: {body}");
        assert!(!body.contains("a-corp.com"), "{q}: {body}");
    }
}

/// Verifying or confirming a code attempts the verification (`akin.verify`
/// of words.txt): the op's own verb, `attempt`, is rarely what people say;
/// sending or texting one prepares it.
#[test]
fn confirming_a_code_attempts_the_verification() {
    let Some(router) = router() else { return };
    for (q, want) in [
        (
            "text a verification code to phone idn_2abc",
            "POST /phone_numbers/{phone_number_id}/prepare_verification",
        ),
        (
            "send a code to email idn_2abc",
            "POST /email_addresses/{email_address_id}/prepare_verification",
        ),
        (
            "confirm the code 112233 for phone idn_2abc",
            "POST /phone_numbers/{phone_number_id}/attempt_verification",
        ),
        (
            "verify code 445566 on email address idn_2abc",
            "POST /email_addresses/{email_address_id}/attempt_verification",
        ),
    ] {
        let s = last_step(&router, q);
        assert_eq!(s.label(), want, "{q}");
    }
}

/// An action said first as a verb creates what it names ("invite X" is a
/// new invitation); its noun alone never writes ("invitations for org_1").
#[test]
fn an_action_said_as_the_first_verb_creates_what_it_names() {
    let Some(router) = router() else { return };
    assert_eq!(
        planned_ops(&router, "invite jane@x.io"),
        ["POST /invitations"]
    );
    for q in [
        "invitations for org_2abc",
        "invites pending for org_2abc",
        "pending invitations",
    ] {
        let ops = planned_ops(&router, q);
        assert!(ops.iter().all(|o| o.starts_with("GET ")), "{q}: {ops:?}");
    }
}

/// How long ago, said any common way, filters the list by the timestamp
/// the words name; a duration never becomes a past fact of a write
/// ("users inactive for 30 days" once planned `POST /users` with a
/// `created_at` 30 days ahead).
#[test]
fn inactivity_and_age_filter_the_user_list() {
    let Some(router) = router() else { return };
    for (q, param) in [
        ("users inactive for 30 days", "last_active_at_before"),
        (
            "which users haven't signed in for 90 days",
            "last_sign_in_at_before",
        ),
        (
            "users that last signed in more than 90 days ago",
            "last_sign_in_at_before",
        ),
        ("users created more than 2 years ago", "created_at_before"),
    ] {
        let s = last_step(&router, q);
        assert_eq!(s.label(), "GET /users", "{q}");
        assert!(
            s.query.iter().any(|(n, _)| n == param),
            "{q}: {:?}",
            s.query
        );
    }
}

/// A value cue with a link word before the value still cues it ("whose
/// slug is acme-inc" names the organization by its slug).
#[test]
fn a_cue_and_a_link_word_introduce_a_value() {
    let Some(router) = router() else { return };
    for q in [
        "find the org whose slug is acme-inc",
        "get the org with slug acme-inc",
    ] {
        let s = last_step(&router, q);
        assert_eq!(s.label(), "GET /organizations/{organization_id}", "{q}");
        let slug = s.path_params.iter().find(|(n, _)| n == "organization_id");
        assert_eq!(slug.and_then(|(_, v)| v.as_str()), Some("acme-inc"), "{q}");
    }
}

/// A test the request states on a list it only reads becomes the list's
/// partial-match `query` (grammar/fields.txt `search`), and so does an
/// email's domain given alone.
#[test]
fn a_stated_test_on_a_read_is_the_lists_query() {
    let Some(router) = router() else { return };
    for (q, op, text) in [
        (
            "list people whose username starts with qa_",
            "GET /users",
            "qa_",
        ),
        (
            "show organizations whose name contains globex",
            "GET /organizations",
            "globex",
        ),
        (
            "which users have a @initech.com email",
            "GET /users",
            "@initech.com",
        ),
    ] {
        let s = last_step(&router, q);
        assert_eq!(s.label(), op, "{q}");
        assert!(
            s.query.contains(&("query".into(), serde_json::json!(text))),
            "{q}: {s:?}"
        );
    }
}

/// A request that says no action reads: a noun and an ID ("sesions for
/// user_…", typo included) never plan a write.
#[test]
fn a_request_with_no_action_reads() {
    let Some(router) = router() else { return };
    let memory = Memory::default();
    let ctx = context(&memory, false);
    for q in [
        "sesions for user_2abc",
        "user_2abc organization memberships",
        "org_2abc invitations",
        "oauth apps",
    ] {
        let routing = router.route(q, &ctx);
        let plans = routing.plan.iter().chain(&routing.ties).take(1);
        for p in plans {
            assert!(!p.writes(), "{q}: {:?}", p.steps);
        }
    }
}

/// Steps said in order are planned in order, and a later step's "them" or
/// "it" is a link to what the earlier step creates (its `/id`, filled when
/// the plan runs), never an object of another type.
#[test]
fn steps_said_in_order_link_what_the_first_creates() {
    let Some(router) = router() else { return };
    let memory = Memory::default();
    let ctx = context(&memory, false);
    let routing = router.route(
        "create a user for lee@initech.com and then add them to org_2abc as org:admin",
        &ctx,
    );
    let plan = routing.plan.expect("a plan");
    let labels: Vec<String> = plan.steps.iter().map(|s| s.label()).collect();
    assert_eq!(
        labels,
        [
            "POST /users",
            "POST /organizations/{organization_id}/memberships"
        ],
        "{:?}",
        routing.why
    );
    let link = &plan.steps[1].links[0];
    assert_eq!((link.step, link.pointer.as_str()), (0, "/id"));
    assert_eq!(link.slot, plan::Slot::Body("/user_id".into()));
}

/// A later step's bare "it" means what the earlier step creates, and its
/// words count as said: "add org:auditor to it" after a role set adds a
/// role to that set, "invite her" after a waitlist entry invites the entry
/// (a person with no user yet), each linked to the created `/id`.
#[test]
fn a_later_steps_reference_is_what_the_earlier_one_creates() {
    let Some(router) = router() else { return };
    for (q, want, slot) in [
        (
            "create role set enterprise-tier and then add org:auditor to it",
            "POST /role_sets/{role_set_key_or_id}/roles",
            "role_set_key_or_id",
        ),
        (
            "add lena@foundry.ai to the waitlist and then invite her",
            "POST /waitlist_entries/{waitlist_entry_id}/invite",
            "waitlist_entry_id",
        ),
        (
            "create a jwt template named short and then delete it",
            "DELETE /jwt_templates/{template_id}",
            "template_id",
        ),
    ] {
        let memory = Memory::default();
        let routing = router.route(q, &context(&memory, false));
        let plan = routing.plan.expect(q);
        assert_eq!(plan.steps.len(), 2, "{q}: {:?}", routing.why);
        let last = &plan.steps[1];
        assert_eq!(last.label(), want, "{q}: {:?}", routing.why);
        assert_eq!(last.links[0].slot, plan::Slot::Path(slot.into()), "{q}");
        assert_eq!(last.links[0].step, 0, "{q}");
    }
}

/// A list is a list whatever verb its operationId uses: "show every team"
/// reads the organizations, not the instance's memberships or invitations
/// (named `InstanceGet...`), which also say `organization`.
#[test]
fn a_lists_name_verb_does_not_outweigh_what_it_lists() {
    let Some(router) = router() else { return };
    for (q, want) in [
        ("show me every team", "GET /organizations"),
        (
            "show me all the orgs whose name contains acme",
            "GET /organizations",
        ),
        ("show the org memberships", "GET /organization_memberships"),
        // Organization roles' description says "recent"; the request says
        // organizations and nothing of roles.
        ("list the 5 most recent organizations", "GET /organizations"),
        ("the 3 newest companies", "GET /organizations"),
    ] {
        assert_eq!(planned_ops(&router, q), [want], "{q}");
    }
}

/// A list's name said first as its verb adds to that list, one request per
/// value, whatever kinds the values are when they fill the same field
/// ("blocklist" an email and a phone: both `identifier`s); never a user.
#[test]
fn a_list_named_as_its_verb_adds_each_value_to_it() {
    let Some(router) = router() else { return };
    let memory = Memory::default();
    let ctx = context(&memory, false);
    for (q, want, n) in [
        (
            "blocklist mal@spam.test and +14155550188",
            "POST /blocklist_identifiers",
            2,
        ),
        (
            "allowlist ops@initech.com, dev@initech.com and initech.io",
            "POST /allowlist_identifiers",
            3,
        ),
    ] {
        let routing = router.route(q, &ctx);
        let plan = routing.plan.expect(q);
        let labels: Vec<String> = plan.steps.iter().map(|s| s.label()).collect();
        assert_eq!(labels, vec![want.to_string(); n], "{q}: {:?}", routing.why);
        let values: Vec<&serde_json::Value> = plan
            .steps
            .iter()
            .filter_map(|s| s.body.as_ref()?.get("identifier"))
            .collect();
        assert_eq!(values.len(), n, "{q}");
    }
    // The noun alone is still the list to read.
    assert_eq!(
        planned_ops(&router, "blocklist identifiers"),
        ["GET /blocklist_identifiers"]
    );
}

/// A value cued by a word ("slug acme") fills only a parameter that takes
/// what the cue names: the organization's `The ID or slug of the
/// organization`, never a user ID or an organization ID that says "ID".
#[test]
fn a_cued_value_fills_only_a_parameter_that_takes_it() {
    let Some(router) = router() else { return };
    let memory = Memory::default();
    let ctx = context(&memory, false);
    let plan = router
        .route("get organization by slug acme-corp", &ctx)
        .plan
        .expect("a plan");
    assert_eq!(
        plan.steps[0].label(),
        "GET /organizations/{organization_id}"
    );
    assert_eq!(
        plan.steps[0].path_params,
        [(
            "organization_id".to_string(),
            serde_json::json!("acme-corp")
        )]
    );
    for q in [
        "look up the org with slug test-org and list its members",
        "list the memberships of the org with slug acme-co",
    ] {
        let routing = router.route(q, &ctx);
        for s in routing.plan.iter().flat_map(|p| &p.steps) {
            assert!(
                s.path_params
                    .iter()
                    .all(|(p, _)| p == "organization_id"
                        && s.path == "/organizations/{organization_id}"),
                "{q}: {} {:?}",
                s.label(),
                s.path_params
            );
        }
    }
}

/// "Find X and <act on them>": the finding is the lookup the action's plan
/// makes, so the action is planned on what was found; a read after the
/// finding stays as it was.
#[test]
fn find_then_act_plans_the_action_on_what_was_found() {
    let Some(router) = router() else { return };
    for (q, want) in [
        (
            "look up jane@acme.io and ban her",
            "POST /users/{user_id}/ban",
        ),
        (
            "find user bob@x.io and delete him",
            "DELETE /users/{user_id}",
        ),
        (
            "find ann@x.io and set their plan to pro in public metadata",
            "PATCH /users/{user_id}/metadata",
        ),
    ] {
        let ops = planned_ops(&router, q);
        assert_eq!(
            ops.first().map(String::as_str),
            Some("GET /users"),
            "{q}: {ops:?}"
        );
        assert_eq!(ops.last().map(String::as_str), Some(want), "{q}: {ops:?}");
    }
    // Reading after finding is no action to reroute.
    let ops = planned_ops(&router, "get user_2abc and list their sessions");
    assert!(ops.iter().all(|o| o.starts_with("GET ")), "{ops:?}");
}

/// What something is removed "from" is its container: "remove user_2x
/// from every org" never plans deleting the user, the orgs, or anything
/// of each org the request does not name; a part of something is destroyed
/// only when the request names that part; at most it offers candidates.
#[test]
fn a_removal_from_something_never_destroys_that_thing() {
    let Some(router) = router() else { return };
    let memory = Memory::default();
    let ctx = context(&memory, false);
    for q in [
        "remove user_2abc from every org",
        "kick user_2abc out of all orgs",
        "remove them from each org",
        "get user_2abc's org memberships and remove them from each org",
        "remove the phone number from user_2abc",
        "remove jane@acme.io from the allowlist",
    ] {
        let routing = router.route(q, &ctx);
        let Some(plan) = routing.plan.filter(|_| routing.confident) else {
            continue;
        };
        for s in &plan.steps {
            let label = s.label();
            assert!(
                !matches!(
                    label.as_str(),
                    "DELETE /users/{user_id}"
                        | "DELETE /organizations/{organization_id}"
                        | "DELETE /organizations/{organization_id}/logo"
                        | "POST /users/{user_id}/remove_password"
                        | "DELETE /users/{user_id}/totp"
                ),
                "{q}: planned {label}"
            );
        }
    }
    // Removing from the container the path does name still works.
    let s = last_step(&router, "remove user_2abc from org_2xyz");
    assert_eq!(
        s.label(),
        "DELETE /organizations/{organization_id}/memberships/{user_id}"
    );
    // An item an ID names leaves its own collection.
    let s = last_step(&router, "take blid_2abc off the deny list");
    assert_eq!(s.label(), "DELETE /blocklist_identifiers/{identifier_id}");
    // What a part of something destroys is said, or nothing is picked.
    let s = last_step(&router, "delete the backup codes of user_2abc");
    assert_eq!(s.label(), "DELETE /users/{user_id}/backup_code");
}

/// A delete verb destroys what it names: "delete the sessions of
/// user_2x" names sessions, so it never plans deleting the user; the
/// thing named, or an operation whose summary names it, still deletes.
#[test]
fn a_delete_destroys_only_what_it_names() {
    let Some(router) = router() else { return };
    let memory = Memory::default();
    let ctx = context(&memory, false);
    for q in [
        "delete the sessions of user_2abc",
        "delete user_2abc's sessions",
        "delete jane@acme.io's sessions",
        "delete the memberships of user_2abc",
    ] {
        let routing = router.route(q, &ctx);
        let Some(plan) = routing.plan.filter(|_| routing.confident) else {
            continue;
        };
        for s in &plan.steps {
            assert_ne!(s.label(), "DELETE /users/{user_id}", "{q}");
        }
    }
    for (q, want) in [
        ("delete user_2abc", "DELETE /users/{user_id}"),
        ("delete the svix app", "DELETE /webhooks/svix"),
        (
            "take perm_2abc off role role_2xyz",
            "DELETE /organization_roles/{organization_role_id}/permissions/{permission_id}",
        ),
    ] {
        assert_eq!(last_step(&router, q).label(), want, "{q}");
    }
}

/// Several emails or phones in one read are several users: one list
/// request with every value in its filter, never the one-user lookup that
/// drops the rest; one email still looks the user up.
#[test]
fn several_values_of_a_read_are_one_filtered_list() {
    let Some(router) = router() else { return };
    for (q, field, values) in [
        (
            "get users jane@x.io and bob@y.io",
            "email_address",
            vec!["jane@x.io", "bob@y.io"],
        ),
        (
            "find the users behind +12025550108 and +447700900123",
            "phone_number",
            vec!["+12025550108", "+447700900123"],
        ),
    ] {
        assert_eq!(planned_ops(&router, q), vec!["GET /users"], "{q}");
        let s = last_step(&router, q);
        assert!(
            s.query.contains(&(field.into(), serde_json::json!(values))),
            "{q}: {s:?}"
        );
    }
    assert_eq!(
        planned_ops(&router, "get user jane@x.io"),
        vec!["GET /users", "GET /users/{user_id}"]
    );
}

/// An ID fills a parameter whose schema pattern admits its prefix, though
/// the grammar's ID table does not list that parameter: the M2M tokens'
/// `subject` is `^mch_\w{27}$`.
#[test]
fn an_id_fills_the_parameter_whose_pattern_admits_it() {
    let Some(router) = router() else { return };
    let memory = Memory::default();
    let ctx = context(&memory, false);
    let id = "mch_2abcdefghijklmnopqrstuvwxyz1";
    let plan = router
        .route(&format!("list the m2m tokens of {id}"), &ctx)
        .plan
        .expect("a plan");
    assert_eq!(plan.steps[0].label(), "GET /m2m_tokens");
    assert_eq!(
        plan.steps[0].query,
        [("subject".to_string(), serde_json::json!(id))]
    );
}

/// A day said for a date-time field is the start of that day in UTC, with
/// a note; a time no filter takes ("until ...") is the date a date-ahead
/// field moves to; an ID whose unknown prefix abbreviates the parameter
/// says that parameter's words (no "`subscription` not said").
#[test]
fn a_day_fills_a_date_time_field_as_its_start_in_utc() {
    let Some(router) = router() else { return };
    let memory = Memory::default();
    let ctx = context(&memory, false);
    let id = "subi_2abcdefghijklmnopqrstuvwxyz1";
    for q in [
        format!("extend the free trial of {id} to 2026-12-31"),
        format!("give {id} two more weeks of trial, until 2026-12-31"),
    ] {
        let routing = router.route(&q, &ctx);
        let plan = routing.plan.as_ref().expect("a plan");
        let step = &plan.steps[0];
        assert!(
            step.path.ends_with("/extend_free_trial"),
            "{q}: {}",
            step.path
        );
        assert_eq!(
            step.body,
            Some(serde_json::json!({"extend_to": "2026-12-31T00:00:00Z"})),
            "{q}"
        );
        assert!(
            plan.notes
                .iter()
                .any(|n| n.contains("start of 2026-12-31 in UTC")),
            "{q}: {:?}",
            plan.notes
        );
        assert!(
            routing
                .why
                .iter()
                .all(|w| !w.contains("`subscription` not said")),
            "{q}: {:?}",
            routing.why
        );
    }
}

/// A second value of a kind after a word that gives it another part
/// ("acting as") is no second target; one joined to the first ("as well
/// as") is.
#[test]
fn a_value_in_another_part_is_no_second_target() {
    let Some(router) = router() else { return };
    let memory = Memory::default();
    let ctx = context(&memory, false);
    let (a, b) = (
        "user_2Kp0Lq2Mr4Ns6Ot8Pu0Qv2Rw4S",
        "user_2Hj6Kl8Mn0Pq2Rs4Tu6Vw8Xy0Za",
    );
    let plan = router
        .route(
            &format!("create an actor token for {a} acting as {b}"),
            &ctx,
        )
        .plan
        .expect("a plan");
    assert_eq!(plan.steps.len(), 1, "{plan:?}");
    let plan = router
        .route(&format!("ban {a} as well as {b}"), &ctx)
        .plan
        .expect("a plan");
    let body = serde_json::to_string(&plan.steps[0].body).unwrap_or_default();
    assert!(body.contains(a) && body.contains(b), "{plan:?}");
}

/// A wish that something stop ("make ... stop working", "make X unable to
/// sign in") is the action that stops it; banning what cannot be banned
/// revokes it; the same words as a report are no write.
#[test]
fn a_wish_that_something_stop_is_the_action_that_stops_it() {
    let Some(router) = router() else { return };
    let memory = Memory::default();
    let ctx = context(&memory, false);
    for (q, want) in [
        (
            "make the api key ak_2Ki4Ll6Ke8Yy0Xx2Yy4Zz6Aa8 stop working",
            "POST /api_keys/{apiKeyID}/revoke",
        ),
        (
            "make user_2Kp0Lq2Mr4Ns6Ot8Pu0Qv2Rw4S unable to sign in",
            "POST /users/{user_id}/ban",
        ),
        (
            "suspend sess_2Kp0Lq2Mr4Ns6Ot8Pu0Qv2Rw4S",
            "POST /sessions/{session_id}/revoke",
        ),
    ] {
        let plan = router.route(q, &ctx).plan.expect(q);
        assert_eq!(plan.steps[0].label(), want, "{q}");
    }
    for q in [
        "user_2Kp0Lq2Mr4Ns6Ot8Pu0Qv2Rw4S is unable to sign in",
        "why did ak_2Ki4Ll6Ke8Yy0Xx2Yy4Zz6Aa8 stop working?",
    ] {
        let routing = router.route(q, &ctx);
        assert!(
            routing
                .plan
                .iter()
                .flat_map(|p| &p.steps)
                .all(|s| s.method == clerk_backend_api::spec::Method::Get),
            "{q}: {:?}",
            routing.plan
        );
    }
}

/// A bare number fills only a field whose bounds take it (a six-digit code
/// is no page size); a count said before what it counts still fills it,
/// for the check to refuse in words.
#[test]
fn a_bare_number_fills_only_a_field_whose_bounds_take_it() {
    let Some(router) = router() else { return };
    let memory = Memory::default();
    let ctx = context(&memory, false);
    let limit = |q: &str| {
        router
            .route(q, &ctx)
            .plan
            .and_then(|p| p.steps.last().cloned())
            .and_then(|s| s.query.into_iter().find(|(k, _)| k == "limit"))
            .map(|(_, v)| v)
    };
    assert_eq!(limit("list the users matching 482913"), None);
    assert_eq!(limit("show 900 users"), Some(serde_json::json!(900)));
    assert_eq!(limit("list 20 users"), Some(serde_json::json!(20)));
}

/// A value said for an object goes in the property it fills, or the
/// object's one required property; a word after a field with allowed
/// values is its value only if allowed; a path parameter's own name is
/// never its value. Every such plan passes the check before sending.
#[test]
fn values_take_the_shape_their_field_allows() {
    let Some(router) = router() else { return };
    let Some(spec) = latest() else { return };
    let memory = Memory::default();
    let ctx = context(&memory, false);
    let (a, b) = (
        "user_2Kp0Lq2Mr4Ns6Ot8Pu0Qv2Rw4S",
        "user_2Hj6Kl8Mn0Pq2Rs4Tu6Vw8Xy0Za",
    );
    let cases = [
        (
            format!("create an actor token for {a} with actor {b}"),
            serde_json::json!({"actor": {"sub": b}, "user_id": a}),
        ),
        (
            format!("create an agent task on behalf of {a}"),
            serde_json::json!({"on_behalf_of": {"user_id": a}}),
        ),
    ];
    for (q, want) in cases {
        let plan = router.route(&q, &ctx).plan.expect("a plan");
        assert_eq!(plan.steps.len(), 1, "{q}: {plan:?}");
        let body = plan.steps[0].body.clone().unwrap_or_default();
        for (k, v) in want.as_object().into_iter().flatten() {
            assert_eq!(body.get(k), Some(v), "{q}: {body}");
        }
    }
    for (q, name, want) in [
        (
            "list the verified organization domains over all the orgs".to_string(),
            "verified",
            "true",
        ),
        (
            format!("list oauth tokens of {a} for provider google"),
            "provider",
            "oauth_google",
        ),
    ] {
        let plan = router.route(&q, &ctx).plan.expect("a plan");
        check_plan(spec, &plan).unwrap_or_else(|e| panic!("{q}: {e}"));
        let step = &plan.steps[0];
        let got = step
            .query
            .iter()
            .chain(&step.path_params)
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone());
        assert_eq!(got, Some(serde_json::json!(want)), "{q}: {step:?}");
    }
}
