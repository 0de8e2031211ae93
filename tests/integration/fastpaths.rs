//! Every fast path of the seed end to end: plain English given to the real
//! binary (one-shot), sent to wiremock on 127.0.0.1 with a fake `sk_test_`
//! key, checking the exact requests received (method, path, query, JSON
//! body, `Authorization: Bearer`) and what the user sees on stdout and
//! stderr. `Cli` checks after every run that the key was never shown.

use crate::support as execute_support;

use std::time::{SystemTime, UNIX_EPOCH};

use execute_support::{Cli, KEY, Run, received};
use serde_json::{Value, json};
use wiremock::matchers::{method, path, query_param};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

fn user(id: &str, username: &str, email: &str) -> Value {
    json!({
        "object": "user", "id": id, "username": username,
        "first_name": "Jo", "last_name": username,
        "primary_email_address_id": format!("idn_{id}"),
        "email_addresses": [{"id": format!("idn_{id}"), "email_address": email}],
        "created_at": 1_764_000_000_000_i64, "last_sign_in_at": null,
        "public_metadata": {}, "private_metadata": {}, "unsafe_metadata": {},
    })
}

fn ok(body: Value) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(body)
}

/// Mounts a response for one method and path; `times` requests expected.
async fn on(s: &MockServer, verb: &str, at: &str, body: Value, times: u64) {
    Mock::given(method(verb))
        .and(path(at))
        .respond_with(ok(body))
        .expect(times)
        .mount(s)
        .await;
}

/// The binary, one-shot, with `args` then `--base-url` to the mock.
/// A write the user allows (`scopes` in CLERK_BAPI_SCOPES) and confirms
/// (`--yes`), which must succeed; `None` without the real specs.
async fn confirmed(scopes: &str, request: &str, s: &MockServer) -> Option<Run> {
    let r = run(Cli::new()?.scopes(scopes), &["--yes", request], s).await;
    assert_eq!(r.code, 0, "{request}: {r:?}");
    Some(r)
}

async fn run(cli: Cli, args: &[&str], s: &MockServer) -> Run {
    let uri = s.uri();
    let mut argv = args.to_vec();
    argv.extend(["--base-url", &uri]);
    cli.run(&argv).await
}

/// One received request, checked exactly: method, path, query pairs (in
/// any order), JSON body (or none), and the bearer key.
fn check(r: &Request, verb: &str, at: &str, query: &[(&str, &str)], body: Option<Value>) {
    assert_eq!(r.method.as_str(), verb, "{r:?}");
    assert_eq!(r.url.path(), at, "{r:?}");
    let mut got: Vec<(String, String)> = r.url.query_pairs().into_owned().collect();
    let mut want: Vec<(String, String)> = query
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    got.sort();
    want.sort();
    assert_eq!(got, want, "query of {verb} {at}");
    assert_eq!(
        r.headers.get("authorization").and_then(|h| h.to_str().ok()),
        Some(format!("Bearer {KEY}").as_str()),
        "the key is sent as a bearer token"
    );
    match body {
        Some(b) => assert_eq!(
            r.body_json::<Value>().expect("a JSON body"),
            b,
            "body of {verb} {at}"
        ),
        None => assert!(r.body.is_empty(), "{verb} {at} sends no body"),
    }
}

/// The requests of the plan itself: the GET the journal reads just before
/// a DELETE or PATCH of the same object (tested in `journal.rs`) is left
/// out.
async fn requests(s: &MockServer, n: usize) -> Vec<Request> {
    let all = received(s).await;
    let read_before = |i: usize| {
        let (r, next) = (&all[i], all.get(i + 1));
        r.method.as_str() == "GET"
            && next.is_some_and(|w| {
                matches!(w.method.as_str(), "DELETE" | "PATCH" | "PUT")
                    && (w.url.path() == r.url.path()
                        || w.url.path().strip_suffix("/metadata") == Some(r.url.path()))
            })
    };
    let got: Vec<Request> = (0..all.len())
        .filter(|i| !read_before(*i))
        .map(|i| all[i].clone())
        .collect();
    assert_eq!(
        got.len(),
        n,
        "requests received: {:?}",
        got.iter()
            .map(|r| format!("{} {}", r.method, r.url))
            .collect::<Vec<_>>()
    );
    got
}

fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as i64)
}

