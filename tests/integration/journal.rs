//! The journal and `undo` through the real binary, against the stateful
//! stand-in for Clerk: a metadata write undone restores the exact prior
//! JSON, a ban undone unbans, a DELETE's entry holds the object as it was,
//! the file is 0600 and holds no key (`Cli::run` checks every file of the
//! test home for it after each run), and undo goes through the pipeline.

use serde_json::{Value, json};

use crate::support::clerk::{self, user};
use crate::support::{Cli, Run, test_home};

/// The journal's lines with their numbers. Other tests append to the same
/// journal meanwhile, so a line still being written is skipped.
fn journal_lines() -> Vec<(usize, Value)> {
    let path = test_home()
        .join("data")
        .join("clerk-backend-api")
        .join("journal.jsonl");
    std::fs::read_to_string(path)
        .unwrap_or_default()
        .lines()
        .enumerate()
        .filter_map(|(i, l)| Some((i + 1, serde_json::from_str(l).ok()?)))
        .collect()
}

/// The journal's entries about `id`, oldest first.
fn about(id: &str) -> Vec<Value> {
    journal_lines()
        .into_iter()
        .map(|(_, e)| e)
        .filter(|e| e["url"].as_str().is_some_and(|u| u.contains(id)))
        .collect()
}

#[tokio::test]
async fn a_metadata_write_undone_restores_the_exact_prior_json() {
    let mut u = user("user_meta1", "m@x.io");
    let prior = json!({"plan": "free", "flags": {"a": 1, "keep": [1, 2]}, "n": 5});
    u["public_metadata"] = prior.clone();
    let server = clerk::start(vec![u], None).await;
    let Some(cli) = Cli::new() else {
        return;
    };
    let patch = r#"public_metadata:={"plan":"pro","flags":{"b":2},"n":null,"new":{"deep":true}}"#;
    let run = cli
        .scopes("write")
        .send(
            &["PATCH", "/users/user_meta1/metadata", patch],
            &server.uri(),
        )
        .await;
    assert_eq!(run.code, 0, "{}", run.all());
    assert!(
        run.stderr.contains("first GET ")
            && run
                .stderr
                .contains("kept in the journal as the state before"),
        "the read before is part of what is confirmed: {}",
        run.stderr
    );
    assert_ne!(server.state().users["user_meta1"]["public_metadata"], prior);
    let entries = about("user_meta1");
    let last = entries.last().unwrap();
    assert_eq!(last["before"]["public_metadata"], prior, "{last}");
    // Other tests write to the same journal: name the entry.
    let n = entry_number("user_meta1", 0);
    let undo = undo_entry(&n, &server.uri()).await;
    assert_eq!(undo.code, 0, "{}", undo.all());
    assert!(
        undo.stderr.contains("This reverses journal entry"),
        "{}",
        undo.stderr
    );
    assert_eq!(server.state().users["user_meta1"]["public_metadata"], prior);
    let again = undo_entry(&n, &server.uri()).await;
    assert_eq!(again.code, 2, "an entry is undone once: {}", again.all());
    assert!(
        again.stderr.contains("was already undone by entry"),
        "{}",
        again.stderr
    );
}

/// `undo N`, allowed and confirmed.
async fn undo_entry(n: &str, uri: &str) -> Run {
    Cli::new()
        .unwrap()
        .scopes("write")
        .send(&["undo", n], uri)
        .await
}

/// The journal number of the `k`th entry about `id`.
fn entry_number(id: &str, k: usize) -> String {
    let mut seen = 0;
    for (i, e) in journal_lines() {
        if e["url"].as_str().is_some_and(|u| u.contains(id)) {
            if seen == k {
                return i.to_string();
            }
            seen += 1;
        }
    }
    panic!("no entry {k} about {id}");
}

