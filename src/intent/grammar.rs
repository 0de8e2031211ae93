//! The `grammar/` folder: word lists, synonyms, ID prefixes, rules, fast-path
//! templates, SDK templates and knowledge answers, embedded in the binary and
//! parsed once. The formats are documented in `grammar/README.md` and at the
//! top of each file; [`Grammar::problems`] checks them against a spec.

use crate::grammar::file;
use crate::spec::Method;

/// A grammar file that does not parse: which file, which line, what is wrong.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("grammar/{file} line {line}: {message}")]
pub struct GrammarError {
    pub file: String,
    pub line: usize,
    pub message: String,
}

fn error(file: &str, line: usize, message: impl Into<String>) -> GrammarError {
    GrammarError {
        file: file.to_string(),
        line,
        message: message.into(),
    }
}

/// `key = value` lines of one file, in order; a key may repeat.
#[derive(Debug, Clone, Default)]
pub struct Table {
    pub entries: Vec<Entry>,
}

#[derive(Debug, Clone)]
pub struct Entry {
    /// The `[section]` the line is in (empty before any).
    pub section: String,
    pub key: String,
    pub value: String,
    pub line: usize,
}

impl Table {
    fn parse(file: &str, text: &str) -> Result<Table, GrammarError> {
        let mut entries = Vec::new();
        let mut section = String::new();
        for (i, raw) in text.lines().enumerate() {
            let line = raw.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            if let Some(name) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
                section = name.trim().to_string();
                continue;
            }
            let Some((key, value)) = line.split_once(" = ") else {
                return Err(error(file, i + 1, "expected `key = value`"));
            };
            entries.push(Entry {
                section: section.clone(),
                key: key.trim().to_string(),
                value: value.trim().to_string(),
                line: i + 1,
            });
        }
        Ok(Table { entries })
    }

    /// Every comma-separated item of every line with this key, lower case.
    pub fn list(&self, key: &str) -> Vec<String> {
        self.entries
            .iter()
            .filter(|e| e.key == key)
            .flat_map(|e| split_list(&e.value))
            .collect()
    }

    /// The raw value of the first line with this key.
    pub fn text(&self, key: &str) -> Option<&str> {
        self.entries
            .iter()
            .find(|e| e.key == key)
            .map(|e| e.value.as_str())
    }

    /// `(suffix, items)` for every key `prefix.suffix`, in file order.
    pub fn family(&self, prefix: &str) -> Vec<(String, Vec<String>)> {
        let mut out: Vec<(String, Vec<String>)> = Vec::new();
        for e in &self.entries {
            let Some(rest) = e.key.strip_prefix(prefix).and_then(|r| r.strip_prefix('.')) else {
                continue;
            };
            let items = split_list(&e.value);
            match out.iter_mut().find(|(k, _)| k == rest) {
                Some((_, list)) => list.extend(items),
                None => out.push((rest.to_string(), items)),
            }
        }
        out
    }
}

fn split_list(value: &str) -> Vec<String> {
    value
        .split(", ")
        .map(|s| s.trim().trim_end_matches(',').to_lowercase())
        .filter(|s| !s.is_empty())
        .collect()
}

/// A Clerk ID prefix and what it fills.
#[derive(Debug, Clone, PartialEq)]
pub struct IdPrefix {
    pub prefix: String,
    pub object: String,
    pub params: Vec<String>,
}

/// The fast paths `decide::fastpath` builds: `grammar/fastpaths.txt` may define
/// these sections and no others (an unknown one is a grammar error at load,
/// not a silent fallback to generic routing).
pub const FAST_PATHS: &[&str] = &[
    "list-users",
    "get-user",
    "update-metadata",
    "delete-user",
    "create-organization",
    "create-organization-invite",
    "invite-member",
];

