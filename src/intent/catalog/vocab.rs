//! What each operation is called, built from the spec itself: path
//! segments, `x-speakeasy-group` / `x-speakeasy-name-override`,
//! operationIds, tags and summaries, all through the lexicon, with a weight
//! per source (the last path segment says most). Also each operation's
//! fields (query parameters and top-level body properties), so a request's
//! "last name" can find `last_name`.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use crate::intent::read::doc::Words;
use crate::intent::read::lexicon::{self, Lexicon, camel_words};
use crate::spec::{JsonKind, Method, Operation, ParamIn, Spec};

/// Where a field goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Place {
    Path,
    Query,
    Body,
    /// A field of each item of an array body (the bulk operations).
    Item,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Field {
    pub name: String,
    pub place: Place,
    pub kind: JsonKind,
    /// For arrays: the kind of the items.
    pub item: JsonKind,
    pub required: bool,
    /// The name's terms (`last_name` -> `last`, `name`).
    pub terms: Vec<String>,
    /// Allowed values, as strings.
    pub enums: Vec<String>,
    /// A path parameter's description, as lower-case words ("the ID or
    /// slug of the organization"): what a value cued by a word may fill.
    pub about: Vec<String>,
    /// The ID prefixes its schema's pattern admits (`^mch_\w{27}$` ->
    /// `mch_`): the spec's own word on which IDs it takes.
    pub prefixes: Vec<String>,
    /// The schema's `format` (`date-time`, `date`...).
    pub format: Option<String>,
    /// The schema's numeric bounds, if any.
    pub range: (Option<f64>, Option<f64>),
    /// An object's properties, and whether each is required: where a bare
    /// value said for the object goes (`actor` -> `sub`).
    pub inner: Vec<(String, bool)>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct OpVocab {
    pub method: Method,
    pub path: String,
    pub label: String,
    pub operation_id: String,
    pub summary: String,
    pub deprecated: bool,
    /// The path ends with a literal segment (a collection or an action).
    pub collection: bool,
    /// Term -> weight: how strongly the operation is about the term.
    pub weights: HashMap<String, f32>,
    /// The terms of each literal path segment, in path order.
    pub segments: Vec<Vec<String>>,
    /// Path parameters, with the terms of the literal segment before each.
    pub params: Vec<(String, Vec<String>)>,
    pub fields: Vec<Field>,
    /// Lower-case `group.name` and operationId, to name it directly.
    pub names: Vec<String>,
    /// The operation's own verb when it is not plain get/list/create/
    /// update/delete (`ban`, `revoke`, `replace`, `bulk`...): a request
    /// that does not say it rarely means this operation.
    pub action: Option<String>,
    /// It destroys or cuts off something: a DELETE, or an action or last
    /// path segment of `destructive` in actions.txt.
    pub destructive: bool,
    /// Words that, typed, say this destructive action: the raw verb of its
    /// name (`disable` of disableMfa) and of its last segment (`ban`,
    /// `set_compromised`), and their terms when those are not plain verbs.
    pub evidence: Vec<String>,
    /// The terms of its description and its parameters' and top-level body
    /// fields' descriptions, in order (for the BM25 index of
    /// [`crate::intent::catalog::describe`]); only the build needs them.
    #[serde(skip)]
    pub described: Vec<String>,
}

impl OpVocab {
    pub fn field(&self, name: &str) -> Option<&Field> {
        self.fields.iter().find(|f| f.name == name)
    }
}

/// Weights by source: what the path says counts most.
const LAST_SEGMENT: f32 = 3.0;
const SEGMENT: f32 = 2.0;
const NAME: f32 = 2.0;
const OPERATION_ID: f32 = 1.5;
const TAG: f32 = 1.5;
const SUMMARY: f32 = 1.0;
const FIELD: f32 = 0.5;

pub fn build(spec: &Spec, lex: &Lexicon, words: &Words) -> Vec<OpVocab> {
    let mut out: Vec<OpVocab> = spec
        .operations
        .iter()
        .map(|op| op_vocab(spec, lex, words, op))
        .collect();
    // A path parameter one operation lists the values of has the same
    // values where another does not say (`template_type`: email, sms).
    let mut known: HashMap<String, Vec<String>> = HashMap::new();
    for f in out.iter().flat_map(|v| &v.fields) {
        if f.place == Place::Path && !f.enums.is_empty() {
            known
                .entry(f.name.clone())
                .or_insert_with(|| f.enums.clone());
        }
    }
    for f in out.iter_mut().flat_map(|v| &mut v.fields) {
        if f.place == Place::Path
            && f.enums.is_empty()
            && let Some(values) = known.get(&f.name)
        {
            f.enums = values.clone();
        }
    }
    out
}

fn op_vocab(spec: &Spec, lex: &Lexicon, words: &Words, op: &Operation) -> OpVocab {
    let stop = &words.stop;
    let mut weights: HashMap<String, f32> = HashMap::new();
    let mut add = |terms: Vec<String>, w: f32| {
        for t in terms {
            if stop.contains(&t) || t.chars().all(|c| c.is_ascii_digit()) {
                continue;
            }
            let e = weights.entry(t).or_insert(0.0);
            *e = e.max(w);
        }
    };
    let raw: Vec<&str> = op.path.split('/').filter(|s| !s.is_empty()).collect();
    let mut segments = Vec::new();
    let mut params = Vec::new();
    let mut before: Vec<String> = Vec::new();
    for seg in &raw {
        match seg.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
            Some(name) => params.push((name.to_string(), before.clone())),
            None => {
                before = lex.text_terms(seg);
                segments.push(before.clone());
            }
        }
    }
    let last_literal = segments.len().saturating_sub(1);
    for (i, terms) in segments.iter().enumerate() {
        add(
            terms.clone(),
            if i == last_literal {
                LAST_SEGMENT
            } else {
                SEGMENT
            },
        );
    }
    // A GET of a collection lists it, whatever its name says.
    let collection = raw.last().is_some_and(|s| !s.starts_with('{'));
    if op.method == Method::Get {
        let (main, other) = if collection {
            ("collection", "item")
        } else {
            ("item", "collection")
        };
        add(words.verbs(main).to_vec(), NAME);
        if collection {
            add(words.verbs(other).to_vec(), SUMMARY);
        }
    }
    // A GET's shape says whether it gets or lists (above); the verb its
    // name happens to use ("GetOrganizationMemberships" for a list) says
    // nothing more, and must not outweigh a list named "List...".
    let shape_verbs: Vec<String> = if op.method == Method::Get {
        [words.verbs("collection"), words.verbs("item")].concat()
    } else {
        Vec::new()
    };
    let name_terms = |s: &str| {
        lex.terms(&camel_words(s))
            .into_iter()
            .map(|t| t.text)
            .filter(|t| !shape_verbs.contains(t))
            .collect()
    };
    if let Some(n) = &op.name_override {
        add(name_terms(n), NAME);
    }
    add(name_terms(&op.operation_id), OPERATION_ID);
    for tag in &op.tags {
        add(lex.text_terms(tag), TAG);
    }
    add(lex.text_terms(&op.summary), SUMMARY);
    let verb_source = op.name_override.as_deref().unwrap_or(&op.operation_id);
    let action = lex
        .terms(&camel_words(verb_source))
        .into_iter()
        .next()
        .map(|t| t.text)
        .filter(|a| !words.verbs("plain").contains(a));
    let fields = fields(spec, lex, op);
    for f in &fields {
        add(f.terms.clone(), FIELD);
    }
    // A read is also about what it returns ("the phone number on user_1").
    if op.method == Method::Get {
        for name in returned(spec, op) {
            add(lex.text_terms(name), FIELD);
        }
    }
    let (destructive, evidence) = destruction(lex, words, op, raw.last(), action.as_deref());
    let mut described = lex.text_terms(&op.description);
    for p in &op.parameters {
        described.extend(lex.text_terms(&p.description));
    }
    if let Some(id) = op.request_body.as_ref().and_then(|b| b.schema) {
        for prop in spec.properties(id) {
            described.extend(lex.text_terms(&spec.schema(prop.schema).description));
        }
    }
    described.retain(|t| !stop.contains(t) && !t.chars().all(|c| c.is_ascii_digit()));
    let mut names = vec![op.operation_id.to_lowercase()];
    if let (Some(g), Some(n)) = (&op.group, &op.name_override) {
        names.push(format!("{g}.{n}").to_lowercase());
    }
    OpVocab {
        method: op.method,
        path: op.path.clone(),
        label: op.label(),
        operation_id: op.operation_id.clone(),
        summary: op.summary.clone(),
        deprecated: op.deprecated,
        collection,
        weights,
        segments,
        params,
        fields,
        names,
        action,
        destructive,
        evidence,
        described,
    }
}