#[tokio::test]
async fn a_ban_undone_unbans_through_the_same_confirmation() {
    let server = clerk::start(vec![user("user_ban1", "b@x.io")], None).await;
    let Some(cli) = Cli::new() else {
        return;
    };
    let run = cli
        .scopes("write")
        .send(&["POST", "/users/user_ban1/ban"], &server.uri())
        .await;
    assert_eq!(run.code, 0, "{}", run.all());
    assert_eq!(server.state().users["user_ban1"]["banned"], true);
    let n = entry_number("user_ban1", 0);
    // Without a terminal and without --yes, the inverse is refused too.
    let refused = Cli::new()
        .unwrap()
        .scopes("write")
        .run(&["undo", &n, "--base-url", &server.uri()])
        .await;
    assert_eq!(refused.code, 2, "{}", refused.all());
    assert!(
        refused.stderr.contains("/users/user_ban1/unban"),
        "the inverse is shown: {}",
        refused.stderr
    );
    assert_eq!(server.state().users["user_ban1"]["banned"], true);
    let undo = undo_entry(&n, &server.uri()).await;
    assert_eq!(undo.code, 0, "{}", undo.all());
    assert_eq!(server.state().users["user_ban1"]["banned"], false);
    let unban = about("user_ban1").pop().unwrap();
    assert_eq!(unban["operation_id"], "UnbanUser");
    assert_eq!(unban["undoes"].to_string(), n);
}

#[tokio::test]
async fn a_delete_keeps_the_prior_object_and_undo_says_where() {
    let mut u = user("user_del1", "d@x.io");
    u["private_metadata"] = json!({"stripe": "cus_1"});
    let server = clerk::start(vec![u.clone()], None).await;
    let Some(cli) = Cli::new() else {
        return;
    };
    let run = cli
        .scopes("write,delete")
        .send(&["DELETE", "/users/user_del1"], &server.uri())
        .await;
    assert_eq!(run.code, 0, "{}", run.all());
    let entry = about("user_del1").pop().unwrap();
    assert_eq!(entry["before"], u, "the whole object as it was");
    assert_eq!(entry["status"], 200);
    assert_eq!(entry["instance"], "development");
    let n = entry_number("user_del1", 0);
    let undo = Cli::new()
        .unwrap()
        .scopes("write,delete")
        .send(&["undo", &n], &server.uri())
        .await;
    assert_eq!(undo.code, 1, "{}", undo.all());
    assert!(
        undo.stderr.contains("Clerk cannot restore"),
        "{}",
        undo.stderr
    );
    assert!(
        undo.stderr.contains(&format!("entry {n} of")),
        "{}",
        undo.stderr
    );
    let history = Cli::new().unwrap().run(&["history", &n]).await;
    assert!(
        history.stdout.contains("\"stripe\": \"cus_1\""),
        "{}",
        history.stdout
    );
}

#[tokio::test]
async fn the_journal_is_private_lists_in_history_and_never_holds_the_key() {
    let server = clerk::start(vec![user("user_priv1", "p@x.io")], None).await;
    let Some(cli) = Cli::new() else {
        return;
    };
    // The key typed into a body must not reach the journal either.
    let body = format!(r#"public_metadata:={{"note":"{}"}}"#, crate::support::KEY);
    let run = cli
        .scopes("write")
        .send(
            &["PATCH", "/users/user_priv1/metadata", &body],
            &server.uri(),
        )
        .await;
    assert_eq!(run.code, 0, "{}", run.all());
    let path = test_home().join("data/clerk-backend-api/journal.jsonl");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&path).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600, "{mode:o}");
        let dir = std::fs::metadata(path.parent().unwrap())
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(dir & 0o077, 0, "{dir:o}");
    }
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(!text.contains(crate::support::KEY));
    let history = Cli::new().unwrap().run(&["history"]).await;
    assert_eq!(history.code, 0, "{}", history.all());
    assert!(
        history.stdout.contains("/users/user_priv1/metadata"),
        "{}",
        history.stdout
    );
    let json = Cli::new()
        .unwrap()
        .run(&["history", "--output", "json"])
        .await;
    let doc: Value = serde_json::from_str(&json.stdout).unwrap();
    assert_eq!(doc["mode"], "history");
}
