//! The confirmation of a bulk DELETE in a real pseudo-terminal (expectrl):
//! more than five deletes are confirmed by typing their count; anything
//! else, `yes` included, cancels with nothing sent, and `--yes` does not
//! answer for them on a terminal. Five or fewer take `yes`.

use crate::support::clerk::{self, user};
use crate::support::{Cli, pty};

/// Runs in a pty with `ids.txt` written, answers the one prompt; the
/// exit code and the screen.
async fn answer(
    args: Vec<String>,
    ids: &[String],
    prompt: &'static str,
    reply: &'static str,
) -> Option<(i32, String)> {
    let cli = Cli::new()?.scopes("write,delete");
    std::fs::write(cli.cwd.path().join("ids.txt"), ids.join("\n")).unwrap();
    let argv: Vec<&str> = args.iter().map(String::as_str).collect();
    Some(pty::converse(cli, &argv, vec![(prompt, reply)]).await)
}

/// `DELETE /users/{user_id} --each ids.txt` with `extra`, to `uri`.
fn delete_each(uri: &str, extra: &[&str]) -> Vec<String> {
    let mut args = vec!["DELETE", "/users/{user_id}", "--each", "ids.txt"];
    args.extend_from_slice(extra);
    args.extend(["--base-url", uri]);
    args.into_iter().map(str::to_string).collect()
}

fn targets(n: usize) -> Vec<String> {
    (0..n).map(|i| format!("user_pty{i}")).collect()
}

#[tokio::test]
async fn more_than_five_deletes_are_confirmed_by_typing_the_count() {
    let ids = targets(8);
    let server = clerk::start(ids.iter().map(|i| user(i, "x@y.io")).collect(), None).await;
    let args = delete_each(&server.uri(), &[]);
    let prompt = "Type the number of deletes (8) to confirm, anything else cancels: ";
    for wrong in ["yes", "7", ""] {
        let Some((code, seen)) = answer(args.clone(), &ids, prompt, wrong).await else {
            return;
        };
        assert_eq!(code, 1, "{wrong:?}: {seen}");
        assert!(seen.contains("IRREVERSIBLE, 8 times"), "{seen}");
        assert!(seen.contains("8 × DELETE"), "{seen}");
        assert!(seen.contains("Cancelled: nothing was written."), "{seen}");
        assert_eq!(server.state().requests, 0, "{wrong:?} sent something");
    }
    let Some((code, seen)) = answer(args, &ids, prompt, "8").await else {
        return;
    };
    assert_eq!(code, 0, "{seen}");
    assert!(seen.contains("8 succeeded, 0 failed, 0 skipped"), "{seen}");
    assert!(server.state().users.is_empty());
}

#[tokio::test]
async fn a_handful_of_deletes_takes_yes() {
    let ids = targets(3);
    let server = clerk::start(ids.iter().map(|i| user(i, "x@y.io")).collect(), None).await;
    let mut args: Vec<String> = vec!["DELETE".into(), "/users/{user_id}".into()];
    args.extend(ids.iter().cloned());
    args.extend(["--base-url".into(), server.uri()]);
    let prompt = "Type `yes` to delete these 3, anything else cancels: ";
    let Some((code, seen)) = answer(args, &ids, prompt, "yes").await else {
        return;
    };
    assert_eq!(code, 0, "{seen}");
    assert!(server.state().users.is_empty(), "{seen}");
}

#[tokio::test]
async fn yes_on_a_terminal_does_not_answer_for_many_deletes() {
    let ids = targets(8);
    let server = clerk::start(ids.iter().map(|i| user(i, "x@y.io")).collect(), None).await;
    let args = delete_each(&server.uri(), &["--yes"]);
    let prompt = "Type the number of deletes (8) to confirm, anything else cancels: ";
    let Some((code, seen)) = answer(args.clone(), &ids, prompt, "y").await else {
        return;
    };
    assert_eq!(code, 1, "{seen}");
    assert!(
        seen.contains("--yes does not answer for more than 5 deletes on a terminal"),
        "{seen}"
    );
    assert_eq!(
        server.state().requests,
        0,
        "sent after a wrong count: {seen}"
    );
    let Some((code, seen)) = answer(args, &ids, prompt, "8").await else {
        return;
    };
    assert_eq!(code, 0, "{seen}");
    assert!(server.state().users.is_empty(), "{seen}");
}
