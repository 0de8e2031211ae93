//! A console that removes the secret key from everything it shows, and the
//! same for a finished command's view and error: the key never reaches
//! stdout or stderr, whatever a server or an error message echoes back.

use serde_json::Value;

use crate::app::AppError;
use crate::console::Console;
use crate::pipeline::SecretKey;
use crate::pipeline::key::redact_with;
use crate::render::{Style, View};

pub struct Redacting<'a> {
    inner: &'a mut dyn Console,
    key: Option<&'a SecretKey>,
}

impl<'a> Redacting<'a> {
    pub fn new(inner: &'a mut dyn Console, key: Option<&'a SecretKey>) -> Redacting<'a> {
        Redacting { inner, key }
    }
}

pub fn text(key: Option<&SecretKey>, s: &str) -> String {
    match key {
        Some(k) => k.redact(s),
        None => redact_with(None, s),
    }
}

/// Every string of a JSON document, redacted.
pub fn json(key: Option<&SecretKey>, v: &Value) -> Value {
    match v {
        Value::String(s) => Value::String(text(key, s)),
        Value::Array(items) => Value::Array(items.iter().map(|i| json(key, i)).collect()),
        Value::Object(map) => Value::Object(
            map.iter()
                .map(|(k, v)| (text(key, k), json(key, v)))
                .collect(),
        ),
        other => other.clone(),
    }
}

pub fn view(key: Option<&SecretKey>, v: View) -> View {
    View {
        text: text(key, &v.text),
        json: json(key, &v.json),
        picks: v.picks.iter().map(|p| text(key, p)).collect(),
    }
}

pub fn error(key: Option<&SecretKey>, e: AppError) -> AppError {
    match e {
        AppError::Usage(m) => AppError::Usage(text(key, &m)),
        AppError::NotFound(m) => AppError::NotFound(text(key, &m)),
        AppError::Failed(m) => AppError::Failed(text(key, &m)),
        other => other,
    }
}

impl Console for Redacting<'_> {
    fn print(&mut self, s: &str) {
        let s = text(self.key, s);
        self.inner.print(&s);
    }

    fn note(&mut self, s: &str) {
        let s = text(self.key, s);
        self.inner.note(&s);
    }

    fn out_style(&self) -> Style {
        self.inner.out_style()
    }

    fn err_style(&self) -> Style {
        self.inner.err_style()
    }

    fn interactive(&self) -> bool {
        self.inner.interactive()
    }

    fn ask(&mut self, prompt: &str) -> Option<String> {
        let p = text(self.key, prompt);
        self.inner.ask(&p)
    }
}
