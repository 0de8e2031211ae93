//! The `grammar/` folder is data the binary embeds: every file must parse,
//! every rule slot must name an entity kind that exists, and everything the
//! grammar names (operations of rules, fast paths and SDK templates, ID
//! parameters, fields) must exist in the latest spec, so a spec update that
//! removes one fails here, loudly.

use crate::support as common;

use clerk_backend_api::intent::{Grammar, Router};

#[test]
fn every_file_parses() {
    let g = Grammar::load().unwrap_or_else(|e| panic!("{e}"));
    assert!(!g.synonyms.is_empty());
    assert!(!g.rules.is_empty());
    assert!(g.fastpaths.len() >= 7, "the seed's fast paths");
    assert!(g.knowledge.len() >= 5);
    for topic in &g.knowledge {
        assert!(
            !topic.when.is_empty() && !topic.body.is_empty(),
            "{}",
            topic.title
        );
    }
}

#[test]
fn rules_and_templates_fit_the_latest_spec() {
    let Some(spec) = common::spec("2026-05-12") else {
        return;
    };
    // Building the router parses every rule: an unknown slot kind, an
    // unknown fast path or a malformed target is an error naming the line.
    let router = Router::new(&spec).unwrap_or_else(|e| panic!("{e}"));
    let problems = router.problems(&spec);
    assert!(
        problems.is_empty(),
        "grammar/ does not fit spec 2026-05-12:\n{}",
        problems.join("\n")
    );
}

#[test]
fn every_spec_version_builds_a_router() {
    let Some(dir) = common::spec_dir() else {
        return;
    };
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let version = path.file_stem().unwrap().to_string_lossy().to_string();
        let spec = common::spec(&version).unwrap();
        let router = Router::new(&spec).unwrap_or_else(|e| panic!("{version}: {e}"));
        // Older specs lack newer operations; routing must still work.
        let memory = clerk_backend_api::memory::Memory::default();
        let ctx = clerk_backend_api::intent::Context {
            now_ms: 0,
            memory: &memory,
            repl: false,
        };
        let plan = router
            .route("delete user user_2abc", &ctx)
            .plan
            .expect(&version);
        assert_eq!(
            plan.steps.last().unwrap().label(),
            "DELETE /users/{user_id}",
            "{version}"
        );
    }
}

#[test]
fn a_spec_without_an_operation_is_reported() {
    let Some(mut spec) = common::spec("2026-05-12") else {
        return;
    };
    spec.operations
        .retain(|o| o.path != "/organizations/{organization_id}/invitations");
    let router = Router::new(&spec).unwrap();
    let problems = router.problems(&spec).join("\n");
    assert!(
        problems.contains("fastpaths.txt [create-organization-invite]"),
        "{problems}"
    );
    assert!(problems.contains("sdk.txt"), "{problems}");
}

/// Every file of `grammar/` is embedded in one place and documented in
/// `grammar/README.md`, and nothing embedded is missing from the folder.
#[test]
fn every_grammar_file_is_embedded_and_documented() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("grammar");
    let readme = std::fs::read_to_string(dir.join("README.md")).expect("grammar/README.md");
    let mut on_disk: Vec<String> = std::fs::read_dir(&dir)
        .expect("grammar/")
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter(|n| n != "README.md")
        .collect();
    on_disk.sort();
    let mut embedded: Vec<String> = clerk_backend_api::grammar::files()
        .iter()
        .map(|(n, _)| n.to_string())
        .collect();
    embedded.sort();
    assert_eq!(on_disk, embedded, "grammar/ and src/grammar.rs disagree");
    for (name, text) in clerk_backend_api::grammar::files() {
        assert!(!text.trim().is_empty(), "{name} is empty");
        assert!(
            readme.contains(&format!("| `{name}` |")),
            "grammar/README.md does not document {name}"
        );
    }
}
