//! The shape of `src/`: no modules import each other in a loop. Each
//! file's `crate::`, `super::` and `self::` paths are resolved to the
//! module they name, and the graph of those imports must have no cycle,
//! so a stage of the data flow never reaches back into a later one. A
//! module naming its own ancestor (a parent's types) is the module tree,
//! not a loop.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Module path (`intent::read::doc`) -> the source text of its file.
fn modules(src: &Path) -> BTreeMap<String, (Vec<String>, bool, String)> {
    let mut out = BTreeMap::new();
    let mut stack = vec![src.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path: PathBuf = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            if path.extension().is_none_or(|e| e != "rs") {
                continue;
            }
            let rel = path.strip_prefix(src).unwrap().with_extension("");
            let mut parts: Vec<String> = rel
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect();
            // `main.rs` is the binary's root: a module of its own here.
            let is_mod = matches!(parts.last().map(String::as_str), Some("mod" | "lib"));
            if is_mod {
                parts.pop();
            }
            // Unit-test modules may use anything of their parent.
            if matches!(parts.last().map(String::as_str), Some("tests" | "testing")) {
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap();
            let code = text
                .split("#[cfg(test)]\nmod tests")
                .next()
                .unwrap_or("")
                .lines()
                .map(|l| l.split("//").next().unwrap_or(""))
                .collect::<Vec<_>>()
                .join("\n");
            out.insert(parts.join("::"), (parts, is_mod, code));
        }
    }
    out
}

fn ident(s: &str) -> (&str, &str) {
    let end = s
        .find(|c: char| !(c.is_alphanumeric() || c == '_'))
        .unwrap_or(s.len());
    (&s[..end], &s[end..])
}

/// The module paths a file's code names, each as segments from the crate.
fn paths(parts: &[String], is_mod: bool, code: &str) -> Vec<Vec<String>> {
    let mut out = Vec::new();
    let here: Vec<String> = parts.to_vec();
    let mut rest = code;
    while let Some(at) = rest.find(['c', 's']) {
        let before_ok = at == 0
            || !rest[..at]
                .chars()
                .last()
                .is_some_and(|c| c.is_alphanumeric() || c == '_');
        let tail = &rest[at..];
        let (word, after) = ident(tail);
        rest = &tail[word.len().max(1)..];
        if !before_ok || !after.starts_with("::") {
            continue;
        }
        let mut base: Vec<String> = match word {
            "crate" => Vec::new(),
            "self" => here.clone(),
            "super" => here[..here.len().saturating_sub(1)].to_vec(),
            _ => continue,
        };
        let mut tail = &after[2..];
        loop {
            let (seg, next) = ident(tail);
            if seg == "super" {
                base.pop();
            } else if !seg.is_empty() {
                base.push(seg.to_string());
            }
            if seg.is_empty() || !next.starts_with("::") {
                tail = next;
                break;
            }
            tail = &next[2..];
        }
        // `use super::{a, b::c}`: each item may be a module of its own.
        if let Some(group) = tail.strip_prefix('{') {
            let inner = group.split('}').next().unwrap_or("");
            for item in inner.split(',') {
                let (seg, _) = ident(item.trim());
                if !seg.is_empty() {
                    let mut p = base.clone();
                    p.push(seg.to_string());
                    out.push(p);
                }
            }
        }
        out.push(base);
    }
    // A `mod.rs` names its children bare: `use doc::Doc;`.
    if is_mod {
        for line in code.lines() {
            let line = line.trim_start();
            let Some(u) = line.strip_prefix("use ").or(line.strip_prefix("pub use ")) else {
                continue;
            };
            let (seg, _) = ident(u);
            let mut p = parts.to_vec();
            p.push(seg.to_string());
            out.push(p);
        }
    }
    out
}

/// The strongly connected components of more than one module.
fn cycles(graph: &BTreeMap<String, BTreeSet<String>>) -> Vec<Vec<String>> {
    // Kosaraju: finish order on the graph, then components on its reverse.
    fn visit(
        v: &str,
        g: &BTreeMap<String, BTreeSet<String>>,
        seen: &mut BTreeSet<String>,
        out: &mut Vec<String>,
    ) {
        if !seen.insert(v.to_string()) {
            return;
        }
        for w in &g[v] {
            visit(w, g, seen, out);
        }
        out.push(v.to_string());
    }
    let mut order = Vec::new();
    let mut seen = BTreeSet::new();
    for v in graph.keys() {
        visit(v, graph, &mut seen, &mut order);
    }
    let mut reverse: BTreeMap<String, BTreeSet<String>> =
        graph.keys().map(|k| (k.clone(), BTreeSet::new())).collect();
    for (v, ws) in graph {
        for w in ws {
            reverse.get_mut(w).unwrap().insert(v.clone());
        }
    }
    let mut seen = BTreeSet::new();
    let mut out = Vec::new();
    for v in order.iter().rev() {
        let mut comp = Vec::new();
        visit(v, &reverse, &mut seen, &mut comp);
        if comp.len() > 1 {
            comp.sort();
            out.push(comp);
        }
    }
    out
}

fn import_graph(src: &Path) -> BTreeMap<String, BTreeSet<String>> {
    let mods = modules(src);
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (name, (parts, is_mod, code)) in &mods {
        let mut deps = BTreeSet::new();
        for p in paths(parts, *is_mod, code) {
            // The longest prefix that is a module is what the path names.
            let target = (0..=p.len())
                .rev()
                .map(|k| p[..k].join("::"))
                .find(|m| mods.contains_key(m));
            // A module's own ancestors hold the types it fills in (the tree
            // `mod` declares); a loop is between modules, not up the tree.
            let ancestor = |t: &String| t.is_empty() || name.starts_with(&format!("{t}::"));
            if let Some(t) = target.filter(|t| t != name && !ancestor(t)) {
                deps.insert(t);
            }
        }
        graph.insert(name.clone(), deps);
    }
    graph
}

#[test]
fn no_modules_import_each_other_in_a_loop() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let graph = import_graph(&src);
    assert!(graph.len() > 50, "the crate's modules were not found");
    // The resolver sees real imports (a positive control).
    assert!(graph["intent::decide::route"].contains("intent::decide::rank"));
    assert!(graph["render::result"].contains("render::fields"));
    let found = cycles(&graph);
    assert!(
        found.is_empty(),
        "modules that import each other: {found:?}"
    );
}

#[test]
fn the_cycle_check_finds_a_loop() {
    let g: BTreeMap<String, BTreeSet<String>> = [
        ("a", vec!["b"]),
        ("b", vec!["c"]),
        ("c", vec!["a"]),
        ("d", vec!["a"]),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v.into_iter().map(String::from).collect()))
    .collect();
    assert_eq!(cycles(&g), vec![vec!["a", "b", "c"]]);
}
