use super::*;
use crate::plan::Link;
use crate::spec::Method;

fn org_then_invite() -> Plan {
    let mut create = Step::new(Method::Post, "/organizations", "CreateOrganization");
    create.body = Some(json!({"name": "Acme Corp", "created_by": "user_1"}));
    let mut invite = Step::new(
        Method::Post,
        "/organizations/{organization_id}/invitations",
        "CreateOrganizationInvitation",
    );
    invite.body = Some(json!({"email_address": "b@x.io", "role": "org:admin"}));
    invite
        .links
        .push(Link::to(Slot::Path("organization_id".into()), 0, "/id"));
    Plan::new("2026-05-12", vec![create, invite], "test")
}

#[test]
fn curl_captures_and_reads_linked_steps() {
    let script = curl(&org_then_invite(), "https://api.clerk.com/v1");
    assert_eq!(
        script,
        "# 1. POST /organizations\n\
         STEP1=$(curl -sS -X POST 'https://api.clerk.com/v1/organizations' \\\n  \
         -H \"Authorization: Bearer $CLERK_SECRET_KEY\" \\\n  \
         -H 'Content-Type: application/json' \\\n  \
         -d '{\"name\":\"Acme Corp\",\"created_by\":\"user_1\"}')\n\
         # 2. POST /organizations/{organization_id}/invitations\n\
         curl -sS -X POST \"https://api.clerk.com/v1/organizations/$(printf '%s' \"$STEP1\" | jq -r '.id')/invitations\" \\\n  \
         -H \"Authorization: Bearer $CLERK_SECRET_KEY\" \\\n  \
         -H 'Content-Type: application/json' \\\n  \
         -d '{\"email_address\":\"b@x.io\",\"role\":\"org:admin\"}'\n"
    );
}

#[test]
fn curl_merges_metadata_with_jq() {
    let read = Step::new(Method::Get, "/users/{user_id}", "GetUser");
    let mut write = Step::new(Method::Patch, "/users/{user_id}", "UpdateUser");
    write.path_params.push(("user_id".into(), json!("user_1")));
    write.body = Some(json!({"public_metadata": {"plan": "pro"}}));
    write.links.push(Link::merged(
        Slot::Body("/public_metadata".into()),
        0,
        "/public_metadata",
    ));
    let plan = Plan::new("2025-11-10", vec![read, write], "t");
    let script = curl(&plan, "https://h/v1");
    assert!(script.contains(
        r#"-d "$(jq -cn --argjson s1 "$STEP1" '{"public_metadata":{"plan":"pro"}} | .public_metadata = (($s1.public_metadata // {}) * .public_metadata)')""#
    ), "{script}");
}

#[test]
fn urls_show_links_and_jq_paths() {
    let plan = org_then_invite();
    assert_eq!(
        step_url(&plan.steps[1], "https://h/v1/"),
        "https://h/v1/organizations/{step 1/id}/invitations"
    );
    assert_eq!(jq_path("/data/0/id"), ".data[0].id");
    assert_eq!(jq_path("/0/id"), ".[0].id");
    assert_eq!(jq_path("/a b"), ".[\"a b\"]");
    assert_eq!(quote("it's"), "'it'\\''s'");
}
