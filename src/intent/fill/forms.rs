//! Values in the form their field takes: a word for one of a field's
//! allowed values spelled as the spec spells it ("okta" → `saml_okta`),
//! and a prefix a field's values carry (`prefix.oauth_ = provider` in
//! `grammar/fields.txt`: "google" → `oauth_google`).

use serde_json::Value;

use super::Filled;
use super::Filler;
use crate::intent::catalog::vocab::{Field, OpVocab};

pub fn normalize(r: &Filler, v: &OpVocab, f: &mut Filled) {
    let form = |name: &str, value: &mut Value| {
        if let (Some(field), Value::String(text)) = (v.field(name), value)
            && let Some(better) = spelled(r, field, text)
        {
            *text = better;
        }
    };
    for (name, value) in f.path.iter_mut().chain(f.query.iter_mut()) {
        form(name, value);
    }
    for (name, value) in f.body.iter_mut() {
        form(name, value);
    }
    for item in &mut f.items {
        for (name, value) in item.iter_mut() {
            form(name, value);
        }
    }
}

/// The spec's spelling of `text` for `field`, when it differs.
pub(super) fn spelled(r: &Filler, field: &Field, text: &str) -> Option<String> {
    let lower = text.to_lowercase();
    if !field.enums.is_empty() {
        if field.enums.iter().any(|e| e == text) {
            return None;
        }
        // The one allowed value that is the word under a prefix.
        let tail = format!("_{lower}");
        let mut fits = field
            .enums
            .iter()
            .filter(|e| e.to_lowercase().ends_with(&tail));
        return match (fits.next(), fits.next()) {
            (Some(one), None) => Some(one.clone()),
            _ => None,
        };
    }
    let prefix = r.tables.prefix_for(&field.name)?;
    (!lower.starts_with(prefix) && !lower.contains(char::is_whitespace))
        .then(|| format!("{prefix}{lower}"))
}
