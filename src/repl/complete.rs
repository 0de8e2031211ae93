//! What Tab and the hint know: the REPL's slash commands, flags, methods,
//! tag names and the spec's paths. Pure: a line and a cursor in, candidates
//! out; [`super::helper`] plugs this into rustyline.

use super::slash::COMMANDS;
use crate::command::{self, FLAGS, Flag, Takes};
use crate::spec::{Method, Spec};

/// Words a command may start with besides methods and tags (see
/// `command::parse`).
const KEYWORDS: &[&str] = &["tags", "help"];

/// The words completion offers, taken once from the session's spec.
#[derive(Debug, Clone, Default)]
pub struct Vocabulary {
    tags: Vec<String>,
    /// Each operation's method and path segments (`["users", "{user_id}"]`).
    paths: Vec<(Method, Vec<String>)>,
    versions: Vec<String>,
}

/// Where the word under the cursor stands, which decides what it can be.
#[derive(Debug, PartialEq)]
enum Slot {
    /// The line's first word, starting with a slash: a REPL command or a path.
    Slash,
    FlagName,
    /// The value of the flag before it.
    FlagValue(String),
    /// The first word of a command: keyword, method, tag or path.
    First,
    /// The path after a method.
    Path(Option<Method>),
    /// After `METHOD /path` or `/path`: `help`.
    AfterEndpoint,
    /// A later word of a phrase: a tag name may have spaces, so the phrase
    /// from its first word (at this byte offset) is what gets completed.
    Phrase(usize),
}

impl Vocabulary {
    /// The vocabulary of a spec; without one, only commands and flags.
    pub fn new(spec: Option<&Spec>, versions: Vec<String>) -> Vocabulary {
        let Some(spec) = spec else {
            return Vocabulary {
                versions,
                ..Vocabulary::default()
            };
        };
        Vocabulary {
            tags: spec.tags.iter().map(|t| t.name.clone()).collect(),
            paths: spec
                .operations
                .iter()
                .map(|op| (op.method, segments(&op.path)))
                .collect(),
            versions,
        }
    }

    /// Whether a slash word names a path of the spec (`/users`, `/v1/jwks`),
    /// so that it is not taken for a mistyped REPL command.
    pub fn is_path_root(&self, word: &str) -> bool {
        let segs = segments(strip_v1(word));
        segs.first().is_some_and(|first| {
            self.paths
                .iter()
                .any(|(_, p)| p.first().is_some_and(|s| s.eq_ignore_ascii_case(first)))
        })
    }

    /// The byte offset where the word being completed starts, and what may
    /// replace it from there.
    pub fn complete(&self, line: &str, pos: usize) -> (usize, Vec<String>) {
        let Some(before) = line.get(..pos) else {
            return (pos, Vec::new());
        };
        let (start, current, slot) = locate(before);
        let mut out: Vec<String> = Vec::new();
        match slot {
            Slot::Slash => {
                out.extend(names(COMMANDS.iter().map(|(n, _)| *n), current));
                out.extend(self.path_candidates(None, current));
            }
            Slot::FlagName => {
                let all: Vec<String> = FLAGS.iter().flat_map(|f| f.names()).collect();
                out.extend(names(all.iter().map(String::as_str), current));
            }
            Slot::FlagValue(name) => {
                let values: Vec<&str> = match command::flag(&name) {
                    Some(f) if f.long == "--spec-version" => {
                        self.versions.iter().map(String::as_str).collect()
                    }
                    Some(Flag {
                        takes: Takes::Value { choices, .. },
                        ..
                    }) => choices.to_vec(),
                    _ => Vec::new(),
                };
                out.extend(names(values, current));
            }
            Slot::First => {
                out.extend(names(KEYWORDS.iter().copied(), current));
                let upper = current.chars().next().is_none_or(char::is_uppercase);
                out.extend(
                    names(Method::ALL.iter().map(|m| m.as_str()), current)
                        .into_iter()
                        .map(|m| if upper { m } else { m.to_ascii_lowercase() }),
                );
                out.extend(names(self.tags.iter().map(String::as_str), current));
                out.extend(self.path_candidates(None, current));
            }
            Slot::Path(method) => out.extend(self.path_candidates(method, current)),
            Slot::AfterEndpoint => out.extend(names(["help"], current)),
            Slot::Phrase(from) => {
                let phrase = &before[from..];
                return (from, names(self.tags.iter().map(String::as_str), phrase));
            }
        }
        let mut seen = std::collections::HashSet::new();
        out.retain(|c| seen.insert(c.clone()));
        (start, out)
    }

