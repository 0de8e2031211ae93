//! The `grammar/` folder, embedded in the binary: every file of it, by
//! name, in one place. Each file's owner parses it (`intent::grammar` the
//! routing files, `pipeline::texts` the warnings and what each DELETE
//! destroys, `client::limit` the request rates); `grammar/README.md`
//! documents every format, and a test checks that this list and the folder
//! agree.

/// The English word list: searched per request, never part of a cached
/// build.
pub const ENGLISH: &str = "english.txt";

/// Every embedded file: name and text.
const FILES: [(&str, &str); 17] = [
    ("synonyms.txt", include_str!("../grammar/synonyms.txt")),
    ("actions.txt", include_str!("../grammar/actions.txt")),
    ("words.txt", include_str!("../grammar/words.txt")),
    ("ids.txt", include_str!("../grammar/ids.txt")),
    ("roles.txt", include_str!("../grammar/roles.txt")),
    ("time.txt", include_str!("../grammar/time.txt")),
    ("metadata.txt", include_str!("../grammar/metadata.txt")),
    ("fields.txt", include_str!("../grammar/fields.txt")),
    ("rules.txt", include_str!("../grammar/rules.txt")),
    ("fastpaths.txt", include_str!("../grammar/fastpaths.txt")),
    ("sdk.txt", include_str!("../grammar/sdk.txt")),
    ("knowledge.md", include_str!("../grammar/knowledge.md")),
    ("pipeline.txt", include_str!("../grammar/pipeline.txt")),
    ("destroys.txt", include_str!("../grammar/destroys.txt")),
    (ENGLISH, include_str!("../grammar/english.txt")),
    (
        "rate_limits.txt",
        include_str!("../grammar/rate_limits.txt"),
    ),
    (
        "request_rates.txt",
        include_str!("../grammar/request_rates.txt"),
    ),
];

/// Every embedded file, `(name, text)`: what a cached build depends on.
pub fn files() -> &'static [(&'static str, &'static str)] {
    &FILES
}

/// The text of one file of `grammar/` (empty for a name that is none).
pub fn file(name: &str) -> &'static str {
    FILES
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, t)| *t)
        .unwrap_or("")
}