/// One fast path: its steps and notes.
#[derive(Debug, Clone, PartialEq)]
pub struct FastPathSpec {
    pub name: String,
    /// `(method, path, operation_id)` per step.
    pub ops: Vec<OpRef>,
    pub lookup: Option<OpRef>,
    pub read: Option<OpRef>,
    pub write: Option<OpRef>,
    pub bulk: Option<OpRef>,
    pub notes: Vec<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct OpRef {
    pub method: Method,
    pub path: String,
    pub operation_id: String,
}

impl OpRef {
    pub fn label(&self) -> String {
        format!("{} {}", self.method, self.path)
    }
}

/// A knowledge answer.
#[derive(Debug, Clone, PartialEq)]
pub struct Topic {
    pub title: String,
    pub when: Vec<String>,
    pub body: String,
}

/// Everything in `grammar/`, parsed. Rules are parsed later, against the
/// lexicon ([`super::catalog::rules`]), since their words go through the synonyms.
#[derive(Debug, Clone)]
pub struct Grammar {
    /// `(canonical, alternatives)` in file order: synonyms.txt, then the
    /// phrases of actions.txt (both normalise words the same way).
    pub synonyms: Vec<(String, Vec<String>)>,
    /// actions.txt: which actions destroy, and what a wish that something
    /// stop means.
    pub actions: Actions,
    pub words: Table,
    pub ids: Vec<IdPrefix>,
    pub roles: Table,
    pub time: Table,
    pub metadata: Table,
    pub fields: Table,
    /// `(line, text)` of each rule.
    pub rules: Vec<(usize, String)>,
    pub fastpaths: Vec<FastPathSpec>,
    /// `(METHOD /path, template)`.
    pub sdk: Vec<(String, String)>,
    pub knowledge: Vec<Topic>,
}

impl Grammar {
    /// Parses the embedded files.
    pub fn load() -> Result<Grammar, GrammarError> {
        let mut synonyms: Vec<(String, Vec<String>)> =
            Table::parse("synonyms.txt", file("synonyms.txt"))?
                .entries
                .into_iter()
                .map(|e| (e.key.to_lowercase(), split_list(&e.value)))
                .collect();
        let actions_table = Table::parse("actions.txt", file("actions.txt"))?;
        let actions = Actions::parse(&actions_table)?;
        synonyms.extend(actions.phrases.iter().cloned());
        one_meaning(&synonyms)?;
        let mut ids = Vec::new();
        for e in Table::parse("ids.txt", file("ids.txt"))?.entries {
            let Some((object, params)) = e.value.split_once(':') else {
                return Err(error(
                    "ids.txt",
                    e.line,
                    "expected `prefix = object: params`",
                ));
            };
            ids.push(IdPrefix {
                prefix: e.key.clone(),
                object: object.trim().to_string(),
                params: params.split(',').map(|p| p.trim().to_string()).collect(),
            });
        }
        let rules = file("rules.txt")
            .lines()
            .enumerate()
            .filter(|(_, l)| !l.trim().is_empty() && !l.trim_start().starts_with('#'))
            .map(|(i, l)| (i + 1, l.trim().to_string()))
            .collect();
        let sdk = Table::parse("sdk.txt", file("sdk.txt"))?
            .entries
            .into_iter()
            .map(|e| (e.key, e.value))
            .collect();
        Ok(Grammar {
            synonyms,
            actions,
            words: Table::parse("words.txt", file("words.txt"))?,
            ids,
            roles: Table::parse("roles.txt", file("roles.txt"))?,
            time: Table::parse("time.txt", file("time.txt"))?,
            metadata: Table::parse("metadata.txt", file("metadata.txt"))?,
            fields: Table::parse("fields.txt", file("fields.txt"))?,
            rules,
            fastpaths: fastpaths(file("fastpaths.txt"))?,
            sdk,
            knowledge: knowledge(file("knowledge.md"))?,
        })
    }

    /// The embedded grammar, parsed once per process.
    pub fn shared() -> Result<&'static Grammar, GrammarError> {
        static SHARED: std::sync::OnceLock<Result<Grammar, GrammarError>> =
            std::sync::OnceLock::new();
        SHARED
            .get_or_init(Grammar::load)
            .as_ref()
            .map_err(Clone::clone)
    }

    pub fn fastpath(&self, name: &str) -> Option<&FastPathSpec> {
        self.fastpaths.iter().find(|f| f.name == name)
    }

    pub fn id_prefix(&self, prefix: &str) -> Option<&IdPrefix> {
        self.ids.iter().find(|p| p.prefix == prefix)
    }
}

/// The action lexicon (`grammar/actions.txt`).
#[derive(Debug, Clone, Default)]
pub struct Actions {
    /// `(action, phrases)`, merged into the synonyms.
    pub phrases: Vec<(String, Vec<String>)>,
    /// Actions and last path segments (or their `name_` prefixes) that
    /// destroy or cut off something.
    pub destructive: Vec<String>,
    /// `(term, actions)`: a wish that `term` stop happening means these.
    pub flips: Vec<(String, Vec<String>)>,
}

impl Actions {
    fn parse(table: &Table) -> Result<Actions, GrammarError> {
        let mut out = Actions::default();
        for e in &table.entries {
            match e.key.as_str() {
                "destructive" => out.destructive.extend(split_list(&e.value)),
                k if k.starts_with("flip.") => {}
                k if k.contains('.') && k != "update name" => {
                    return Err(error("actions.txt", e.line, format!("unknown key `{k}`")));
                }
                k => out.phrases.push((k.to_lowercase(), split_list(&e.value))),
            }
        }
        out.flips = table.family("flip");
        Ok(out)
    }
}

