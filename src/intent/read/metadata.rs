//! Metadata writes in plain English: the key/value pairs ("set plan to pro
//! and onboarded true", `beta: true`, `{"newsletter": false}`), typed as JSON,
//! and which of the three metadata types they go to, with the reason.

use serde_json::{Map, Value};

use crate::intent::grammar::Table;
use crate::intent::read::doc::{Doc, Words};
use crate::intent::read::entities::Kind;
use crate::intent::read::literal::typed;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MetaKind {
    Public,
    Private,
    Unsafe,
}

impl MetaKind {
    /// The body field: `public_metadata`...
    pub fn field(self) -> &'static str {
        match self {
            MetaKind::Public => "public_metadata",
            MetaKind::Private => "private_metadata",
            MetaKind::Unsafe => "unsafe_metadata",
        }
    }

    fn name(self) -> &'static str {
        match self {
            MetaKind::Public => "public",
            MetaKind::Private => "private",
            MetaKind::Unsafe => "unsafe",
        }
    }
}

/// A metadata write: the values, their type, and why that type.
#[derive(Debug, Clone, PartialEq)]
pub struct MetaWrite {
    pub kind: MetaKind,
    pub values: Map<String, Value>,
    pub why: String,
    /// Entities the values came from.
    pub used: Vec<usize>,
}

/// The metadata word lists of `grammar/metadata.txt`.
#[derive(Debug, Clone, Default)]
pub struct MetaWords {
    public: Vec<String>,
    private: Vec<String>,
    unsafe_: Vec<String>,
    cue: Vec<String>,
    flag: Vec<String>,
    word: Vec<String>,
}

impl MetaWords {
    pub fn new(t: &Table) -> MetaWords {
        MetaWords {
            public: t.list("public"),
            private: t.list("private"),
            unsafe_: t.list("unsafe"),
            cue: t.list("cue"),
            flag: t.list("flag"),
            word: t.list("word"),
        }
    }

    pub fn vocabulary(&self) -> Vec<String> {
        [
            &self.public,
            &self.private,
            &self.unsafe_,
            &self.cue,
            &self.flag,
            &self.word,
        ]
        .into_iter()
        .flatten()
        .cloned()
        .collect()
    }

    /// Whether the request talks about metadata (its words, or a JSON
    /// object or pair written for it).
    pub fn is_mentioned(&self, doc: &Doc) -> bool {
        doc.tokens.iter().any(|t| self.word.contains(&t.lower))
            || doc.entities.iter().any(|e| e.kind == Kind::Json)
    }

    /// Reads the values a request writes; `None` when it names none.
    pub fn parse(&self, doc: &Doc, words: &Words) -> Option<MetaWrite> {
        let mut values = Map::new();
        let mut used = Vec::new();
        let mut explicit: Option<MetaKind> = None;
        for (i, e) in doc.entities.iter().enumerate() {
            match e.kind {
                Kind::Json => {
                    if let Value::Object(map) = &e.value {
                        values.extend(map.clone());
                        used.push(i);
                    }
                }
                Kind::Pair => {
                    let key = e.key.clone().unwrap_or_default();
                    match (self.kind_of_field(&key), &e.value) {
                        (Some(k), Value::Object(map)) => {
                            explicit = Some(k);
                            values.extend(map.clone());
                        }
                        _ => {
                            values.insert(key, e.value.clone());
                        }
                    }
                    used.push(i);
                }
                _ => {}
            }
        }
        self.word_pairs(doc, words, &mut values, &mut used);
        if values.is_empty() {
            return None;
        }
        let (kind, why) = explicit
            .map(|k| (k, format!("the request names {}", k.field())))
            .unwrap_or_else(|| self.choose(doc, &values));
        Some(MetaWrite {
            kind,
            values,
            why,
            used,
        })
    }

    fn kind_of_field(&self, key: &str) -> Option<MetaKind> {
        [MetaKind::Public, MetaKind::Private, MetaKind::Unsafe]
            .into_iter()
            .find(|k| k.field() == key)
    }

