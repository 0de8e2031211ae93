//! Spec engine speed: cold load (YAML parse + digest), warm load (the
//! digested index from the cache), and the browse and detail modes on a
//! loaded spec. Uses ../shared's specs; skips when they are missing.

use std::path::PathBuf;

use clerk_backend_api::render::{Style, browse, detail};
use clerk_backend_api::source::index;
use clerk_backend_api::spec::{self, Method};
use criterion::{Criterion, criterion_group, criterion_main};

fn spec_text() -> Option<String> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/clerk-openapi-specs/bapi/2026-05-12.yml");
    match std::fs::read_to_string(&path) {
        Ok(t) => Some(t),
        Err(_) => {
            eprintln!("skipped: {} is missing", path.display());
            None
        }
    }
}

fn benches(c: &mut Criterion) {
    let Some(text) = spec_text() else { return };
    let mut group = c.benchmark_group("load");
    group.sample_size(20);
    group.bench_function("cold: parse YAML + digest", |b| {
        b.iter(|| spec::digest(&text, "2026-05-12.yml").unwrap())
    });
    let spec = spec::digest(&text, "2026-05-12.yml").unwrap();
    let dir = tempfile::tempdir().unwrap();
    let hash = index::content_hash(&text);
    index::write(dir.path(), &hash, &spec).unwrap();
    group.bench_function("warm: read digested index", |b| {
        b.iter(|| index::read(dir.path(), &hash).unwrap())
    });
    group.finish();

    let mut group = c.benchmark_group("modes");
    let users = spec.tag("Users").unwrap().clone();
    group.bench_function("browse Users", |b| {
        b.iter(|| browse::tag(&spec, &users, Style::PLAIN))
    });
    group.bench_function("detail lookup GET /users", |b| {
        b.iter(|| spec.find_endpoint(Method::Get, "/v1/users").unwrap())
    });
    for (name, json) in [("text", false), ("json", true)] {
        group.bench_function(format!("detail GET /users ({name})"), |b| {
            b.iter(|| {
                let m = spec.find_endpoint(Method::Get, "/users").unwrap();
                detail::endpoint(&spec, m.op, Style::PLAIN, json)
            })
        });
    }
    group.finish();
}

criterion_group!(spec_benches, benches);
criterion_main!(spec_benches);
