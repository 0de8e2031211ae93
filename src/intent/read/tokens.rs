//! A request as tokens. Plain English is text, not shell syntax: the
//! command parser's word splitter already keeps apostrophes ("don't",
//! "user_2abc's") and groups balanced quotes; here sentence punctuation
//! comes off each word and is remembered (a comma ends a name, a colon
//! makes `key: value`).

use crate::command::split;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    /// As typed, without the punctuation around it or a possessive `'s`.
    pub text: String,
    pub lower: String,
    /// Quotes grouped it: a value, whatever it says.
    pub quoted: bool,
    /// A comma, full stop, semicolon, `!` or `?` followed it.
    pub clause_end: bool,
    /// A colon followed it (`role: admin`).
    pub colon: bool,
}

pub fn tokenize(text: &str) -> Vec<Token> {
    split(text)
        .into_iter()
        .filter_map(|w| {
            if w.quoted {
                return Some(Token {
                    lower: w.text.to_lowercase(),
                    text: w.text,
                    quoted: true,
                    clause_end: false,
                    colon: false,
                });
            }
            clean(&w.text)
        })
        .collect()
}

fn clean(word: &str) -> Option<Token> {
    let mut text = word.trim_start_matches(['(', '[', '"', '\'', '“', '‘']);
    let mut clause_end = false;
    let mut colon = false;
    let is_url = text.contains("://");
    while let Some(c) = text.chars().last() {
        let strip = match c {
            ',' | '.' | ';' | '!' | '?' => {
                clause_end = true;
                true
            }
            ':' if !is_url || text.ends_with("::") => {
                colon = true;
                true
            }
            ')' | ']' | '"' | '\'' | '”' | '’' => true,
            _ => false,
        };
        if !strip || text.len() == 1 {
            break;
        }
        text = &text[..text.len() - c.len_utf8()];
    }
    for possessive in ["'s", "’s", "'S"] {
        if text.len() > possessive.len() + 1
            && let Some(base) = text.strip_suffix(possessive)
        {
            text = base;
        }
    }
    if text.is_empty() {
        return None;
    }
    Some(Token {
        text: text.to_string(),
        lower: text.to_lowercase(),
        quoted: false,
        clause_end,
        colon,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(s: &str) -> Vec<String> {
        tokenize(s).into_iter().map(|t| t.text).collect()
    }

    #[test]
    fn punctuation_and_possessives_come_off() {
        assert_eq!(texts("Delete user_2hP."), ["Delete", "user_2hP"]);
        assert_eq!(
            texts("merge into user_3t's unsafe metadata"),
            ["merge", "into", "user_3t", "unsafe", "metadata"]
        );
        assert_eq!(texts("don't allow signups"), ["don't", "allow", "signups"]);
        assert_eq!(
            texts("what's the phone on user_29y?"),
            ["what", "the", "phone", "on", "user_29y"]
        );
        let t = tokenize("new org Wonka Industries, invite");
        assert!(t[3].clause_end && !t[2].clause_end);
    }

    #[test]
    fn quotes_group_and_colons_mark_keys() {
        let t = tokenize("create org 'Waystar Royco' role: admin https://x.io/a");
        assert_eq!(t[2].text, "Waystar Royco");
        assert!(t[2].quoted);
        assert!(t[3].colon);
        assert_eq!(t[3].text, "role");
        assert_eq!(t[5].text, "https://x.io/a");
        assert_eq!(texts("it's 'unbalanced"), ["it", "unbalanced"]);
    }
}