    /// The rest of the only REPL command or spec path the word at the end of
    /// the line can be, shown dimmed after the cursor.
    pub fn hint(&self, line: &str, pos: usize) -> Option<String> {
        if pos != line.len() || line.is_empty() {
            return None;
        }
        let (_, current, slot) = locate(line);
        let method = match slot {
            Slot::Slash => {
                let mut commands = names(COMMANDS.iter().map(|(n, _)| *n), current);
                commands.retain(|c| c.len() > current.len());
                let no_paths = self
                    .continuations(None, current)
                    .is_none_or(|c| c.found.is_empty());
                if let ([only], true) = (commands.as_slice(), no_paths) {
                    return Some(only[current.len()..].to_string());
                }
                None
            }
            Slot::First => None,
            Slot::Path(method) => method,
            _ => return None,
        };
        let Continuations {
            partial,
            level,
            found,
            ..
        } = self.continuations(method, current)?;
        let mut distinct = found;
        distinct.dedup();
        let [only] = distinct.as_slice() else {
            return None;
        };
        let mut rest = only[level][partial.len()..].to_string();
        for seg in &only[level + 1..] {
            rest.push('/');
            rest.push_str(seg);
        }
        Some(rest).filter(|r| !r.is_empty())
    }

    /// The next segment of every spec path a typed path can continue into.
    fn path_candidates(&self, method: Option<Method>, typed: &str) -> Vec<String> {
        let Some(c) = self.continuations(method, typed) else {
            return Vec::new();
        };
        let mut out: Vec<String> = c
            .found
            .iter()
            .map(|segs| format!("{}{}", c.head, segs[c.level]))
            .collect();
        out.sort();
        out.dedup();
        out
    }

    /// Where a typed path can go next. Where a typed segment matches a
    /// literal segment, paths with a template there drop out, as in
    /// `Spec::find_endpoint`.
    fn continuations<'t>(
        &self,
        method: Option<Method>,
        typed: &'t str,
    ) -> Option<Continuations<'t, '_>> {
        if !typed.starts_with('/') {
            return None;
        }
        let cut = typed.rfind('/')? + 1;
        let (head, partial) = typed.split_at(cut);
        let done = segments(strip_v1(head));
        let level = done.len();
        let mut found: Vec<&[String]> = self
            .paths
            .iter()
            .filter(|(m, segs)| method.is_none_or(|x| x == *m) && segs.len() > level)
            .map(|(_, segs)| segs.as_slice())
            .collect();
        for (i, typed_seg) in done.iter().enumerate() {
            let literal = |segs: &&[String]| segs[i].eq_ignore_ascii_case(typed_seg);
            if found.iter().any(literal) {
                found.retain(literal);
            } else {
                found.retain(|segs| is_template(&segs[i]));
            }
        }
        found.retain(|segs| {
            let next = &segs[level];
            let template_ok = !is_template(next) || partial.is_empty() || partial.starts_with('{');
            template_ok && starts_with_ignore_case(next, partial)
        });
        found.sort();
        Some(Continuations {
            head,
            partial,
            level,
            found,
        })
    }
}

