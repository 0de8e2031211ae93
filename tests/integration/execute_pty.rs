//! Confirmation and prompts in a real pseudo-terminal (expectrl): the
//! default answer is No, a DELETE needs `yes` or the ID typed, missing
//! values are asked for with their type.

use crate::support as execute_support;

use execute_support::{Cli, received};
use serde_json::json;
use wiremock::MockServer;

/// Runs a command in a pty, answering each expected prompt.
async fn converse(
    args: Vec<String>,
    script: Vec<(&'static str, &'static str)>,
) -> Option<(i32, String)> {
    let argv: Vec<&str> = args.iter().map(String::as_str).collect();
    Some(execute_support::pty::converse(Cli::new()?, &argv, script).await)
}

async fn server() -> MockServer {
    crate::support::answering(json!({"object": "user", "id": "user_9"})).await
}

fn args(list: &[&str], uri: &str) -> Vec<String> {
    let mut v: Vec<String> = list.iter().map(|s| s.to_string()).collect();
    v.extend(["--admin".into(), "--base-url".into(), uri.to_string()]);
    v
}

#[tokio::test]
async fn the_default_answer_is_no() {
    let s = server().await;
    let a = args(&["POST", "/organizations", "name=Acme"], &s.uri());
    let Some((code, seen)) = converse(a, vec![("Send? [y/N] ", "")]).await else {
        return;
    };
    assert_eq!(code, 1, "{seen}");
    assert!(
        seen.contains("About to send on the development instance"),
        "{seen}"
    );
    assert!(
        seen.contains(&format!("POST {}/organizations", s.uri())),
        "{seen}"
    );
    assert!(seen.contains("\"name\": \"Acme\""), "{seen}");
    assert!(seen.contains("Cancelled: nothing was sent."), "{seen}");
    assert!(received(&s).await.is_empty());
    let a = args(&["POST", "/organizations", "name=Acme"], &s.uri());
    let Some((code, _)) = converse(a, vec![("Send? [y/N] ", "y")]).await else {
        return;
    };
    assert_eq!(code, 0);
    assert_eq!(received(&s).await.len(), 1);
}

/// Answers the DELETE prompt with each answer in turn, on the instance of
/// `key`; `sent` is how many DELETEs the server has seen after it, and an
/// answer that sends one exits 0. `shown` is what the confirmation shows.
async fn answer_deletes(
    key: &str,
    prompt: &'static str,
    shown: &str,
    answers: &[(&'static str, usize)],
) {
    let s = server().await;
    let mut before = 0;
    for &(answer, sent) in answers {
        let a = args(&["DELETE", "/users/user_9"], &s.uri());
        let argv: Vec<&str> = a.iter().map(String::as_str).collect();
        let Some(cli) = Cli::new() else {
            return;
        };
        let cli = cli.env("CLERK_SECRET_KEY", key);
        let (code, seen) = execute_support::pty::converse(cli, &argv, vec![(prompt, answer)]).await;
        assert!(seen.contains(shown), "{seen}");
        assert_eq!(code, if sent > before { 0 } else { 1 }, "{answer}: {seen}");
        // Each DELETE sent is preceded by the journal's read of the user.
        let deletes = received(&s)
            .await
            .iter()
            .filter(|r| r.method.as_str() == "DELETE")
            .count();
        assert_eq!(deletes, sent, "{answer}: {seen}");
        before = sent;
    }
}

#[tokio::test]
async fn a_delete_needs_yes_or_the_id_typed() {
    let prompt = "Type `yes` or the ID user_9 to delete, anything else cancels: ";
    let answers = [("y", 0), ("user_8", 0), ("user_9", 1), ("yes", 2)];
    answer_deletes(execute_support::KEY, prompt, "IRREVERSIBLE", &answers).await;
}

/// On a production instance `yes` is not enough: the ID is typed.
#[tokio::test]
async fn a_production_delete_needs_the_id_typed() {
    let prompt = "PRODUCTION: type the ID user_9 to delete it, anything else cancels: ";
    let answers = [("yes", 0), ("y", 0), ("user_9", 1)];
    answer_deletes(
        execute_support::LIVE_KEY,
        prompt,
        "PRODUCTION instance",
        &answers,
    )
    .await;
}

#[tokio::test]
async fn missing_values_are_asked_for_with_their_type() {
    let s = server().await;
    let a = args(&["GET", "/users/{user_id}"], &s.uri());
    let Some((code, seen)) = converse(a, vec![("user_id (string): ", "user_9")]).await else {
        return;
    };
    assert_eq!(code, 0, "{seen}");
    assert!(
        seen.contains("GET /users/{user_id} needs user_id (path, string): The ID of the user"),
        "{seen}"
    );
    assert!(seen.contains("User user_9"), "{seen}");
    assert_eq!(received(&s).await[0].url.path(), "/users/user_9");
    // A wrong type is said and asked again.
    let a = args(
        &["POST", "/organizations", "max_allowed_memberships=2"],
        &s.uri(),
    );
    let script = vec![("name (string): ", "Acme"), ("Send? [y/N] ", "y")];
    let Some((code, _)) = converse(a, script).await else {
        return;
    };
    assert_eq!(code, 0);
    let body: serde_json::Value = received(&s).await[1].body_json().unwrap();
    assert_eq!(body, json!({"max_allowed_memberships": 2, "name": "Acme"}));
}

#[tokio::test]
async fn prompts_list_choices_check_formats_and_hide_secrets() {
    let s = server().await;
    // A password is typed without being shown, and sent as typed.
    let a = args(
        &["POST", "/users/user_9/verify_password", "--yes"],
        &s.uri(),
    );
    let script = vec![("password (string): ", "hunter2sec")];
    let Some((code, seen)) = converse(a, script).await else {
        return;
    };
    assert_eq!(code, 0, "{seen}");
    assert!(!seen.contains("hunter2sec"), "{seen}");
    let body: serde_json::Value = received(&s).await[0].body_json().unwrap();
    assert_eq!(body, json!({"password": "hunter2sec"}));
    // An enum lists its values; a value not among them is said and asked
    // again.
    let a = args(
        &[
            "POST",
            "/saml_connections",
            "name=Okta",
            "domain=acme.io",
            "--yes",
        ],
        &s.uri(),
    );
    let prompt = "provider (one of saml_custom, saml_okta, saml_google, saml_microsoft): ";
    let script = vec![(prompt, "okta"), (prompt, "saml_okta")];
    let Some((code, seen)) = converse(a, script).await else {
        return;
    };
    assert_eq!(code, 0, "{seen}");
    assert!(seen.contains("provider takes one of"), "{seen}");
    let body: serde_json::Value = received(&s).await[1].body_json().unwrap();
    assert_eq!(body["provider"], "saml_okta");
}

#[tokio::test]
async fn formats_and_bounds_are_checked_before_sending() {
    let s = server().await;
    for (args, says) in [
        (
            vec!["GET", "/users", "limit==1000"],
            "limit takes a number from 1 to 500",
        ),
        (
            vec![
                "POST",
                "/waitlist_entries/bulk",
                "-d",
                r#"[{"email_address": "nope"}]"#,
            ],
            "an email address like name@example.com",
        ),
    ] {
        let Some(cli) = Cli::new() else { return };
        let mut argv = args.clone();
        let uri = s.uri();
        argv.extend(["--yes", "--admin", "--base-url", &uri]);
        let run = cli.run(&argv).await;
        assert_eq!(run.code, 2, "{run:?}");
        assert!(run.stderr.contains(says), "{}", run.stderr);
    }
    assert!(received(&s).await.is_empty());
}