#[tokio::test]
async fn list_users_created_in_the_last_7_days() {
    let s = MockServer::start().await;
    let users = vec![
        user("user_2new", "ada", "ada@acme.io"),
        user("user_2old", "bob", "bob@acme.io"),
    ];
    on(&s, "GET", "/users", json!(users), 1).await;
    let Some(cli) = Cli::new() else { return };
    let before = now_ms();
    let r = run(cli, &["list users created in the last 7 days"], &s).await;
    let after = now_ms();
    assert_eq!(r.code, 0, "{r:?}");
    let got = requests(&s, 1).await;
    let after_ms: i64 = got[0]
        .url
        .query_pairs()
        .find(|(k, _)| k == "created_at_after")
        .and_then(|(_, v)| v.parse().ok())
        .expect("created_at_after, in Unix milliseconds");
    let week = 7 * 24 * 3600 * 1000;
    // Midnight-rounding or not, within a day of exactly 7 days ago.
    let day = 24 * 3600 * 1000;
    assert!(
        after_ms >= before - week - day && after_ms <= after - week + 1000,
        "created_at_after={after_ms}, now={before}"
    );
    let planned = after_ms.to_string();
    check(
        &got[0],
        "GET",
        "/users",
        &[
            ("created_at_after", planned.as_str()),
            ("order_by", "-created_at"),
        ],
        None,
    );
    let out = r.all();
    assert!(out.contains("paginated"), "{out}");
    for id in ["user_2new", "user_2old", "ada@acme.io", "bob"] {
        assert!(r.stdout.contains(id), "{id} in the table:\n{}", r.stdout);
    }
    assert!(r.stdout.contains("2 users"), "{}", r.stdout);
}

/// `GET /users?<by>=<value>` answers `found`; the user found is then read.
async fn lookup_server(by: &str, value: &str, found: Vec<Value>) -> MockServer {
    let s = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/users"))
        .and(query_param(by, value))
        .respond_with(ok(json!(found)))
        .expect(1)
        .mount(&s)
        .await;
    s
}

#[tokio::test]
async fn get_a_user_by_username_or_email_looks_them_up_first() {
    for (request, by, value, id) in [
        ("get user john_doe", "username", "john_doe", "user_2john"),
        (
            "show the user jane@acme.io",
            "email_address",
            "jane@acme.io",
            "user_2jane",
        ),
    ] {
        let found = user(id, "john_doe", "jane@acme.io");
        let s = lookup_server(by, value, vec![found.clone()]).await;
        on(&s, "GET", &format!("/users/{id}"), found, 1).await;
        let Some(cli) = Cli::new() else { return };
        let r = run(cli, &[request], &s).await;
        assert_eq!(r.code, 0, "{request}: {r:?}");
        let got = requests(&s, 2).await;
        check(&got[0], "GET", "/users", &[(by, value)], None);
        check(&got[1], "GET", &format!("/users/{id}"), &[], None);
        assert!(
            r.stdout.contains(&format!(
                "Look up the user {value} (GET /users): found {id}"
            )),
            "{request}: {}",
            r.stdout
        );
        assert!(r.stdout.contains(&format!("User {id}")), "{}", r.stdout);
        assert!(r.stdout.contains("jane@acme.io"), "{}", r.stdout);
    }
}

#[tokio::test]
async fn no_user_found_or_several_found_is_said_plainly() {
    // None: one plain sentence, exit 1, the user itself never read.
    let s = lookup_server("username", "john_doe", vec![]).await;
    Mock::given(method("GET"))
        .and(wiremock::matchers::path_regex("^/users/.+"))
        .respond_with(ok(json!({})))
        .expect(0)
        .mount(&s)
        .await;
    let Some(cli) = Cli::new() else { return };
    let r = run(cli, &["get user john_doe"], &s).await;
    assert_eq!(r.code, 1, "{r:?}");
    assert!(
        r.stderr.contains("No user matches username john_doe"),
        "{}",
        r.stderr
    );
    assert!(!r.all().contains("panicked"), "{r:?}");
    // Several: listed, exit 1, nothing more sent.
    let two = vec![
        user("user_2a", "john_doe", "john@acme.io"),
        user("user_2b", "john_doe", "john@other.io"),
    ];
    let s = lookup_server("username", "john_doe", two).await;
    Mock::given(method("GET"))
        .and(wiremock::matchers::path_regex("^/users/.+"))
        .respond_with(ok(json!({})))
        .expect(0)
        .mount(&s)
        .await;
    let Some(cli) = Cli::new() else { return };
    let r = run(cli, &["get user john_doe"], &s).await;
    assert_eq!(r.code, 1, "{r:?}");
    let err = &r.stderr;
    assert!(
        err.contains("More than one user matches username john_doe (2)"),
        "{err}"
    );
    assert!(
        err.contains("1. user_2a (john@acme.io") && err.contains("2. user_2b (john@other.io"),
        "{err}"
    );
}