/// The spec paths a partly typed path can continue into.
struct Continuations<'t, 'v> {
    /// The typed path up to its last slash.
    head: &'t str,
    /// The segment being typed after it.
    partial: &'t str,
    /// The index of that segment in the spec's paths.
    level: usize,
    /// The segments of each matching operation's path, sorted, so equal
    /// paths of different methods are neighbours.
    found: Vec<&'v [String]>,
}

/// Splits the text before the cursor into the word being typed (with its
/// start) and the slot it stands in.
fn locate(before: &str) -> (usize, &str, Slot) {
    let start = before
        .char_indices()
        .rev()
        .find(|(_, c)| c.is_whitespace())
        .map_or(0, |(i, c)| i + c.len_utf8());
    let current = &before[start..];
    let prev = words(&before[..start]);
    if let Some((_, last)) = prev.last()
        && takes_value(last)
    {
        return (start, current, Slot::FlagValue(last.to_ascii_lowercase()));
    }
    if current.starts_with('-') {
        return (start, current, Slot::FlagName);
    }
    if prev.is_empty() && current.starts_with('/') {
        return (start, current, Slot::Slash);
    }
    // The command's own words: without the `/clerk-backend-api` or `/help`
    // in front, and without flags and their values.
    let mut command: Vec<(usize, &str)> = Vec::new();
    let mut skip_value = false;
    for (i, (at, word)) in prev.iter().enumerate() {
        let lower = word.to_ascii_lowercase();
        if i == 0 && (lower == "/clerk-backend-api" || lower == "/help") {
            continue;
        }
        if std::mem::take(&mut skip_value) {
            continue;
        }
        if word.starts_with('-') && word.len() > 1 {
            skip_value = takes_value(word);
            continue;
        }
        command.push((*at, word));
    }
    let slot = match command.as_slice() {
        [] => Slot::First,
        [(_, m)] if Method::parse(m).is_some() => Slot::Path(Method::parse(m)),
        [(_, first), ..] if Method::parse(first).is_some() => Slot::AfterEndpoint,
        [(_, first)] if first.starts_with('/') => Slot::AfterEndpoint,
        [(at, _), ..] => Slot::Phrase(*at),
    };
    (start, current, slot)
}

/// Whitespace-separated words with their byte offsets.
fn words(text: &str) -> Vec<(usize, &str)> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, c) in text.char_indices() {
        match (c.is_whitespace(), start) {
            (true, Some(s)) => {
                out.push((s, &text[s..i]));
                start = None;
            }
            (false, None) => start = Some(i),
            _ => {}
        }
    }
    if let Some(s) = start {
        out.push((s, &text[s..]));
    }
    out
}

/// Whether a flag (`--output`, `--output=json` does not count) takes the
/// next word as its value.
fn takes_value(word: &str) -> bool {
    command::flag(word).is_some_and(Flag::takes_value)
}

/// The names that start with `typed`, ignoring ASCII case.
fn names<'a>(all: impl IntoIterator<Item = &'a str>, typed: &str) -> Vec<String> {
    all.into_iter()
        .filter(|n| starts_with_ignore_case(n, typed))
        .map(str::to_string)
        .collect()
}

/// `prefix` is a prefix of `s` up to ASCII case. Byte-wise, so slicing `s`
/// at `prefix.len()` afterwards is always on a character boundary.
fn starts_with_ignore_case(s: &str, prefix: &str) -> bool {
    s.len() >= prefix.len() && s.as_bytes()[..prefix.len()].eq_ignore_ascii_case(prefix.as_bytes())
}

fn segments(path: &str) -> Vec<String> {
    path.split('/')
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

/// `/v1/users` -> `/users`: the spec's paths are written without it.
fn strip_v1(path: &str) -> &str {
    if starts_with_ignore_case(path, "/v1/") {
        &path[3..]
    } else {
        path
    }
}

fn is_template(segment: &str) -> bool {
    segment.starts_with('{')
}

#[cfg(test)]
mod tests;
