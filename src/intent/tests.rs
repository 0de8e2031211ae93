//! Unit tests of the routing mechanisms, over the small test spec
//! (`testing.yml`), so each mechanism is checked on its own.

use serde_json::{Value, json};

use crate::intent::Router;
use crate::intent::read::entities::Kind;
use crate::intent::testing::{NOW, ctx, doc, router, spec};
use crate::memory::Memory;
use crate::plan::{Plan, Slot};
use crate::render::sdk;

fn kinds(text: &str) -> Vec<(Kind, Value)> {
    doc(text)
        .entities
        .into_iter()
        .map(|e| (e.kind, e.value))
        .collect()
}

fn plan(text: &str) -> Plan {
    let memory = Memory::default();
    router()
        .route(text, &ctx(&memory))
        .plan
        .unwrap_or_else(|| panic!("no plan for {text}"))
}

fn body(p: &Plan) -> Value {
    p.steps
        .last()
        .and_then(|s| s.body.clone())
        .unwrap_or(Value::Null)
}

#[test]
fn entities_by_shape() {
    let e = kinds(
        "ban user_2abc and org_9XyZ, mail jo@acme.io or +16505550143 at https://a.io/x for blocked.com",
    );
    assert!(e.contains(&(Kind::Id, json!("user_2abc"))));
    assert!(e.contains(&(Kind::Id, json!("org_9XyZ"))));
    assert!(e.contains(&(Kind::Email, json!("jo@acme.io"))));
    assert!(e.contains(&(Kind::Phone, json!("+16505550143"))));
    assert!(e.contains(&(Kind::Url, json!("https://a.io/x"))));
    assert!(e.contains(&(Kind::Domain, json!("blocked.com"))));
    // Not IDs: words with underscores that are not random.
    assert!(!kinds("list role_sets").iter().any(|(k, _)| *k == Kind::Id));
}

