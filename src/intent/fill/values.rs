//! Values as fields want them: which fields a kind of value fills
//! (`grammar/fields.txt`), roles with their `org:` prefix, durations in the
//! field's unit, arrays wrapped, booleans switched by words, sort words.

use serde_json::Value;

use super::Filler;
use crate::intent::catalog::vocab::Field;
use crate::intent::read::doc::Doc;
use crate::intent::read::entities::{Entity, Kind};
use crate::intent::read::literal::typed;
use crate::spec::JsonKind;

/// The `grammar/fields.txt` key of an entity kind.
pub fn kind_key(kind: Kind) -> Option<&'static str> {
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

impl Filler<'_> {
    /// The fields a bare value of this kind fills, best first.
    pub fn fields_for(&self, kind: Kind) -> &[String] {
        kind_key(kind).map_or(&[], |k| self.tables.fields_for_key(k))
    }

    /// Whether a term is a verb of some class (`verb.*` of words.txt).
    pub fn is_verb(&self, term: &str) -> bool {
        self.read
            .words
            .verbs
            .iter()
            .any(|(_, list)| list.iter().any(|w| w == term))
    }

    /// Whether a field takes values of an entity's kind (`grammar/ids.txt`
    /// for IDs, `grammar/fields.txt` for the rest).
    pub fn accepts(&self, field: &str, e: &Entity) -> bool {
        match e.id {
            Some(i) => self.ids.params(i).iter().any(|p| p == field),
            None => self.fields_for(e.kind).iter().any(|f| f == field),
        }
    }

    /// An entity's value as a field wants it: roles prefixed, durations in
    /// the field's unit.
    pub fn value_for(&self, e: &Entity, field: &str) -> Value {
        match e.kind {
            Kind::Role => Value::from(self.read.ex.normalise_role(&e.text())),
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
            _ if field == "role" => Value::from(self.read.ex.normalise_role(&e.text())),
            _ => e.value.clone(),
        }
    }

    /// A value in the shape a field takes: arrays wrap, numbers and
    /// booleans typed.
    pub fn shape(&self, field: &Field, value: Value) -> Value {
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
    pub fn polarity(&self, doc: &Doc) -> bool {
        let mut lower: Vec<&str> = Vec::new();
        for t in &doc.tokens {
            match t.lower.split_once('-') {
                Some((head, rest)) if !head.is_empty() && !rest.is_empty() => {
                    lower.extend([head, rest])
                }
                _ => lower.push(t.lower.as_str()),
            }
        }
        !self.tables.off.iter().any(|phrase| {
            lower
                .windows(phrase.len())
                .any(|w| w.iter().zip(phrase).all(|(a, b)| a == b))
        })
    }

    /// The sort the request's words ask for (`order.*` of fields.txt).
    pub fn order(&self, doc: &Doc) -> Option<String> {
        let lower: Vec<&str> = doc.tokens.iter().map(|t| t.lower.as_str()).collect();
        self.order_in(&lower)
    }

    /// The first sort some lower-case words name ("oldest" -> `+created_at`).
    pub fn order_in(&self, lower: &[&str]) -> Option<String> {
        self.tables.orders.iter().find_map(|(value, phrases)| {
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
