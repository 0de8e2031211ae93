//! Words to terms: the one normaliser both the request and the spec's own
//! words go through, so that "drop", "remove" and "delete" (or "orgs" and
//! "organization") meet. Synonyms from `grammar/synonyms.txt` (longest
//! first), then a light plural stemmer; unknown words are corrected to the
//! nearest known word when the typo is small ("lsit" -> "list").

use std::collections::{HashMap, HashSet};

use strsim::osa_distance;

use crate::intent::grammar::Grammar;
use crate::intent::read::english;

/// A normalised word and the index of the word it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Term {
    pub text: String,
    pub at: usize,
    /// The last word it came from (a synonym may span several: "magic link").
    pub last: usize,
}

/// An alternative's words and the canonical words it stands for.
type Phrase = (Vec<String>, Vec<String>);

#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub struct Lexicon {
    /// Alternatives by their first (stemmed) word: `(alternative words,
    /// canonical words)`, longest alternative first.
    phrases: HashMap<String, Vec<Phrase>>,
    /// Every word a request may contain on purpose: for typo correction.
    known: HashSet<String>,
    /// `known`, bucketed by length for fast correction, each with the set
    /// of letters it uses; rebuilt from `known` after a cached load.
    #[serde(skip)]
    by_len: HashMap<usize, Vec<(String, u32)>>,
    /// Words of the grammar and of the spec's paths and names: a typo
    /// nearest to one of these and to another word means this one.
    core: HashSet<String>,
    /// Terms a typo tied between two words resolves to (verbs: "lst" is
    /// "list" rather than "last").
    preferred: HashSet<String>,
    /// Terms a typo reaches only by one edit of a word of five letters or
    /// more: the destructive actions, where a wrong guess costs most.
    guarded: HashSet<String>,
}

impl Lexicon {
    pub fn new(grammar: &Grammar) -> Lexicon {
        let mut lex = Lexicon::default();
        for (canonical, alternatives) in &grammar.synonyms {
            let canon: Vec<String> = canonical.split_whitespace().map(stem).collect();
            for word in canonical.split_whitespace() {
                lex.know_core(word);
            }
            for alt in alternatives {
                let words: Vec<String> = alt.split_whitespace().map(stem).collect();
                for w in alt.split_whitespace() {
                    lex.know_core(w);
                }
                if let Some(first) = words.first() {
                    lex.phrases
                        .entry(first.clone())
                        .or_default()
                        .push((words.clone(), canon.clone()));
                }
            }
        }
        for list in lex.phrases.values_mut() {
            list.sort_by_key(|(w, _)| std::cmp::Reverse(w.len()));
        }
        lex
    }

    /// Terms that win a tie between typo corrections.
    pub fn prefer(&mut self, terms: impl IntoIterator<Item = String>) {
        self.preferred.extend(terms);
    }

    /// Rebuilds what a cached copy leaves out.
    pub fn restore(&mut self) {
        let mut words: Vec<&String> = self.known.iter().collect();
        // In a fixed order, so that ties between corrections resolve the
        // same way as in a fresh build.
        words.sort();
        self.by_len.clear();
        for w in words {
            self.by_len
                .entry(w.chars().count())
                .or_default()
                .push((w.clone(), letters(w)));
        }
    }

    /// Terms short words are never corrected to.
    pub fn guard(&mut self, terms: impl IntoIterator<Item = String>) {
        self.guarded.extend(terms);
    }

    /// Adds a core word (grammar, paths, operation names).
    pub fn know_core(&mut self, word: &str) {
        self.know(word);
        self.core.insert(word.to_string());
        self.core.insert(stem(word));
    }

    /// Adds a word (and its stem) to the known words.
    pub fn know(&mut self, word: &str) {
        for w in [word.to_string(), stem(word)] {
            if w.len() >= 2 && self.known.insert(w.clone()) {
                let mask = letters(&w);
                self.by_len
                    .entry(w.chars().count())
                    .or_default()
                    .push((w, mask));
            }
        }
    }