#[test]
fn entities_values_and_pairs() {
    let e = kinds(r#"set plan=pro count:=3 role: admin {"beta": true} 'Waystar Royco' 2025-01-01"#);
    assert!(e.contains(&(Kind::Pair, json!("pro"))));
    assert!(e.contains(&(Kind::Pair, json!(3))));
    assert!(e.contains(&(Kind::Pair, json!("admin"))));
    assert!(e.contains(&(Kind::Json, json!({"beta": true}))));
    assert!(e.contains(&(Kind::Quoted, json!("Waystar Royco"))));
    assert!(e.contains(&(Kind::Date, json!("2025-01-01"))));
    let d = doc("token valid for 600 seconds, or 10m");
    let secs: Vec<i64> = d.entities.iter().filter_map(|e| e.seconds).collect();
    assert_eq!(secs, [600, 600]);
}

#[test]
fn apostrophes_and_unbalanced_quotes_are_text() {
    let d = doc("merge {\"newsletter\": false} into user_3tp's unsafe metadata");
    assert!(
        d.entities
            .iter()
            .any(|e| e.kind == Kind::Id && e.value == json!("user_3tp"))
    );
    let d = doc("don't allow signups from tempmail.dev");
    assert!(d.has_term("not"));
    assert!(d.entities.iter().any(|e| e.value == json!("tempmail.dev")));
    let d = doc("it's 'unbalanced and user_2abc's");
    assert!(d.entities.iter().any(|e| e.value == json!("user_2abc")));
}

#[test]
fn usernames_roles_and_time_filters() {
    let d = doc("get user john_doe");
    assert!(
        d.entities
            .iter()
            .any(|e| e.kind == Kind::Username && e.value == json!("john_doe") && e.key.is_none())
    );
    let r = router();
    assert_eq!(r.reader.ex.normalise_role("admins"), "org:admin");
    assert_eq!(r.reader.ex.normalise_role("org:billing"), "org:billing");
    assert_eq!(r.reader.ex.normalise_role("viewer"), "org:viewer");
    let d = doc("invite a@b.co as a member");
    assert!(
        d.entities
            .iter()
            .any(|e| e.kind == Kind::Role && e.value == json!("org:member"))
    );
    let d = doc("users created in the last 7 days");
    let t = d.entities.iter().find_map(|e| e.time.clone()).unwrap();
    assert_eq!(
        (t.ms, t.field.as_deref()),
        (NOW - 7 * 86_400_000, Some("created_at"))
    );
}

#[test]
fn list_users_fast_path_fills_limit_order_and_time() {
    let p = plan("show the 20 newest users who signed up this week");
    assert_eq!(p.steps.len(), 1);
    let s = &p.steps[0];
    assert_eq!(s.label(), "GET /users");
    let q: serde_json::Map<String, Value> = s.query.iter().cloned().collect();
    assert_eq!(q["limit"], json!(20));
    assert_eq!(q["order_by"], json!("-created_at"));
    assert_eq!(q["created_at_after"], json!(1_750_032_000_000_i64)); // Monday 2025-06-16
    assert!(p.notes.iter().any(|n| n.contains("paginated")));
}

#[test]
fn users_are_looked_up_by_username_email_or_phone() {
    for (text, by) in [
        ("get user john_doe", "username"),
        ("show the user jane@acme.io", "email_address"),
        ("ban user with phone +16505550143", "phone_number"),
    ] {
        let p = plan(text);
        assert_eq!(p.steps.len(), 2, "{text}");
        assert_eq!(p.steps[0].label(), "GET /users");
        assert_eq!(p.steps[0].query[0].0, by);
        assert!(
            p.steps[0]
                .expect_one
                .as_deref()
                .unwrap()
                .starts_with("user matches")
        );
        let link = &p.steps[1].links[0];
        assert_eq!(
            (link.slot.clone(), link.step, link.pointer.as_str()),
            (Slot::Path("user_id".into()), 0, "/0/id")
        );
    }
    assert_eq!(
        plan("ban user with phone +16505550143").steps[1].label(),
        "POST /users/{user_id}/ban"
    );
}

#[test]
fn metadata_values_are_typed_and_the_type_explained() {
    let p = plan("set plan to pro and onboarded true and seats 5 on user_2abc");
    assert_eq!(p.steps[0].label(), "PATCH /users/{user_id}/metadata");
    assert_eq!(
        body(&p),
        json!({"public_metadata": {"plan": "pro", "onboarded": true, "seats": 5}})
    );
    assert!(
        p.notes
            .iter()
            .any(|n| n.starts_with("Writing public_metadata"))
    );
    // The three types are the pipeline's to explain (one place, not twice).
    assert!(!p.notes.iter().any(|n| n.starts_with("unsafe_metadata:")));
    let p = plan("set stripe_customer_id=cus_123 on user_2abc");
    assert_eq!(
        body(&p),
        json!({"private_metadata": {"stripe_customer_id": "cus_123"}})
    );
    let p = plan("add beta: true to the unsafe metadata of user_2abc");
    assert_eq!(body(&p), json!({"unsafe_metadata": {"beta": true}}));
    let p = plan("flag user_2abc as early_access");
    assert_eq!(body(&p), json!({"public_metadata": {"early_access": true}}));
}

#[test]
fn metadata_without_the_merging_endpoint_reads_merges_writes() {
    let mut s = spec();
    s.operations
        .retain(|o| o.path != "/users/{user_id}/metadata");
    let r = Router::new(&s).unwrap();
    let memory = Memory::default();
    let p = r
        .route("set plan to pro on user_2abc", &ctx(&memory))
        .plan
        .unwrap();
    let labels: Vec<String> = p.steps.iter().map(|s| s.label()).collect();
    assert_eq!(labels, ["GET /users/{user_id}", "PATCH /users/{user_id}"]);
    let link = p.steps[1].links.iter().find(|l| l.merge).unwrap();
    assert_eq!(
        (link.slot.clone(), link.step),
        (Slot::Body("/public_metadata".into()), 0)
    );
    assert_eq!(body(&p), json!({"public_metadata": {"plan": "pro"}}));
}

#[test]
fn organization_then_invitations_link_to_its_id() {
    let p = plan(
        "create org 'Waystar Royco' then invite kendall@waystar.co and roman@waystar.co as admins",
    );
    assert_eq!(p.steps.len(), 3);
    assert_eq!(p.steps[0].body, Some(json!({"name": "Waystar Royco"})));
    for s in &p.steps[1..] {
        assert_eq!(
            s.label(),
            "POST /organizations/{organization_id}/invitations"
        );
        assert_eq!(s.links[0].pointer, "/id");
        assert_eq!(s.body.as_ref().unwrap()["role"], json!("org:admin"));
    }
    let p = plan("invite jo@acme.io to org_2abc");
    assert_eq!(body(&p)["role"], json!("org:member"));
    assert!(p.notes.iter().any(|n| n.contains("No role given")));
}

#[test]
fn memory_fills_references_and_says_so() {
    let mut memory = Memory::default();
    memory.remember("user", "user_2mem");
    memory.remember("organization", "org_2mem");
    let r = router();
    let c = crate::intent::Context {
        now_ms: NOW,
        memory: &memory,
        repl: true,
    };
    let p = r.route("ban them", &c).plan.unwrap();
    assert_eq!(p.steps[0].path_param("user_id"), Some(&json!("user_2mem")));
    assert!(p.notes.iter().any(|n| n.contains("user_2mem")));
    let p = r.route("delete that org", &c).plan.unwrap();
    assert_eq!(
        p.steps[0].label(),
        "DELETE /organizations/{organization_id}"
    );
    assert_eq!(
        p.steps[0].path_param("organization_id"),
        Some(&json!("org_2mem"))
    );
    let p = r.route("invite bob@x.io to it as member", &c).plan.unwrap();
    assert_eq!(
        p.steps[0].path_param("organization_id"),
        Some(&json!("org_2mem"))
    );
    // One-shot: no memory, and the plan says what is missing.
    let empty = Memory::default();
    let p = r.route("ban them", &ctx(&empty)).plan.unwrap();
    assert!(p.steps[0].path_param("user_id").is_none());
    assert!(p.notes.iter().any(|n| n.contains("one-shot")));
}

#[test]
fn questions_get_answers_not_requests() {
    let memory = Memory::default();
    let r = router().route("what are the rate limits?", &ctx(&memory));
    assert!(r.plan.is_none());
    assert!(
        r.answer
            .unwrap()
            .body
            .contains("100 requests per 10 seconds")
    );
}

#[test]
fn nothing_close_enough_suggests() {
    let memory = Memory::default();
    let r = router().route("xyzzy frobnicate", &ctx(&memory));
    assert!(r.plan.is_none() && r.answer.is_none());
}

#[test]
fn sdk_code_for_fast_paths() {
    let r = router();
    let p = plan("create org Acme then invite a@b.co as admin");
    let code = sdk::render(&r.grammar.sdk, &p).unwrap();
    assert!(code.contains(
        "const org = await clerkClient.organizations.createOrganization({ name: 'Acme' })"
    ));
    assert!(code.contains("createOrganizationInvitation({ organizationId: org.id, emailAddress: 'a@b.co', role: 'org:admin' })"));
    assert!(code.contains(sdk::CASE_NOTE));
    let p = plan("get user john_doe");
    let code = sdk::render(&r.grammar.sdk, &p).unwrap();
    assert!(code.contains("getUserList({ username: ['john_doe'] })"));
    assert!(code.contains("getUser(users.data[0].id)"));
    let mut s = spec();
    s.operations
        .retain(|o| o.path != "/users/{user_id}/metadata");
    let r2 = Router::new(&s).unwrap();
    let memory = Memory::default();
    let p = r2
        .route("set plan to pro on user_2abc", &ctx(&memory))
        .plan
        .unwrap();
    let code = sdk::render(&r.grammar.sdk, &p).unwrap();
    assert!(
        code.contains("publicMetadata: { ...user.publicMetadata, plan: 'pro' }"),
        "{code}"
    );
}

#[test]
fn negated_time_filters_and_sort_words() {
    let p = plan("list users who haven't signed in since 2025-01-01");
    let q: serde_json::Map<String, Value> = p.steps[0].query.iter().cloned().collect();
    assert_eq!(q["last_sign_in_at_before"], json!(1_735_689_600_000_i64));
    let p = plan("list users sorted by oldest");
    assert_eq!(
        p.steps[0].query,
        [("order_by".to_string(), json!("+created_at"))]
    );
}

#[test]
fn metadata_keys_of_several_words() {
    let p = plan("set stripe customer id cus_123 on user_2abc");
    assert_eq!(
        body(&p),
        json!({"private_metadata": {"stripe_customer_id": "cus_123"}})
    );
}

#[test]
fn bulk_bodies_get_one_item_per_value() {
    let memory = Memory::default();
    let r = router();
    let plan = r
        .route(
            "bulk invite a@x.io and b@x.io to org_2abc as admins",
            &ctx(&memory),
        )
        .plan
        .unwrap();
    let last = plan.steps.last().unwrap();
    assert_eq!(
        last.label(),
        "POST /organizations/{organization_id}/invitations/bulk"
    );
    assert_eq!(
        last.body,
        Some(json!([
            {"email_address": "a@x.io", "role": "org:admin"},
            {"email_address": "b@x.io", "role": "org:admin"}
        ]))
    );
}

#[test]
fn a_user_named_by_email_fills_a_body_field_through_a_lookup() {
    let p = plan("create a sign in token for jo@acme.io");
    assert_eq!(p.steps.len(), 2);
    assert_eq!(
        p.steps[0].query[0],
        ("email_address".to_string(), json!(["jo@acme.io"]))
    );
    assert_eq!(p.steps[1].label(), "POST /sign_in_tokens");
    assert_eq!(p.steps[1].links[0].slot, Slot::Body("/user_id".into()));
}

#[test]
fn typos_and_synonyms_reach_the_same_operation() {
    for text in ["lsit users", "shwo all users", "pull up the people"] {
        assert_eq!(plan(text).steps[0].label(), "GET /users", "{text}");
    }
    assert_eq!(
        plan("bna user_2abc").steps[0].label(),
        "POST /users/{user_id}/ban"
    );
    assert_eq!(
        plan("kill session sess_2abc").steps[0].label(),
        "POST /sessions/{session_id}/revoke"
    );
}
