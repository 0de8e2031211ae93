//! The tests on list items a request states, as `field cue value`
//! ("whose email ends with @spam.test", `filter.*` in `grammar/words.txt`):
//! tested on each item where the API cannot filter (`each`), or sent as a
//! list's partial-match `query` where it can (`fill`).

use crate::intent::grammar::Table;
use crate::intent::read::tokens::Token;
use crate::plan::each::{Filter, Test};

/// The words of `grammar/words.txt` tests are stated in.
#[derive(Debug, Clone, Default)]
pub struct FilterWords {
    /// Words between a field and its test ("email that ends with").
    skip: Vec<String>,
    /// `(test, phrases)`: `ends_with`, `starts_with`, `contains`.
    tests: Vec<(String, Vec<String>)>,
    /// Phrases that quantify over every item ("every", "all of").
    each: Vec<String>,
}

impl FilterWords {
    /// Whether a word is one of a quantifier's ("every", "all", "of").
    pub fn quantifies(&self, word: &str) -> bool {
        self.each.iter().any(|p| p.split(' ').any(|w| w == word))
    }

    pub fn new(words: &Table) -> FilterWords {
        FilterWords {
            skip: words.list("filter.skip"),
            tests: words
                .family("filter")
                .into_iter()
                .filter(|(k, _)| k != "skip")
                .collect(),
            each: words.list("each"),
        }
    }
}

/// The tests a request states, read once with the request.
#[derive(Debug, Clone, Default)]
pub struct Stated {
    pub filters: Vec<Filter>,
    /// The tokens the tests take.
    pub span: Option<std::ops::Range<usize>>,
    /// It quantifies over every item ("every", "all of", `each` of words.txt).
    pub every: bool,
    /// The first test's value and its token: what a list's partial-match
    /// `query` takes.
    pub searched: Option<(usize, String)>,
}

/// Reads the tests of a request's tokens.
pub fn read(words: &FilterWords, tokens: &[Token]) -> Stated {
    let lower: Vec<&str> = tokens.iter().map(|t| t.lower.as_str()).collect();
    let (filters, span) = stated(words, &lower, tokens);
    let every = words.each.iter().any(|p| said(&lower, p).is_some());
    let searched = searched(tokens, span.as_ref());
    Stated {
        filters,
        span,
        every,
        searched,
    }
}

/// Where `phrase` (words split by single spaces) starts in `lower`.
fn said(lower: &[&str], phrase: &str) -> Option<usize> {
    let words: Vec<&str> = phrase.split(' ').collect();
    lower
        .windows(words.len())
        .position(|w| w == words.as_slice())
}

/// The local tests the request states (`email ends with X`), and the token
/// span they take.
fn stated(
    words: &FilterWords,
    lower: &[&str],
    tokens: &[Token],
) -> (Vec<Filter>, Option<std::ops::Range<usize>>) {
    let skip = &words.skip;
    let mut out = Vec::new();
    let mut span: Option<std::ops::Range<usize>> = None;
    for (key, test) in [
        ("ends_with", Test::EndsWith as fn(String) -> Test),
        ("starts_with", Test::StartsWith),
        ("contains", Test::Contains),
    ] {
        let phrases = words.tests.iter().filter(|(k, _)| k == key);
        for phrase in phrases.flat_map(|(_, list)| list) {
            let Some(at) = said(lower, phrase) else {
                continue;
            };
            let after = at + phrase.split(' ').count();
            let Some(value) = tokens.get(after) else {
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
fn searched(tokens: &[Token], span: Option<&std::ops::Range<usize>>) -> Option<(usize, String)> {
    let at = match span.and_then(|s| s.end.checked_sub(1)) {
        Some(at) => at,
        None => tokens.iter().position(|t| {
            t.text
                .strip_prefix('@')
                .is_some_and(|d| d.contains('.') && !d.contains('@'))
        })?,
    };
    Some((at, tokens[at].text.clone()))
}
