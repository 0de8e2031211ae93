//! The safety pipeline end to end (binary against wiremock on 127.0.0.1):
//! key, scopes, warnings, confirmation. Each test fails if its rule is
//! removed; every run also asserts that the key never shows.

use crate::support as execute_support;

use execute_support::{Cli, received};
use serde_json::{Value, json};
use wiremock::MockServer;

async fn server() -> MockServer {
    crate::support::answering(json!({"object": "user", "id": "user_1"})).await
}

const WRITES: &[(&str, &[&str])] = &[
    ("GET", &["GET", "/users"]),
    ("POST", &["POST", "/organizations", "name=Acme"]),
    (
        "PUT",
        &["PUT", "/users/user_1/metadata", "public_metadata:={}"],
    ),
    (
        "PATCH",
        &[
            "PATCH",
            "/users/user_1/metadata",
            "public_metadata.plan=pro",
        ],
    ),
    ("DELETE", &["DELETE", "/users/user_1"]),
];

#[tokio::test]
async fn scopes_matrix_decides_before_sending() {
    let s = server().await;
    let uri = s.uri();
    // (CLERK_BAPI_SCOPES, methods it allows)
    let cases: &[(Option<&str>, &[&str])] = &[
        (None, &["GET"]),
        (Some("read"), &["GET"]),
        (Some("write"), &["GET", "POST", "PUT", "PATCH"]),
        (Some("delete"), &["GET"]),
        (
            Some("write,delete"),
            &["GET", "POST", "PUT", "PATCH", "DELETE"],
        ),
        (
            Some("WRITE DELETE"),
            &["GET", "POST", "PUT", "PATCH", "DELETE"],
        ),
    ];
    for (scopes, allowed) in cases {
        for (m, args) in WRITES {
            let Some(mut cli) = Cli::new() else { return };
            if let Some(sc) = scopes {
                cli = cli.scopes(sc);
            }
            let writes = |all: Vec<wiremock::Request>| {
                all.iter().filter(|r| r.method.as_str() == *m).count()
            };
            let before = writes(received(&s).await);
            let mut argv = args.to_vec();
            argv.extend(["--yes", "--base-url", &uri]);
            let run = cli.run(&argv).await;
            // The journal's read before a DELETE or PATCH is a GET: not counted.
            let sent = writes(received(&s).await) - before;
            if allowed.contains(m) {
                assert_eq!((run.code, sent), (0, 1), "{m} with {scopes:?}: {run:?}");
            } else {
                assert_eq!((run.code, sent), (2, 0), "{m} with {scopes:?}: {run:?}");
                assert!(
                    run.stderr.contains("CLERK_BAPI_SCOPES") && run.stderr.contains("--admin"),
                    "{}",
                    run.stderr
                );
            }
        }
    }
}

#[tokio::test]
async fn admin_bypasses_scopes() {
    let s = server().await;
    let uri = s.uri();
    let Some(cli) = Cli::new() else { return };
    let run = cli
        .scopes("read")
        .send(&["DELETE", "/users/user_1"], &uri)
        .await;
    assert_eq!(run.code, 0, "{run:?}");
    // The DELETE, after the journal's read of the user.
    let got: Vec<String> = received(&s)
        .await
        .iter()
        .map(|r| r.method.to_string())
        .collect();
    assert_eq!(got, ["GET", "DELETE"]);
}

#[tokio::test]
async fn delete_warnings_are_specific_and_on_stderr() {
    let s = server().await;
    let uri = s.uri();
    for (target, expected) in [
        (
            "/users/user_1",
            &[
                "IRREVERSIBLE",
                "all of the user's sessions",
                "organization memberships",
            ][..],
        ),
        (
            "/organizations/org_1",
            &[
                "IRREVERSIBLE",
                "memberships, pending invitations, domains",
                "sessions that contain the deleted organization",
            ][..],
        ),
    ] {
        let Some(cli) = Cli::new() else { return };
        let run = cli.send(&["DELETE", target], &uri).await;
        assert_eq!(run.code, 0, "{run:?}");
        for e in expected {
            assert!(run.stderr.contains(e), "{e} missing: {}", run.stderr);
        }
        assert!(!run.stdout.contains("IRREVERSIBLE"));
    }
}