/// Whether an operation destroys, and the words that say so.
fn destruction(
    lex: &Lexicon,
    words: &Words,
    op: &Operation,
    last: Option<&&str>,
    action: Option<&str>,
) -> (bool, Vec<String>) {
    let list = &words.destructive;
    let verb_source = op.name_override.as_deref().unwrap_or(&op.operation_id);
    let name_verb = camel_words(verb_source)
        .into_iter()
        .next()
        .unwrap_or_default();
    let segment = last
        .filter(|s| !s.starts_with('{'))
        .map(|s| s.to_lowercase());
    let mut evidence: Vec<String> = Vec::new();
    for raw in [Some(name_verb), segment].into_iter().flatten() {
        // The listed word itself says it (`remove` of remove_password, not
        // `password`; `set_compromised` whole).
        let Some(d) = list.iter().find(|d| {
            raw == **d
                || raw
                    .strip_prefix(d.as_str())
                    .is_some_and(|r| r.starts_with('_'))
        }) else {
            continue;
        };
        evidence.push(d.clone());
        let plain = words.verbs("plain");
        evidence.extend(
            lex.text_terms(d)
                .into_iter()
                .filter(|t| !plain.contains(t) || words.verbs("delete").contains(t)),
        );
    }
    let destructive = op.method == Method::Delete || !evidence.is_empty();
    // A destructive operation's own action says it ("cancel" a
    // subscription item is its DELETE).
    if destructive {
        evidence.extend(action.map(str::to_string));
    }
    evidence.sort();
    evidence.dedup();
    (destructive, evidence)
}

