//! The rules of `grammar/rules.txt`: a pattern of words and entity slots
//! that must appear in order (anything may come between), and what it
//! means: an operation, or a fast path, plus fields to set.

use serde_json::Value;

use crate::intent::grammar::{Grammar, GrammarError};
use crate::intent::read::doc::Doc;
use crate::intent::read::entities::{Extractor, Kind, SLOT_KINDS};
use crate::intent::read::lexicon::Lexicon;
use crate::intent::read::literal::typed;
use crate::spec::Method;

#[derive(Debug, Clone, PartialEq)]
pub enum Item {
    /// Alternatives, each a sequence of terms.
    Words(Vec<Vec<String>>),
    /// A word as typed (`=make`).
    Raw(String),
    Slot {
        name: String,
        kind: SlotKind,
    },
    /// `-word` or `-{kind}`: the rule applies only without it, anywhere.
    Not(Box<Item>),
}

#[derive(Debug, Clone, PartialEq)]
pub enum SlotKind {
    Kind(Kind),
    /// An ID that fills this parameter (`user_id`).
    Param(String),
}

#[derive(Debug, Clone, PartialEq)]
pub enum Target {
    Op(Method, String),
    FastPath(String),
}

#[derive(Debug, Clone, PartialEq)]
pub enum Assigned {
    Slot(String),
    Literal(Value),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Rule {
    pub line: usize,
    pub text: String,
    pub items: Vec<Item>,
    pub target: Target,
    /// `(field path with dots, value)`.
    pub assigns: Vec<(String, Assigned)>,
}

/// A rule that matched, with what its slots caught (entity indexes, or the
/// token of a plain role word).
#[derive(Debug, Clone, PartialEq)]
pub struct Hit<'r> {
    pub rule: &'r Rule,
    pub captures: Vec<(String, Capture)>,
    pub strength: usize,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Capture {
    Entity(usize),
    /// A role given as a plain word ("an admin").
    RoleWord(usize),
}

fn err(line: usize, message: impl Into<String>) -> GrammarError {
    GrammarError {
        file: "rules.txt".into(),
        line,
        message: message.into(),
    }
}

pub fn parse(grammar: &Grammar, lex: &Lexicon) -> Result<Vec<Rule>, GrammarError> {
    let params: Vec<&str> = grammar
        .ids
        .iter()
        .flat_map(|p| p.params.iter().map(String::as_str))
        .collect();
    let mut out = Vec::new();
    for (line, text) in &grammar.rules {
        let line = *line;
        let (pattern, rest) = text
            .split_once("=>")
            .ok_or_else(|| err(line, "expected `pattern => target`"))?;
        let (target, assigns) = rest.split_once('|').unwrap_or((rest, ""));
        let mut items = Vec::new();
        for word in pattern.split_whitespace() {
            let (negated, word) = match word.strip_prefix('-') {
                Some(rest) if !rest.is_empty() => (true, rest),
                _ => (false, word),
            };
            let before = items.len();
            if let Some(inner) = word.strip_prefix('{').and_then(|w| w.strip_suffix('}')) {
                let (name, kind) = inner.split_once(':').unwrap_or((inner, inner));
                let kind = match SLOT_KINDS.iter().find(|(n, _)| *n == kind) {
                    Some((_, k)) => SlotKind::Kind(*k),
                    None if params.contains(&kind) => SlotKind::Param(kind.to_string()),
                    None => return Err(err(line, format!("unknown slot kind `{kind}`"))),
                };
                items.push(Item::Slot {
                    name: name.to_string(),
                    kind,
                });
            } else if let Some(raw) = word.strip_prefix('=') {
                items.push(Item::Raw(raw.to_lowercase()));
            } else {
                let alts = word
                    .split('|')
                    .map(|w| lex.text_terms(w))
                    .filter(|t| !t.is_empty())
                    .collect::<Vec<_>>();
                if alts.is_empty() {
                    return Err(err(line, format!("`{word}` has no words")));
                }
                items.push(Item::Words(alts));
            }
            if negated && let Some(item) = items.pop().filter(|_| items.len() == before) {
                items.push(Item::Not(Box::new(item)));
            }
        }
        if items.is_empty() {
            return Err(err(line, "empty pattern"));
        }
        let target = target.trim();
        let target = match target.split_once(' ') {
            Some(("fastpath", name)) => {
                let name = name.trim();
                if grammar.fastpath(name).is_none() {
                    return Err(err(line, format!("no fast path `{name}` in fastpaths.txt")));
                }
                Target::FastPath(name.to_string())
            }
            Some((m, path)) if path.trim().starts_with('/') => match Method::parse(m) {
                Some(m) => Target::Op(m, path.trim().to_string()),
                None => return Err(err(line, format!("`{m}` is not an HTTP method"))),
            },
            _ => {
                return Err(err(
                    line,
                    "target must be `METHOD /path` or `fastpath NAME`",
                ));
            }
        };
        let mut parsed = Vec::new();
        for a in assigns.split_whitespace() {
            let (field, value) = a
                .split_once('=')
                .ok_or_else(|| err(line, format!("assignment `{a}` needs `field=value`")))?;
            let value = match value.strip_prefix('{').and_then(|v| v.strip_suffix('}')) {
                Some(slot) => {
                    let named = items
                        .iter()
                        .any(|i| matches!(i, Item::Slot { name, .. } if name == slot));
                    if !named {
                        return Err(err(
                            line,
                            format!("`{{{slot}}}` is not a slot of the pattern"),
                        ));
                    }
                    Assigned::Slot(slot.to_string())
                }
                None => Assigned::Literal(typed(value)),
            };
            parsed.push((field.to_string(), value));
        }
        out.push(Rule {
            line,
            text: text.clone(),
            items,
            target,
            assigns: parsed,
        });
    }
    Ok(out)
}

/// One thing a pattern item can land on: a term, or an entity.
enum Event<'d> {
    /// A term, its token, and whether it is negated.
    Term(&'d str, usize, bool),
    Entity(usize),
}

/// The strongest rule that matches, if any.
pub fn best<'r>(
    rules: &'r [Rule],
    doc: &Doc,
    ex: &Extractor,
    id_params: &dyn Fn(usize) -> Vec<String>,
) -> Option<Hit<'r>> {
    let mut events = Vec::new();
    let negated = |i: usize| {
        doc.terms
            .iter()
            .zip(&doc.negation.negated)
            .any(|(t, n)| *n && t.at == i)
    };
    for (i, t) in doc.tokens.iter().enumerate() {
        match doc.entity_at(i) {
            Some(e) if doc.entities[e].first == i => events.push(Event::Entity(e)),
            Some(_) => {}
            None => {
                let n = negated(i);
                for term in doc.terms_at(i) {
                    events.push(Event::Term(term, i, n));
                }
                if !t.quoted && doc.terms_at(i).next().is_none() {
                    events.push(Event::Term("", i, n));
                }
            }
        }
    }
    let mut best: Option<Hit> = None;
    for rule in rules {
        if let Some(hit) = matches(rule, &events, doc, ex, id_params)
            && best.as_ref().is_none_or(|b| hit.strength > b.strength)
        {
            best = Some(hit);
        }
    }
    best
}

