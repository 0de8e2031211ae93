//! A request, read: its tokens, the entities in them, and the normalised
//! terms of the remaining words (typos corrected, synonyms applied), each
//! term pointing back at its token.

use std::cell::RefCell;
use std::collections::{HashMap, HashSet};

use crate::intent::grammar::Grammar;
use crate::intent::read::entities::{Entity, Extractor, Kind, Known};
use crate::intent::read::filters::{self, FilterWords, Stated};
use crate::intent::read::lexicon::{Lexicon, Term, words};
use crate::intent::read::negation::{Negation, NegationWords};
use crate::intent::read::tokens::{Token, tokenize};

/// The word classes of `grammar/words.txt`, as sets.
#[derive(Debug, Clone, Default)]
pub struct Words {
    pub stop: HashSet<String>,
    pub connector: HashSet<String>,
    pub link: HashSet<String>,
    pub lead: HashSet<String>,
    pub lead_resource: HashSet<String>,
    pub article: HashSet<String>,
    /// Words after which a free word is a value ("by slug acme").
    pub value_cue: HashSet<String>,
    pub suffix: HashSet<String>,
    pub question: HashSet<String>,
    /// Phrases that ask how to do something ("how do I"), longest first:
    /// the request after them is answered, never sent.
    pub howto: Vec<Vec<String>>,
    /// Leading words of a flag's name that a request need not say
    /// (`is_satellite` is named by "satellite").
    pub flag_prefix: HashSet<String>,
    /// Words skipped after a how-to phrase ("do I call to").
    pub howto_skip: HashSet<String>,
    /// Ordinal words before a reference ("the second one"): the row they
    /// name, `None` for the last.
    pub ordinals: Vec<(String, Option<usize>)>,
    /// `(phrase, object)`: `them` is a user, `it` is anything.
    pub refs: Vec<(Vec<String>, Option<String>)>,
    /// `(verb, operation actions that count as it)`.
    pub akin: Vec<(String, Vec<String>)>,
    /// Operation actions a request with several values of one kind says.
    pub plural_actions: Vec<String>,
    /// `(class, verbs)`: read, create, update, delete, collection, item, plain.
    pub verbs: Vec<(String, Vec<String>)>,
    pub negation: NegationWords,
    /// Actions and path segments that destroy (`destructive` of actions.txt).
    pub destructive: Vec<String>,
    /// Phrases that say something is for good ("permanently").
    pub permanent: Vec<Vec<String>>,
    /// Object types a person reference may mean when no user is at hand.
    pub person: Vec<String>,
    /// Nouns that are verbs too, adding to what they name when said first
    /// with their object ("blocklist spam@x.io"), as terms.
    pub denominal: Vec<String>,
    /// The words of tests on list items, and of quantifying over them.
    pub filters: FilterWords,
    /// Connectors of steps said in order ("and then").
    pub sequence: Vec<String>,
    /// Words before where something is taken from ("from every org").
    pub source: HashSet<String>,
    /// Words between finding something and acting on it ("find X and ban
    /// her").
    pub find_then: Vec<Vec<String>>,
    /// Words before the old and the new value of a change ("from a.com to
    /// b.com"), as token sequences.
    pub change_from: Vec<Vec<String>>,
    pub change_to: Vec<Vec<String>>,
    /// Words before a value in another part than its kind's first one
    /// ("acting as user_2").
    pub apart: Vec<Vec<String>>,
    /// Words that join a value to the others ("as well as").
    pub together: Vec<Vec<String>>,
}

impl Words {
    pub fn new(grammar: &Grammar) -> Words {
        let table = &grammar.words;
        let set = |k: &str| table.list(k).into_iter().collect::<HashSet<String>>();
        let mut refs: Vec<(Vec<String>, Option<String>)> = Vec::new();
        for p in table.list("ref") {
            refs.push((p.split_whitespace().map(str::to_string).collect(), None));
        }
        for (object, list) in table.family("ref") {
            for p in list {
                refs.push((
                    p.split_whitespace().map(str::to_string).collect(),
                    Some(object.clone()),
                ));
            }
        }
        refs.sort_by_key(|(p, _)| std::cmp::Reverse(p.len()));
        Words {
            stop: set("stop"),
            connector: set("connector"),
            link: set("link"),
            lead: set("lead"),
            lead_resource: set("lead.resource"),
            article: set("article"),
            value_cue: set("value.cue"),
            suffix: set("suffix"),
            question: set("question"),
            howto: {
                let mut p = phrases(table.list("howto"));
                p.sort_by_key(|w| std::cmp::Reverse(w.len()));
                p
            },
            howto_skip: set("howto.skip"),
            flag_prefix: set("flag.prefix"),
            ordinals: table
                .family("ordinal")
                .into_iter()
                .flat_map(|(n, words)| {
                    let n = n.parse::<usize>().ok();
                    words.into_iter().map(move |w| (w, n))
                })
                .collect(),
            refs,
            akin: table.family("akin"),
            verbs: table.family("verb"),
            plural_actions: table.list("plural.action"),
            negation: NegationWords::new(
                table.list("negator"),
                table.list("contrast"),
                table.list("wish"),
                grammar.actions.flips.clone(),
            ),
            destructive: grammar.actions.destructive.clone(),
            permanent: phrases(table.list("permanent")),
            person: table.list("person"),
            denominal: table.list("denominal"),
            filters: FilterWords::new(table),
            sequence: table.list("sequence"),
            source: set("source"),
            find_then: {
                let mut p = phrases(table.list("find.then"));
                p.sort_by_key(|w| std::cmp::Reverse(w.len()));
                p
            },
            change_from: phrases(table.list("change.from")),
            change_to: phrases(table.list("change.to")),
            apart: phrases(table.list("apart")),
            together: phrases(table.list("together")),
        }
    }

