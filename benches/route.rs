//! Routing speed: building the router (grammar + the spec's vocabulary)
//! and routing one request against the whole spec, round-robin over a mix
//! of requests (fast paths, lookups, generic operations, typos, questions).
//! Targets: one request under 200 µs on average; a warm one-shot run loads
//! the router from the disk cache instead of building it.
//! Run with `cargo bench --bench route`; needs `../shared` beside the project.

use std::hint::black_box;
use std::path::PathBuf;

use clerk_backend_api::intent::{Context, Router};
use clerk_backend_api::memory::Memory;
use clerk_backend_api::spec::{self, Spec};
use criterion::{Criterion, criterion_group, criterion_main};

const MIX: &[&str] = &[
    "list users created in the last 7 days",
    "get user john_doe",
    "set plan to pro and onboarded true on user_2djRcpkw66J30GVB9u3ZY3cwgj3",
    "create organization Acme Corp and invite user@example.com as admin",
    "ban user user_2GAl1CGJS5QrR5NKcONRad2zFxI",
    "revoke session sess_26lUw3JSuSjABxwMThlaU5oIVN3",
    "list organization memberships of user_3FmrF615z6O844YRv9umAMVMz0X",
    "create a sign-in token for user_2RtYuIoPaSdFgHjKlZxCvBnM8 valid for 600 seconds",
    "update organization org_2c1mRUK6ZrOgSpy3yMxKDTGRUL0 name to Northpeak EMEA",
    "delete orgnization org_3L66gNiInZoGrlujEFPqJclCr73",
    "don't allow signups from tempmail.dev",
    "what are the rate limits?",
];

fn spec() -> Option<Spec> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/clerk-openapi-specs/bapi/2026-05-12.yml");
    let text = std::fs::read_to_string(&path).ok()?;
    let mut spec = spec::digest(&text, &path.display().to_string()).ok()?;
    // As every source gives it: keyed by the YAML's hash.
    spec.source_hash = clerk_backend_api::source::index::content_hash(&text);
    Some(spec)
}

fn bench(c: &mut Criterion) {
    let Some(spec) = spec() else {
        eprintln!("skipped: ../shared/clerk-openapi-specs is missing");
        return;
    };
    c.bench_function("build router (grammar + spec index)", |b| {
        b.iter(|| Router::new(black_box(&spec)).expect("grammar loads"))
    });
    // What a warm one-shot run does: the build from the disk cache.
    let dir = std::env::temp_dir().join(format!("route-bench-{}", std::process::id()));
    Router::load(&spec, Some(&dir)).expect("grammar loads");
    c.bench_function("load router from the disk cache", |b| {
        b.iter(|| Router::load(black_box(&spec), Some(&dir)).expect("grammar loads"))
    });
    let _ = std::fs::remove_dir_all(&dir);
    let router = Router::new(&spec).expect("grammar loads");
    let memory = Memory::default();
    let ctx = Context {
        now_ms: 1_750_248_000_000,
        memory: &memory,
        repl: false,
    };
    let mut next = 0;
    c.bench_function("route one request (mix, round-robin)", |b| {
        b.iter(|| {
            next = (next + 1) % MIX.len();
            router.route(black_box(MIX[next]), &ctx)
        })
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
