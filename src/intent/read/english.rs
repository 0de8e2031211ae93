//! Common English words (`grammar/english.txt`): a word of the list is
//! never a typo of another word. The embedded file is searched in place
//! (its lines are sorted), so nothing is loaded or allocated.

/// The word list: the file after its comment lines, found once.
fn list() -> &'static str {
    static LIST: std::sync::OnceLock<&'static str> = std::sync::OnceLock::new();
    LIST.get_or_init(|| {
        let text = crate::grammar::file(crate::grammar::ENGLISH);
        let mut at = 0;
        while text[at..].starts_with('#') {
            at += text[at..].find('\n').map_or(text.len() - at, |n| n + 1);
        }
        &text[at..]
    })
}

/// The line holding byte `i` of `text`, with where it starts.
fn line_at(text: &str, i: usize) -> (usize, &str) {
    let start = text[..i].rfind('\n').map_or(0, |n| n + 1);
    let end = text[i..].find('\n').map_or(text.len(), |n| i + n);
    (start, &text[start..end])
}

/// Whether `word` (lower case) is a common English word: a binary search
/// over byte offsets, each probe widened to its whole line.
pub fn is_word(word: &str) -> bool {
    let text = list();
    let (mut lo, mut hi) = (0, text.len());
    while lo < hi {
        let (start, line) = line_at(text, lo + (hi - lo) / 2);
        match line.cmp(word) {
            std::cmp::Ordering::Equal => return true,
            std::cmp::Ordering::Less => lo = start + line.len() + 1,
            std::cmp::Ordering::Greater => hi = start,
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_list_is_sorted_lower_case_words() {
        let w: Vec<&str> = list().lines().collect();
        assert!(w.len() > 30_000, "{}", w.len());
        assert!(
            w.windows(2).all(|p| p[0] < p[1]),
            "english.txt is not sorted"
        );
        assert!(w.iter().all(|x| x.bytes().all(|b| b.is_ascii_lowercase())));
        assert!(is_word("working") && is_word("lost") && !is_word("lsit"));
        // Every word is found, and nothing between them.
        assert!(w.iter().all(|x| is_word(x)));
        assert!(!is_word("aaaaa") && !is_word("zzzzz") && !is_word(""));
    }
}