    pub fn is_known(&self, word: &str) -> bool {
        self.known.contains(word) || self.known.contains(&stem(word))
    }

    /// The known word an unknown one is a small typo of, if exactly one is
    /// nearest: one edit (a swap counts as one) for short words, two for
    /// long ones; short words must keep their first letter.
    pub fn correct(&self, word: &str) -> Option<String> {
        let n = word.chars().count();
        if n < 3 || !word.chars().all(|c| c.is_ascii_alphabetic()) || self.is_known(word) {
            return None;
        }
        if let Some(base) = self.inflected(word) {
            return Some(base);
        }
        // A real English word is what it says, not a slip of another one
        // ("working" is no "sorting", "lost" no "list").
        if english::is_word(word) || english::is_word(&stem(word)) {
            return None;
        }
        let limit = if n >= 7 { 2 } else { 1 };
        let first = word.chars().next();
        let mask = letters(word);
        // Nearest first; among equals, core words first.
        let rank = |d: usize, w: &str| (d, usize::from(!self.core.contains(w)));
        let mut best: Option<((usize, usize), &str)> = None;
        let mut tied: Vec<&str> = Vec::new();
        for len in n.saturating_sub(limit).max(3)..=n + limit {
            for (cand, cand_mask) in self.by_len.get(&len).into_iter().flatten() {
                // Each edit changes at most two letters of the letter set.
                let differ = (mask ^ cand_mask).count_ones() as usize;
                if differ > 2 * limit || (n <= 5 && cand.chars().next() != first) {
                    continue;
                }
                let d = osa_distance(word, cand);
                if d > limit || (d == 1 && !plausible_slip(word, cand)) {
                    continue;
                }
                let rd = rank(d, cand);
                match best {
                    Some((bd, b)) if rd == bd && self.canonical(b) != self.canonical(cand) => {
                        tied.push(cand)
                    }
                    Some((bd, _)) if rd >= bd => {}
                    _ => {
                        best = Some((rd, cand));
                        tied.clear();
                    }
                }
            }
        }
        let ((distance, _), first) = best?;
        // A destructive action is reached only by a small slip of a long
        // enough word ("delet", "revok"), never from another English word
        // ("bot", "wire", "detected").
        // A short word may still swap two letters ("bna").
        let swapped = |w: &str| {
            let (mut a, mut b): (Vec<char>, Vec<char>) =
                (word.chars().collect(), w.chars().collect());
            a.sort_unstable();
            b.sort_unstable();
            a == b
        };
        let slip = |w: &str| distance == 1 && (n > 4 || swapped(w));
        if !slip(first) && (self.guards(first) || tied.iter().any(|w| self.guards(w))) {
            return None;
        }
        if tied.is_empty() {
            return Some(first.to_string());
        }
        tied.push(first);
        let preferred: Vec<&&str> = tied
            .iter()
            .filter(|w| self.canonical(w).iter().any(|t| self.preferred.contains(t)))
            .collect();
        match preferred.as_slice() {
            [one] => Some(one.to_string()),
            _ => None,
        }
    }