/// The top-level properties of what an operation returns on success (of
/// each item, for a list).
fn returned<'s>(spec: &'s Spec, op: &Operation) -> Vec<&'s str> {
    let Some(id) = op
        .responses
        .iter()
        .find(|r| r.status.starts_with('2'))
        .and_then(|r| r.schema)
    else {
        return Vec::new();
    };
    let id = match spec.schema(id).kind {
        crate::spec::SchemaKind::Array(items) => items,
        _ => id,
    };
    spec.properties(id).into_iter().map(|p| p.name).collect()
}

/// The ID prefixes a pattern anchors on: `^mch_\w{27}$` -> `mch_`,
/// `^(user|org)_\w+$` -> `user_`, `org_`. Anything else admits no prefix.
pub fn id_prefixes(pattern: Option<&str>) -> Vec<String> {
    let Some(rest) = pattern.and_then(|p| p.strip_prefix('^')) else {
        return Vec::new();
    };
    let word = |w: &str| {
        !w.is_empty()
            && w.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
    };
    let (names, after) = match rest.strip_prefix('(') {
        Some(group) => match group.split_once(')') {
            Some((names, after)) => (names.split('|').collect::<Vec<_>>(), after),
            None => return Vec::new(),
        },
        None => match rest.find('_') {
            Some(i) => (vec![&rest[..i]], &rest[i..]),
            None => return Vec::new(),
        },
    };
    if !after.starts_with('_') || !names.iter().all(|n| word(n)) {
        return Vec::new();
    }
    names.iter().map(|n| format!("{n}_")).collect()
}

