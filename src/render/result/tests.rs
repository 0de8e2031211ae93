use super::*;
use serde_json::json;

fn user(id: &str, email: &str, username: &str) -> Value {
    json!({
        "object": "user", "id": id, "username": username,
        "first_name": "Jane", "last_name": "Doe",
        "primary_email_address_id": "idn_2",
        "email_addresses": [
            {"id": "idn_1", "email_address": "old@x.io"},
            {"id": "idn_2", "email_address": email}
        ],
        "created_at": 1735689600000i64, "last_sign_in_at": null,
        "public_metadata": {"plan": "pro"}, "private_metadata": {}
    })
}

#[test]
fn users_show_primary_email_dates_and_metadata() {
    let out = success(&user("user_1", "jane@acme.io", "jane"), Style::PLAIN, false);
    assert!(out.starts_with("User user_1\n"), "{out}");
    assert!(out.contains("jane@acme.io") && !out.contains("old@x.io"));
    assert!(out.contains("2025-01-01 00:00 UTC ("), "{out}");
    assert!(
        out.lines()
            .any(|l| l.trim_start().starts_with("last sign in") && l.ends_with(" never")),
        "{out}"
    );
    assert!(out.contains(r#"{"plan":"pro"}"#) && !out.contains("private metadata"));
}

#[test]
fn lists_are_tables_with_counts() {
    let body = json!([
        user("user_1", "a@x.io", "a"),
        user("user_22", "bb@x.io", "bb")
    ]);
    let out = success(&body, Style::PLAIN, false);
    let lines: Vec<&str> = out.lines().collect();
    assert!(lines[0].starts_with("  id       email"), "{out}");
    assert!(lines[1].contains("user_1   a@x.io"), "{out}");
    assert_eq!(lines.last(), Some(&"2 users"));
    let orgs = json!({"data": [{"object": "organization", "id": "org_1", "name": "Acme",
        "slug": "acme", "members_count": 3}], "total_count": 9});
    let out = success(&orgs, Style::PLAIN, false);
    assert!(out.contains("org_1  Acme  acme  3"), "{out}");
    assert!(out.ends_with("1 organization of 9\n"), "{out}");
}

#[test]
fn invitations_deleted_and_other_objects() {
    let inv = json!({"object": "organization_invitation", "id": "orginv_1",
        "email_address": "b@x.io", "role": "org:admin", "status": "pending"});
    let out = success(&inv, Style::PLAIN, false);
    assert!(out.contains("Organization invitation orginv_1") && out.contains("org:admin"));
    let del = json!({"object": "user", "id": "user_1", "deleted": true});
    assert_eq!(success(&del, Style::PLAIN, false), "Deleted user_1");
    let other = json!({"object": "jwks", "keys": []});
    assert_eq!(
        success(&other, Style::PLAIN, false),
        "{\n  \"object\": \"jwks\",\n  \"keys\": []\n}"
    );
    let generic =
        json!([{"object": "allowlist_identifier", "id": "alid_1", "identifier": "a@b.io"}]);
    assert!(success(&generic, Style::PLAIN, false).contains("alid_1  a@b.io"));
}

#[test]
fn more_results() {
    assert!(more_may_exist(10, 10, 0, None));
    assert!(!more_may_exist(9, 10, 0, None));
    assert!(more_may_exist(5, 10, 0, Some(6)));
    assert!(!more_may_exist(5, 10, 1, Some(6)));
}

#[test]
fn clerk_errors_are_one_line_each() {
    let body = json!({"errors": [
        {"code": "form_identifier_not_found", "message": "not found",
         "long_message": "No user was found with that email", "meta": {"param_name": "email_address"}},
        {"code": "x", "message": "short"}
    ], "clerk_trace_id": "trace_9"});
    assert_eq!(
        error_lines(422, &body),
        [
            "form_identifier_not_found: No user was found with that email [email_address] (HTTP 422, trace trace_9)",
            "x: short (HTTP 422, trace trace_9)"
        ]
    );
    assert_eq!(
        error_lines(502, &json!("Bad gateway")),
        ["HTTP 502: Bad gateway"]
    );
}

#[test]
fn brief_lines() {
    assert_eq!(
        brief(&user("user_1", "jane@acme.io", "jane")),
        "user_1 (jane@acme.io, jane, Jane Doe)"
    );
    assert_eq!(
        brief(&json!({"id": "org_1", "name": "Acme"})),
        "org_1 (Acme)"
    );
}

#[test]
fn html_error_pages_are_one_line() {
    let page = Value::String(
        "<html><head><title>502 Bad Gateway</title></head><body><h1>502</h1>\n<p>nginx</p></body></html>".into(),
    );
    assert_eq!(error_lines(502, &page), ["HTTP 502: 502 Bad Gateway"]);
    let bare = Value::String("<h1>Service\nUnavailable</h1>".into());
    assert_eq!(error_lines(503, &bare), ["HTTP 503: Service Unavailable"]);
}

#[test]
fn counts_read_as_words() {
    let body = json!([{"object": "organization_membership", "id": "orgmem_1"}]);
    assert!(success(&body, Style::PLAIN, false).ends_with("1 organization membership\n"));
}
