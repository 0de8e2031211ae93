//! Step 1 of the pipeline: the secret key. From `CLERK_SECRET_KEY`, else the
//! nearest `.env.local` / `.env` walking up from the current directory (in
//! one directory `.env.local` wins, as in Next.js). There is deliberately no
//! flag: a key typed on a command line ends up in shell history.
//!
//! The key's text leaves this module only through [`SecretKey::expose`],
//! which the client calls to build the `Authorization` header, and through
//! [`SecretKey::redact`], which removes it from anything shown.

use std::path::{Path, PathBuf};

use super::texts::text;
use crate::env::Env;
use crate::redact::Redactor;

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
        self.redactor().redact(text)
    }

    /// What removes this key from everything shown.
    pub fn redactor(&self) -> Redactor {
        Redactor::new(Some(&self.value))
    }
}

/// Why no usable key was found; each message says what to do.
#[derive(Debug, Clone, thiserror::Error)]
pub enum KeyError {
    #[error("{}", text("key.missing", &[]))]
    Missing,
    #[error("{}", text("key.publishable", &[("source", &.0.to_string())]))]
    Publishable(KeySource),
    #[error("{}", text("key.api_key", &[("source", &.0.to_string())]))]
    ApiKey(KeySource),
    #[error("{}", text("key.malformed", &[("source", &.0.to_string())]))]
    Malformed(KeySource),
    /// The nearest `.env` file that may hold the key cannot be read; a
    /// parent folder's key is never used instead (it may be production's).
    #[error("{}", text("key.unreadable", &[("file", &.file.display().to_string()), ("reason", .reason)]))]
    Unreadable { file: PathBuf, reason: String },
}

