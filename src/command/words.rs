//! Splitting a typed line into words. Plain English is text, not shell
//! syntax: an apostrophe (`don't`, `user_2abc's`) or a lone quote never breaks
//! a line; only a balanced quote at the start of a word groups a value
//! (`create org 'Waystar Royco'`).

/// One word of a command, and whether quotes grouped it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Word {
    pub text: String,
    pub quoted: bool,
}

impl Word {
    pub fn plain(text: impl Into<String>) -> Word {
        Word {
            text: text.into(),
            quoted: false,
        }
    }
}

/// Splits a REPL line into words.
pub fn split(line: &str) -> Vec<Word> {
    scan(line).0
}

/// Whether a typed text is unfinished: a JSON value (after `-d`, `:=` or
/// `=`) whose braces or quotes are still open, as when a multi-line body is
/// pasted. The REPL keeps reading until it is complete. A lone quote in
/// plain English (`it's`, `'unbalanced`) never counts.
pub fn incomplete(text: &str) -> bool {
    scan(text).1
}

/// The words, and whether a value was left open.
fn scan(line: &str) -> (Vec<Word>, bool) {
    let chars: Vec<char> = line.chars().collect();
    let mut words: Vec<Word> = Vec::new();
    let mut open = false;
    let mut i = 0;
    while i < chars.len() {
        if chars[i].is_whitespace() {
            i += 1;
            continue;
        }
        let after_data = words
            .last()
            .is_some_and(|w| !w.quoted && matches!(w.text.as_str(), "-d" | "--data"));
        if let Some(end) = closing_quote(&chars, i) {
            words.push(Word {
                text: chars[i + 1..end].iter().collect(),
                quoted: true,
            });
            i = end + 1;
            // Sentence punctuation right after a quote is not part of a value.
            while i < chars.len() && matches!(chars[i], ',' | '.' | '!' | '?' | ';' | ':') {
                i += 1;
            }
            continue;
        }
        if after_data && matches!(chars[i], '"' | '\'') {
            // `-d '{...` whose closing quote has not been typed yet.
            open = true;
        }
        let start = i;
        let mut text = String::new();
        // A JSON value after `:=` or `-d` may hold spaces inside braces or
        // brackets: keep it one word while they are open.
        let mut depth = 0i32;
        let mut in_string = false;
        while i < chars.len() && (depth > 0 || in_string || !chars[i].is_whitespace()) {
            let c = chars[i];
            // As in a shell, a quoted part of an item's value
            // (`email_address:='["z@x.com"]'`) is its content.
            if depth == 0
                && !in_string
                && matches!(c, '"' | '\'')
                && i > start
                && chars[i - 1] == '='
            {
                match (i + 1..chars.len()).find(|&j| chars[j] == c) {
                    Some(end) => {
                        text.extend(&chars[i + 1..end]);
                        i = end + 1;
                        continue;
                    }
                    None => open = true,
                }
            }
            match c {
                '"' if depth > 0 => in_string = !in_string,
                '\\' if in_string => {
                    text.push(c);
                    i += 1;
                    if let Some(&next) = chars.get(i) {
                        text.push(next);
                    }
                    i += 1;
                    continue;
                }
                '{' | '[' if !in_string && opens_json(&chars, start, i) => depth += 1,
                '}' | ']' if !in_string && depth > 0 => depth -= 1,
                _ => {}
            }
            text.push(c);
            i += 1;
        }
        if depth > 0 || in_string {
            open = true;
        }
        words.push(Word::plain(text));
    }
    (words, open)
}

/// Whether a brace at `i` opens JSON: at the start of a word, or right after
/// `:=`/`=` (httpie items), not inside a path template like `{user_id}`.
fn opens_json(chars: &[char], start: usize, i: usize) -> bool {
    if i == start {
        // `{user_id}` alone is a template, `{"a": 1}` is JSON.
        return chars.get(i + 1).is_some_and(|c| {
            *c == '"' || c.is_whitespace() || *c == '}' || *c == '[' || *c == '{'
        });
    }
    chars[i - 1] == '=' || (chars[i - 1] == '{' || chars[i - 1] == '[') && i > start
}

