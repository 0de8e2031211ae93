//! Finding things in a spec the way people type them: endpoints with `/v1`,
//! full URLs or concrete IDs, tags in any case, singular or misspelled.

use strsim::{jaro_winkler, normalized_levenshtein};

use super::model::{Method, Operation, Spec, Tag};

/// Longer input than this is not compared fuzzily (no tag or path is near
/// this long, and the comparisons are quadratic).
const MAX_FUZZY_LEN: usize = 200;

/// An endpoint found from what the user typed, with the path parameters the
/// typed path bound (`/users/user_123` binds `user_id = user_123`).
#[derive(Debug, Clone, PartialEq)]
pub struct EndpointMatch<'s> {
    pub op: &'s Operation,
    pub bindings: Vec<(String, String)>,
}

/// How a tag name resolved.
#[derive(Debug, Clone, PartialEq)]
pub enum TagMatch<'s> {
    Found(&'s Tag),
    /// Nothing close enough: the nearest tags, best first.
    Suggestions(Vec<&'s Tag>),
}

/// Splits what the user typed into path segments: drops a scheme and host,
/// a query string, the `/v1` prefix and empty segments.
pub fn path_segments(typed: &str) -> Vec<&str> {
    let mut rest = typed.trim();
    if let Some(i) = rest.find("://") {
        rest = &rest[i + 3..];
        rest = rest.find('/').map_or("", |j| &rest[j..]);
    }
    if let Some(i) = rest.find(['?', '#']) {
        rest = &rest[..i];
    }
    let mut segments: Vec<&str> = rest.split('/').filter(|s| !s.is_empty()).collect();
    if segments
        .first()
        .is_some_and(|s| s.eq_ignore_ascii_case("v1"))
    {
        segments.remove(0);
    }
    segments
}

fn is_template(segment: &str) -> bool {
    segment.starts_with('{') && segment.ends_with('}')
}

impl Spec {
    /// The operation for `method` whose template matches the typed path;
    /// where several match, the one with the most literal segments wins, so
    /// `/users/count` is not `/users/{user_id}`.
    pub fn find_endpoint(&self, method: Method, typed: &str) -> Option<EndpointMatch<'_>> {
        let typed = path_segments(typed);
        self.operations
            .iter()
            .filter(|op| op.method == method)
            .filter_map(|op| match_template(&op.path, &typed).map(|(lit, b)| (lit, op, b)))
            .max_by_key(|(literals, _, _)| *literals)
            .map(|(_, op, bindings)| EndpointMatch { op, bindings })
    }

    /// Methods the spec has for a typed path, for "exists, but not with
    /// that method" messages.
    pub fn methods_for(&self, typed: &str) -> Vec<Method> {
        let typed = path_segments(typed);
        let mut methods: Vec<Method> = self
            .operations
            .iter()
            .filter(|op| match_template(&op.path, &typed).is_some())
            .map(|op| op.method)
            .collect();
        methods.sort();
        methods.dedup();
        methods
    }

    /// The endpoints closest to a typed one, best first.
    pub fn closest_endpoints(
        &self,
        method: Option<Method>,
        typed: &str,
        n: usize,
    ) -> Vec<&Operation> {
        // Edit distance is quadratic: a pasted essay must not stall the REPL.
        let typed_norm: String = shape(&path_segments(typed))
            .chars()
            .take(MAX_FUZZY_LEN)
            .collect();
        let mut scored: Vec<(f64, &Operation)> = self
            .operations
            .iter()
            .map(|op| {
                let segs: Vec<&str> = op.path.split('/').filter(|s| !s.is_empty()).collect();
                let mut score = normalized_levenshtein(&typed_norm, &shape(&segs));
                if method.is_some_and(|m| m == op.method) {
                    score += 0.1;
                }
                (score, op)
            })
            .collect();
        scored.sort_by(|a, b| b.0.total_cmp(&a.0));
        scored.into_iter().take(n).map(|(_, op)| op).collect()
    }

    pub fn tag(&self, name: &str) -> Option<&Tag> {
        self.tags.iter().find(|t| t.name == name)
    }

    /// The operations of a tag, in spec order.
    pub fn tag_operations<'s>(&'s self, tag: &'s str) -> impl Iterator<Item = &'s Operation> + 's {
        self.operations
            .iter()
            .filter(move |op| op.tags.iter().any(|t| t == tag))
    }

    /// Finds a tag from a forgiving name: case, punctuation and spacing do
    /// not matter (`allow list`), nor does number (`user`), nor a small
    /// misspelling (`organisation`).
    pub fn find_tag(&self, typed: &str) -> TagMatch<'_> {
        let query = squash(typed);
        if query.is_empty() || query.len() > MAX_FUZZY_LEN {
            return TagMatch::Suggestions(Vec::new());
        }
        let forms = |tag: &Tag| -> Vec<String> {
            // The whole name, and each side of `Allow-list / Block-list`.
            let mut forms = vec![squash(&tag.name)];
            if tag.name.contains('/') {
                forms.extend(tag.name.split('/').map(squash));
            }
            forms
        };
        let plural = |q: &str, f: &str| {
            f == q || f == format!("{q}s") || f == format!("{q}es") || format!("{f}s") == q
        };
        for exact in [true, false] {
            let hits: Vec<&Tag> = self
                .tags
                .iter()
                .filter(|t| {
                    forms(t).iter().any(|f| {
                        if exact {
                            *f == query
                        } else {
                            plural(&query, f)
                        }
                    })
                })
                .collect();
            if hits.len() == 1 {
                return TagMatch::Found(hits[0]);
            }
        }
        let mut scored: Vec<(f64, &Tag)> = self
            .tags
            .iter()
            .map(|t| {
                let best = forms(t)
                    .iter()
                    .flat_map(|f| [f.clone(), f.trim_end_matches('s').to_string()])
                    .map(|f| jaro_winkler(&query, &f))
                    .fold(0.0, f64::max);
                (best, t)
            })
            .collect();
        scored.sort_by(|a, b| b.0.total_cmp(&a.0));
        let (best, runner_up) = (scored[0].0, scored.get(1).map_or(0.0, |s| s.0));
        if best >= 0.95 && best - runner_up >= 0.02 {
            return TagMatch::Found(scored[0].1);
        }
        TagMatch::Suggestions(
            scored
                .into_iter()
                .filter(|(s, _)| *s >= 0.7)
                .take(3)
                .map(|(_, t)| t)
                .collect(),
        )
    }
}

