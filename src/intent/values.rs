//! Values as fields want them: which fields a kind of value fills
//! (`grammar/fields.txt`), roles with their `org:` prefix, durations in the
//! field's unit, arrays wrapped, booleans switched by words, sort words.

use serde_json::Value;

use super::Router;
use super::doc::Doc;
use super::entities::{Entity, Kind};
use super::literal::typed;
use super::vocab::Field;
use crate::spec::JsonKind;

impl Router {
    /// The `grammar/fields.txt` key of an entity kind.
    pub(super) fn kind_key(kind: Kind) -> Option<&'static str> {
        Some(match kind {
            Kind::Email => "email",
            Kind::Phone => "phone",
            Kind::Url => "url",
            Kind::Domain => "domain",
            Kind::Role => "role",
            Kind::Quoted => "quoted",
            Kind::Username => "username",
            Kind::Number => "number",
            Kind::Duration => "duration",
            Kind::Date => "date",
            _ => return None,
        })
    }

    /// The fields a bare value of this kind fills, best first.
    pub(super) fn fields_for(&self, kind: Kind) -> &[String] {
        Self::kind_key(kind).map_or(&[], |k| self.fields_for_key(k))
    }

    /// Whether a term is a verb of some class (`verb.*` of words.txt).
    pub(super) fn is_verb(&self, term: &str) -> bool {
        self.words
            .verbs
            .iter()
            .any(|(_, list)| list.iter().any(|w| w == term))
    }

    /// Whether a field takes values of an entity's kind (`grammar/ids.txt`
    /// for IDs, `grammar/fields.txt` for the rest).
    pub(super) fn accepts(&self, field: &str, e: &Entity) -> bool {
        match e.id {
            Some(i) => self.grammar.ids[i].params.iter().any(|p| p == field),
            None => self.fields_for(e.kind).iter().any(|f| f == field),
        }
    }

    /// An entity's value as a field wants it: roles prefixed, durations in
    /// the field's unit.
    pub(super) fn value_for(&self, e: &Entity, field: &str) -> Value {
        match e.kind {
            Kind::Role => Value::from(self.ex.normalise_role(&e.text())),
            Kind::Duration => {
                let s = e.seconds.unwrap_or(0);
                let n = if field.contains("days") {
                    (s + 86_399) / 86_400
                } else if field.contains("minutes") {
                    (s + 59) / 60
                } else {
                    s
                };
                Value::from(n)
            }
            _ if field == "role" => Value::from(self.ex.normalise_role(&e.text())),
            _ => e.value.clone(),
        }
    }

    /// A value in the shape a field takes: arrays wrap, numbers and
    /// booleans typed.
    pub(super) fn shape(&self, field: &Field, value: Value) -> Value {
        match (field.kind, value) {
            (JsonKind::Array, v @ Value::Array(_)) => v,
            (JsonKind::Array, v) => Value::Array(vec![v]),
            (JsonKind::String, v @ (Value::Number(_) | Value::Bool(_))) => {
                Value::from(v.to_string())
            }
            (JsonKind::Integer | JsonKind::Number | JsonKind::Boolean, Value::String(s)) => {
                match typed(&s) {
                    v @ (Value::Number(_) | Value::Bool(_)) => v,
                    _ => Value::String(s),
                }
            }
            (_, v) => v,
        }
    }

    /// Whether words of the request turn something off ("disable", "not
    /// a", or a hyphenated prefix: "non-satellite").
    pub(super) fn polarity(&self, doc: &Doc) -> bool {
        let off = self.grammar.fields.list("false");
        let mut lower: Vec<&str> = Vec::new();
        for t in &doc.tokens {
            match t.lower.split_once('-') {
                Some((head, rest)) if !head.is_empty() && !rest.is_empty() => {
                    lower.extend([head, rest])
                }
                _ => lower.push(t.lower.as_str()),
            }
        }
        !off.iter().any(|phrase| {
            let words: Vec<&str> = phrase.split(' ').collect();
            lower.windows(words.len()).any(|w| w == words.as_slice())
        })
    }

    /// The sort the request's words ask for (`order.*` of fields.txt).
    pub(super) fn order(&self, doc: &Doc) -> Option<String> {
        let lower: Vec<&str> = doc.tokens.iter().map(|t| t.lower.as_str()).collect();
        self.order_in(&lower)
    }

    /// The first sort some lower-case words name ("oldest" -> `+created_at`).
    pub(super) fn order_in(&self, lower: &[&str]) -> Option<String> {
        self.orders.iter().find_map(|(value, phrases)| {
            phrases
                .iter()
                .any(|p| {
                    lower
                        .windows(p.len())
                        .any(|w| w.iter().zip(p).all(|(a, b)| a == b))
                })
                .then(|| value.clone())
        })
    }
}
