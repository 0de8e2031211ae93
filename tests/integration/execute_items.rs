//! Explicit input: `METHOD /path` forms and httpie-style items, checked
//! against the operation's schema before anything is sent.

use crate::support as execute_support;

use execute_support::{Cli, received};
use serde_json::{Value, json};
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, ResponseTemplate};

/// The dry-run document of a command.
async fn plan(args: &[&str]) -> Option<(i32, Value, String)> {
    let cli = Cli::new()?;
    let mut argv = args.to_vec();
    argv.extend(["--dry-run", "--output", "json"]);
    let run = cli.run(&argv).await;
    let doc = serde_json::from_str(&run.stdout).unwrap_or(Value::Null);
    Some((run.code, doc, run.stderr))
}

#[tokio::test]
async fn items_become_query_body_and_path_values() {
    let Some((code, doc, _)) = plan(&[
        "post",
        "/v1/organizations",
        "name=Acme",
        "max_allowed_memberships=5",
        "public_metadata.plan=pro",
        "public_metadata.seats:=10",
        "private_metadata:={\"stripe\":\"cus_1\"}",
    ])
    .await
    else {
        return;
    };
    assert_eq!(code, 0);
    assert_eq!(
        doc["steps"][0]["body"],
        json!({"name": "Acme", "max_allowed_memberships": 5,
            "public_metadata": {"plan": "pro", "seats": 10},
            "private_metadata": {"stripe": "cus_1"}})
    );
    let Some((_, doc, _)) = plan(&[
        "GET",
        "/users",
        "limit=20",
        "offset==40",
        "email_address==a@x.io",
        "email_address==b@x.io",
    ])
    .await
    else {
        return;
    };
    assert_eq!(
        doc["steps"][0]["query"],
        json!({"limit": 20, "offset": 40, "email_address": ["a@x.io", "b@x.io"]})
    );
    assert_eq!(
        doc["steps"][0]["url"],
        "https://api.clerk.com/v1/users?limit=20&offset=40&email_address=a@x.io&email_address=b@x.io"
    );
    // A concrete ID binds the path parameter; a URL's query string counts.
    let Some((_, doc, _)) = plan(&["GET", "https://api.clerk.com/v1/users/user_2abc?x=1"]).await
    else {
        return;
    };
    assert_eq!(
        doc,
        Value::Null,
        "x is not a parameter of GET /users/{{user_id}}"
    );
    let Some((_, doc, _)) = plan(&["/users/user_2abc"]).await else {
        return;
    };
    assert_eq!(doc["steps"][0]["method"], "GET");
    assert_eq!(doc["steps"][0]["path_params"]["user_id"], "user_2abc");
    let Some((_, doc, _)) = plan(&["GET", "/users/{user_id}", "user_id=user_9"]).await else {
        return;
    };
    assert_eq!(doc["steps"][0]["path_params"]["user_id"], "user_9");
    assert!(doc["missing"].as_array().unwrap().is_empty());
}

#[tokio::test]
async fn bad_items_are_named_with_the_closest_valid_names() {
    let cases: &[(&[&str], &str)] = &[
        (
            &["POST", "/organizations", "nmae=Acme"],
            "POST /organizations has no field `nmae`; did you mean name?",
        ),
        (
            &["GET", "/users", "limt=5"],
            "GET /users has no parameter `limt`; did you mean limit",
        ),
        (
            &["GET", "/users", "limit=abc"],
            "limit takes an integer; `abc` is not one",
        ),
        (
            &[
                "POST",
                "/organizations",
                "name=A",
                "max_allowed_memberships:=\"5\"",
            ],
            "max_allowed_memberships takes an integer, not \"5\"",
        ),
        (
            &["POST", "/organizations", "name=A", "public_metadata:=[1]"],
            "public_metadata takes a JSON object, not [1]",
        ),
        (
            &[
                "POST",
                "/organizations",
                "name=A",
                "max_allowed_memberships:={oops",
            ],
            "is not valid JSON",
        ),
        (&["GET", "/users", "hello"], "`hello` is not an item"),
        (
            &[
                "POST",
                "/invitations",
                "-d",
                "{\"email_adress\":\"a@b.io\"}",
            ],
            "has no field `email_adress`; did you mean email_address?",
        ),
        (
            &["POST", "/invitations", "-d", "{not json"],
            "-d is not valid JSON",
        ),
        (&["GET", "/userz"], "did you mean GET /users"),
    ];
    for (args, expected) in cases {
        let Some((code, _, stderr)) = plan(args).await else {
            return;
        };
        let expect_code = if args[1] == "/userz" { 1 } else { 2 };
        assert_eq!(code, expect_code, "{args:?}: {stderr}");
        assert!(stderr.contains(expected), "{args:?}: {stderr}");
    }
}

