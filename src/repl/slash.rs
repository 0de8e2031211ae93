//! What one REPL line asks for, before any command parsing: a slash command
//! of the REPL itself, a row number of the last table, or the words of a
//! `/clerk-backend-api` command.

/// The REPL's own commands, with what they do (for completion and for the
/// "did you mean" of a mistyped one).
pub const COMMANDS: &[(&str, &str)] = &[
    (
        "/clerk-backend-api",
        "run a command (the prefix is optional)",
    ),
    ("/help", "the help; /help WORDS shows the help of WORDS"),
    ("/exit", "leave the REPL"),
    ("/quit", "leave the REPL"),
];

/// The command a line without a slash belongs to.
pub const RUN: &str = "/clerk-backend-api";

/// One line, classified.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action<'a> {
    /// An empty line.
    Nothing,
    Exit,
    /// `/help`, with the words after it (may be empty).
    Help(&'a str),
    /// The words of a command, without `/clerk-backend-api`.
    Run(&'a str),
    /// A row number of the last table, as typed (it may not fit a `usize`).
    Pick(&'a str),
    /// A slash word that is neither a REPL command nor a path.
    Unknown {
        typed: &'a str,
        nearest: &'static str,
    },
}

/// Classifies a line. `is_path` says whether a first word that starts with a
/// slash is an API path (`/users help`) rather than a mistyped command; the
/// caller knows the spec's paths.
pub fn classify<'a>(line: &'a str, mut is_path: impl FnMut(&str) -> bool) -> Action<'a> {
    let line = line.trim();
    if line.is_empty() {
        return Action::Nothing;
    }
    if line.bytes().all(|b| b.is_ascii_digit()) {
        return Action::Pick(line);
    }
    // `exit` and `quit` leave without a slash, as `help` works without one.
    if line.eq_ignore_ascii_case("exit") || line.eq_ignore_ascii_case("quit") {
        return Action::Exit;
    }
    if !line.starts_with('/') {
        return Action::Run(line);
    }
    let (first, rest) = match line.find(char::is_whitespace) {
        Some(i) => (&line[..i], line[i..].trim_start()),
        None => (line, ""),
    };
    let lower = first.to_ascii_lowercase();
    match lower.as_str() {
        RUN => Action::Run(rest),
        "/help" => Action::Help(rest),
        "/exit" | "/quit" => Action::Exit,
        // An API path typed without a method, `/users/count help`.
        _ if looks_like_path(first) || is_path(first) => Action::Run(line),
        _ => Action::Unknown {
            typed: first,
            nearest: nearest(&lower),
        },
    }
}

/// A slash word with more than one segment or a template is a path whatever
/// the spec says; the spec decides for one bare segment (`/users`).
fn looks_like_path(word: &str) -> bool {
    word[1..].contains(['/', '{'])
}

/// The known command closest to a mistyped one.
fn nearest(typed: &str) -> &'static str {
    COMMANDS
        .iter()
        .map(|(name, _)| (strsim::jaro_winkler(typed, name), *name))
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map_or(RUN, |(_, name)| name)
}

/// The one message an unknown slash command gets.
pub fn unknown_message(typed: &str, nearest: &str) -> String {
    format!(
        "{typed} is not a REPL command; did you mean {nearest}? \
         Type /help for the commands, or drop the slash to run words as a command"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn no_paths(_: &str) -> bool {
        false
    }

    #[test]
    fn commands() {
        assert_eq!(classify("", no_paths), Action::Nothing);
        assert_eq!(classify("   \t ", no_paths), Action::Nothing);
        assert_eq!(classify("/exit", no_paths), Action::Exit);
        assert_eq!(classify(" /QUIT ", no_paths), Action::Exit);
        assert_eq!(classify("/help", no_paths), Action::Help(""));
        assert_eq!(
            classify("/help GET /users", no_paths),
            Action::Help("GET /users")
        );
        assert_eq!(
            classify("/clerk-backend-api  Users", no_paths),
            Action::Run("Users")
        );
        assert_eq!(classify("/clerk-backend-api", no_paths), Action::Run(""));
        assert_eq!(classify("get users", no_paths), Action::Run("get users"));
    }

    #[test]
    fn numbers_are_picks() {
        assert_eq!(classify(" 3 ", no_paths), Action::Pick("3"));
        assert_eq!(
            classify("99999999999999999999999", no_paths),
            Action::Pick("99999999999999999999999")
        );
        assert_eq!(classify("3 users", no_paths), Action::Run("3 users"));
    }

    #[test]
    fn paths_are_not_unknown_commands() {
        assert_eq!(
            classify("/users/count help", no_paths),
            Action::Run("/users/count help")
        );
        assert_eq!(
            classify("/users help", |w| w == "/users"),
            Action::Run("/users help")
        );
        assert_eq!(classify("/{x}", no_paths), Action::Run("/{x}"));
    }

    #[test]
    fn unknown_commands_get_the_nearest() {
        let near = |line| match classify(line, no_paths) {
            Action::Unknown { nearest, .. } => nearest,
            other => panic!("{line}: {other:?}"),
        };
        assert_eq!(near("/hlep"), "/help");
        assert_eq!(near("/clerk"), "/clerk-backend-api");
        assert_eq!(near("/exti"), "/exit");
        assert_eq!(near("/qiut now"), "/quit");
        assert_eq!(near("/"), near("/"));
        let msg = unknown_message("/hlep", "/help");
        assert!(msg.contains("/hlep") && msg.contains("did you mean /help?"));
    }

    #[test]
    fn odd_input_does_not_panic() {
        for line in ["/", "/é", "/'unbalanced", "\"", "/\u{1F600}x y", "/ /"] {
            let _ = classify(line, no_paths);
        }
    }
}