/// What every metadata write explains on stderr: the three types, and
/// which one this request writes and why.
fn explains_metadata(err: &str, field: &str, why: &str) {
    for t in [
        "public_metadata is read by the frontend and the backend but written only by the backend",
        "private_metadata is read and written by the backend only",
        "unsafe_metadata is read and written by the frontend too",
        "Clerk has three metadata types",
    ] {
        assert!(err.contains(t), "`{t}` explained:\n{err}");
    }
    assert!(
        err.contains(&format!("Writing {field}: {why}")),
        "why {field}:\n{err}"
    );
}

#[tokio::test]
async fn set_metadata_on_a_user_id_merges_typed_public_values() {
    let s = MockServer::start().await;
    on(
        &s,
        "PATCH",
        "/users/user_2abc/metadata",
        user("user_2abc", "john_doe", "john@acme.io"),
        1,
    )
    .await;
    let Some(r) = confirmed(
        "write",
        "set plan to pro and onboarded true on user_2abc",
        &s,
    )
    .await
    else {
        return;
    };
    let got = requests(&s, 1).await;
    check(
        &got[0],
        "PATCH",
        "/users/user_2abc/metadata",
        &[],
        Some(json!({"public_metadata": {"plan": "pro", "onboarded": true}})),
    );
    explains_metadata(
        &r.stderr,
        "public_metadata",
        "plans, roles and flags are read by the frontend but must only be written by the server",
    );
    assert!(r.stderr.contains("deep-merges"), "{}", r.stderr);
    assert!(r.stdout.contains("User user_2abc"), "{}", r.stdout);
}

#[tokio::test]
async fn private_metadata_of_a_username_is_looked_up_then_merged() {
    let found = user("user_2john", "john_doe", "john@acme.io");
    let s = lookup_server("username", "john_doe", vec![found.clone()]).await;
    on(&s, "PATCH", "/users/user_2john/metadata", found, 1).await;
    let Some(r) = confirmed(
        "write",
        "add billing id cus_123 to the private metadata of john_doe",
        &s,
    )
    .await
    else {
        return;
    };
    let got = requests(&s, 2).await;
    check(&got[0], "GET", "/users", &[("username", "john_doe")], None);
    check(
        &got[1],
        "PATCH",
        "/users/user_2john/metadata",
        &[],
        Some(json!({"private_metadata": {"billing_id": "cus_123"}})),
    );
    explains_metadata(
        &r.stderr,
        "private_metadata",
        "you asked for private metadata",
    );
}

/// Other phrasings of a metadata write on a user named by username: the
/// value is never taken for the user, and "add ... to the metadata" is an
/// update of that user, not a new user.
#[tokio::test]
async fn metadata_values_are_not_mistaken_for_the_user() {
    for (request, body) in [
        (
            "add beta: true to the private metadata of john_doe",
            json!({"private_metadata": {"beta": true}}),
        ),
        (
            "set billing id cus_123 in the private metadata of john_doe",
            json!({"private_metadata": {"billing_id": "cus_123"}}),
        ),
        (
            "set plan to pro_plus on john_doe",
            json!({"public_metadata": {"plan": "pro_plus"}}),
        ),
    ] {
        let found = user("user_2john", "john_doe", "john@acme.io");
        let s = lookup_server("username", "john_doe", vec![found.clone()]).await;
        on(&s, "PATCH", "/users/user_2john/metadata", found, 1).await;
        let Some(r) = confirmed("write", request, &s).await else {
            return;
        };
        assert!(
            r.stdout
                .contains("Look up the user john_doe (GET /users): found user_2john"),
            "{request}: {}",
            r.stdout
        );
        let got = requests(&s, 2).await;
        check(&got[0], "GET", "/users", &[("username", "john_doe")], None);
        check(
            &got[1],
            "PATCH",
            "/users/user_2john/metadata",
            &[],
            Some(body),
        );
    }
}