#[tokio::test]
async fn metadata_writes_explain_types_and_merging() {
    let s = server().await;
    let uri = s.uri();
    let types = [
        "public_metadata is read by the frontend",
        "private_metadata is read and written by the backend only",
        "unsafe_metadata is read and written by the frontend too",
    ];
    let cases: &[(&[&str], &[&str])] = &[
        (
            &[
                "PATCH",
                "/users/user_1/metadata",
                "private_metadata.stripe_id=cus_1",
            ],
            &[
                "This request writes private_metadata",
                "deep-merges into the existing private_metadata",
            ],
        ),
        (
            &[
                "PUT",
                "/users/user_1/metadata",
                "public_metadata:={\"plan\":\"pro\"}",
            ],
            &[
                "REPLACES public_metadata",
                "use PATCH /users/{user_id}/metadata",
            ],
        ),
        (
            &[
                "PATCH",
                "/users/user_1",
                "unsafe_metadata.step=2",
                "--spec-version",
                "2025-11-10",
            ],
            &[
                "This request writes unsafe_metadata",
                "PATCH /users/{user_id} REPLACES unsafe_metadata",
                "use PATCH /users/{user_id}/metadata",
            ],
        ),
    ];
    for (args, expected) in cases {
        let Some(cli) = Cli::new() else { return };
        let mut argv = args.to_vec();
        argv.extend(["--admin", "--yes", "--base-url", &uri]);
        let run = cli.run(&argv).await;
        assert_eq!(run.code, 0, "{run:?}");
        for e in types.iter().chain(expected.iter()) {
            assert!(
                run.stderr.contains(e),
                "{args:?}: `{e}` missing:\n{}",
                run.stderr
            );
        }
    }
}

#[tokio::test]
async fn writes_without_a_terminal_are_refused() {
    let s = server().await;
    let uri = s.uri();
    for args in [
        &["POST", "/organizations", "name=Acme"][..],
        &["DELETE", "/users/user_1"][..],
    ] {
        let Some(cli) = Cli::new() else { return };
        let mut argv = args.to_vec();
        argv.extend(["--admin", "--base-url", &uri]);
        let run = cli.run(&argv).await;
        assert_eq!(run.code, 2, "{run:?}");
        assert!(
            run.stderr.contains("no terminal") && run.stderr.contains("--yes"),
            "{}",
            run.stderr
        );
        // The exact request was still shown.
        assert!(
            run.stderr.contains(&format!("{}{}", s.uri(), args[1])),
            "{}",
            run.stderr
        );
    }
    assert!(received(&s).await.is_empty());
}

#[tokio::test]
async fn confirmation_hides_secret_fields() {
    let s = server().await;
    let uri = s.uri();
    let Some(cli) = Cli::new() else { return };
    let run = cli
        .send(
            &[
                "POST",
                "/users",
                "email_address:=[\"a@b.io\"]",
                "password=hunter2hunter2",
            ],
            &uri,
        )
        .await;
    assert_eq!(run.code, 0, "{run:?}");
    assert!(
        run.stderr.contains("\"password\": \"[redacted]\""),
        "{}",
        run.stderr
    );
    assert!(!run.all().contains("hunter2hunter2"));
    // The real value was sent.
    let body: Value = received(&s).await[0].body_json().unwrap();
    assert_eq!(body["password"], "hunter2hunter2");
}

