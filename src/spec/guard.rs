//! A linear scan of a spec's text before the YAML parser sees it, refusing
//! shapes that no real spec has and that would make parsing take minutes or
//! gigabytes: an enormous file, flow collections nested thousands deep (the
//! parser's time grows with the depth before its own limit stops it), and
//! YAML aliases by the thousand (each expands its anchor's whole subtree;
//! Clerk's specs use none).
//!
//! [`parse`] then counts the nodes the parser builds, aliases expanded, so a
//! small file of nested aliases cannot grow into gigabytes.
//!
//! The scan reads YAML's surface only: quotes, comments, block scalars and
//! flow brackets. It is approximate where YAML is subtle, and errs towards
//! letting a file through; the parser's own limits (recursion 128, bounded
//! alias replays) stay behind it.

/// Far above Clerk's largest spec (about 740 KB).
pub const MAX_BYTES: usize = 32 * 1024 * 1024;
/// The parser refuses values nested deeper than 128 anyway.
pub const MAX_FLOW_DEPTH: usize = 128;
/// Aliases (`*name`) a file may use.
pub const MAX_ALIASES: usize = 1_000;

/// YAML nodes a spec may parse to, aliases expanded. Clerk's largest spec
/// has about 100,000; nested aliases (an anchor of aliases of anchors) could
/// otherwise expand a small file into gigabytes.
pub const MAX_NODES: usize = 5_000_000;

/// Parses YAML into a value, stopping once it passes [`MAX_NODES`] nodes.
pub fn parse(text: &str) -> Result<yaml_serde::Value, String> {
    NODES.with(|n| n.set(0));
    let parsed: Result<Bounded, _> = yaml_serde::from_str(text);
    match parsed {
        Ok(Bounded(v)) => Ok(v),
        Err(e) => Err(e.to_string()),
    }
}

thread_local! {
    static NODES: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

/// A YAML value whose deserialisation counts nodes against [`MAX_NODES`].
struct Bounded(yaml_serde::Value);

fn count<E: serde::de::Error>() -> Result<(), E> {
    NODES.with(|n| {
        let seen = n.get() + 1;
        n.set(seen);
        if seen > MAX_NODES {
            Err(E::custom(format!(
                "it expands to more than {MAX_NODES} YAML nodes (aliases of aliases?)"
            )))
        } else {
            Ok(())
        }
    })
}

impl<'de> serde::Deserialize<'de> for Bounded {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Bounded, D::Error> {
        d.deserialize_any(Visitor).map(Bounded)
    }
}

struct Visitor;

impl<'de> serde::de::Visitor<'de> for Visitor {
    type Value = yaml_serde::Value;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a YAML value")
    }

    fn visit_bool<E: serde::de::Error>(self, v: bool) -> Result<Self::Value, E> {
        count::<E>()?;
        Ok(yaml_serde::Value::Bool(v))
    }

    fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<Self::Value, E> {
        count::<E>()?;
        Ok(yaml_serde::Value::Number(v.into()))
    }

    fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Self::Value, E> {
        count::<E>()?;
        Ok(yaml_serde::Value::Number(v.into()))
    }

    fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<Self::Value, E> {
        count::<E>()?;
        Ok(yaml_serde::Value::Number(v.into()))
    }

    fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Self::Value, E> {
        count::<E>()?;
        Ok(yaml_serde::Value::String(v.to_string()))
    }

    fn visit_string<E: serde::de::Error>(self, v: String) -> Result<Self::Value, E> {
        count::<E>()?;
        Ok(yaml_serde::Value::String(v))
    }

    fn visit_unit<E: serde::de::Error>(self) -> Result<Self::Value, E> {
        count::<E>()?;
        Ok(yaml_serde::Value::Null)
    }

    fn visit_none<E: serde::de::Error>(self) -> Result<Self::Value, E> {
        self.visit_unit()
    }

    fn visit_some<D: serde::Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        <Bounded as serde::Deserialize>::deserialize(d).map(|b| b.0)
    }

    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        count::<A::Error>()?;
        let mut out = Vec::new();
        while let Some(Bounded(v)) = seq.next_element()? {
            out.push(v);
        }
        Ok(yaml_serde::Value::Sequence(out))
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        count::<A::Error>()?;
        let mut out = yaml_serde::Mapping::new();
        while let Some((Bounded(k), Bounded(v))) = map.next_entry()? {
            out.insert(k, v);
        }
        Ok(yaml_serde::Value::Mapping(out))
    }
}

/// `Err` says why the text is refused.
pub fn check(text: &str) -> Result<(), String> {
    if text.len() > MAX_BYTES {
        return Err(format!(
            "it is {} MiB, over the {} MiB a spec may be",
            text.len() / (1024 * 1024),
            MAX_BYTES / (1024 * 1024)
        ));
    }
    let mut scan = Scan::default();
    for line in text.lines() {
        scan.line(line)?;
    }
    Ok(())
}