/// A folder with spec 2025-11-10 minus `/users/{user_id}/metadata`: a spec
/// version whose only way to write metadata is `PATCH /users/{user_id}`,
/// which replaces the whole object. Made fresh for the test, never kept.
fn spec_without_metadata_merge() -> Option<tempfile::TempDir> {
    let dir = execute_support::spec_dir()?;
    let text = std::fs::read_to_string(dir.join("2025-11-10.yml")).ok()?;
    let mut out = String::with_capacity(text.len());
    let mut skipping = false;
    let mut removed = 0;
    for line in text.lines() {
        if line == "  /users/{user_id}/metadata:" {
            skipping = true;
            removed += 1;
            continue;
        }
        // The next path (or the end of `paths:`) ends the one removed.
        if skipping && (line.starts_with("  /") || !line.starts_with(' ')) && !line.is_empty() {
            skipping = false;
        }
        if !skipping {
            out.push_str(line);
            out.push('\n');
        }
    }
    assert_eq!(
        removed, 1,
        "2025-11-10.yml has the merging endpoint to remove"
    );
    let tmp = tempfile::tempdir().expect("temp dir");
    std::fs::write(tmp.path().join("2025-11-10.yml"), out).expect("spec written");
    Some(tmp)
}

#[tokio::test]
async fn without_the_merging_endpoint_metadata_is_read_merged_then_written() {
    let Some(specs) = spec_without_metadata_merge() else {
        return;
    };
    let mut current = user("user_2abc", "john_doe", "john@acme.io");
    current["public_metadata"] = json!({"role": "admin"});
    let s = MockServer::start().await;
    // Read twice: by the plan, and by the journal just before the write.
    on(&s, "GET", "/users/user_2abc", current.clone(), 2).await;
    on(&s, "PATCH", "/users/user_2abc", current, 1).await;
    Mock::given(method("PATCH"))
        .and(path("/users/user_2abc/metadata"))
        .respond_with(ok(json!({})))
        .expect(0)
        .mount(&s)
        .await;
    let Some(cli) = Cli::new() else { return };
    let cli = cli.env(
        "CLERK_BACKEND_API_SPECS_DIR",
        &specs.path().display().to_string(),
    );
    let r = run(
        cli.scopes("write"),
        &["--yes", "set plan to pro on user_2abc"],
        &s,
    )
    .await;
    assert_eq!(r.code, 0, "{r:?}");
    let got = requests(&s, 2).await;
    check(&got[0], "GET", "/users/user_2abc", &[], None);
    check(
        &got[1],
        "PATCH",
        "/users/user_2abc",
        &[],
        Some(json!({"public_metadata": {"role": "admin", "plan": "pro"}})),
    );
    assert!(
        r.stderr
            .contains("but this plan reads the current value first (step 1) and merges"),
        "{}",
        r.stderr
    );
    explains_metadata(
        &r.stderr,
        "public_metadata",
        "plans, roles and flags are read by the frontend",
    );
}

#[tokio::test]
async fn delete_a_user_warns_and_needs_consent() {
    // Without --yes and without a terminal: refused, nothing sent.
    let s = MockServer::start().await;
    on(&s, "DELETE", "/users/user_2abc", json!({}), 0).await;
    let Some(cli) = Cli::new() else { return };
    let r = run(cli.scopes("write,delete"), &["delete user user_2abc"], &s).await;
    assert_eq!(r.code, 2, "{r:?}");
    assert!(r.stderr.contains("IRREVERSIBLE"), "{}", r.stderr);
    assert!(
        r.stderr.contains("refusing to write without confirmation"),
        "{}",
        r.stderr
    );
    requests(&s, 0).await;
    // With --yes: the warning still printed, then sent once.
    let s = MockServer::start().await;
    let deleted = json!({"object": "user", "id": "user_2abc", "deleted": true});
    on(&s, "DELETE", "/users/user_2abc", deleted, 1).await;
    let Some(r) = confirmed("write,delete", "delete user user_2abc", &s).await else {
        return;
    };
    check(
        &requests(&s, 1).await[0],
        "DELETE",
        "/users/user_2abc",
        &[],
        None,
    );
    let warning = r
        .stderr
        .lines()
        .find(|l| l.contains("IRREVERSIBLE: DELETE /users/{user_id}"))
        .unwrap_or_else(|| panic!("the delete warning:\n{}", r.stderr));
    for destroyed in [
        "the user record",
        "sessions",
        "organization memberships",
        "all associated data",
    ] {
        assert!(warning.contains(destroyed), "{destroyed}: {warning}");
    }
    assert!(r.stdout.contains("Deleted user_2abc"), "{}", r.stdout);
}

