//! Step 1 of the pipeline: the secret key. From `CLERK_SECRET_KEY`, else the
//! nearest `.env.local` / `.env` walking up from the current directory (in
//! one directory `.env.local` wins, as in Next.js). There is deliberately no
//! flag: a key typed on a command line ends up in shell history.
//!
//! The key's text leaves this module only through [`SecretKey::expose`],
//! which the client calls to build the `Authorization` header, and through
//! [`SecretKey::redact`], which removes it from anything shown.

use std::path::{Path, PathBuf};

use super::env::Env;
use super::texts::text;

const VAR: &str = "CLERK_SECRET_KEY";

/// Which kind of Clerk instance a key targets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Instance {
    /// `sk_test_`.
    Development,
    /// `sk_live_`.
    Production,
}

impl Instance {
    pub fn as_str(self) -> &'static str {
        match self {
            Instance::Development => "development",
            Instance::Production => "production",
        }
    }
}

/// Where the key was found, for messages (never the key itself).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeySource {
    Env,
    File(PathBuf),
}

impl std::fmt::Display for KeySource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            KeySource::Env => f.write_str(VAR),
            KeySource::File(p) => write!(f, "{}", p.display()),
        }
    }
}

pub struct SecretKey {
    value: String,
    pub instance: Instance,
    pub source: KeySource,
}

impl std::fmt::Debug for SecretKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SecretKey")
            .field("value", &"[redacted]")
            .field("instance", &self.instance)
            .field("source", &self.source)
            .finish()
    }
}

impl SecretKey {
    /// The key's text, for the `Authorization` header only.
    pub fn expose(&self) -> &str {
        &self.value
    }

    /// `text` with the key replaced by `$CLERK_SECRET_KEY`.
    pub fn redact(&self, text: &str) -> String {
        redact_with(Some(&self.value), text)
    }
}

/// Removes `key` from text, and anything else shaped like a secret key, in
/// case a server or an error message echoes one back.
pub fn redact_with(key: Option<&str>, text: &str) -> String {
    let mut out = match key {
        Some(k) if !k.is_empty() => text.replace(k, "$CLERK_SECRET_KEY"),
        _ => text.to_string(),
    };
    for prefix in ["sk_test_", "sk_live_"] {
        let mut from = 0;
        while let Some(i) = out[from..].find(prefix).map(|i| i + from) {
            let end = out[i + prefix.len()..]
                .find(|c: char| !c.is_ascii_alphanumeric())
                .map_or(out.len(), |e| e + i + prefix.len());
            if end - i - prefix.len() >= 8 {
                out.replace_range(i..end, &format!("{prefix}[redacted]"));
            }
            from = i + prefix.len();
        }
    }
    out
}

/// Why no usable key was found; each message says what to do.
#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    #[error("{}", text("key.missing", &[]))]
    Missing,
    #[error("{}", text("key.publishable", &[("source", &.0.to_string())]))]
    Publishable(KeySource),
    #[error("{}", text("key.api_key", &[("source", &.0.to_string())]))]
    ApiKey(KeySource),
    #[error("{}", text("key.malformed", &[("source", &.0.to_string())]))]
    Malformed(KeySource),
}

/// Finds and checks the key.
pub fn discover(env: &Env) -> Result<SecretKey, KeyError> {
    if let Some(v) = env.get(VAR) {
        return check(v.trim(), KeySource::Env);
    }
    for dir in env.cwd.ancestors() {
        for name in [".env.local", ".env"] {
            let path = dir.join(name);
            if let Some(v) = read_dotenv(&path) {
                return check(&v, KeySource::File(path));
            }
        }
    }
    Err(KeyError::Missing)
}

fn check(value: &str, source: KeySource) -> Result<SecretKey, KeyError> {
    let instance = if value.starts_with("sk_test_") {
        Instance::Development
    } else if value.starts_with("sk_live_") {
        Instance::Production
    } else if value.starts_with("pk_test_") || value.starts_with("pk_live_") {
        return Err(KeyError::Publishable(source));
    } else if value.starts_with("ak_") {
        return Err(KeyError::ApiKey(source));
    } else {
        return Err(KeyError::Malformed(source));
    };
    let rest = &value[8..];
    if rest.is_empty() || !rest.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return Err(KeyError::Malformed(source));
    }
    Ok(SecretKey {
        value: value.to_string(),
        instance,
        source,
    })
}

/// `CLERK_SECRET_KEY` from a dotenv file: `KEY=value`, `export KEY=value`,
/// quoted or not, `#` comments.
fn read_dotenv(path: &Path) -> Option<String> {
    let text = std::fs::read_to_string(path).ok()?;
    dotenv_value(&text, VAR)
}

pub fn dotenv_value(text: &str, name: &str) -> Option<String> {
    let mut found = None;
    for line in text.lines() {
        let line = line.trim();
        let line = line.strip_prefix("export ").unwrap_or(line).trim_start();
        let Some((k, v)) = line.split_once('=') else {
            continue;
        };
        if k.trim() != name {
            continue;
        }
        let v = v.trim();
        let value = match v.chars().next() {
            Some(q @ ('"' | '\'')) => v[1..].split(q).next().unwrap_or(""),
            _ => v.split(" #").next().unwrap_or("").trim(),
        };
        // The last assignment wins, as in a shell.
        found = Some(value.to_string()).filter(|v| !v.is_empty());
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dotenv_lines() {
        let text = "# c\nexport CLERK_SECRET_KEY=\"sk_test_abc\"\nOTHER=1\n";
        assert_eq!(dotenv_value(text, VAR).as_deref(), Some("sk_test_abc"));
        assert_eq!(
            dotenv_value("CLERK_SECRET_KEY = sk_live_x # prod\n", VAR).as_deref(),
            Some("sk_live_x")
        );
        assert_eq!(dotenv_value("CLERK_SECRET_KEY_2=x", VAR), None);
        assert_eq!(dotenv_value("CLERK_SECRET_KEY=''", VAR), None);
    }

    #[test]
    fn key_kinds() {
        let env = |v: &str| Env::new("/nonexistent").with(VAR, v);
        let k = discover(&env("sk_live_abc123")).unwrap();
        assert_eq!(k.instance, Instance::Production);
        assert!(!format!("{k:?}").contains("abc123"));
        assert!(matches!(
            discover(&env("pk_test_abc")),
            Err(KeyError::Publishable(_))
        ));
        assert!(matches!(discover(&env("ak_abc")), Err(KeyError::ApiKey(_))));
        assert!(matches!(
            discover(&env("sk_test_")),
            Err(KeyError::Malformed(_))
        ));
        assert!(matches!(
            discover(&env("hello")),
            Err(KeyError::Malformed(_))
        ));
    }

    #[test]
    fn redaction() {
        let s = redact_with(Some("sk_test_SECRET123"), "Bearer sk_test_SECRET123 x");
        assert_eq!(s, "Bearer $CLERK_SECRET_KEY x");
        let s = redact_with(None, "key sk_live_ABCDEFGH1234, sk_test_x");
        assert_eq!(s, "key sk_live_[redacted], sk_test_x");
    }
}