/// A phrase may mean one thing only: the same alternative under two
/// canonical forms (in synonyms.txt or actions.txt) is a grammar error.
fn one_meaning(synonyms: &[(String, Vec<String>)]) -> Result<(), GrammarError> {
    let mut seen: std::collections::HashMap<&str, &str> = std::collections::HashMap::new();
    for (canonical, alternatives) in synonyms {
        for alt in alternatives {
            match seen.insert(alt.as_str(), canonical.as_str()) {
                Some(other) if other != canonical => {
                    return Err(error(
                        "actions.txt",
                        0,
                        format!("`{alt}` means both `{other}` and `{canonical}`"),
                    ));
                }
                _ => {}
            }
        }
    }
    Ok(())
}

/// Parses `METHOD /path OperationId`.
fn op_ref(file: &str, line: usize, text: &str) -> Result<OpRef, GrammarError> {
    let parts: Vec<&str> = text.split_whitespace().collect();
    match parts.as_slice() {
        [m, path, id] if path.starts_with('/') => Ok(OpRef {
            method: Method::parse(m)
                .ok_or_else(|| error(file, line, format!("`{m}` is not an HTTP method")))?,
            path: (*path).to_string(),
            operation_id: (*id).to_string(),
        }),
        _ => Err(error(file, line, "expected `METHOD /path OperationId`")),
    }
}

fn fastpaths(text: &str) -> Result<Vec<FastPathSpec>, GrammarError> {
    let name = "fastpaths.txt";
    let mut out: Vec<FastPathSpec> = Vec::new();
    for e in Table::parse(name, text)?.entries {
        if e.section.is_empty() {
            return Err(error(
                name,
                e.line,
                "a line before any `[fast-path]` section",
            ));
        }
        if out.last().is_none_or(|f| f.name != e.section) {
            if !FAST_PATHS.contains(&e.section.as_str()) {
                return Err(error(
                    name,
                    e.line,
                    format!(
                        "unknown fast path `[{}]`; the fast paths are {}",
                        e.section,
                        FAST_PATHS.join(", ")
                    ),
                ));
            }
            out.push(FastPathSpec {
                name: e.section.clone(),
                ops: Vec::new(),
                lookup: None,
                read: None,
                write: None,
                bulk: None,
                notes: Vec::new(),
            });
        }
        let f = out.last_mut().expect("pushed above");
        match e.key.as_str() {
            "op" => f.ops.push(op_ref(name, e.line, &e.value)?),
            "lookup" => f.lookup = Some(op_ref(name, e.line, &e.value)?),
            "read" => f.read = Some(op_ref(name, e.line, &e.value)?),
            "write" => f.write = Some(op_ref(name, e.line, &e.value)?),
            "bulk" => f.bulk = Some(op_ref(name, e.line, &e.value)?),
            "note" => f.notes.push(e.value.clone()),
            other => return Err(error(name, e.line, format!("unknown key `{other}`"))),
        }
    }
    if let Some(f) = out.iter().find(|f| f.ops.is_empty()) {
        return Err(error(name, 0, format!("[{}] has no `op`", f.name)));
    }
    Ok(out)
}

fn knowledge(text: &str) -> Result<Vec<Topic>, GrammarError> {
    let mut out: Vec<Topic> = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if let Some(title) = line.strip_prefix("## ") {
            out.push(Topic {
                title: title.trim().to_string(),
                when: Vec::new(),
                body: String::new(),
            });
        } else if let Some(topic) = out.last_mut() {
            match line.strip_prefix("when:") {
                Some(list) if topic.when.is_empty() => topic.when = split_list(list.trim()),
                _ => {
                    topic.body.push_str(line);
                    topic.body.push('\n');
                }
            }
            if topic.when.is_empty() && !line.starts_with("when:") {
                return Err(error(
                    "knowledge.md",
                    i + 1,
                    "a section must start with `when:`",
                ));
            }
        }
    }
    for t in &mut out {
        t.body = t.body.trim().to_string();
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_split_lists_and_families() {
        let t = Table::parse("x", "# c\n[s]\na = One, two\na = three\nb.x = y\nb.z = w\n").unwrap();
        assert_eq!(t.list("a"), ["one", "two", "three"]);
        assert_eq!(t.entries[0].section, "s");
        assert_eq!(
            t.family("b"),
            [
                ("x".into(), vec!["y".to_string()]),
                ("z".into(), vec!["w".into()])
            ]
        );
        assert!(Table::parse("x", "no equals sign").is_err());
    }

    #[test]
    fn embedded_grammar_loads() {
        let g = Grammar::load().unwrap();
        assert!(g.fastpath("list-users").is_some());
        // Every builder has its section, and an unknown section is refused.
        for kind in FAST_PATHS {
            assert!(g.fastpath(kind).is_some(), "{kind}");
        }
        let e = fastpaths("[ban-spammers]\nop = POST /users/{user_id}/ban BanUser\n").unwrap_err();
        assert!(
            e.to_string().contains("unknown fast path `[ban-spammers]`"),
            "{e}"
        );
        assert_eq!(g.id_prefix("user_").unwrap().params[0], "user_id");
        assert!(g.knowledge.iter().any(|t| t.title == "Rate limits"));
    }
}