/// Matches typed segments against a template; returns the number of literal
/// segments matched and the parameter bindings.
fn match_template(template: &str, typed: &[&str]) -> Option<(usize, Vec<(String, String)>)> {
    let parts: Vec<&str> = template.split('/').filter(|s| !s.is_empty()).collect();
    if parts.len() != typed.len() {
        return None;
    }
    let mut literals = 0;
    let mut bindings = Vec::new();
    for (part, seg) in parts.iter().zip(typed) {
        if is_template(part) {
            // `{user_id}` typed as itself binds nothing: it will be asked for.
            if !is_template(seg) && !seg.starts_with(':') {
                bindings.push((part[1..part.len() - 1].to_string(), (*seg).to_string()));
            }
        } else if part.eq_ignore_ascii_case(seg) {
            literals += 1;
        } else {
            return None;
        }
    }
    Some((literals, bindings))
}

/// A path's shape for fuzzy comparison: parameters collapse to `{}`.
fn shape(segments: &[&str]) -> String {
    segments
        .iter()
        .map(|s| if is_template(s) { "{}" } else { s })
        .collect::<Vec<_>>()
        .join("/")
        .to_ascii_lowercase()
}

/// Lowercase letters and digits only: `Allow-list / Block-list` ->
/// `allowlistblocklist`.
pub fn squash(s: &str) -> String {
    s.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}
