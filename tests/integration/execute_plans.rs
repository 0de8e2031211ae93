//! Plans as the router builds them (lookups that must find one item, steps
//! linked to earlier responses, read-merge-write) run through
//! `run_plan_with` against wiremock, so routed plans are proven to execute.

use crate::support as execute_support;

use std::collections::VecDeque;

use clerk_backend_api::app::execute::run_plan_with;
use clerk_backend_api::app::{App, AppError, Status};
use clerk_backend_api::command::Options;
use clerk_backend_api::pipeline::Env;
use clerk_backend_api::plan::{Link, Plan, Slot, Step};
use clerk_backend_api::render::View;
use clerk_backend_api::source::{SourceConfig, SpecStore};
use clerk_backend_api::spec::{Method, Spec};
use execute_support::{Fake, KEY, assert_no_secret, received, spec, spec_dir};
use serde_json::{Value, json};
use wiremock::matchers::{body_json, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

struct Setup {
    app: App,
    spec: Spec,
    options: Options,
    env: Env,
    _dir: tempfile::TempDir,
}

fn setup(version: &str, uri: &str, repl: bool) -> Option<Setup> {
    let spec = spec(version)?;
    let dir = tempfile::tempdir().unwrap();
    let store = SpecStore::new(SourceConfig::local(spec_dir()?));
    Some(Setup {
        app: App {
            journal_dir: Some(dir.path().join("data")),
            ..App::new(store, repl, Env::new(dir.path()))
        },
        spec,
        options: Options {
            yes: true,
            admin: true,
            base_url: Some(uri.to_string()),
            ..Options::default()
        },
        env: Env::new(dir.path())
            .with("CLERK_SECRET_KEY", KEY)
            .with("CLERK_BACKEND_API_RETRY_MS", "5"),
        _dir: dir,
    })
}

impl Setup {
    /// The lookup-then-delete plan, which must fail here.
    async fn lookup_fails(&mut self) -> AppError {
        self.run(lookup_then_delete(), &mut Fake::default())
            .await
            .unwrap_err()
    }

    async fn run(&mut self, plan: Plan, console: &mut Fake) -> Result<(View, Status), AppError> {
        let r = run_plan_with(
            &mut self.app,
            &self.spec,
            plan,
            &self.options,
            console,
            &self.env,
        )
        .await;
        let shown = format!(
            "{}{}{:?}",
            console.out,
            console.err,
            r.as_ref().map(|(v, _)| (&v.text, &v.json))
        );
        assert_no_secret(KEY, &shown, "output");
        r
    }
}

fn plan(version: &str, steps: Vec<Step>) -> Plan {
    let mut p = Plan::new(version, steps, "test plan");
    p.notes.push("a note for the user".into());
    p.alternatives.push("GET /users/{user_id}".into());
    p
}

/// Look up the user by username, then delete the one found.
fn lookup_then_delete() -> Plan {
    let mut find = Step::new(Method::Get, "/users", "GetUserList");
    find.query.push(("username".into(), json!(["john_doe"])));
    find.purpose = "Look up the user john_doe".into();
    find.expect_one = Some("user matches username john_doe".into());
    let mut delete = Step::new(Method::Delete, "/users/{user_id}", "DeleteUser");
    delete
        .links
        .push(Link::to(Slot::Path("user_id".into()), 0, "/0/id"));
    plan("2026-05-12", vec![find, delete])
}

fn user(id: &str, username: &str) -> Value {
    json!({"object": "user", "id": id, "username": username, "email_addresses": []})
}

async fn users_server(found: Vec<Value>) -> MockServer {
    let s = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/users"))
        .and(query_param("username", "john_doe"))
        .respond_with(ResponseTemplate::new(200).set_body_json(found))
        .mount(&s)
        .await;
    s
}

async fn expect_delete(s: &MockServer, id: &str, times: u64) {
    Mock::given(method("DELETE"))
        .and(path(format!("/users/{id}")))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"object": "user", "id": id, "deleted": true})),
        )
        .expect(times)
        .mount(s)
        .await;
}

#[tokio::test]
async fn lookup_then_act_on_the_one_user() {
    let s = users_server(vec![user("user_7", "john_doe")]).await;
    expect_delete(&s, "user_7", 1).await;
    let Some(mut t) = setup("2026-05-12", &s.uri(), false) else {
        return;
    };
    let mut c = Fake::default();
    let (view, status) = t.run(lookup_then_delete(), &mut c).await.unwrap();
    assert_eq!(status, Status::Ok);
    assert!(
        view.text
            .contains("1. Look up the user john_doe (GET /users): found user_7 (john_doe)"),
        "{}",
        view.text
    );
    assert!(view.text.ends_with("Deleted user_7"), "{}", view.text);
    assert!(c.err.contains("IRREVERSIBLE"), "{}", c.err);
    let note = c
        .err
        .find("note: a note for the user")
        .expect("notes are shown");
    assert!(note < c.err.find("About to send").unwrap(), "{}", c.err);
    assert_eq!(t.app.memory.last("user"), Some("user_7"));
}