#[derive(Default)]
struct Scan {
    /// Open flow collections (`[`, `{`).
    depth: usize,
    aliases: usize,
    /// Inside a block scalar (`|`, `>`) started at this indentation.
    block: Option<usize>,
}

impl Scan {
    fn line(&mut self, line: &str) -> Result<(), String> {
        let indent = line.len() - line.trim_start().len();
        if let Some(at) = self.block {
            if line.trim().is_empty() || indent > at {
                return Ok(());
            }
            self.block = None;
        }
        let mut quote: Option<char> = None;
        let mut prev = ' ';
        // Whether what came before on this line lets a value start here.
        let mut value_start = true;
        let chars: Vec<char> = line.chars().collect();
        let mut i = 0;
        while i < chars.len() {
            let c = chars[i];
            match quote {
                Some('\'') if c == '\'' => {
                    // `''` is an escaped quote inside single quotes.
                    if chars.get(i + 1) == Some(&'\'') {
                        i += 1;
                    } else {
                        quote = None;
                    }
                }
                Some('"') if c == '\\' => i += 1,
                Some('"') if c == '"' => quote = None,
                Some(_) => {}
                None => match c {
                    '#' if prev.is_whitespace() => break,
                    '\'' | '"' if value_start || self.depth > 0 => quote = Some(c),
                    '[' | '{' if value_start || self.depth > 0 => {
                        self.depth += 1;
                        if self.depth > MAX_FLOW_DEPTH {
                            return Err(format!(
                                "it nests flow collections more than {MAX_FLOW_DEPTH} deep"
                            ));
                        }
                    }
                    ']' | '}' if self.depth > 0 => self.depth -= 1,
                    '*' if (value_start || self.depth > 0) && is_name(chars.get(i + 1)) => {
                        self.aliases += 1;
                        if self.aliases > MAX_ALIASES {
                            return Err(format!("it uses more than {MAX_ALIASES} YAML aliases"));
                        }
                    }
                    '|' | '>' if value_start && self.depth == 0 => {
                        let rest: String = chars[i + 1..].iter().collect();
                        let rest = rest.split(" #").next().unwrap_or("").trim();
                        if rest.chars().all(|c| matches!(c, '-' | '+' | '0'..='9')) {
                            self.block = Some(indent);
                            return Ok(());
                        }
                    }
                    _ => {}
                },
            }
            if quote.is_none() && !c.is_whitespace() {
                // A value starts after `key: `, `- `, `[`, `{` or `,`; an
                // anchor (`&a `) or a tag (`!t `) keeps it starting.
                value_start = matches!(c, '[' | '{' | ',' | '-' | ':')
                    || (value_start && matches!(c, '&' | '!'));
                if matches!(c, '&' | '!') {
                    // Skip the anchor's or tag's name.
                    while i + 1 < chars.len() && !chars[i + 1].is_whitespace() {
                        i += 1;
                    }
                }
            }
            prev = c;
            i += 1;
        }
        Ok(())
    }
}

fn is_name(c: Option<&char>) -> bool {
    c.is_some_and(|c| c.is_alphanumeric() || matches!(c, '_' | '-'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ordinary_yaml_passes() {
        let text = "a: [1, [2, {b: c}]]\nd: \"[not [a [flow\"\ne: 'it''s [x'\nf: |\n  [[[[ prose\n  more [[[\ng: text with [brackets] and *stars* # [comment\nh: &anchor {x: 1}\ni: *anchor\n";
        assert!(check(text).is_ok());
    }

    #[test]
    fn parsing_is_bounded() {
        let v = parse("a: &a [1, 2]\nb: *a\n").unwrap();
        assert_eq!(v["b"][1].as_i64(), Some(2));
        // Nine levels of ten aliases: 10^9 nodes from a few hundred bytes
        // (and enough other lines that the parser's own limit, a hundred
        // replays per event, would let millions of nodes through).
        let mut text: String = (0..60_000).map(|i| format!("f{i}: 1\n")).collect();
        text.push_str("l0: &l0 [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 1..9 {
            let refs = vec![format!("*l{}", i - 1); 10].join(", ");
            text.push_str(&format!("l{i}: &l{i} [{refs}]\n"));
        }
        let err = parse(&text).unwrap_err();
        assert!(err.contains("more than"), "{err}");
    }

    #[test]
    fn hostile_shapes_are_refused() {
        let deep = format!("x: {}{}\n", "[".repeat(200), "]".repeat(200));
        assert!(check(&deep).unwrap_err().contains("nests"));
        let deep_lines = format!("x: \n{}", "  [\n".repeat(300));
        assert!(check(&deep_lines).is_err());
        let aliases = format!("a: &a {{x: 1}}\nb: [{}]\n", vec!["*a"; 1500].join(", "));
        assert!(check(&aliases).unwrap_err().contains("aliases"));
    }
}
