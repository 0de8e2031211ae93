//! Entities, found before any matching: Clerk IDs by prefix, emails,
//! phones, URLs, domains, roles, numbers, durations, dates and time
//! filters, quoted strings, `key=value` and `key: value` pairs, JSON
//! objects, usernames. A "hard" entity is a value, not words: its tokens
//! never count as words of the request.

use regex::Regex;
use serde_json::Value;

use crate::intent::grammar::Grammar;
use crate::intent::read::literal::{json_object, json_value, typed};
use crate::intent::read::time::{Bound, TimeFilter, TimeWords};
use crate::intent::read::tokens::Token;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Id,
    Email,
    Phone,
    Url,
    Domain,
    Role,
    Number,
    Duration,
    Date,
    Quoted,
    Pair,
    Json,
    Username,
    Time,
    /// An operation named by `group.name` (`users.ban`) or operationId.
    Op,
    /// A local file's path (`./brand/logo.png`, `~/logo.png`, `logo.png`).
    File,
}

/// Slot names of rules that are entity kinds (besides ID parameters).
pub const SLOT_KINDS: [(&str, Kind); 15] = [
    ("id", Kind::Id),
    ("email", Kind::Email),
    ("phone", Kind::Phone),
    ("url", Kind::Url),
    ("domain", Kind::Domain),
    ("role", Kind::Role),
    ("number", Kind::Number),
    ("n", Kind::Number),
    ("duration", Kind::Duration),
    ("date", Kind::Date),
    ("quoted", Kind::Quoted),
    ("pair", Kind::Pair),
    ("json", Kind::Json),
    ("username", Kind::Username),
    ("time", Kind::Time),
];

#[derive(Debug, Clone, PartialEq)]
pub struct Entity {
    pub kind: Kind,
    /// The value, typed: strings, numbers, booleans, objects.
    pub value: Value,
    /// Pairs: the key. IDs: the prefix. Usernames: `weak` when no cue word
    /// introduced it.
    pub key: Option<String>,
    /// First and last token.
    pub first: usize,
    pub last: usize,
    pub hard: bool,
    /// IDs: index into the grammar's ID prefixes.
    pub id: Option<usize>,
    /// Durations: length in seconds.
    pub seconds: Option<i64>,
    pub time: Option<TimeFilter>,
}

impl Entity {
    fn new(kind: Kind, value: Value, at: usize) -> Entity {
        Entity {
            kind,
            value,
            key: None,
            first: at,
            last: at,
            hard: true,
            id: None,
            seconds: None,
            time: None,
        }
    }

    pub fn text(&self) -> String {
        match &self.value {
            Value::String(s) => s.clone(),
            v => v.to_string(),
        }
    }
}

/// The compiled patterns and word lists extraction needs; built once.
#[derive(Debug, Clone)]
pub struct Extractor {
    id: Regex,
    email: Regex,
    url: Regex,
    phone: Regex,
    date: Regex,
    domain: Regex,
    role: Regex,
    number: Regex,
    key: Regex,
    short_duration: Regex,
    file: Regex,
    pub time: TimeWords,
    /// `(role, words)`.
    roles: Vec<(String, Vec<String>)>,
    role_cues: Vec<Vec<String>>,
    role_key_cues: Vec<Vec<String>>,
    bare_roles: Vec<String>,
    username_cues: Vec<Vec<String>>,
    username_links: Vec<String>,
    articles: Vec<String>,
    ids: Vec<String>,
    /// Lower-case `group.name` and operationIds, with the operation label.
    ops: Vec<(String, String)>,
}

/// Whether a label of a dotted token has a capital after its first letter
/// (`eyJhbGciOi.tok`): a token, not a domain, which nobody types so.
fn camel_case(text: &str) -> bool {
    text.split('.')
        .any(|label| label.chars().skip(1).any(|c| c.is_ascii_uppercase()))
}

fn phrases(list: Vec<String>) -> Vec<Vec<String>> {
    list.iter()
        .map(|p| p.split_whitespace().map(str::to_string).collect())
        .collect()
}

/// How the request's words stand against the known words.
pub struct Known<'a> {
    /// Neither known nor a small typo of a known word.
    pub unknown: &'a dyn Fn(&str) -> bool,
    /// The known word a typo stands for.
    pub fixed: &'a dyn Fn(&str) -> Option<String>,
}