#[tokio::test]
async fn create_an_organization_then_invite_into_its_id() {
    let s = MockServer::start().await;
    let org = json!({"object": "organization", "id": "org_2fresh", "name": "Acme Corp", "slug": "acme-corp"});
    on(&s, "POST", "/organizations", org, 1).await;
    let invitation = json!({"object": "organization_invitation", "id": "orginv_1",
        "email_address": "user@example.com", "role": "org:admin", "status": "pending"});
    on(
        &s,
        "POST",
        "/organizations/org_2fresh/invitations",
        invitation,
        1,
    )
    .await;
    let Some(r) = confirmed(
        "write",
        "create organization Acme Corp and invite user@example.com as admin",
        &s,
    )
    .await
    else {
        return;
    };
    let got = requests(&s, 2).await;
    check(
        &got[0],
        "POST",
        "/organizations",
        &[],
        Some(json!({"name": "Acme Corp"})),
    );
    check(
        &got[1],
        "POST",
        "/organizations/org_2fresh/invitations",
        &[],
        Some(json!({"email_address": "user@example.com", "role": "org:admin"})),
    );
    assert!(
        r.stdout.contains("org_2fresh (Acme Corp)") && r.stdout.contains("invitation orginv_1"),
        "{}",
        r.stdout
    );
    assert!(r.stdout.contains("pending"), "{}", r.stdout);
    // "created by user_..." makes that user the first admin.
    let s = MockServer::start().await;
    let org = json!({"object": "organization", "id": "org_2b", "name": "Acme Corp"});
    on(&s, "POST", "/organizations", org, 1).await;
    let Some(r) = confirmed(
        "write",
        "create organization Acme Corp created by user_2abc",
        &s,
    )
    .await
    else {
        return;
    };
    check(
        &requests(&s, 1).await[0],
        "POST",
        "/organizations",
        &[],
        Some(json!({"name": "Acme Corp", "created_by": "user_2abc"})),
    );
    assert!(r.stdout.contains("Organization org_2b"), "{}", r.stdout);
}

#[tokio::test]
async fn a_routed_write_without_scopes_is_refused_before_sending() {
    let s = MockServer::start().await;
    Mock::given(wiremock::matchers::any())
        .respond_with(ok(json!({})))
        .expect(0)
        .mount(&s)
        .await;
    for request in [
        "set plan to pro and onboarded true on user_2abc",
        "delete user user_2abc",
        "create organization Acme Corp and invite user@example.com as admin",
    ] {
        let Some(cli) = Cli::new() else { return };
        let r = run(cli, &["--yes", request], &s).await;
        assert_eq!(r.code, 2, "{request}: {r:?}");
        assert!(
            r.stderr
                .contains("CLERK_BAPI_SCOPES grants no scopes (it is unset)")
                && r.stderr.contains("nothing was sent")
                && r.stderr.contains("Rerun with --admin"),
            "{request}: {}",
            r.stderr
        );
    }
    // Only `write` is not enough for a delete.
    let Some(cli) = Cli::new() else { return };
    let r = run(cli.scopes("write"), &["--yes", "delete user user_2abc"], &s).await;
    assert_eq!(r.code, 2, "{r:?}");
    assert!(
        r.stderr.contains("needs the scope(s) delete"),
        "{}",
        r.stderr
    );
    requests(&s, 0).await;
}