    /// The known verb an `-ing` form is of ("deleting" -> "delete",
    /// "hitting" -> "hit", "cancelling" -> "cancel"), or the known word a
    /// noun in `-ion` is made from ("protection" -> "protect"). A past
    /// participle is left as it is: it describes a state or reports a past
    /// act more often than it asks for one ("revoked sessions", "the code
    /// that was texted"); so is a noun whose verb is an action: "pending
    /// deletion" names a state, and must never read as "delete".
    fn inflected(&self, word: &str) -> Option<String> {
        if let Some(base) = word.strip_suffix("ing").filter(|b| b.len() >= 2) {
            let mut candidates = vec![base.to_string(), format!("{base}e")];
            // "banning", "hitting": a doubled last consonant is one.
            let b = base.as_bytes();
            if b.len() >= 3
                && b[b.len() - 1] == b[b.len() - 2]
                && !b"aeiou".contains(&b[b.len() - 1])
            {
                candidates.insert(0, base[..base.len() - 1].to_string());
            }
            return self.first_known(candidates);
        }
        let base = word
            .strip_suffix("ions")
            .or_else(|| word.strip_suffix("ion"))
            .filter(|b| b.len() >= 4)?;
        let mut candidates = vec![base.to_string(), format!("{base}e")];
        if let Some(b) = base.strip_suffix("at") {
            // "expiration" -> "expire", "confirmation" -> "confirm".
            candidates.extend([format!("{b}e"), b.to_string()]);
        }
        if let Some(b) = base.strip_suffix('s') {
            // "suspension" -> "suspend", before "suspense".
            candidates.insert(0, format!("{b}d"));
        }
        let noun_of = self.first_known(candidates)?;
        let acts = self
            .canonical(&noun_of)
            .iter()
            .any(|t| self.preferred.contains(t) || self.guarded.contains(t));
        (!acts).then_some(noun_of)
    }

    /// The first of `candidates` that is a word decides, if it is one we
    /// know: a word we do not know is no reason to reach for one we do.
    fn first_known(&self, candidates: Vec<String>) -> Option<String> {
        let base = candidates
            .into_iter()
            .find(|c| self.is_known(c) || english::is_word(c))?;
        self.is_known(&base).then_some(base)
    }

    /// Whether a word means a guarded (destructive) term.
    fn guards(&self, word: &str) -> bool {
        self.canonical(word)
            .iter()
            .any(|t| self.guarded.contains(t))
    }

    /// What one word means after synonyms and stemming.
    fn canonical(&self, word: &str) -> Vec<String> {
        self.terms(&[word.to_string()])
            .into_iter()
            .map(|t| t.text)
            .collect()
    }

    /// Normalises lower-case words: synonyms (longest match first), then
    /// stems. Each term remembers the word it started at.
    pub fn terms(&self, words: &[String]) -> Vec<Term> {
        let stems: Vec<String> = words.iter().map(|w| stem(w)).collect();
        let mut out = Vec::new();
        let mut i = 0;
        while i < words.len() {
            let hit = self.phrases.get(&stems[i]).and_then(|list| {
                list.iter().find(|(alt, _)| {
                    i + alt.len() <= words.len() && alt.iter().zip(&stems[i..]).all(|(a, w)| a == w)
                })
            });
            match hit {
                Some((alt, canon)) => {
                    out.extend(canon.iter().map(|c| Term {
                        text: c.clone(),
                        at: i,
                        last: i + alt.len() - 1,
                    }));
                    i += alt.len();
                }
                None => {
                    out.push(Term {
                        text: stems[i].clone(),
                        at: i,
                        last: i,
                    });
                    i += 1;
                }
            }
        }
        out
    }

    /// The terms of free text from the spec (summaries, names): split into
    /// words first.
    pub fn text_terms(&self, text: &str) -> Vec<String> {
        self.terms(&words(text))
            .into_iter()
            .map(|t| t.text)
            .collect()
    }
}

/// Lower-case words of free text: camelCase, snake_case, kebab-case and
/// punctuation all split; a possessive `'s` goes.
pub fn words(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for chunk in text.split(|c: char| !(c.is_alphanumeric() || c == '\'' || c == '’')) {
        let chunk = chunk
            .trim_end_matches("'s")
            .trim_end_matches("’s")
            .trim_matches(['\'', '’']);
        out.extend(camel_words(chunk));
    }
    out
}