/// Whether the words right before token `i` are `phrase` (typos forgiven).
fn preceded_by(tokens: &[Token], i: usize, phrase: &[String], known: &Known) -> bool {
    let n = phrase.len();
    let same = |t: &Token, w: &String| t.lower == *w || (known.fixed)(&t.lower).as_ref() == Some(w);
    i >= n && tokens[i - n..i].iter().zip(phrase).all(|(t, w)| same(t, w))
}

/// Patterns are ASCII classes only (`[0-9]`, not `\d`): Unicode classes
/// cost milliseconds to compile, on every start.
fn re(pattern: &str) -> Regex {
    Regex::new(pattern).expect("entity patterns are valid")
}

impl Extractor {
    pub fn new(grammar: &Grammar, ops: Vec<(String, String)>) -> Extractor {
        let mut roles: Vec<(String, Vec<String>)> = Vec::new();
        for e in grammar
            .roles
            .entries
            .iter()
            .filter(|e| e.key.starts_with("org:"))
        {
            if !roles.iter().any(|(k, _)| *k == e.key) {
                roles.push((e.key.clone(), grammar.roles.list(&e.key)));
            }
        }
        Extractor {
            id: re(r"^([a-z][a-z0-9]*_)([A-Za-z0-9]+)$"),
            email: re(r"^[A-Za-z0-9._%+*\-]+@[A-Za-z0-9\-]+(\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}$"),
            url: re(r"^[A-Za-z][A-Za-z0-9+.\-]*://[^ \t\n]+$"),
            phone: re(r"^(\+[0-9][0-9\-().]{6,18}[0-9]|\(?[0-9]{3}\)?[\-.][0-9]{3}[\-.][0-9]{4})$"),
            date: re(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}([T ][0-9:.]+(Z|[+\-][0-9]{2}:?[0-9]{2})?)?$"),
            domain: re(r"^(\*\.)?([a-z0-9]([a-z0-9\-]*[a-z0-9])?\.)+[a-z]{2,}$"),
            role: re(r"^org:[a-z0-9_\-]+(:[a-z0-9_\-]+)*$"),
            number: re(r"^-?[0-9]+(\.[0-9]+)?$"),
            key: re(r"^[A-Za-z_][A-Za-z0-9_.\-]*$"),
            short_duration: re(r"^([0-9]+)(s|m|h|d)$"),
            // Relative to here or home; absolute with an extension (an API
            // path has none); a bare name of an image, which uploads take.
            file: re(concat!(
                r"^((~|\.{1,2})/\S+|/(\S+/)*\S+\.[A-Za-z0-9]{1,5}",
                r"|[\w\-.]+\.(?i:png|jpe?g|gif|webp|svg|ico|bmp|avif|heic|tiff?))$"
            )),
            time: TimeWords::new(&grammar.time),
            roles,
            role_cues: phrases(grammar.roles.list("cue")),
            role_key_cues: phrases(grammar.roles.list("key.cue")),
            bare_roles: grammar.roles.list("bare"),
            username_cues: phrases(grammar.words.list("username")),
            username_links: grammar.words.list("username.link"),
            articles: grammar.words.list("article"),
            ids: grammar.ids.iter().map(|p| p.prefix.clone()).collect(),
            ops,
        }
    }

    /// The role a plain word names (`admins` -> `org:admin`).
    pub fn role_word(&self, word: &str) -> Option<&str> {
        self.roles
            .iter()
            .find(|(_, words)| words.iter().any(|w| w == word))
            .map(|(r, _)| r.as_str())
    }

    /// A role as Clerk wants it: `org:` prefixed, known words normalised.
    pub fn normalise_role(&self, text: &str) -> String {
        let lower = text.trim().to_lowercase();
        if let Some(r) = self.role_word(&lower) {
            return r.to_string();
        }
        if lower.starts_with("org:") {
            lower
        } else {
            format!("org:{lower}")
        }
    }