#[tokio::test]
async fn sdk_shows_the_clerk_backend_call() {
    let s = MockServer::start().await;
    Mock::given(wiremock::matchers::any())
        .respond_with(ok(json!({})))
        .expect(0)
        .mount(&s)
        .await;
    for (request, call) in [
        (
            "set plan to pro and onboarded true on user_2abc",
            "await clerkClient.users.updateUserMetadata('user_2abc', { publicMetadata: { plan: 'pro', onboarded: true } })",
        ),
        (
            "get user john_doe",
            "await clerkClient.users.getUserList({ username: ['john_doe'] })",
        ),
        (
            "delete user user_2abc",
            "await clerkClient.users.deleteUser('user_2abc')",
        ),
    ] {
        let Some(cli) = Cli::new() else { return };
        let r = run(cli, &["--sdk", request], &s).await;
        assert_eq!(r.code, 0, "{request}: {r:?}");
        assert!(
            r.stdout
                .contains("import { createClerkClient } from '@clerk/backend'"),
            "{}",
            r.stdout
        );
        assert!(r.stdout.contains(call), "{request}:\n{}", r.stdout);
        assert!(
            r.stdout.contains(
                "The REST API uses snake_case (public_metadata); the SDK uses camelCase (publicMetadata)"
            ),
            "{}",
            r.stdout
        );
    }
    requests(&s, 0).await;
}

/// The six prompts of `../shared/seed/evals.json` as a user types them:
/// what they see (stdout and stderr) says every point the eval expects.
/// The read runs against the mock; the writes are dry runs, which send
/// nothing; the two questions are answered without a request.
#[tokio::test]
async fn the_seed_evals_as_the_user_sees_them() {
    let Some(dir) = execute_support::spec_dir() else {
        return;
    };
    let Ok(text) = std::fs::read_to_string(dir.join("../../seed/evals.json")) else {
        eprintln!("skipped: the seed's evals.json is missing");
        return;
    };
    let evals: Value = serde_json::from_str(&text).expect("evals.json is JSON");
    let prompts: Vec<&str> = evals["evals"]
        .as_array()
        .expect("evals")
        .iter()
        .filter_map(|e| e["prompt"].as_str())
        .collect();
    assert_eq!(prompts.len(), 6);
    let s = MockServer::start().await;
    let uri = s.uri();
    // (dry run, what must be seen, requests sent)
    let cases: [(bool, Vec<String>, usize); 6] = [
        (
            false,
            vec![
                "created_at_after".into(),
                "in Unix milliseconds".into(),
                format!("GET {uri}/users?"),
                "Authorization: Bearer $CLERK_SECRET_KEY".into(),
                "JSON array of User objects".into(),
                "paginated: `limit`".into(),
                "`offset`".into(),
                "user_2new".into(),
            ],
            1,
        ),
        (
            true,
            vec![
                format!("1. POST {uri}/organizations"),
                "\"name\": \"Acme Corp\"".into(),
                format!("2. POST {uri}/organizations/{{step 1/id}}/invitations"),
                "\"role\": \"org:admin\"".into(),
                "\"email_address\": \"user@example.com\"".into(),
                "Both requests are sent with the header `Authorization: Bearer $CLERK_SECRET_KEY`"
                    .into(),
                "takes the organization ID from step 1's response (`id`)".into(),
            ],
            0,
        ),
        (
            true,
            vec![
                format!("PATCH {uri}/users/{{user_id}}/metadata"),
                "\"public_metadata\": {".into(),
                "\"plan\": \"pro\"".into(),
                "\"onboarded\": true".into(),
                "public_metadata is read by the frontend and the backend".into(),
                "private_metadata is read and written by the backend only".into(),
                "unsafe_metadata is read and written by the frontend too".into(),
                "Writes need `write` in CLERK_BAPI_SCOPES".into(),
                "scopes: missing write in CLERK_BAPI_SCOPES".into(),
            ],
            0,
        ),
        (
            true,
            vec![
                format!("DELETE {uri}/users/user_abc123"),
                "IRREVERSIBLE".into(),
                "type `yes` or the ID to confirm".into(),
                "Authorization: Bearer $CLERK_SECRET_KEY".into(),
                "all of the user's sessions".into(),
                "organization memberships".into(),
                "all associated data".into(),
            ],
            0,
        ),
        (
            false,
            [
                "REPLACES",
                "it does not merge",
                "getUser(userId)",
                "{ ...user.publicMetadata, plan: 'pro' }",
                "updateUser(userId",
                "`publicMetadata`, `privateMetadata` and `unsafeMetadata` equally",
            ]
            .map(String::from)
            .to_vec(),
            0,
        ),
        (
            false,
            [
                "100 requests per 10 seconds",
                "1,000 requests per 10 seconds",
                "batch operations",
                "reduce call frequency",
                "`currentUser()` makes a real Backend API call",
                "Use `auth()`",
            ]
            .map(String::from)
            .to_vec(),
            0,
        ),
    ];
    let new = user("user_2new", "ada", "ada@acme.io");
    on(&s, "GET", "/users", json!([new]), 1).await;
    for (prompt, (dry, want, sent)) in prompts.iter().zip(cases) {
        let before = received(&s).await.len();
        let Some(cli) = Cli::new() else { return };
        let mut args = vec![*prompt];
        if dry {
            args.insert(0, "--dry-run");
        }
        let r = run(cli, &args, &s).await;
        assert_eq!(r.code, 0, "{prompt}: {r:?}");
        let seen = r.all();
        let missing: Vec<&String> = want.iter().filter(|w| !seen.contains(w.as_str())).collect();
        assert!(
            missing.is_empty(),
            "{prompt}\nmissing {missing:?} in:\n{seen}"
        );
        assert_eq!(received(&s).await.len() - before, sent, "{prompt}");
        if dry {
            assert!(seen.contains("Nothing was sent (--dry-run)."), "{seen}");
        }
        if sent == 0 && !dry {
            assert!(!seen.contains("Plan ("), "a question plans nothing: {seen}");
        }
    }
}

