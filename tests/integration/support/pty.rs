//! Running the binary in a real pseudo-terminal (expectrl), answering the
//! prompts it shows.

use std::time::Duration;

use expectrl::process::unix::WaitStatus;
use expectrl::{Eof, Expect, Session};

use super::{Cli, KEY, assert_no_secret};

/// Runs `args` in a pty, answering each expected prompt in turn; returns
/// the exit code and everything the terminal showed (checked for the key).
pub async fn converse(
    cli: Cli,
    args: &[&str],
    script: Vec<(&'static str, &'static str)>,
) -> (i32, String) {
    let (cmd, cwd) = cli.command(args);
    let result = tokio::task::spawn_blocking(move || {
        let mut p = Session::spawn(cmd).expect("spawn in a pty");
        p.set_expect_timeout(Some(Duration::from_secs(60)));
        let mut seen = String::new();
        for (prompt, answer) in script {
            let cap = p
                .expect(prompt)
                .unwrap_or_else(|e| panic!("waiting for {prompt:?}: {e}\n{seen}"));
            seen.push_str(&String::from_utf8_lossy(cap.before()));
            seen.push_str(prompt);
            p.send_line(answer).expect("answer");
        }
        let cap = p.expect(Eof).expect("end of output");
        seen.push_str(&String::from_utf8_lossy(cap.before()));
        for m in cap.matches() {
            seen.push_str(&String::from_utf8_lossy(m));
        }
        let code = match p.get_process().wait() {
            Ok(WaitStatus::Exited(_, code)) => code,
            other => panic!("{other:?}"),
        };
        drop(cwd);
        (code, seen)
    })
    .await
    .expect("join");
    assert_no_secret(KEY, &result.1, "terminal");
    result
}