#[tokio::test]
async fn missing_required_values_are_listed_without_a_terminal() {
    let s = MockServer::start().await;
    let uri = s.uri();
    let Some(cli) = Cli::new() else { return };
    let run = cli
        .run(&["GET", "/users/{user_id}", "--base-url", &uri])
        .await;
    assert_eq!(run.code, 2, "{run:?}");
    assert!(
        run.stderr.contains("missing required values")
            && run.stderr.contains("user_id (path, string"),
        "{}",
        run.stderr
    );
    let Some(cli) = Cli::new() else { return };
    let run = cli
        .send(
            &[
                "POST",
                "/organizations/{organization_id}/invitations",
                "role=org:member",
            ],
            &uri,
        )
        .await;
    assert_eq!(run.code, 2, "{run:?}");
    assert!(
        run.stderr.contains("organization_id (path") && run.stderr.contains("email_address (body"),
        "{}",
        run.stderr
    );
    assert!(received(&s).await.is_empty());
    let Some((code, doc, _)) = plan(&["POST", "/organizations"]).await else {
        return;
    };
    assert_eq!(code, 0);
    assert_eq!(doc["missing"][0]["name"], "name");
    assert_eq!(doc["missing"][0]["in"], "body");
}

#[tokio::test]
async fn bodies_come_from_data_files_and_stdin() {
    let s = MockServer::start().await;
    let uri = s.uri();
    Mock::given(any())
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"object": "organization", "id": "org_1"})),
        )
        .mount(&s)
        .await;
    let Some(cli) = Cli::new() else { return };
    std::fs::write(
        cli.cwd.path().join("org.json"),
        r#"{"name": "From File", "max_allowed_memberships": 3}"#,
    )
    .unwrap();
    let run = cli
        .send(&["POST", "/organizations", "-d", "@org.json"], &uri)
        .await;
    assert_eq!(run.code, 0, "{run:?}");
    let Some(cli) = Cli::new() else { return };
    let run = cli
        .send(
            &[
                "POST",
                "/organizations",
                "-d",
                r#"{"name": "Inline"}"#,
                "slug=inline",
            ],
            &uri,
        )
        .await;
    assert_eq!(run.code, 0, "{run:?}");
    let Some(cli) = Cli::new() else { return };
    let run = cli
        .stdin(r#"{"name": "Piped"}"#)
        .send(&["POST", "/organizations"], &uri)
        .await;
    assert_eq!(run.code, 0, "{run:?}");
    assert!(run.stdout.contains("Organization org_1"), "{}", run.stdout);
    let bodies: Vec<Value> = received(&s)
        .await
        .iter()
        .map(|r| r.body_json().unwrap())
        .collect();
    assert_eq!(
        bodies,
        [
            json!({"name": "From File", "max_allowed_memberships": 3}),
            json!({"name": "Inline", "slug": "inline"}),
            json!({"name": "Piped"})
        ]
    );
    let Some(cli) = Cli::new() else { return };
    let run = cli
        .run(&[
            "POST",
            "/organizations",
            "-d",
            "@nope.json",
            "--base-url",
            &uri,
        ])
        .await;
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("cannot read nope.json"),
        "{}",
        run.stderr
    );
}

/// Values a plan holds however it was made (routed from English, a body
/// given with `-d`) are checked against the spec's bounds and types before
/// anything is sent, with `--yes` and `--admin` too.
#[tokio::test]
async fn out_of_range_values_are_refused_before_sending() {
    let s = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([])))
        .mount(&s)
        .await;
    let uri = s.uri();
    for argv in [
        vec!["list users limit 900"],
        vec!["list the first 1000 organizations"],
        vec![
            "POST",
            "/organizations",
            "-d",
            r#"{"name":"A","max_allowed_memberships":"five"}"#,
        ],
    ] {
        let Some(cli) = Cli::new() else { return };
        let run = cli.send(&argv, &uri).await;
        assert_eq!(run.code, 2, "{argv:?}: {run:?}");
        assert!(run.stderr.contains(" takes "), "{argv:?}: {}", run.stderr);
    }
    assert!(received(&s).await.is_empty());
    let Some(cli) = Cli::new() else { return };
    let run = cli.send(&["list users limit 500"], &uri).await;
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(received(&s).await.len(), 1);
}
