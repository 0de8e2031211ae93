//! The spec index against the real spec files in `../shared`.

use clerk_backend_api::spec::{self, Method, TagMatch};

use crate::support as common;

#[test]
fn digest_2026_05_12_counts() {
    let Some(spec) = common::spec("2026-05-12") else {
        return;
    };
    assert_eq!(spec.version, "2026-05-12");
    assert_eq!(spec.server_url, "https://api.clerk.com/v1");
    assert_eq!(spec.tags.iter().filter(|t| t.declared).count(), 39);
    assert_eq!(spec.operations.len(), 249);
    let users = spec.tags.iter().find(|t| t.name == "Users").unwrap();
    assert_eq!(users.operations, 35);
    assert_eq!(spec.tag_operations("Users").count(), 35);
    // Tags only operations use are listed too.
    assert!(spec.tags.iter().any(|t| !t.declared));
}

#[test]
fn endpoint_lookup_prefers_literals_and_binds_ids() {
    let Some(spec) = common::spec("2026-05-12") else {
        return;
    };
    let m = spec
        .find_endpoint(Method::Get, "/v1/users/user_123")
        .unwrap();
    assert_eq!(m.op.path, "/users/{user_id}");
    assert_eq!(
        m.bindings,
        vec![("user_id".to_string(), "user_123".to_string())]
    );
    let m = spec.find_endpoint(Method::Get, "/users/count").unwrap();
    assert_eq!(m.op.path, "/users/count");
    let m = spec
        .find_endpoint(Method::Get, "https://api.clerk.com/v1/users?limit=3")
        .unwrap();
    assert_eq!(m.op.path, "/users");
    let m = spec
        .find_endpoint(Method::Post, "/organizations/{organization_id}/invitations")
        .unwrap();
    assert!(m.bindings.is_empty());
    assert!(spec.find_endpoint(Method::Put, "/users").is_none());
    let near = spec.closest_endpoints(Some(Method::Get), "/userz", 3);
    assert_eq!(near[0].path, "/users");
}

#[test]
fn tag_matching_is_forgiving() {
    let Some(spec) = common::spec("2026-05-12") else {
        return;
    };
    for (typed, want) in [
        ("users", "Users"),
        ("USERS", "Users"),
        ("user", "Users"),
        ("organisation", "Organizations"),
        ("organizations", "Organizations"),
        ("allow list", "Allow-list / Block-list"),
        ("blocklist", "Allow-list / Block-list"),
        ("email addresses", "Email Addresses"),
        ("jwt templates", "JWT Templates"),
    ] {
        match spec.find_tag(typed) {
            TagMatch::Found(t) => assert_eq!(t.name, want, "{typed}"),
            other => panic!("{typed}: {other:?}"),
        }
    }
    match spec.find_tag("quux frobnicate") {
        TagMatch::Suggestions(s) => assert!(s.len() <= 3),
        other => panic!("{other:?}"),
    }
}

#[test]
fn refs_resolve_and_cycles_are_cut() {
    let Some(spec) = common::spec("2026-05-12") else {
        return;
    };
    let op = spec.find_endpoint(Method::Get, "/users/x").unwrap().op;
    let ok = op.responses.iter().find(|r| r.status == "200").unwrap();
    let json = spec.resolved_json(ok.schema.unwrap());
    assert_eq!(json["title"], "User");
    assert!(json["properties"]["email_addresses"]["items"]["properties"].is_object());
    let text = json.to_string();
    assert!(!text.contains("\"$ref\"") || text.contains("x-cycle"));
    // Every response schema of every operation expands without blowing up.
    for op in &spec.operations {
        for r in &op.responses {
            if let Some(id) = r.schema {
                let _ = spec.resolved_json(id);
            }
        }
    }
}

#[test]
fn every_version_digests() {
    for version in [
        "2021-02-05",
        "2024-10-01",
        "2025-03-12",
        "2025-04-10",
        "2025-11-10",
        "2026-05-12",
    ] {
        let Some(spec) = common::spec(version) else {
            return;
        };
        assert!(!spec.operations.is_empty(), "{version}");
    }
}

#[test]
fn bad_documents_are_errors_not_panics() {
    assert!(matches!(
        spec::digest("a: [unclosed", "bad.yml"),
        Err(spec::SpecError::Yaml { .. })
    ));
    assert!(matches!(
        spec::digest("swagger: '2.0'\npaths: {}\n", "old.yml"),
        Err(spec::SpecError::NotOpenApi { .. })
    ));
}

#[test]
fn properties_beside_any_of_are_kept() {
    let Some(spec) = common::spec("2026-05-12") else {
        return;
    };
    let op = spec
        .find_endpoint(Method::Post, "/saml_connections")
        .unwrap()
        .op;
    let body = op.request_body.as_ref().and_then(|b| b.schema).unwrap();
    let props = spec.properties(body);
    let required: Vec<&str> = props
        .iter()
        .filter(|p| p.required)
        .map(|p| p.name)
        .collect();
    assert!(props.iter().any(|p| p.name == "domains"));
    assert_eq!(required, ["name", "provider"]);
}