/// The index of the quote closing one that opens a word at `i`, when the
/// closing quote ends a word too.
fn closing_quote(chars: &[char], i: usize) -> Option<usize> {
    let q = chars[i];
    if q != '"' && q != '\'' {
        return None;
    }
    let end = (i + 1..chars.len()).find(|&j| chars[j] == q)?;
    let after = chars.get(end + 1);
    let ends_word =
        after.is_none_or(|c| c.is_whitespace() || matches!(c, ',' | '.' | '!' | '?' | ';' | ':'));
    (ends_word && end > i + 1).then_some(end)
}

/// Joins words back into a phrase for the router, re-quoting grouped words
/// so a quoted value stays one value.
pub fn join(words: &[Word]) -> String {
    words
        .iter()
        .map(|w| {
            if w.quoted || (w.text.contains(' ') && !w.text.starts_with('{')) {
                format!("\"{}\"", w.text)
            } else {
                w.text.clone()
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(line: &str) -> Vec<String> {
        split(line).into_iter().map(|w| w.text).collect()
    }

    #[test]
    fn apostrophes_are_text() {
        assert_eq!(texts("don't allow signups"), ["don't", "allow", "signups"]);
        assert_eq!(
            texts("user_2abc's private metadata"),
            ["user_2abc's", "private", "metadata"]
        );
        assert_eq!(texts("it's 'unbalanced"), ["it's", "'unbalanced"]);
    }

    #[test]
    fn balanced_quotes_group() {
        let words = split("create org 'Waystar Royco' then");
        assert_eq!(
            words[2],
            Word {
                text: "Waystar Royco".into(),
                quoted: true
            }
        );
        // As in a shell, an item's quoted value is its content.
        assert_eq!(texts(r#"name="x" "A B"."#), ["name=x", "A B"]);
        assert_eq!(
            texts(r#"POST /x email_address:='["z@x.com"]' name='Ann Lee'"#),
            [
                "POST",
                "/x",
                r#"email_address:=["z@x.com"]"#,
                "name=Ann Lee"
            ]
        );
    }

    #[test]
    fn json_values_stay_whole() {
        assert_eq!(
            texts(r#"PATCH /users/u public_metadata:={"plan": "pro", "n": [1, 2]} x"#),
            [
                "PATCH",
                "/users/u",
                r#"public_metadata:={"plan": "pro", "n": [1, 2]}"#,
                "x"
            ]
        );
        assert_eq!(texts(r#"-d {"a": 1}"#), ["-d", r#"{"a": 1}"#]);
        assert_eq!(
            texts("GET /users/{user_id} help"),
            ["GET", "/users/{user_id}", "help"]
        );
    }

    #[test]
    fn pasted_bodies_are_incomplete_until_closed() {
        assert!(incomplete("POST /users -d '{"));
        assert!(incomplete(
            "POST /users -d '{\n  \"email_address\": [\"a@b.co\"]"
        ));
        assert!(!incomplete(
            "POST /users -d '{\n  \"email_address\": [\"a@b.co\"]\n}'"
        ));
        assert!(incomplete("POST /users -d {\n\"a\": 1"));
        assert!(!incomplete("POST /users -d {\n\"a\": 1\n}"));
        assert!(incomplete("POST /x a:='[1,"));
        for line in [
            "'unbalanced \"quotes",
            "don't allow signups",
            "GET /users/{user_id}",
            "it's",
        ] {
            assert!(!incomplete(line), "{line}");
        }
        let words = split("POST /users -d '{\n  \"a\": 1\n}'");
        assert_eq!(words[3].text, "{\n  \"a\": 1\n}");
    }

    #[test]
    fn odd_spacing() {
        assert_eq!(texts("   GET\t /users   help  "), ["GET", "/users", "help"]);
        assert!(split("   ").is_empty());
    }
}