fn range(spec: &Spec, id: crate::spec::SchemaId) -> (Option<f64>, Option<f64>) {
    let c = &spec.schema(id).constraints;
    (c.minimum, c.maximum)
}

impl Field {
    /// Whether a number is within the field's bounds.
    pub fn admits(&self, n: f64) -> bool {
        self.range.0.is_none_or(|min| n >= min) && self.range.1.is_none_or(|max| n <= max)
    }
}

fn fields(spec: &Spec, lex: &Lexicon, op: &Operation) -> Vec<Field> {
    let mut out = Vec::new();
    let enums = |id| -> Vec<String> {
        let mut s = spec.schema(id);
        if let crate::spec::SchemaKind::Array(items) = s.kind {
            s = spec.schema(items);
        }
        s.enum_values
            .iter()
            .map(|v| v.trim_matches('"').to_string())
            .collect()
    };
    let item_kind = |id| match spec.schema(id).kind {
        crate::spec::SchemaKind::Array(items) => spec.json_kind(items),
        _ => JsonKind::Any,
    };
    for p in &op.parameters {
        let place = match p.location {
            ParamIn::Path => Place::Path,
            ParamIn::Query => Place::Query,
            _ => continue,
        };
        out.push(Field {
            name: p.name.clone(),
            place,
            kind: spec.json_kind(p.schema),
            item: item_kind(p.schema),
            required: p.required,
            terms: lex.text_terms(&p.name),
            enums: enums(p.schema),
            about: if place == Place::Path {
                lexicon::words(&p.description)
            } else {
                Vec::new()
            },
            prefixes: id_prefixes(spec.schema(p.schema).constraints.pattern.as_deref()),
            format: spec.schema(p.schema).format.clone(),
            range: range(spec, p.schema),
            inner: Vec::new(),
        });
    }
    if let Some(id) = op.request_body.as_ref().and_then(|b| b.schema) {
        let (id, place) = match spec.schema(id).kind {
            crate::spec::SchemaKind::Array(items) => (items, Place::Item),
            _ => (id, Place::Body),
        };
        for prop in spec.properties(id) {
            if spec.schema(prop.schema).read_only {
                continue;
            }
            out.push(Field {
                name: prop.name.to_string(),
                place,
                kind: spec.json_kind(prop.schema),
                item: item_kind(prop.schema),
                required: prop.required,
                terms: lex.text_terms(prop.name),
                enums: enums(prop.schema),
                about: Vec::new(),
                prefixes: id_prefixes(spec.schema(prop.schema).constraints.pattern.as_deref()),
                format: spec.schema(prop.schema).format.clone(),
                range: range(spec, prop.schema),
                inner: spec
                    .properties(prop.schema)
                    .iter()
                    .map(|q| (q.name.to_string(), q.required))
                    .collect(),
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::id_prefixes;

    #[test]
    fn a_pattern_admits_the_id_prefixes_it_anchors_on() {
        assert_eq!(id_prefixes(Some(r"^mch_\w{27}$")), ["mch_"]);
        assert_eq!(
            id_prefixes(Some(r"^(user|org|mch|scim)_\w{27}$")),
            ["user_", "org_", "mch_", "scim_"]
        );
        for other in [
            None,
            Some(r"^\d+$"),
            Some(r"^[a-z]+_x$"),
            Some("mch_"),
            Some("^(a|B)_"),
        ] {
            assert!(id_prefixes(other).is_empty(), "{other:?}");
        }
    }
}