/// "ban every user whose email ends with @spam.test" from plain English:
/// the list is read, the test is applied locally, and only the matching
/// users are banned, after consent; without consent nothing is written.
#[tokio::test]
async fn a_quantified_request_acts_on_each_matching_item() {
    let s = MockServer::start().await;
    let users = json!([
        user("user_2spam1", "bot1", "bot1@spam.test"),
        user("user_2real", "jane", "jane@acme.io"),
        user("user_2spam2", "bot2", "bot2@SPAM.test"),
    ]);
    Mock::given(method("GET"))
        .and(path("/users"))
        .respond_with(ok(users))
        .mount(&s)
        .await;
    let request = "ban every user whose email ends with @spam.test";
    // Without --yes and no terminal to ask on: nothing is written.
    let Some(cli) = Cli::new() else { return };
    let r = run(cli.scopes("write"), &[request], &s).await;
    assert_ne!(r.code, 0, "{r:?}");
    assert!(
        received(&s)
            .await
            .iter()
            .all(|q| q.method.as_str() == "GET"),
        "a write was sent without consent"
    );
    for id in ["user_2spam1", "user_2spam2"] {
        on(
            &s,
            "POST",
            &format!("/users/{id}/ban"),
            json!({"id": id}),
            1,
        )
        .await;
    }
    let Some(_) = confirmed("write", request, &s).await else {
        return;
    };
    let mut banned: Vec<String> = received(&s)
        .await
        .iter()
        .filter(|q| q.method.as_str() == "POST")
        .map(|q| q.url.path().to_string())
        .collect();
    // Sent concurrently: in any order.
    banned.sort();
    assert_eq!(
        banned,
        ["/users/user_2spam1/ban", "/users/user_2spam2/ban"],
        "only the matching users are banned"
    );
}

/// Steps said in order run in order, the second taking the ID the first
/// created from its response; without consent neither is sent.
#[tokio::test]
async fn steps_said_in_order_run_in_order_with_the_created_id() {
    let s = MockServer::start().await;
    let request = "create a user for lee@initech.com and then add them to org_2abc as org:admin";
    let Some(cli) = Cli::new() else { return };
    let r = run(cli.scopes("write"), &[request], &s).await;
    assert_ne!(r.code, 0, "{r:?}");
    assert!(received(&s).await.is_empty(), "sent without consent");
    on(
        &s,
        "POST",
        "/users",
        json!({"object": "user", "id": "user_2new"}),
        1,
    )
    .await;
    let membership = json!({"object": "organization_membership", "id": "orgmem_1"});
    on(
        &s,
        "POST",
        "/organizations/org_2abc/memberships",
        membership,
        1,
    )
    .await;
    let Some(_) = confirmed("write", request, &s).await else {
        return;
    };
    let sent = requests(&s, 2).await;
    check(
        &sent[0],
        "POST",
        "/users",
        &[],
        Some(json!({"email_address": ["lee@initech.com"]})),
    );
    check(
        &sent[1],
        "POST",
        "/organizations/org_2abc/memberships",
        &[],
        Some(json!({"role": "org:admin", "user_id": "user_2new"})),
    );
}