    /// Finds the entities of tokens; marks nothing, returns them in order.
    /// `known` says whether a word is neither known nor a typo of one, and
    /// what a typo stands for.
    pub fn extract(&self, tokens: &[Token], known: &Known, now_ms: i64) -> Vec<Entity> {
        let lower: Vec<&str> = tokens.iter().map(|t| t.lower.as_str()).collect();
        let mut out: Vec<Entity> = Vec::new();
        let mut i = 0;
        while i < tokens.len() {
            let t = &tokens[i];
            if let Some(e) = self.single(tokens, i) {
                i = e.last + 1;
                out.push(e);
                continue;
            }
            if !t.quoted
                && let Some((filters, n)) = self.time.scan(&lower, i, now_ms)
            {
                let field = self.time.field_near(&lower, i);
                // "haven't signed in since X": before X.
                let flip = filters.len() == 1 && self.time.negated(&lower, i);
                for mut f in filters {
                    f.field = field.clone();
                    if flip {
                        f.bound = match f.bound {
                            Bound::After => Bound::Before,
                            Bound::Before => Bound::After,
                        };
                    }
                    let mut e = Entity::new(Kind::Time, Value::from(f.ms), i);
                    e.last = i + n - 1;
                    e.time = Some(f);
                    out.push(e);
                }
                i += n;
                continue;
            }
            if let Some(e) = self.duration(tokens, i) {
                i = e.last + 1;
                out.push(e);
                continue;
            }
            if let Some(e) = self.contextual(tokens, i, known) {
                out.push(e);
            } else if self.number.is_match(&t.text) {
                let mut e = Entity::new(Kind::Number, typed(&t.text), i);
                e.hard = false;
                out.push(e);
            }
            i += 1;
        }
        out
    }

    /// Entities one token (or a `key:` and its value) makes by its shape.
    fn single(&self, tokens: &[Token], i: usize) -> Option<Entity> {
        let t = &tokens[i];
        let text = t.text.as_str();
        if t.quoted {
            return Some(Entity::new(Kind::Quoted, Value::from(text), i));
        }
        if text.starts_with('{')
            && text.ends_with('}')
            && let Some(v) = json_object(text)
        {
            return Some(Entity::new(Kind::Json, v, i));
        }
        if let Some(e) = self.id_entity(text, i, self.after_username_cue(tokens, i)) {
            return Some(e);
        }
        if let Some(e) = self.pair(tokens, i) {
            return Some(e);
        }
        let lower = t.lower.as_str();
        if let Some((_, label)) = self.ops.iter().find(|(name, _)| name == lower) {
            return Some(Entity::new(Kind::Op, Value::from(label.as_str()), i));
        }
        let kind = if self.email.is_match(text) {
            Kind::Email
        } else if self.file.is_match(text) && !self.url.is_match(text) {
            Kind::File
        } else if self.url.is_match(text) {
            Kind::Url
        } else if self.phone.is_match(text) {
            Kind::Phone
        } else if self.date.is_match(text) {
            Kind::Date
        } else if self.role.is_match(lower) {
            Kind::Role
        } else if self.domain.is_match(lower) && !self.number.is_match(text) && !camel_case(text) {
            Kind::Domain
        } else {
            return None;
        };
        let value = match kind {
            Kind::Email | Kind::Domain | Kind::Role => Value::from(lower),
            _ => Value::from(text),
        };
        Some(Entity::new(kind, value, i))
    }

    /// An ID by its shape. A known prefix takes a random tail, a long one or
    /// a placeholder (`mt_xxxxx`). A prefix the grammar does not know needs a long
    /// random tail, or a short one that starts with a digit as Clerk's
    /// time-sorted IDs do (`oa_2abc`, `csi_123`), unless a username cue
    /// stands before it (`user bob_2000` is a username).
    fn id_entity(&self, text: &str, i: usize, after_username_cue: bool) -> Option<Entity> {
        let caps = self.id.captures(text)?;
        let (prefix, tail) = (&caps[1], &caps[2]);
        let random = tail
            .chars()
            .any(|c| c.is_ascii_digit() || c.is_ascii_uppercase());
        let known = self.ids.iter().position(|p| p == prefix);
        let short = tail.len() >= 3
            && tail.starts_with(|c: char| c.is_ascii_digit())
            && !after_username_cue;
        // Docs and issues write IDs as placeholders: `mt_xxxxx`, `user_XXX`.
        let placeholder = tail.len() >= 3 && tail.chars().all(|c| c.eq_ignore_ascii_case(&'x'));
        let ok = match known {
            Some(_) => random || placeholder || tail.len() >= 12,
            None => random && (tail.len() >= 16 || short),
        };
        if !ok {
            return None;
        }
        let mut e = Entity::new(Kind::Id, Value::from(text), i);
        e.key = Some(prefix.to_string());
        e.id = known;
        Some(e)
    }