/// Splits `GetOAuthAccessToken` into `get oauth access token`, keeping
/// acronyms (`JWKS`, `M2M`) whole and gluing a lone capital to the next
/// word (`OAuth`).
pub fn camel_words(s: &str) -> Vec<String> {
    let chars: Vec<char> = s.chars().collect();
    let mut parts: Vec<String> = Vec::new();
    let mut cur = String::new();
    for (i, &c) in chars.iter().enumerate() {
        let prev = i.checked_sub(1).map(|j| chars[j]);
        let next = chars.get(i + 1);
        let boundary = match prev {
            Some(p) if c.is_uppercase() => {
                p.is_lowercase() || (p.is_uppercase() && next.is_some_and(|n| n.is_lowercase()))
            }
            _ => false,
        };
        if boundary && !cur.is_empty() {
            parts.push(std::mem::take(&mut cur));
        }
        cur.push(c);
    }
    if !cur.is_empty() {
        parts.push(cur);
    }
    let mut out: Vec<String> = Vec::new();
    let mut glue = String::new();
    for p in parts {
        if p.chars().count() == 1 && p.chars().all(char::is_uppercase) {
            glue.push_str(&p);
            continue;
        }
        out.push(format!("{glue}{p}").to_lowercase());
        glue.clear();
    }
    if !glue.is_empty() {
        out.push(glue.to_lowercase());
    }
    out.retain(|w| !w.is_empty());
    out
}

/// The set of ASCII letters a word uses, as bits.
fn letters(word: &str) -> u32 {
    word.bytes()
        .filter(u8::is_ascii_lowercase)
        .fold(0, |m, b| m | 1 << (b - b'a'))
}

/// Whether one edit from `typed` to `known` is a slip of the fingers: a
/// letter dropped, doubled or swapped, or a key next to the right one. A
/// substitution of a distant letter makes another word ("point" is not a
/// slip of "print"), not a typo.
fn plausible_slip(typed: &str, known: &str) -> bool {
    let (a, b): (Vec<char>, Vec<char>) = (typed.chars().collect(), known.chars().collect());
    if a.len() != b.len() {
        return true;
    }
    let differ: Vec<usize> = (0..a.len()).filter(|&i| a[i] != b[i]).collect();
    match differ.as_slice() {
        [i] => neighbours(a[*i], b[*i]),
        _ => true,
    }
}

/// Keys next to each other on a QWERTY keyboard (same row or the rows
/// above and below, one key apart).
fn neighbours(x: char, y: char) -> bool {
    const ROWS: [&str; 3] = ["qwertyuiop", "asdfghjkl", "zxcvbnm"];
    let at = |c: char| {
        ROWS.iter()
            .enumerate()
            .find_map(|(r, row)| row.find(c).map(|k| (r as i32, k as i32)))
    };
    match (at(x), at(y)) {
        (Some((r1, c1)), Some((r2, c2))) => (r1 - r2).abs() <= 1 && (c1 - c2).abs() <= 1,
        _ => false,
    }
}

