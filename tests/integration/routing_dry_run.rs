//! The routing examples through the real binary, exactly as a user would
//! check them: `clerk-backend-api --dry-run --output json -- "<request>"`,
//! no key, empty memory. This covers what `tests/routing.rs` (the router
//! alone) cannot: tag-first browsing, the command parser on argv, and the
//! dry-run document the executor prints.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::Command;

use serde_json::Value;

use crate::support as common;

/// Whether one example's dry run reaches an acceptable operation with all
/// its values; returns what went wrong otherwise.
fn check(example: &Value, specs: &std::path::Path, cache: &std::path::Path) -> Result<(), String> {
    let q = example["q"].as_str().unwrap_or_default();
    let out = Command::new(env!("CARGO_BIN_EXE_clerk-backend-api"))
        .args(["--dry-run", "--output", "json", "--", q])
        .env("CLERK_BACKEND_API_SPECS_DIR", specs)
        .env("XDG_CACHE_HOME", cache)
        .env("XDG_DATA_HOME", cache)
        .env_remove("CLERK_SECRET_KEY")
        .env_remove("CLERK_BAPI_SCOPES")
        .output()
        .map_err(|e| e.to_string())?;
    let doc: Value = serde_json::from_slice(&out.stdout)
        .map_err(|_| format!("not JSON: {}", String::from_utf8_lossy(&out.stderr)))?;
    if doc["mode"] != "execute" {
        return Err(format!("mode {}", doc["mode"]));
    }
    let last = doc["steps"]
        .as_array()
        .and_then(|s| s.last())
        .map(|s| {
            format!(
                "{} {}",
                s["method"].as_str().unwrap_or(""),
                s["path"].as_str().unwrap_or("")
            )
        })
        .unwrap_or_default();
    let ops: Vec<&str> = example["ops"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .collect();
    if !ops.contains(&last.as_str()) {
        return Err(format!("reached {last}, wanted one of {ops:?}"));
    }
    let planned = doc["steps"].to_string();
    let missing: Vec<&str> = example["values"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .filter(|v| !planned.contains(v) && !planned.contains(&v.replace(": ", ":")))
        .collect();
    if missing.is_empty() {
        Ok(())
    } else {
        Err(format!("values not in the plan: {missing:?}"))
    }
}

#[test]
fn shared_routing_examples_through_the_binary() {
    let Some(specs) = common::spec_dir() else {
        return;
    };
    let file = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/routing-examples.jsonl");
    let Ok(text) = std::fs::read_to_string(&file) else {
        eprintln!("skipped: {} is missing", file.display());
        return;
    };
    let cache = tempfile::tempdir().unwrap();
    let mut per_kind: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    let mut failures = Vec::new();
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        let example: Value = serde_json::from_str(line).expect("a JSON line");
        let kind = example["kind"].as_str().unwrap_or("?").to_string();
        let entry = per_kind.entry(kind).or_default();
        entry.1 += 1;
        match check(&example, &specs, cache.path()) {
            Ok(()) => entry.0 += 1,
            Err(why) => failures.push(format!("{}: {why}", example["q"])),
        }
    }
    let (ok, all) = per_kind
        .values()
        .fold((0, 0), |a, v| (a.0 + v.0, a.1 + v.1));
    for (kind, (k_ok, k_all)) in &per_kind {
        eprintln!("  {kind:<11} {k_ok:>3}/{k_all:<3}");
    }
    eprintln!("  overall     {ok}/{all}");
    for f in &failures {
        eprintln!("  FAIL {f}");
    }
    assert!(all >= 100, "the examples file is incomplete ({all} lines)");
    assert!(ok * 100 >= all * 95, "{ok}/{all} is under 95%");
}