#[tokio::test]
async fn dry_run_json_has_the_documented_shape_and_needs_no_key() {
    let Some(cli) = Cli::new() else { return };
    let run = cli
        .no_key()
        .run(&[
            "DELETE",
            "/users/{user_id}",
            "--dry-run",
            "--output",
            "json",
        ])
        .await;
    assert_eq!(run.code, 0, "{run:?}");
    let doc: Value = serde_json::from_str(&run.stdout).unwrap();
    for k in [
        "mode",
        "version",
        "steps",
        "write",
        "needs_confirmation",
        "scope_ok",
        "warnings",
        "missing",
        "alternatives",
    ] {
        assert!(doc.get(k).is_some(), "{k} missing from {doc}");
    }
    assert_eq!(doc["mode"], "execute");
    assert_eq!(doc["version"], "2026-05-12");
    assert_eq!(doc["write"], true);
    assert_eq!(doc["needs_confirmation"], true);
    assert_eq!(doc["scope_ok"], false);
    assert_eq!(doc["steps"][0]["method"], "DELETE");
    assert_eq!(doc["steps"][0]["path"], "/users/{user_id}");
    assert_eq!(doc["steps"][0]["operation_id"], "DeleteUser");
    assert_eq!(doc["missing"][0]["name"], "user_id");
    assert_eq!(doc["missing"][0]["in"], "path");
    assert!(
        doc["warnings"][0]
            .as_str()
            .unwrap()
            .starts_with("IRREVERSIBLE")
    );
    assert!(doc["alternatives"].as_array().unwrap().is_empty());
    // With --admin --yes and a value, nothing is missing or refused.
    let Some(cli) = Cli::new() else { return };
    let run = cli
        .run(&["GET", "/users", "limit=5", "--dry-run", "--output", "json"])
        .await;
    let doc: Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(
        (doc["write"].clone(), doc["scope_ok"].clone()),
        (json!(false), json!(true))
    );
    assert_eq!(doc["steps"][0]["query"]["limit"], 5);
    assert_eq!(
        doc["steps"][0]["url"],
        "https://api.clerk.com/v1/users?limit=5"
    );
    assert_eq!(doc["instance"], "development");
}

#[tokio::test]
async fn curl_prints_one_command_per_step_and_sends_nothing() {
    let s = server().await;
    let uri = s.uri();
    let Some(cli) = Cli::new() else { return };
    let run = cli
        .no_key()
        .run(&[
            "PATCH",
            "/users/user_1/metadata",
            "public_metadata.plan=pro",
            "--curl",
            "--base-url",
            &uri,
        ])
        .await;
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(
        run.stdout.trim_end(),
        format!(
            "# 1. PATCH /users/{{user_id}}/metadata: Merge and update a user's metadata\n\
             curl -sS -X PATCH '{}/users/user_1/metadata' \\\n  \
             -H \"Authorization: Bearer $CLERK_SECRET_KEY\" \\\n  \
             -H 'Content-Type: application/json' \\\n  \
             -d '{{\"public_metadata\":{{\"plan\":\"pro\"}}}}'",
            s.uri()
        )
    );
    assert!(run.stderr.contains("three metadata types"));
    assert!(received(&s).await.is_empty());
}

/// A write matched with low confidence is shown and refused, never sent,
/// even with `--admin --yes`; with `--output json` what it was understood
/// as goes to stderr, so stdout stays free for a script.
#[tokio::test]
async fn a_low_confidence_write_is_refused_and_stdout_stays_for_json() {
    let s = server().await;
    let Some(cli) = Cli::new() else { return };
    let request = "ban user_2V7JJKmoA9HqzHhfMqK5cpgLl56, chargeback fraud";
    let run = cli.send(&["--output", "json", request], &s.uri()).await;
    assert_eq!(run.code, 2, "{}", run.all());
    assert!(run.stderr.contains("low confidence"), "{}", run.stderr);
    assert!(run.stderr.contains("Understood as:"), "{}", run.stderr);
    assert!(!run.stdout.contains("Understood as:"), "{}", run.stdout);
    assert!(
        received(&s).await.is_empty(),
        "a low-confidence write was sent"
    );
}