/// A light English plural stemmer: `entries` -> `entry`, `addresses` ->
/// `address`, `users` -> `user`; words that merely end in s stay.
pub fn stem(word: &str) -> String {
    let w = word;
    if w.len() <= 3 || !w.is_ascii() {
        return w.to_string();
    }
    if let Some(base) = w.strip_suffix("ies") {
        return format!("{base}y");
    }
    for suffix in ["sses", "xes", "ches", "shes", "uses"] {
        if w.ends_with(suffix) {
            return w[..w.len() - 2].to_string();
        }
    }
    if w.ends_with("ss") || w.ends_with("us") || w.ends_with("is") {
        return w.to_string();
    }
    w.strip_suffix('s').unwrap_or(w).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lex() -> Lexicon {
        let g = Grammar::load().unwrap();
        let mut l = Lexicon::new(&g);
        for w in [
            "list",
            "user",
            "organization",
            "delete",
            "invitation",
            "unlock",
        ] {
            l.know(w);
        }
        l
    }

    #[test]
    fn only_slips_of_the_fingers_are_corrected() {
        let mut l = lex();
        l.know("print");
        // Dropped, swapped or neighbouring letters are typos...
        assert_eq!(l.correct("lsit").as_deref(), Some("list"));
        assert_eq!(l.correct("delet").as_deref(), Some("delete"));
        assert_eq!(l.correct("lisy").as_deref(), Some("list"));
        assert_eq!(l.correct("prinr").as_deref(), Some("print"));
        // ...a distant letter makes another word.
        assert_eq!(l.correct("point"), None);
        assert!(!plausible_slip("point", "print") && plausible_slip("usr", "user"));
    }

    #[test]
    fn an_english_word_is_no_typo_and_an_ing_form_is_its_verb() {
        let mut l = lex();
        for w in ["sort", "list", "test", "delete", "cancel", "hit"] {
            l.know(w);
        }
        // One edit from a known word, but words in their own right.
        assert_eq!(l.correct("working"), None);
        assert_eq!(l.correct("lost"), None);
        assert_eq!(l.correct("trusting"), None);
        // The -ing form of a known verb is that verb...
        assert_eq!(l.correct("deleting").as_deref(), Some("delete"));
        assert_eq!(l.correct("cancelling").as_deref(), Some("cancel"));
        assert_eq!(l.correct("hitting").as_deref(), Some("hit"));
        // ...a past participle is a state, not an act.
        assert_eq!(l.correct("deleted"), None);
        assert_eq!(l.correct("cancelled"), None);
        // A noun in -ion is the word it is made from...
        for w in ["protect", "expire", "suspend"] {
            l.know(w);
        }
        assert_eq!(l.correct("protection").as_deref(), Some("protect"));
        assert_eq!(l.correct("protections").as_deref(), Some("protect"));
        assert_eq!(l.correct("expiration").as_deref(), Some("expire"));
        // ...unless that word is an action: "pending deletion" is no delete.
        l.prefer(["delete".to_string()]);
        l.guard(["ban".to_string()]);
        assert_eq!(l.correct("deletion"), None);
        assert_eq!(l.correct("suspension"), None);
    }

    #[test]
    fn stems_plurals() {
        assert_eq!(stem("users"), "user");
        assert_eq!(stem("entries"), "entry");
        assert_eq!(stem("addresses"), "address");
        assert_eq!(stem("statuses"), "status");
        assert_eq!(stem("status"), "status");
        assert_eq!(stem("keys"), "key");
    }

    #[test]
    fn splits_identifiers() {
        assert_eq!(
            camel_words("GetOAuthAccessToken"),
            ["get", "oauth", "access", "token"]
        );
        assert_eq!(camel_words("GetJWKS"), ["get", "jwks"]);
        assert_eq!(camel_words("createM2MToken"), ["create", "m2m", "token"]);
        assert_eq!(
            words("user_2abc's private_metadata"),
            ["user", "2abc", "private", "metadata"]
        );
    }

    #[test]
    fn synonyms_meet_in_the_middle() {
        let l = lex();
        let t = |s: &str| l.text_terms(s);
        assert_eq!(t("pull up the orgs"), ["get", "the", "organization"]);
        assert_eq!(t("kick members"), ["delete", "membership"]);
        assert_eq!(t("sign in tokens"), ["signin", "token"]);
        assert_eq!(t("magic link"), ["signin", "token"]);
    }

    #[test]
    fn corrects_small_typos_only() {
        let l = lex();
        assert_eq!(l.correct("lsit").as_deref(), Some("list"));
        assert_eq!(l.correct("orgnization").as_deref(), Some("organization"));
        assert_eq!(l.correct("unlcok").as_deref(), Some("unlock"));
        assert_eq!(l.correct("usr").as_deref(), Some("user"));
        assert_eq!(l.correct("nakamura"), None);
        assert_eq!(l.correct("list"), None);
    }
}
