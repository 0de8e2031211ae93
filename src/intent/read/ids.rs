//! What IDs name (`grammar/ids.txt`): the object type behind each prefix,
//! the parameters it fills, the conversation's last ID for a parameter,
//! and how well an unknown prefix abbreviates a parameter's name.

use crate::intent::grammar::IdPrefix;
use crate::memory::Memory;

/// The ID prefixes of the grammar, with what they say about parameters.
#[derive(Debug, Clone, Copy)]
pub struct Ids<'g> {
    pub list: &'g [IdPrefix],
}

impl<'g> Ids<'g> {
    /// The parameters an ID of prefix number `i` fills.
    pub fn params(&self, i: usize) -> &'g [String] {
        &self.list[i].params
    }

    /// Whether a parameter names a user (so an email can stand for it).
    pub fn is_user_param(&self, param: &str) -> bool {
        self.list
            .iter()
            .any(|p| p.object == "user" && p.params.first().is_some_and(|f| f == param))
    }

    /// Whether IDs fill this parameter.
    pub fn is_id_param(&self, param: &str) -> bool {
        self.list
            .iter()
            .any(|p| p.params.iter().any(|x| x == param))
    }

    /// The object type user IDs name, for messages ("user").
    pub fn user_object(&self) -> &'g str {
        self.list
            .iter()
            .find(|p| p.params.first().is_some_and(|f| self.is_user_param(f)))
            .map_or("", |p| p.object.as_str())
    }

    /// The object types a path parameter takes: those of `ids.txt` that
    /// fill it, and the singular of the segment before it
    /// (`/jwt_templates/{template_id}` takes a `jwt_template`).
    pub fn param_kinds(&self, param: &str, before: &[String]) -> Vec<String> {
        let mut kinds: Vec<String> = self
            .list
            .iter()
            .filter(|p| p.params.iter().any(|x| x == param))
            .map(|p| p.object.clone())
            .collect();
        if !before.is_empty() {
            kinds.push(before.join("_"));
        }
        kinds
    }

    /// The conversation's ID for a parameter: `typed` says the reference
    /// names its object type (`them`, "that org"), so the last object of the
    /// parameter's type counts; a bare `it` means only the newest object,
    /// and only when the parameter takes its type. `kinds` are the object
    /// types the parameter takes.
    pub fn remembered(
        &self,
        param: &str,
        kinds: &[String],
        typed: bool,
        memory: &Memory,
    ) -> Option<(String, String)> {
        let label = |o: &str| o.replace('_', " ");
        if !typed {
            return memory
                .newest()
                .filter(|(o, _)| kinds.iter().any(|k| k == o))
                .map(|(o, id)| (id.to_string(), label(o)));
        }
        kinds
            .iter()
            .find_map(|k| memory.last(k).map(|id| (id.to_string(), label(k))))
            .or_else(|| {
                self.list
                    .iter()
                    .filter(|p| p.params.iter().any(|x| x == param))
                    .find_map(|p| {
                        memory
                            .last_with_prefix(&p.prefix)
                            .map(|id| (id.to_string(), label(&p.object)))
                    })
            })
    }
}

/// How well an unknown ID prefix abbreviates a path parameter.
pub fn abbreviation_fit(prefix: &str, param: &str, before: &[String]) -> f32 {
    abbreviation(prefix, &param_words(param, before))
}

/// The words a path parameter is named by: its own name without `id`, then
/// the terms of the literal segment before it (`{id}` of `/redirect_urls`).
pub fn param_words(param: &str, before: &[String]) -> Vec<Vec<String>> {
    let own: Vec<String> = crate::intent::read::lexicon::words(param)
        .into_iter()
        .filter(|w| w != "id")
        .collect();
    [own, before.to_vec()]
        .into_iter()
        .filter(|w| !w.is_empty())
        .collect()
}

/// How well an unknown ID prefix abbreviates a parameter's words: its
/// letters in order within them, from the first word's first letter (2.5),
/// taking every word's initial too (+1), several initials (+0.5);
/// otherwise a stray ID (0.5).
pub fn abbreviation(prefix: &str, names: &[Vec<String>]) -> f32 {
    let short: Vec<char> = prefix
        .trim_end_matches('_')
        .to_lowercase()
        .chars()
        .collect();
    let mut best: f32 = 0.5;
    for words in names {
        let Some(first) = words.first().and_then(|w| w.chars().next()) else {
            continue;
        };
        if short.first() != Some(&first) {
            continue;
        }
        let letters: Vec<(char, bool)> = words
            .iter()
            .flat_map(|w| w.chars().enumerate().map(|(j, c)| (c, j == 0)))
            .collect();
        let (k, initials) = match initials_taken(&short, &letters) {
            Some(n) => (short.len(), n),
            None => (0, 0),
        };
        if k == short.len() {
            let all = if initials == words.len() { 1.0 } else { 0.0 };
            let several = if initials >= 2 { 0.5 } else { 0.0 };
            best = best.max(2.5 + all + several);
        }
    }
    best
}

/// Whether `short` is a subsequence of `letters` (each with whether it
/// starts a word), and then the most word starts it can take.
fn initials_taken(short: &[char], letters: &[(char, bool)]) -> Option<usize> {
    let (&c, rest) = match short.split_first() {
        Some(x) => x,
        None => return Some(0),
    };
    (0..letters.len())
        .filter(|&i| letters[i].0 == c)
        .filter_map(|i| {
            initials_taken(rest, &letters[i + 1..]).map(|n| n + usize::from(letters[i].1))
        })
        .max()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fit(prefix: &str, words: &[&str]) -> f32 {
        abbreviation(prefix, &[words.iter().map(|w| w.to_string()).collect()])
    }

    #[test]
    fn prefixes_abbreviate_parameter_names() {
        assert_eq!(fit("subi_", &["subscription", "item"]), 4.0);
        assert_eq!(fit("we_", &["waitlist", "entry"]), 4.0);
        assert_eq!(fit("dom_", &["domain"]), 3.5);
        assert_eq!(fit("jtmpl_", &["jwt", "template"]), 4.0);
        assert_eq!(fit("oa_", &["oauth", "application"]), 4.0);
        assert_eq!(fit("oa_", &["organization"]), 3.5);
        assert_eq!(fit("oa_", &["user"]), 0.5);
    }
}
