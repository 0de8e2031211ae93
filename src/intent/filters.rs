//! The tests on list items a request states, as `field cue value`
//! ("whose email ends with @spam.test", `filter.*` in `grammar/words.txt`):
//! tested on each item where the API cannot filter (`each`), or sent as a
//! list's partial-match `query` where it can (`fill`).

use super::Router;
use super::doc::Doc;
use crate::plan::each::{Filter, Test};

/// Where `phrase` (words split by single spaces) starts in `lower`.
pub fn said(lower: &[&str], phrase: &str) -> Option<usize> {
    let words: Vec<&str> = phrase.split(' ').collect();
    lower
        .windows(words.len())
        .position(|w| w == words.as_slice())
}

/// The local tests the request states (`email ends with X`), and the token
/// span they take.
pub fn stated(
    r: &Router,
    lower: &[&str],
    doc: &Doc,
) -> (Vec<Filter>, Option<std::ops::Range<usize>>) {
    let skip = r.grammar.words.list("filter.skip");
    let mut out = Vec::new();
    let mut span: Option<std::ops::Range<usize>> = None;
    for (key, test) in [
        ("filter.ends_with", Test::EndsWith as fn(String) -> Test),
        ("filter.starts_with", Test::StartsWith),
        ("filter.contains", Test::Contains),
    ] {
        for phrase in r.grammar.words.list(key) {
            let Some(at) = said(lower, &phrase) else {
                continue;
            };
            let after = at + phrase.split(' ').count();
            let Some(value) = doc.tokens.get(after) else {
                continue;
            };
            let mut f = at;
            while f > 0 && skip.iter().any(|s| s == lower[f - 1]) {
                f -= 1;
            }
            let Some(field) = f.checked_sub(1).map(|i| lower[i]) else {
                continue;
            };
            let field = if field.starts_with("email") {
                "email".to_string()
            } else {
                format!("/{field}")
            };
            out.push(Filter {
                field,
                test: test(value.text.clone()),
            });
            let s = (f - 1)..after + 1;
            span = Some(match span {
                Some(old) => old.start.min(s.start)..old.end.max(s.end),
                None => s,
            });
        }
    }
    (out, span)
}

/// The value of the first test stated, with its token: the text a list's
/// partial-match `query` takes ("whose name contains Agrawal" → `Agrawal`).
/// Failing that, an email's domain part on its own ("users with an
/// @acme.io email").
pub fn searched(r: &Router, doc: &Doc) -> Option<(usize, String)> {
    let lower: Vec<&str> = doc.tokens.iter().map(|t| t.lower.as_str()).collect();
    let (_, span) = stated(r, &lower, doc);
    let at = match span.and_then(|s| s.end.checked_sub(1)) {
        Some(at) => at,
        None => doc.tokens.iter().position(|t| {
            t.text
                .strip_prefix('@')
                .is_some_and(|d| d.contains('.') && !d.contains('@'))
        })?,
    };
    Some((at, doc.tokens[at].text.clone()))
}