#[tokio::test]
async fn no_match_stops_plainly() {
    let s = users_server(vec![]).await;
    expect_delete(&s, "user_7", 0).await;
    let Some(mut t) = setup("2026-05-12", &s.uri(), false) else {
        return;
    };
    let err = t.lookup_fails().await;
    assert_eq!(err.to_string(), "No user matches username john_doe");
    assert_eq!(err.status(), Status::Failed);
}

#[tokio::test]
async fn several_matches_are_listed_in_one_shot_and_picked_in_the_repl() {
    let two = vec![user("user_7", "john_doe"), user("user_8", "john_doe")];
    let s = users_server(two.clone()).await;
    expect_delete(&s, "user_7", 0).await;
    expect_delete(&s, "user_8", 1).await;
    let Some(mut t) = setup("2026-05-12", &s.uri(), false) else {
        return;
    };
    let err = t.lookup_fails().await;
    let text = err.to_string();
    assert!(
        text.starts_with("More than one user matches username john_doe (2):"),
        "{text}"
    );
    assert!(
        text.contains("1. user_7 (john_doe)") && text.contains("2. user_8 (john_doe)"),
        "{text}"
    );
    assert_eq!(err.status(), Status::Failed);
    let Some(mut t) = setup("2026-05-12", &s.uri(), true) else {
        return;
    };
    let mut c = Fake {
        tty: true,
        answers: VecDeque::from(["2".to_string()]),
        ..Fake::default()
    };
    let (view, status) = t.run(lookup_then_delete(), &mut c).await.unwrap();
    assert_eq!(status, Status::Ok);
    assert!(view.text.ends_with("Deleted user_8"), "{}", view.text);
    assert!(c.err.contains("Pick one (1-2)"), "{}", c.err);
}

#[tokio::test]
async fn the_pipeline_runs_before_the_lookup_is_sent() {
    let s = users_server(vec![user("user_7", "john_doe")]).await;
    expect_delete(&s, "user_7", 0).await;
    // Insufficient scopes: refused in one-shot, nothing sent.
    let Some(mut t) = setup("2026-05-12", &s.uri(), false) else {
        return;
    };
    t.options.admin = false;
    t.env = t.env.clone().with("CLERK_BAPI_SCOPES", "write");
    let err = t.lookup_fails().await;
    assert_eq!(err.status(), Status::Usage);
    assert!(
        err.to_string()
            .contains("DELETE /users/{user_id} needs the scope(s) delete"),
        "{err}"
    );
    // In the REPL the user is offered --admin; saying no sends nothing.
    let Some(mut t) = setup("2026-05-12", &s.uri(), true) else {
        return;
    };
    t.options.admin = false;
    let mut c = Fake {
        tty: true,
        answers: VecDeque::from(["n".to_string()]),
        ..Fake::default()
    };
    assert!(t.run(lookup_then_delete(), &mut c).await.is_err());
    assert!(c.err.contains("Rerun with --admin? [y/N]"), "{}", c.err);
    // No --yes and no terminal: refused.
    let Some(mut t) = setup("2026-05-12", &s.uri(), false) else {
        return;
    };
    t.options.yes = false;
    let err = t.lookup_fails().await;
    assert_eq!(err.status(), Status::Usage);
    // A typed confirmation that is not `yes`: cancelled.
    let Some(mut t) = setup("2026-05-12", &s.uri(), false) else {
        return;
    };
    t.options.yes = false;
    let mut c = Fake {
        tty: true,
        answers: VecDeque::from(["y".to_string()]),
        ..Fake::default()
    };
    let (_, status) = t.run(lookup_then_delete(), &mut c).await.unwrap();
    assert_eq!(status, Status::Failed);
    assert!(c.err.contains("Type `yes` to delete"), "{}", c.err);
    assert!(received(&s).await.is_empty());
    // The REPL's yes to --admin and a typed `yes` go ahead.
    let s2 = users_server(vec![user("user_7", "john_doe")]).await;
    expect_delete(&s2, "user_7", 1).await;
    let Some(mut t) = setup("2026-05-12", &s2.uri(), true) else {
        return;
    };
    t.options.admin = false;
    t.options.yes = false;
    let answers = VecDeque::from(["y".to_string(), "yes".to_string()]);
    let mut c = Fake {
        tty: true,
        answers,
        ..Fake::default()
    };
    let (view, _) = t.run(lookup_then_delete(), &mut c).await.unwrap();
    assert!(view.text.ends_with("Deleted user_7"));
}

