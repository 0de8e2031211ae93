//! Warnings against every version of the real spec: each DELETE gets a
//! specific IRREVERSIBLE text, each metadata write its explanation, each
//! replacing write its "keys are lost" warning. A DELETE added by a future
//! spec without an entry in grammar/destroys.txt fails here loudly.

use crate::support as execute_support;

use clerk_backend_api::pipeline::texts::{destroy_ids, destroys};
use clerk_backend_api::pipeline::warnings::{self, METADATA};
use clerk_backend_api::plan::items::body_schema;
use clerk_backend_api::plan::{Plan, Step};
use clerk_backend_api::spec::{Method, Operation, Spec};
use execute_support::spec;
use serde_json::{Map, Value, json};

const VERSIONS: [&str; 6] = [
    "2021-02-05",
    "2024-10-01",
    "2025-03-12",
    "2025-04-10",
    "2025-11-10",
    "2026-05-12",
];

fn step_for(op: &Operation, body: Option<Value>) -> Plan {
    let mut s = Step::new(op.method, &op.path, &op.operation_id);
    s.body = body;
    Plan::new("", vec![s], "test")
}

#[test]
fn every_delete_of_the_latest_spec_has_its_own_text() {
    let Some(spec) = spec("2026-05-12") else {
        return;
    };
    let deletes: Vec<&Operation> = spec
        .operations
        .iter()
        .filter(|o| o.method == Method::Delete)
        .collect();
    assert!(deletes.len() >= 37);
    for op in deletes {
        let what = destroys(&op.operation_id).unwrap_or_else(|| {
            panic!(
                "{} ({}) has no entry in grammar/destroys.txt",
                op.label(),
                op.operation_id
            )
        });
        let w = texts_for_plan(&spec, &step_for(op, None));
        assert!(w[0].starts_with("IRREVERSIBLE: "), "{w:?}");
        assert!(w[0].contains(what) && w[0].contains(&op.label()), "{w:?}");
    }
    // Where the spec says more than its summary, the warning says it too.
    let org = spec
        .operations
        .iter()
        .find(|o| o.operation_id == "DeleteOrganization")
        .unwrap();
    let w = texts_for_plan(&spec, &step_for(org, None));
    assert!(
        w[0].contains("active sessions that contain the deleted organization will be cleared"),
        "{w:?}"
    );
}

#[test]
fn every_entry_names_a_delete_of_some_spec_and_older_deletes_are_covered() {
    let specs: Vec<Spec> = VERSIONS.iter().filter_map(|v| spec(v)).collect();
    if specs.len() < VERSIONS.len() {
        return;
    }
    for id in destroy_ids() {
        assert!(
            specs.iter().any(|s| s
                .operations
                .iter()
                .any(|o| o.operation_id == id && o.method == Method::Delete)),
            "grammar/destroys.txt names {id}, which is no DELETE of any spec"
        );
    }
    for s in &specs {
        for op in s.operations.iter().filter(|o| o.method == Method::Delete) {
            assert!(
                destroys(&op.operation_id).is_some(),
                "{} {}",
                s.version,
                op.label()
            );
        }
    }
}

#[test]
fn a_delete_without_an_entry_falls_back_to_the_spec() {
    let Some(spec) = spec("2026-05-12") else {
        return;
    };
    let mut op = spec
        .operations
        .iter()
        .find(|o| o.operation_id == "DeleteDomain")
        .unwrap()
        .clone();
    op.operation_id = "DeleteSomethingNew".into();
    let step = Step::new(op.method, &op.path, &op.operation_id);
    let w = warnings::delete(&step, Some(&op));
    assert!(w.starts_with("IRREVERSIBLE"), "{w}");
    assert!(
        w.contains("It is currently not possible to delete the instance's primary domain"),
        "{w}"
    );
}

#[test]
fn every_metadata_write_explains_the_types_in_every_version() {
    for v in VERSIONS {
        let Some(spec) = spec(v) else { return };
        let mut seen = 0;
        for op in spec.operations.iter().filter(|o| o.method.is_write()) {
            let Some(schema) = body_schema(op) else {
                continue;
            };
            let props: Vec<String> = spec
                .properties(schema)
                .iter()
                .map(|p| p.name.to_string())
                .collect();
            for field in METADATA.iter().filter(|f| props.iter().any(|p| p == *f)) {
                seen += 1;
                let mut body = Map::new();
                body.insert(field.to_string(), json!({"k": 1}));
                let w = texts_for_plan(&spec, &step_for(op, Some(Value::Object(body))));
                let all = w.join("\n");
                assert!(
                    all.contains("Clerk has three metadata types"),
                    "{v} {}",
                    op.label()
                );
                assert!(
                    all.contains(&format!("This request writes {field}")),
                    "{v} {}",
                    op.label()
                );
                let replaces = op.method == Method::Put
                    || (op.method == Method::Patch && !op.path.ends_with("/metadata"));
                if replaces {
                    assert!(
                        all.contains(&format!("REPLACES {field}")),
                        "{v} {}: {all}",
                        op.label()
                    );
                }
                if op.method == Method::Patch && op.path.ends_with("/metadata") {
                    assert!(all.contains("deep-merges"), "{v} {}", op.label());
                }
            }
        }
        assert!(seen >= 10, "{v}: only {seen} metadata fields found");
    }
}

#[test]
fn replacing_writes_point_to_the_merging_endpoint() {
    let Some(spec) = spec("2025-11-10") else {
        return;
    };
    let find = |m: Method, p: &str| {
        spec.operations
            .iter()
            .find(|o| o.method == m && o.path == p)
            .unwrap()
    };
    for (op, merge) in [
        (
            find(Method::Put, "/users/{user_id}/metadata"),
            "PATCH /users/{user_id}/metadata",
        ),
        (
            find(Method::Patch, "/users/{user_id}"),
            "PATCH /users/{user_id}/metadata",
        ),
        (
            find(Method::Patch, "/organizations/{organization_id}"),
            "PATCH /organizations/{organization_id}/metadata",
        ),
        (
            find(Method::Put, "/organizations/{organization_id}/metadata"),
            "PATCH /organizations/{organization_id}/metadata",
        ),
    ] {
        let w = texts_for_plan(&spec, &step_for(op, Some(json!({"public_metadata": {}}))));
        let all = w.join("\n");
        assert!(
            all.contains("every key you leave out of the new value is lost"),
            "{all}"
        );
        assert!(
            all.contains(&format!("use {merge}, which deep-merges")),
            "{all}"
        );
    }
    // Creating an object loses nothing.
    let w = texts_for_plan(
        &spec,
        &step_for(
            find(Method::Post, "/organizations"),
            Some(json!({"public_metadata": {}})),
        ),
    );
    assert!(!w.join("\n").contains("lost"), "{w:?}");
}

/// The warnings' texts, in order.
fn texts_for_plan(spec: &Spec, plan: &Plan) -> Vec<String> {
    clerk_backend_api::pipeline::warnings::for_plan(spec, plan)
        .into_iter()
        .map(|w| w.text)
        .collect()
}