    /// The verbs of a class.
    pub fn verbs(&self, class: &str) -> &[String] {
        self.verbs
            .iter()
            .find(|(c, _)| c == class)
            .map_or(&[], |(_, v)| v.as_slice())
    }

    /// Every word of every class.
    pub fn vocabulary(&self) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for set in [
            &self.stop,
            &self.connector,
            &self.link,
            &self.lead,
            &self.lead_resource,
            &self.article,
            &self.suffix,
            &self.question,
        ] {
            out.extend(set.iter().cloned());
        }
        out.extend(self.refs.iter().flat_map(|(p, _)| p.clone()));
        out.extend(self.howto.iter().flatten().cloned());
        let n = &self.negation;
        for p in n.negators.iter().chain(&n.wish) {
            out.extend(p.iter().cloned());
        }
        out.extend(n.contrast.iter().cloned());
        out
    }
}

fn phrases(list: Vec<String>) -> Vec<Vec<String>> {
    list.iter()
        .map(|p| p.split_whitespace().map(str::to_string).collect())
        .collect()
}

/// A reference to something earlier in the conversation ("them", "that
/// org"): the token, and the object type when the words say.
#[derive(Debug, Clone, PartialEq)]
pub struct Ref {
    pub at: usize,
    pub object: Option<String>,
    /// "the second one": row 2 of the last list; `Some(None)` is the last row.
    pub row: Option<Option<usize>>,
}

#[derive(Debug, Clone)]
pub struct Doc {
    pub tokens: Vec<Token>,
    pub entities: Vec<Entity>,
    /// Terms of the words no hard entity took; `Term::at` is a token index.
    pub terms: Vec<Term>,
    /// Starts with a question word or ends with `?`.
    pub question: bool,
    /// Starts with a question word.
    pub leading_question: bool,
    /// Asks how to do something: the token after the `howto` phrase.
    pub howto: Option<usize>,
    pub refs: Vec<Ref>,
    /// Which terms are negated, and what a wish that something stop means.
    pub negation: Negation,
    /// The tests on list items it states ("whose email ends with ...").
    pub stated: Stated,
}

impl Doc {
    pub fn read(text: &str, lex: &Lexicon, ex: &Extractor, words_: &Words, now_ms: i64) -> Doc {
        let mut tokens = tokenize(text);
        // The whole request quoted as one shell argument is still a request.
        if let [only] = tokens.as_slice()
            && only.quoted
            && only.text.contains(' ')
        {
            tokens = tokenize(&only.text.clone());
        }
        // Each word is corrected once, whoever asks.
        let memo: RefCell<HashMap<String, Option<String>>> = RefCell::default();
        let correct = |w: &str| -> Option<String> {
            if let Some(hit) = memo.borrow().get(w) {
                return hit.clone();
            }
            let fixed = lex.correct(w);
            memo.borrow_mut().insert(w.to_string(), fixed.clone());
            fixed
        };
        let unknown = |w: &str| !lex.is_known(w) && correct(w).is_none();
        let known = Known {
            unknown: &unknown,
            fixed: &correct,
        };
        let entities = ex.extract(&tokens, &known, now_ms);
        let mut hard = vec![false; tokens.len()];
        for e in entities.iter().filter(|e| e.hard) {
            for h in &mut hard[e.first..=e.last] {
                *h = true;
            }
        }
        // Words of each run of free tokens, typos corrected, then terms.
        let mut terms = Vec::new();
        let mut run: Vec<String> = Vec::new();
        let mut owner: Vec<usize> = Vec::new();
        let flush = |run: &mut Vec<String>, owner: &mut Vec<usize>, terms: &mut Vec<Term>| {
            for t in lex.terms(run) {
                terms.push(Term {
                    text: t.text,
                    at: owner[t.at],
                    last: owner[t.last],
                });
            }
            run.clear();
            owner.clear();
        };
        // A phrasal verb may take its object in the middle ("let user_2 back
        // in", "log them out"): phrases match across values, which are not
        // words of the request.
        for (i, t) in tokens.iter().enumerate() {
            if hard[i] {
                continue;
            }
            for w in token_words(&t.lower) {
                let w = correct(&w).unwrap_or(w);
                run.push(w);
                owner.push(i);
            }
        }
        flush(&mut run, &mut owner, &mut terms);
        let first = tokens.first().map(|t| t.lower.as_str()).unwrap_or("");
        let leading_question = words_.question.contains(first);
        let question = leading_question || text.trim().trim_matches('"').trim_end().ends_with('?');
        let mut refs = Vec::new();
        let mut i = 0;
        while i < tokens.len() {
            let hit = words_.refs.iter().find(|(p, _)| {
                p.iter().enumerate().all(|(k, w)| {
                    tokens
                        .get(i + k)
                        .is_some_and(|t| t.lower == *w && !hard[i + k])
                })
            });
            match hit {
                Some((p, object)) => {
                    let row = i
                        .checked_sub(1)
                        .and_then(|j| words_.ordinals.iter().find(|(w, _)| *w == tokens[j].lower))
                        .map(|(_, n)| *n);
                    refs.push(Ref {
                        at: i,
                        object: object.clone(),
                        row,
                    });
                    i += p.len();
                }
                None => i += 1,
            }
        }
        // "blocklist a@x.io and b@x.io": a noun said first as a verb, right
        // before its object, also says to create (add to) what it names.
        let object_next = entities.iter().any(|e| e.hard && e.first == 1);
        if object_next
            && terms
                .first()
                .is_some_and(|t| t.at == 0 && words_.denominal.contains(&t.text))
            && let Some(create) = words_.verbs("create").first()
        {
            terms.insert(
                0,
                Term {
                    text: create.clone(),
                    at: 0,
                    last: 0,
                },
            );
        }
        let negation = words_.negation.read(&tokens, &terms, question);
        let howto = (0..tokens.len()).find_map(|i| {
            words_.howto.iter().find_map(|p| {
                let fits = p.iter().enumerate().all(|(k, w)| {
                    tokens
                        .get(i + k)
                        .is_some_and(|t| t.lower == *w && !t.quoted)
                });
                fits.then_some(i + p.len())
            })
        });
        let howto = howto
            .map(|mut at| {
                while tokens
                    .get(at)
                    .is_some_and(|t| words_.howto_skip.contains(&t.lower))
                {
                    at += 1;
                }
                at
            })
            .filter(|at| *at < tokens.len());
        let stated = filters::read(&words_.filters, &tokens);
        Doc {
            tokens,
            entities,
            terms,
            question,
            leading_question,
            howto,
            stated,
            refs,
            negation,
        }
    }