    /// Whether the word before token `i` (or before one link word) ends a
    /// username cue.
    fn after_username_cue(&self, tokens: &[Token], i: usize) -> bool {
        let ends = |k: usize| {
            self.username_cues
                .iter()
                .any(|c| c.last() == Some(&tokens[k].lower))
        };
        (i >= 1 && ends(i - 1))
            || (i >= 2 && self.username_links.contains(&tokens[i - 1].lower) && ends(i - 2))
    }

    /// `key=value`, `key==value`, `key:=json`, or `key:` then a value.
    fn pair(&self, tokens: &[Token], i: usize) -> Option<Entity> {
        let t = &tokens[i];
        let (key, value, last) = if let Some((k, v)) = t.text.split_once('=') {
            let (k, v) = match (k.strip_suffix(':'), v.strip_prefix('=')) {
                (Some(k), _) => (k, json_value(v)?),
                (None, Some(v)) => (k, typed(v)),
                (None, None) => (k, typed(v)),
            };
            (k.to_string(), v, i)
        } else if t.colon {
            let next = tokens.get(i + 1)?;
            if next.text.contains('=') || self.id_entity(&next.text, i, false).is_some() {
                return None;
            }
            let v = if next.quoted {
                Value::from(next.text.as_str())
            } else {
                typed(&next.text)
            };
            (t.text.clone(), v, i + 1)
        } else {
            return None;
        };
        if !self.key.is_match(&key) || (value == "" && last == i) {
            return None;
        }
        let mut e = Entity::new(Kind::Pair, value, i);
        e.key = Some(key);
        e.last = last;
        Some(e)
    }

    /// `600 seconds`, `10 minutes`, `600s`.
    fn duration(&self, tokens: &[Token], i: usize) -> Option<Entity> {
        let t = &tokens[i];
        let (n, unit, last) = match self.short_duration.captures(&t.lower) {
            Some(c) => (c[1].parse::<i64>().ok()?, c[2].to_string(), i),
            None => {
                let unit = tokens.get(i + 1)?.lower.clone();
                (t.text.parse::<i64>().ok()?, unit, i + 1)
            }
        };
        let previous = i.checked_sub(1).map(|p| tokens[p].lower.as_str());
        if previous.is_some_and(|p| self.time.is_recent(p)) {
            return None;
        }
        let seconds = self.time.seconds(n, &unit)?;
        let mut e = Entity::new(Kind::Duration, Value::from(n), i);
        e.last = last;
        e.seconds = Some(seconds);
        Some(e)
    }

    /// Entities that depend on the words before them: a role after `as` or
    /// `with role`, a username after `user`, or an unknown snake_case word.
    fn contextual(&self, tokens: &[Token], i: usize, known: &Known) -> Option<Entity> {
        let t = &tokens[i];
        // A cue right before the word, or before one skippable word.
        let cued = |cues: &[Vec<String>], skippable: &[String]| {
            let mut ends = vec![i];
            if i >= 1 && skippable.contains(&tokens[i - 1].lower) {
                ends.push(i - 1);
            }
            ends.iter()
                .any(|&end| cues.iter().any(|c| preceded_by(tokens, end, c, known)))
        };
        if let Some(r) = self.role_word(&t.lower) {
            if cued(&self.role_cues, &self.articles) {
                return Some(Entity::new(Kind::Role, Value::from(r), i));
            }
            // "who are the admins": a role, but the word still counts.
            if self.bare_roles.contains(&t.lower) {
                let mut e = Entity::new(Kind::Role, Value::from(r), i);
                e.hard = false;
                return Some(e);
            }
        }
        let unknown = (known.unknown)(&t.lower);
        let handle = t.text.len() >= 2
            && self.key.is_match(&t.text)
            && !t.text.contains('.')
            && !self.number.is_match(&t.text);
        if !(unknown && handle) {
            return None;
        }
        if cued(&self.role_key_cues, &self.articles) {
            let role = self.normalise_role(&t.text);
            return Some(Entity::new(Kind::Role, Value::from(role), i));
        }
        let by_cue = cued(&self.username_cues, &self.username_links);
        if !by_cue && !t.text.contains('_') {
            return None;
        }
        let mut e = Entity::new(Kind::Username, Value::from(t.text.as_str()), i);
        if !by_cue {
            e.key = Some("weak".into());
        }
        Some(e)
    }
}
