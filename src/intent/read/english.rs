//! Common English words (`grammar/english.txt`): a word of the list is
//! never a typo of another word. Read at the first unknown word of a
//! process, not on every start: most requests never need it.

use std::sync::OnceLock;

/// The sorted word list, split out of the embedded file once.
fn words() -> &'static [&'static str] {
    static WORDS: OnceLock<Vec<&'static str>> = OnceLock::new();
    WORDS.get_or_init(|| {
        crate::grammar::file("english.txt")
            .lines()
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
            .collect()
    })
}

/// Whether `word` (lower case) is a common English word.
pub fn is_word(word: &str) -> bool {
    words().binary_search(&word).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_list_is_sorted_lower_case_words() {
        let w = words();
        assert!(w.len() > 30_000, "{}", w.len());
        assert!(
            w.windows(2).all(|p| p[0] < p[1]),
            "english.txt is not sorted"
        );
        assert!(w.iter().all(|x| x.bytes().all(|b| b.is_ascii_lowercase())));
        assert!(is_word("working") && is_word("lost") && !is_word("lsit"));
    }
}
