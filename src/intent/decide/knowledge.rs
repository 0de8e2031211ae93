//! Answers to questions ("what are the rate limits?", "why does updating
//! metadata delete my other fields?") from `grammar/knowledge.md`: the
//! section whose `when` phrases the request contains most.

use crate::intent::grammar::Topic;

#[derive(Debug, Clone, PartialEq)]
pub struct Answer {
    pub title: String,
    pub body: String,
    /// Words of the `when` phrases found (longer phrases count more).
    pub score: usize,
}

/// The best-matching topic for a request's lower-case words.
pub fn answer(topics: &[Topic], words: &[String]) -> Option<Answer> {
    let mut best: Option<Answer> = None;
    for topic in topics {
        let score: usize = topic
            .when
            .iter()
            .filter_map(|phrase| {
                let parts: Vec<&str> = phrase.split_whitespace().collect();
                contains(words, &parts).then_some(parts.len())
            })
            .sum();
        if score > 0 && best.as_ref().is_none_or(|b| score > b.score) {
            best = Some(Answer {
                title: topic.title.clone(),
                body: topic.body.clone(),
                score,
            });
        }
    }
    best
}

/// Whether `phrase` occurs in `words`; a part ending in `*` is a prefix.
fn contains(words: &[String], phrase: &[&str]) -> bool {
    if phrase.is_empty() || phrase.len() > words.len() {
        return false;
    }
    let fits = |w: &str, p: &str| match p.strip_suffix('*') {
        Some(prefix) => w.starts_with(prefix),
        None => w == p,
    };
    words
        .windows(phrase.len())
        .any(|win| win.iter().zip(phrase).all(|(w, p)| fits(w, p)))
}

/// A request's words for matching answers: lower case, punctuation gone,
/// apostrophes kept inside words.
pub fn words(text: &str) -> Vec<String> {
    text.to_lowercase()
        .split(|c: char| {
            c.is_whitespace() || matches!(c, ',' | '.' | '?' | '!' | ';' | '(' | ')' | '"')
        })
        .map(|w| w.trim_matches(['\'', '’']).to_string())
        .filter(|w| !w.is_empty())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::intent::grammar::Grammar;

    fn title(q: &str) -> Option<String> {
        let g = Grammar::load().unwrap();
        answer(&g.knowledge, &words(q)).map(|a| a.title)
    }

    #[test]
    fn questions_find_their_section() {
        assert_eq!(
            title("what are the rate limits?").as_deref(),
            Some("Rate limits")
        );
        assert_eq!(title("getting 429 errors").as_deref(), Some("Rate limits"));
        assert_eq!(
            title("why does updating metadata delete my other fields?").as_deref(),
            Some("Metadata replaces, not merges")
        );
        assert_eq!(
            title("which metadata type should I use?").as_deref(),
            Some("Which metadata type")
        );
        assert_eq!(
            title("what roles can I give?").as_deref(),
            Some("Organization roles")
        );
        assert_eq!(
            title("how do I page through users?").as_deref(),
            Some("Paging through users")
        );
        assert_eq!(
            title("how do I impersonate a user?").as_deref(),
            Some("Impersonating a user")
        );
        assert_eq!(
            title("how do i verify a session token on my backend").as_deref(),
            Some("Verifying session tokens")
        );
        assert_eq!(
            title("how do my services talk machine to machine?").as_deref(),
            Some("Machine-to-machine tokens")
        );
        assert_eq!(
            title("how do I get notified when a user signs up? webhooks?").as_deref(),
            Some("Webhooks with Svix")
        );
        assert_eq!(title("ban user_2abc"), None);
    }
}