#[tokio::test]
async fn create_organization_then_invite_into_its_id() {
    let s = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/organizations"))
        .and(body_json(json!({"name": "Acme Corp", "created_by": "user_1"})))
        .respond_with(ResponseTemplate::new(200).set_body_json(
            json!({"object": "organization", "id": "org_new", "name": "Acme Corp", "slug": "acme-corp"}),
        ))
        .expect(1)
        .mount(&s)
        .await;
    Mock::given(method("POST"))
        .and(path("/organizations/org_new/invitations"))
        .and(body_json(json!({"email_address": "b@x.io", "role": "org:admin"})))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"object": "organization_invitation",
            "id": "orginv_1", "email_address": "b@x.io", "role": "org:admin", "status": "pending"})))
        .expect(1)
        .mount(&s)
        .await;
    let Some(mut t) = setup("2026-05-12", &s.uri(), false) else {
        return;
    };
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
    let mut c = Fake::default();
    let (view, status) = t
        .run(plan("2026-05-12", vec![create, invite]), &mut c)
        .await
        .unwrap();
    assert_eq!(status, Status::Ok);
    assert!(
        view.text
            .contains("1. POST /organizations: org_new (Acme Corp)"),
        "{}",
        view.text
    );
    assert!(
        view.text.contains("invitation orginv_1") && view.text.contains("pending"),
        "{}",
        view.text
    );
    assert!(
        c.err.contains("/organizations/{step 1/id}/invitations"),
        "{}",
        c.err
    );
    assert_eq!(t.app.memory.last("organization"), Some("org_new"));
    assert_eq!(
        t.app.memory.last("organization_invitation"),
        Some("orginv_1")
    );
}

#[tokio::test]
async fn read_merge_write_keeps_existing_keys() {
    let s = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/users/user_1"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"object": "user", "id": "user_1",
            "public_metadata": {"role": "admin", "flags": {"a": 1}}})),
        )
        .mount(&s)
        .await;
    Mock::given(method("PATCH"))
        .and(path("/users/user_1"))
        .and(body_json(
            json!({"public_metadata": {"role": "admin", "flags": {"a": 1, "b": 2}, "plan": "pro"}}),
        ))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"object": "user", "id": "user_1"})),
        )
        .expect(1)
        .mount(&s)
        .await;
    let Some(mut t) = setup("2025-11-10", &s.uri(), false) else {
        return;
    };
    let mut read = Step::new(Method::Get, "/users/{user_id}", "GetUser");
    read.path_params.push(("user_id".into(), json!("user_1")));
    let mut write = Step::new(Method::Patch, "/users/{user_id}", "UpdateUser");
    write.path_params.push(("user_id".into(), json!("user_1")));
    write.body = Some(json!({"public_metadata": {"plan": "pro", "flags": {"b": 2}}}));
    write.links.push(Link::merged(
        Slot::Body("/public_metadata".into()),
        0,
        "/public_metadata",
    ));
    let mut c = Fake::default();
    let (_, status) = t
        .run(plan("2025-11-10", vec![read, write]), &mut c)
        .await
        .unwrap();
    assert_eq!(status, Status::Ok, "{}", c.err);
    assert!(
        c.err.contains("reads the current value first (step 1)"),
        "{}",
        c.err
    );
    assert!(c.err.contains("three metadata types"), "{}", c.err);
}

#[tokio::test]
async fn dry_run_shows_the_plan_values_and_a_missing_link_is_an_error() {
    let Some(mut t) = setup("2026-05-12", "http://127.0.0.1:9", false) else {
        return;
    };
    t.options.dry_run = true;
    let (view, status) = t
        .run(lookup_then_delete(), &mut Fake::default())
        .await
        .unwrap();
    assert_eq!(status, Status::Ok);
    let doc = view.json.to_string();
    assert!(
        doc.contains("john_doe") && doc.contains("\"/0/id\""),
        "{doc}"
    );
    assert_eq!(view.json["alternatives"][0], "GET /users/{user_id}");
    assert_eq!(view.json["notes"][0], "a note for the user");
    assert!(
        view.text
            .contains("must find exactly one: user matches username john_doe"),
        "{}",
        view.text
    );
    // A pointer the response does not have.
    let s = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"object": "organization"})))
        .mount(&s)
        .await;
    let Some(mut t) = setup("2026-05-12", &s.uri(), false) else {
        return;
    };
    let mut create = Step::new(Method::Post, "/organizations", "CreateOrganization");
    create.body = Some(json!({"name": "X"}));
    let mut get = Step::new(
        Method::Get,
        "/organizations/{organization_id}",
        "GetOrganization",
    );
    get.links
        .push(Link::to(Slot::Path("organization_id".into()), 0, "/id"));
    let err = t
        .run(plan("2026-05-12", vec![create, get]), &mut Fake::default())
        .await
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "step 2 needs /id from step 1's response, which has no such value"
    );
}
