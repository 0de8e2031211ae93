//! Negation and contrast: which terms of a request are negated ("don't
//! delete user_2, just ban them"; "without deleting the role"; "X instead of
//! Y"), and what a wish that something stop means ("make sure user_2 can
//! never sign in again" asks for a ban: `flip.*` of `grammar/actions.txt`).
//!
//! A negation scopes from its negator (`negator` of `grammar/words.txt`) to
//! the end of the clause or a contrast word (`contrast`). It is a wish, not
//! a report, when it starts its clause or the request carries a wish cue
//! (`wish`): "X can't sign in" is a complaint, "make sure X can't" is not.

use std::collections::HashSet;

use crate::intent::read::lexicon::Term;
use crate::intent::read::tokens::Token;

/// What negation needs from the grammar.
#[derive(Debug, Clone, Default)]
pub struct NegationWords {
    /// Negator phrases, as lower-case token sequences, longest first.
    pub negators: Vec<Vec<String>>,
    pub contrast: HashSet<String>,
    pub wish: Vec<Vec<String>>,
    /// `(term, actions)` from actions.txt.
    pub flips: Vec<(String, Vec<String>)>,
}

/// The negation a request carries.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Negation {
    /// By term index: whether the term is negated.
    pub negated: Vec<bool>,
    /// Actions a wish that something stop stands for (`ban`).
    pub flips: Vec<String>,
}

fn phrases(list: Vec<String>) -> Vec<Vec<String>> {
    let mut out: Vec<Vec<String>> = list
        .iter()
        .map(|p| p.split_whitespace().map(str::to_string).collect())
        .collect();
    out.sort_by_key(|p| std::cmp::Reverse(p.len()));
    out
}

impl NegationWords {
    pub fn new(
        negators: Vec<String>,
        contrast: Vec<String>,
        wish: Vec<String>,
        flips: Vec<(String, Vec<String>)>,
    ) -> NegationWords {
        NegationWords {
            negators: phrases(negators),
            contrast: contrast.into_iter().collect(),
            wish: phrases(wish),
            flips,
        }
    }

    /// The length of the negator phrase at token `i`, if one starts there.
    fn negator_at(&self, tokens: &[Token], i: usize) -> Option<usize> {
        self.negators
            .iter()
            .find(|p| starts(tokens, i, p))
            .map(Vec::len)
    }

    /// Marks the negated terms of a request and finds its flips.
    pub fn read(&self, tokens: &[Token], terms: &[Term], question: bool) -> Negation {
        let mut scoped = vec![false; tokens.len()];
        let mut wishes = false;
        let has_cue = (0..tokens.len()).any(|i| self.wish.iter().any(|p| starts(tokens, i, p)));
        let mut i = 0;
        while i < tokens.len() {
            let Some(n) = self.negator_at(tokens, i) else {
                i += 1;
                continue;
            };
            let clause_start =
                i == 0 || tokens[i - 1].clause_end || self.contrast.contains(&tokens[i - 1].lower);
            let mut k = i + n;
            while k < tokens.len() && !self.contrast.contains(&tokens[k].lower) {
                if self.negator_at(tokens, k).is_some() && k > i + n {
                    break;
                }
                scoped[k] = true;
                if tokens[k].clause_end {
                    break;
                }
                k += 1;
            }
            wishes |= clause_start || has_cue;
            i = k.max(i + n);
        }
        let negated: Vec<bool> = terms.iter().map(|t| scoped[t.at]).collect();
        let mut flips = Vec::new();
        if wishes && !question {
            for (t, _) in terms.iter().zip(&negated).filter(|(_, n)| **n) {
                for (term, actions) in &self.flips {
                    if *term == t.text {
                        flips.extend(actions.iter().cloned());
                    }
                }
            }
        }
        Negation { negated, flips }
    }
}

fn starts(tokens: &[Token], i: usize, phrase: &[String]) -> bool {
    i + phrase.len() <= tokens.len()
        && phrase
            .iter()
            .zip(&tokens[i..])
            .all(|(w, t)| *w == t.lower.replace('’', "'"))
}

#[cfg(test)]
mod tests {
    use crate::intent::testing::doc;

    fn negated(text: &str) -> Vec<String> {
        let d = doc(text);
        d.terms
            .iter()
            .zip(&d.negation.negated)
            .filter(|(_, n)| **n)
            .map(|(t, _)| t.text.clone())
            .collect()
    }

    #[test]
    fn negation_scopes_to_the_clause_or_a_contrast() {
        assert_eq!(
            negated("don't delete user_2abcdefghijklmn, just ban them"),
            ["delete"]
        );
        assert!(negated("remove the domain but not the members").contains(&"membership".into()));
        assert!(!negated("remove the domain but not the members").contains(&"delete".into()));
        assert!(negated("delete it without deleting the role").contains(&"role".into()));
    }

    #[test]
    fn a_wish_that_something_stop_flips_it() {
        let d = doc("make sure user_2abcdefghijklmn can never sign in again");
        // A user is banned; what has no ban of its own (an agent task) is revoked.
        assert_eq!(d.negation.flips, ["ban", "revoke"]);
        // A complaint or a question is not a wish.
        assert!(
            doc("user_2abcdefghijklmn can't sign in")
                .negation
                .flips
                .is_empty()
        );
        assert!(
            doc("why can't user_2abcdefghijklmn sign in?")
                .negation
                .flips
                .is_empty()
        );
    }
}