    /// The request's tokens as typed, quoted ones in quotes, but those
    /// `skip` names.
    pub fn text_without(&self, skip: impl Fn(usize) -> bool) -> String {
        let kept: Vec<String> = self
            .tokens
            .iter()
            .enumerate()
            .filter(|(i, _)| !skip(*i))
            .map(|(_, t)| {
                if t.quoted {
                    format!("\"{}\"", t.text)
                } else {
                    t.text.clone()
                }
            })
            .collect();
        kept.join(" ")
    }

    pub fn has_term(&self, term: &str) -> bool {
        self.terms.iter().any(|t| t.text == term)
    }

    /// The terms the request says, not negated.
    pub fn said(&self) -> impl Iterator<Item = &Term> {
        self.terms
            .iter()
            .zip(&self.negation.negated)
            .filter(|(_, n)| !**n)
            .map(|(t, _)| t)
    }

    /// The negated terms.
    pub fn unsaid(&self) -> impl Iterator<Item = &Term> {
        self.terms
            .iter()
            .zip(&self.negation.negated)
            .filter(|(_, n)| **n)
            .map(|(t, _)| t)
    }

    /// The hard entity covering a token.
    /// Whether one of `phrases` ends at most two words before token `at`,
    /// with no entity between ("from the domain a.com": `from`).
    pub fn after_phrase(&self, at: usize, phrases: &[Vec<String>]) -> bool {
        (0..=2).any(|gap| {
            let Some(end) = at.checked_sub(gap) else {
                return false;
            };
            if (end..at).any(|k| self.entity_at(k).is_some()) {
                return false;
            }
            phrases.iter().any(|p| {
                end >= p.len()
                    && self.tokens[end - p.len()..end]
                        .iter()
                        .zip(p)
                        .all(|(t, w)| t.lower == *w)
            })
        })
    }

    pub fn entity_at(&self, token: usize) -> Option<usize> {
        self.entities
            .iter()
            .position(|e| e.hard && e.first <= token && token <= e.last)
    }

    pub fn of_kind(&self, kind: Kind) -> impl Iterator<Item = (usize, &Entity)> {
        self.entities
            .iter()
            .enumerate()
            .filter(move |(_, e)| e.kind == kind)
    }

    /// Terms at a token.
    pub fn terms_at(&self, token: usize) -> impl Iterator<Item = &str> {
        self.terms
            .iter()
            .filter(move |t| t.at == token)
            .map(|t| t.text.as_str())
    }
}

/// The words of one token: apostrophes stay inside words ("don't"), other
/// punctuation splits ("sign-in" is two words).
fn token_words(lower: &str) -> Vec<String> {
    if lower.contains('\'') || lower.contains('’') {
        let w = lower.replace('’', "'");
        if w.chars().all(|c| c.is_alphanumeric() || c == '\'') {
            return vec![w];
        }
    }
    words(lower)
}