fn matches<'r>(
    rule: &'r Rule,
    events: &[Event],
    doc: &Doc,
    ex: &Extractor,
    id_params: &dyn Fn(usize) -> Vec<String>,
) -> Option<Hit<'r>> {
    let mut at = 0;
    let mut captures = Vec::new();
    // Words in a negation's scope match only a rule about negation
    // (`not allow {domain}`): "don't kick out the members who joined" is
    // not about who joined.
    let about_negation = rule
        .items
        .iter()
        .any(|i| matches!(i, Item::Words(alts) if alts.iter().any(|a| a == &["not"])));
    let open = |n: &bool| about_negation || !*n;
    let mut strength = 0;
    for item in &rule.items {
        if let Item::Not(inner) = item {
            let probe = Rule {
                items: vec![(**inner).clone()],
                ..rule.clone()
            };
            if matches(&probe, events, doc, ex, id_params).is_some() {
                return None;
            }
            continue;
        }
        let found = (at..events.len()).find_map(|k| match (item, &events[k]) {
            (Item::Words(alts), _) => alts.iter().find_map(|alt| {
                let fits = alt
                    .iter()
                    .enumerate()
                    .all(|(n, w)| matches!(events.get(k + n), Some(Event::Term(t, _, neg)) if t == w && open(neg)));
                fits.then_some((k + alt.len(), None))
            }),
            (Item::Raw(w), Event::Term(_, tok, neg)) => {
                (doc.tokens[*tok].lower == *w && open(neg)).then_some((k + 1, None))
            }
            (Item::Slot { kind, .. }, Event::Entity(e)) => {
                let ent = &doc.entities[*e];
                let fits = match kind {
                    SlotKind::Kind(k) => ent.kind == *k,
                    SlotKind::Param(p) => {
                        ent.kind == Kind::Id && ent.id.is_some_and(|i| id_params(i).contains(p))
                    }
                };
                let taken = captures.iter().any(|(_, c)| *c == Capture::Entity(*e));
                (fits && !taken).then_some((k + 1, Some(Capture::Entity(*e))))
            }
            (
                Item::Slot {
                    kind: SlotKind::Kind(Kind::Role),
                    ..
                },
                Event::Term(_, tok, _),
            ) => ex
                .role_word(&doc.tokens[*tok].lower)
                .map(|_| (k + 1, Some(Capture::RoleWord(*tok)))),
            _ => None,
        });
        let (next, capture) = found?;
        // A term event of the same token may repeat; skip past the token.
        at = next;
        match (item, capture) {
            (Item::Slot { name, .. }, Some(c)) => {
                captures.push((name.clone(), c));
                strength += 2;
            }
            _ => strength += 1,
        }
    }
    Some(Hit {
        rule,
        captures,
        strength,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_one(rule: &str) -> Result<Vec<Rule>, GrammarError> {
        let mut g = Grammar::load().unwrap();
        let lex = Lexicon::new(&g);
        g.rules = vec![(7, rule.to_string())];
        parse(&g, &lex)
    }

    #[test]
    fn rules_parse_into_items_targets_and_assignments() {
        let rules = parse_one("impersonate {user_id} as {actor:user_id} -{email} => POST /actor_tokens | actor.sub={actor} n=3").unwrap();
        let r = &rules[0];
        assert_eq!(r.target, Target::Op(Method::Post, "/actor_tokens".into()));
        assert_eq!(r.items.len(), 5);
        assert!(matches!(&r.items[4], Item::Not(inner) if matches!(**inner, Item::Slot { .. })));
        assert_eq!(
            r.assigns[0],
            ("actor.sub".into(), Assigned::Slot("actor".into()))
        );
        assert_eq!(
            r.assigns[1],
            ("n".into(), Assigned::Literal(serde_json::json!(3)))
        );
        // Synonyms apply to rule words as to requests: `remove` is `delete`.
        let rules = parse_one("remove {user_id} => DELETE /users/{user_id}").unwrap();
        assert_eq!(
            rules[0].items[0],
            Item::Words(vec![vec!["delete".to_string()]])
        );
    }

    #[test]
    fn broken_rules_name_their_line() {
        for (rule, says) in [
            (
                "ban {nonsense} => POST /users/{user_id}/ban",
                "unknown slot kind `nonsense`",
            ),
            (
                "ban {user_id} => fastpath nowhere",
                "no fast path `nowhere`",
            ),
            (
                "ban {user_id} => FETCH /users",
                "`FETCH` is not an HTTP method",
            ),
            ("ban {user_id} => somewhere", "target must be"),
            ("ban {user_id} POST /users", "expected `pattern => target`"),
            (
                "ban {user_id} => POST /x | role={role}",
                "`{role}` is not a slot",
            ),
        ] {
            let e = parse_one(rule).unwrap_err();
            assert_eq!(e.line, 7);
            assert!(e.to_string().contains(says), "{rule}: {e}");
        }
    }
}