/// Finds and checks the key: the variable, else the nearest `.env.local` /
/// `.env` that sets it. The search stops at the first file that mentions
/// the key, readable or not, so a broken file never lets a parent folder's
/// key (perhaps a production one) stand in for it.
pub fn discover(env: &Env) -> Result<SecretKey, KeyError> {
    if let Some(v) = env.get(VAR) {
        return check(v.trim(), KeySource::Env);
    }
    for dir in env.cwd.ancestors() {
        for name in [".env.local", ".env"] {
            let file = dir.join(name);
            match read_dotenv(&file) {
                Dotenv::Silent => continue,
                Dotenv::Sets(v) => return check(&v, KeySource::File(file)),
                Dotenv::Broken(reason) => return Err(KeyError::Unreadable { file, reason }),
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

/// What one `.env` file says about the key.
#[derive(Debug, PartialEq)]
enum Dotenv {
    /// No such file, or it does not mention the key outside comments.
    Silent,
    Sets(String),
    /// It mentions the key (or cannot be read to tell): why it is no use.
    Broken(String),
}

/// The largest `.env` file read; real ones are a few KiB.
const MAX_DOTENV: u64 = 1024 * 1024;

fn read_dotenv(path: &Path) -> Dotenv {
    let Ok(meta) = std::fs::metadata(path) else {
        return Dotenv::Silent;
    };
    if meta.is_dir() {
        return Dotenv::Silent;
    }
    if meta.len() > MAX_DOTENV {
        return Dotenv::Broken(format!("it is over {} KiB", MAX_DOTENV / 1024));
    }
    match std::fs::read(path) {
        Ok(bytes) => dotenv_bytes(&bytes, VAR),
        Err(e) => Dotenv::Broken(format!("it cannot be read: {}", e.kind())),
    }
}

/// Reads `name` from a dotenv file's bytes with dotenvy, the ecosystem's
/// parser, after the normalisations editors make necessary: a UTF-8 byte
/// order mark, and CR or CRLF line ends.
fn dotenv_bytes(bytes: &[u8], name: &str) -> Dotenv {
    if !bytes.windows(name.len()).any(|w| w == name.as_bytes()) {
        return Dotenv::Silent;
    }
    let text = match std::str::from_utf8(bytes) {
        Ok(t) => t,
        Err(e) => {
            return Dotenv::Broken(format!(
                "it is not UTF-8 text (byte {})",
                e.valid_up_to() + 1
            ));
        }
    };
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let text = text.replace("\r\n", "\n").replace('\r', "\n");
    let mentioned = text
        .lines()
        .any(|l| !l.trim_start().starts_with('#') && l.contains(name));
    if !mentioned {
        return Dotenv::Silent;
    }
    let mut found = None;
    for item in dotenvy::from_read_iter(text.as_bytes()) {
        match item {
            Ok((k, v)) if k == name => found = Some(v),
            Ok(_) => {}
            // dotenvy's message holds the line, which may hold the key:
            // only its number is said.
            Err(dotenvy::Error::LineParse(line, _)) => {
                if line.contains(name) || found.is_none() {
                    let number = text
                        .lines()
                        .position(|l| line.starts_with(l.trim_end()) && !l.trim().is_empty())
                        .map_or(String::new(), |n| format!(" {}", n + 1));
                    return Dotenv::Broken(format!(
                        "line{number} is not `NAME=value` as dotenv files write it"
                    ));
                }
            }
            Err(e) => return Dotenv::Broken(format!("it cannot be parsed ({e})")),
        }
    }
    match found {
        Some(v) if v.trim().is_empty() => Dotenv::Broken(format!("it sets {name} to nothing")),
        Some(v) => Dotenv::Sets(v.trim().to_string()),
        None => Dotenv::Broken(format!("it mentions {name} but does not set it")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sets(text: &str) -> Dotenv {
        dotenv_bytes(text.as_bytes(), VAR)
    }

    #[test]
    fn dotenv_lines() {
        let ok = |v: &str| Dotenv::Sets(v.to_string());
        assert_eq!(
            sets("# c\nexport CLERK_SECRET_KEY=\"sk_test_abc\"\nOTHER=1\n"),
            ok("sk_test_abc")
        );
        assert_eq!(sets("CLERK_SECRET_KEY=sk_live_x # prod\n"), ok("sk_live_x"));
        assert_eq!(
            sets("\u{feff}CLERK_SECRET_KEY=sk_test_bom\n"),
            ok("sk_test_bom")
        );
        assert_eq!(
            sets("export\tCLERK_SECRET_KEY=sk_test_tab\n"),
            ok("sk_test_tab")
        );
        assert_eq!(
            sets("A=1\rCLERK_SECRET_KEY=sk_test_cr\rB=2"),
            ok("sk_test_cr")
        );
        assert_eq!(
            sets("A=1\r\nCLERK_SECRET_KEY=sk_test_crlf\r\n"),
            ok("sk_test_crlf")
        );
        // The last assignment wins, as in a shell.
        assert_eq!(
            sets("CLERK_SECRET_KEY=sk_test_a\nCLERK_SECRET_KEY=sk_test_b\n"),
            ok("sk_test_b")
        );
        assert_eq!(
            sets("CLERK_SECRET_KEY_2=x"),
            Dotenv::Broken("it mentions CLERK_SECRET_KEY but does not set it".into())
        );
        assert_eq!(sets("# CLERK_SECRET_KEY=sk_test_old\nA=1"), Dotenv::Silent);
        assert_eq!(sets("A=1\n"), Dotenv::Silent);
    }

    #[test]
    fn broken_dotenv_files_stop_the_search() {
        for text in [
            "CLERK_SECRET_KEY: sk_test_yaml\n",
            "CLERK_SECRET_KEY=''\n",
            "CLERK_SECRET_KEY=\"sk_test_unclosed\n",
        ] {
            let got = sets(text);
            assert!(matches!(got, Dotenv::Broken(_)), "{text:?}: {got:?}");
            if let Dotenv::Broken(why) = got {
                assert!(!why.contains("sk_test"), "{why}");
            }
        }
        let got = dotenv_bytes(b"CLERK_SECRET_KEY=sk_test_\xff\n", VAR);
        assert!(matches!(got, Dotenv::Broken(w) if w.contains("UTF-8")));
    }

    #[test]
    fn a_broken_nearest_file_is_never_skipped_for_a_parent() {
        let root = std::env::temp_dir().join(format!("cba-dotenv-{}", std::process::id()));
        let child = root.join("app");
        std::fs::create_dir_all(&child).unwrap();
        std::fs::write(root.join(".env"), "CLERK_SECRET_KEY=sk_live_PARENT123\n").unwrap();
        std::fs::write(
            child.join(".env.local"),
            "\u{feff}CLERK_SECRET_KEY: sk_test_child\n",
        )
        .unwrap();
        let got = discover(&Env::new(&child));
        assert!(
            matches!(&got, Err(KeyError::Unreadable { file, .. }) if file.ends_with(".env.local"))
        );
        let message = got.err().map(|e| e.to_string()).unwrap_or_default();
        assert!(
            message.contains(".env.local") && !message.contains("PARENT"),
            "{message}"
        );
        std::fs::write(
            child.join(".env.local"),
            "\u{feff}CLERK_SECRET_KEY=sk_test_child1\n",
        )
        .unwrap();
        let k = discover(&Env::new(&child)).unwrap();
        assert_eq!(k.instance, Instance::Development);
        assert_eq!(k.source, KeySource::File(child.join(".env.local")));
        std::fs::remove_dir_all(&root).unwrap();
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
}
