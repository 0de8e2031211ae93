//! Keeping the secret key out of everything the program shows or keeps.
//!
//! The console ([`crate::console`]) passes every line it prints, every
//! message and every question through one [`Redactor`], so no path (a help
//! screen, an error echoing a typed word, a server echoing the key inside
//! an ID, a cut-off column) can show it. [`holds_secret`] decides which REPL
//! lines stay out of the history, seeing through the disguises a pasted key
//! can wear (`\u005f`, `%5F`, zero-width characters).

/// What stands where a key was.
pub const PLACEHOLDER: &str = "$CLERK_SECRET_KEY";

/// Removes the configured key, and any `sk_test_`/`sk_live_` token, from
/// text. Cloning it copies the key; it never prints it (`Debug` hides it).
#[derive(Clone, Default)]
pub struct Redactor {
    key: Option<String>,
}

impl std::fmt::Debug for Redactor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Redactor")
            .field("key", &self.key.as_ref().map(|_| "[redacted]"))
            .finish()
    }
}

impl Redactor {
    /// A redactor for `key` (`None`: only key-shaped tokens).
    pub fn new(key: Option<&str>) -> Redactor {
        Redactor {
            key: key.filter(|k| !k.is_empty()).map(str::to_string),
        }
    }

    pub fn redact(&self, text: &str) -> String {
        redact_with(self.key.as_deref(), text)
    }

    /// Whether `text` holds the key or a key-shaped token, in any of the
    /// forms [`holds_secret`] sees through.
    pub fn holds(&self, text: &str) -> bool {
        holds_secret(text, self.key.as_deref())
    }
}

/// Removes `key` from text, and anything else shaped like a secret key
/// (`sk_test_` or `sk_live_` and at least one more letter or digit), in case
/// a server, an error message or a cut-off column shows one.
pub fn redact_with(key: Option<&str>, text: &str) -> String {
    let mut out = match key {
        Some(k) if !k.is_empty() => text.replace(k, PLACEHOLDER),
        _ => text.to_string(),
    };
    // The key's secret part without its prefix (`user_<secret>` echoed by
    // a server) is the key too.
    if let Some(body) = key
        .and_then(|k| {
            k.strip_prefix("sk_test_")
                .or_else(|| k.strip_prefix("sk_live_"))
        })
        .filter(|b| b.len() >= 12)
    {
        out = out.replace(body, "[redacted]");
    }
    for prefix in ["sk_test_", "sk_live_"] {
        let mut from = 0;
        while let Some(i) = out[from..].find(prefix).map(|i| i + from) {
            let rest = i + prefix.len();
            let end = out[rest..]
                .find(|c: char| !c.is_ascii_alphanumeric())
                .map_or(out.len(), |e| e + rest);
            if end > rest {
                out.replace_range(i..end, &format!("{prefix}[redacted]"));
            }
            from = rest;
        }
    }
    out
}

/// Whether a line holds something that looks like a Clerk secret key, or
/// `key` itself, once unescaped: `\u005f`/`\x5f` escapes and `%5F`
/// percent-encoding decoded, zero-width and other invisible characters
/// dropped, case ignored. Erring on the side of leaving a line out of the
/// history is cheap.
pub fn holds_secret(line: &str, key: Option<&str>) -> bool {
    let plain = unmask(line);
    if key.is_some_and(|k| !k.is_empty() && (line.contains(k) || plain.contains(&k.to_lowercase())))
    {
        return true;
    }
    let bytes = plain.as_bytes();
    plain.match_indices("sk_").any(|(i, _)| {
        let after = &plain[i + 3..];
        let starts_word = i == 0 || !bytes[i - 1].is_ascii_alphanumeric();
        after.starts_with("test_")
            || after.starts_with("live_")
            || starts_word
                && after
                    .bytes()
                    .next()
                    .is_some_and(|b| b.is_ascii_alphanumeric())
    })
}

/// Whether a line gives a value to a field whose name holds one of `words`
/// (`password=x`, `client_secret:='"s"'`, `-d '{"code": "123"}'`): such a
/// line stays out of the history even without a key in it.
pub fn holds_secret_field(line: &str, words: &[&str]) -> bool {
    let plain = unmask(line);
    let bytes = plain.as_bytes();
    let ident = |b: u8| b.is_ascii_alphanumeric() || b == b'_' || b == b'.';
    let mut i = 0;
    while i < bytes.len() {
        if !ident(bytes[i]) {
            i += 1;
            continue;
        }
        let start = i;
        while i < bytes.len() && ident(bytes[i]) {
            i += 1;
        }
        let name = &plain[start..i];
        if !words.iter().any(|w| name.contains(w)) {
            continue;
        }
        let after = plain[i..].trim_start_matches(['"', '\'', ' ']);
        if after.starts_with('=') || after.starts_with(':') {
            return true;
        }
    }
    false
}