    /// `set K to V and K2 V2`, `flag ... as K`: pairs written in words.
    fn word_pairs(
        &self,
        doc: &Doc,
        words: &Words,
        values: &mut Map<String, Value>,
        used: &mut Vec<usize>,
    ) {
        let toks = &doc.tokens;
        let Some(start) = toks.iter().position(|t| self.cue.contains(&t.lower)) else {
            return;
        };
        let free = |i: usize| {
            doc.entity_at(i).is_none_or(|e| {
                matches!(
                    doc.entities[e].kind,
                    Kind::Username | Kind::Quoted | Kind::Number
                )
            })
        };
        let is_key = |i: usize| {
            let t = &toks[i];
            free(i)
                && t.text
                    .chars()
                    .next()
                    .is_some_and(|c| c.is_alphabetic() || c == '_')
                && t.text
                    .chars()
                    .all(|c| c.is_alphanumeric() || c == '_' || c == '-')
                && !words.stop.contains(&t.lower)
                && !words.connector.contains(&t.lower)
                && !self.word.contains(&t.lower)
                && !self.cue.contains(&t.lower)
        };
        let mut i = start;
        while i < toks.len() {
            let t = &toks[i];
            if self.flag.contains(&t.lower) {
                let as_at = (i + 1..toks.len()).find(|&k| words.link.contains(&toks[k].lower));
                if let Some(k) = as_at.filter(|k| k + 1 < toks.len() && is_key(k + 1)) {
                    values.insert(toks[k + 1].text.clone(), Value::Bool(true));
                    i = k + 2;
                    continue;
                }
            }
            if !is_key(i) {
                i += 1;
                continue;
            }
            // A key of one word, or of up to three before a link or a value
            // that cannot be a word ("stripe customer id cus_123").
            let found = (i..(i + 3).min(toks.len()))
                .take_while(|&last| is_key(last))
                .find_map(|last| {
                    let (v, value, entity) = self.value_after(doc, words, last)?;
                    let linked = v > last + 1 || toks[last].colon;
                    let looks = |s: &str| {
                        s.chars()
                            .any(|c| c.is_ascii_digit() || c == '_' || c == '@')
                    };
                    let clear = linked || !value.is_string() || looks(&toks[v].text);
                    (last == i || clear).then_some((last, v, value, entity))
                });
            match found {
                Some((last, v, value, entity)) => {
                    let key: Vec<&str> = toks[i..=last].iter().map(|t| t.text.as_str()).collect();
                    values.insert(key.join("_"), value);
                    used.extend(entity);
                    i = v + 1;
                }
                None => i += 1,
            }
        }
    }

    /// The value after a key ending at token `last`: after a link word or
    /// a colon, any value; right after the key, only one that is not a
    /// plain word (`true`, `5`, `'pro'`).
    fn value_after(
        &self,
        doc: &Doc,
        words: &Words,
        last: usize,
    ) -> Option<(usize, Value, Option<usize>)> {
        let toks = &doc.tokens;
        let linked = toks
            .get(last + 1)
            .is_some_and(|n| words.link.contains(&n.lower));
        let v = last + 1 + usize::from(linked);
        let vt = toks.get(v)?;
        let entity = doc.entity_at(v);
        let value = match entity.map(|e| &doc.entities[e]) {
            Some(e) if matches!(e.kind, Kind::Quoted | Kind::Number) => e.value.clone(),
            // A Clerk ID is who it is for, not a value; an ID of a prefix
            // Clerk does not use (Stripe's `cus_123`) and a word that looks
            // like a role or an email are the value as typed.
            Some(e)
                if matches!(e.kind, Kind::Time | Kind::Json | Kind::Pair)
                    || (e.kind == Kind::Id && e.id.is_some()) =>
            {
                return None;
            }
            Some(_) => typed(&vt.text),
            None => {
                let val = typed(&vt.text);
                let small = words.connector.contains(&vt.lower) || words.stop.contains(&vt.lower);
                let open = linked || toks[last].colon;
                let looks = vt
                    .text
                    .chars()
                    .any(|c| c.is_ascii_digit() || c == '_' || c == '@');
                if val.is_string() && (small || !(open || looks)) {
                    return None;
                }
                val
            }
        };
        Some((v, value, entity))
    }

    /// The type from the request's words, keys and values.
    fn choose(&self, doc: &Doc, values: &Map<String, Value>) -> (MetaKind, String) {
        let said = |list: &[String]| {
            doc.tokens
                .iter()
                .find(|t| list.first().is_some_and(|w| *w == t.lower))
                .map(|t| t.lower.clone())
        };
        for (kind, list) in [
            (MetaKind::Unsafe, &self.unsafe_),
            (MetaKind::Private, &self.private),
            (MetaKind::Public, &self.public),
        ] {
            if said(list).is_some() {
                return (kind, format!("you asked for {} metadata", kind.name()));
            }
        }
        let mut texts: Vec<String> = doc.tokens.iter().map(|t| t.lower.clone()).collect();
        for (k, v) in values {
            texts.push(k.to_lowercase());
            if let Value::String(s) = v {
                texts.push(s.to_lowercase());
            }
        }
        for (kind, list) in [
            (MetaKind::Unsafe, &self.unsafe_),
            (MetaKind::Private, &self.private),
        ] {
            if let Some(hint) = list
                .iter()
                .skip(1)
                .find(|w| texts.iter().any(|t| t.contains(w.as_str())))
            {
                return (
                    kind,
                    format!(
                        "`{hint}` suggests {} data",
                        match kind {
                            MetaKind::Private => "server-only (billing, CRM or internal)",
                            _ => "client-writable",
                        }
                    ),
                );
            }
        }
        (
            MetaKind::Public,
            "plans, roles and flags are read by the frontend but must only be written by the server".into(),
        )
    }
}