/// The line lower-cased, with escapes decoded and invisible characters
/// removed.
fn unmask(line: &str) -> String {
    let visible: String = line
        .chars()
        .filter(|c| !is_invisible(*c))
        .collect::<String>()
        .to_lowercase();
    let mut out = String::with_capacity(visible.len());
    let mut rest = visible.as_str();
    while let Some(c) = rest.chars().next() {
        let (decoded, used) = escape_at(rest).unwrap_or((c, c.len_utf8()));
        if !is_invisible(decoded) {
            out.push(decoded);
        }
        rest = &rest[used..];
    }
    out
}

/// An escape at the start of `s`: `\uXXXX`, `\u{X}`, `\xXX`, `%XX`.
fn escape_at(s: &str) -> Option<(char, usize)> {
    let hex = |h: &str| u32::from_str_radix(h, 16).ok().and_then(char::from_u32);
    if let Some(r) = s.strip_prefix("\\u{") {
        let end = r.find('}')?;
        return Some((hex(&r[..end])?, 4 + end));
    }
    for (lead, len) in [("\\u", 4), ("\\x", 2), ("%", 2)] {
        if let Some(r) = s.strip_prefix(lead)
            && r.len() >= len
            && r.is_char_boundary(len)
            && r[..len].bytes().all(|b| b.is_ascii_hexdigit())
        {
            return Some((hex(&r[..len])?, lead.len() + len));
        }
    }
    None
}

/// Zero-width spaces and joiners, the word joiner, soft hyphens, the BOM.
fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{00ad}' | '\u{180e}' | '\u{200b}'..='\u{200f}' | '\u{2060}'..='\u{2064}' | '\u{feff}'
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redaction() {
        let s = redact_with(Some("sk_test_SECRET123"), "Bearer sk_test_SECRET123 x");
        assert_eq!(s, "Bearer $CLERK_SECRET_KEY x");
        let s = redact_with(None, "key sk_live_ABCDEFGH1234, sk_test_x, sk_test_");
        assert_eq!(s, "key sk_live_[redacted], sk_test_[redacted], sk_test_");
        // A column cut after a few of the key's characters shows none.
        let s = redact_with(None, "sk_test_ab… and sk_live_Zx");
        assert_eq!(s, "sk_test_[redacted]… and sk_live_[redacted]");
        let r = Redactor::new(Some("sk_test_SECRET123"));
        assert!(!format!("{r:?}").contains("SECRET"));
        let r = Redactor::new(Some("sk_test_SECRET0123456789"));
        assert_eq!(r.redact("id user_SECRET0123456789"), "id user_[redacted]");
    }

    #[test]
    fn secrets_are_seen_through_disguises() {
        for line in [
            "export CLERK_SECRET_KEY=sk_test_abc",
            "GET /users -H 'Authorization: Bearer sk_live_XYZ'",
            "sk_abcdef",
            "SK_TEST_ABC",
            "sk\\u005ftest_abc",
            "sk\\u{5f}test_abc",
            "sk%5Ftest%5fabc",
            "sk\\x5ftest_abc",
            "sk_\u{200b}test_abc",
            "s\u{200d}k_test_abc",
            "sk_te\u{feff}st_abc",
        ] {
            assert!(holds_secret(line, None), "{line:?}");
        }
        for line in ["list users", "get user risk_level", "desk_1", "task_"] {
            assert!(!holds_secret(line, None), "{line:?}");
        }
        assert!(holds_secret("my key is Q1w2E3r4", Some("Q1w2E3r4")));
    }

    #[test]
    fn secret_fields_are_seen() {
        let words = ["password", "secret", "token", "code"];
        for line in [
            "POST /users password=hunter2",
            "POST /users password:='\"x\"'",
            "POST /oauth_applications client_secret=abc",
            "POST /x -d '{\"code\": \"123456\"}'",
            "POST /x -d '{\"token\":\"t\"}'",
            "set new_password = abc on user_1",
        ] {
            assert!(holds_secret_field(line, &words), "{line:?}");
        }
        for line in [
            "reset the password of user_1",
            "list sign in tokens",
            "GET /users",
        ] {
            assert!(!holds_secret_field(line, &words), "{line:?}");
        }
    }
}
