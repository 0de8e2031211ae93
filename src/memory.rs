//! What a REPL conversation has produced: the last user, organization,
//! invitation, session... shown or created, so "ban them" or "delete that
//! org" can use it. A one-shot command starts with an empty memory.

use serde_json::Value;

/// The most recent IDs by Clerk object type (`user`, `organization`,
/// `organization_invitation`, `session`...), newest last.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Memory {
    entries: Vec<(String, String)>,
    /// The rows of the last list shown, `(object, id)`: what "the first
    /// one" and "the last one" read.
    rows: Vec<(String, String)>,
}

/// Bounded so a long session does not grow without end.
const CAPACITY: usize = 64;
/// Rows of the last list kept for ordinal references (a page is at most 500).
const ROWS: usize = 500;

impl Memory {
    pub fn remember(&mut self, object: &str, id: &str) {
        // A server echoing a key inside an ID must not make it a value the
        // conversation reuses (and so prints and sends).
        if crate::redact::holds_secret(id, None) {
            return;
        }
        self.entries.retain(|(o, i)| !(o == object && i == id));
        self.entries.push((object.to_string(), id.to_string()));
        if self.entries.len() > CAPACITY {
            self.entries.remove(0);
        }
    }

    /// The last ID of an object type.
    pub fn last(&self, object: &str) -> Option<&str> {
        self.entries
            .iter()
            .rev()
            .find(|(o, _)| o == object)
            .map(|(_, i)| i.as_str())
    }

    /// The newest entry of any type: what a bare "it" or "that" means.
    pub fn newest(&self) -> Option<(&str, &str)> {
        self.entries.last().map(|(o, i)| (o.as_str(), i.as_str()))
    }

    /// The last ID whose prefix is `prefix` (`user_`, `org_`), whatever
    /// object carried it.
    pub fn last_with_prefix(&self, prefix: &str) -> Option<&str> {
        self.entries
            .iter()
            .rev()
            .find(|(_, i)| i.starts_with(prefix))
            .map(|(_, i)| i.as_str())
    }

    /// Row `n` (from 1) of the last list shown; `None` for `n = 0` means
    /// the last row.
    pub fn row(&self, n: Option<usize>) -> Option<(&str, &str)> {
        let i = match n {
            Some(n) => n.checked_sub(1)?,
            None => self.rows.len().checked_sub(1)?,
        };
        self.rows.get(i).map(|(o, id)| (o.as_str(), id.as_str()))
    }

    /// Keeps the rows of a list the user was shown (the latest table).
    pub fn observe_rows(&mut self, response: &Value) {
        let Some(items) = listed(response) else {
            return;
        };
        self.rows = items
            .iter()
            .take(ROWS)
            .filter_map(|v| {
                let object = v.get("object")?.as_str()?;
                let id = v.get("id")?.as_str()?;
                (!crate::redact::holds_secret(id, None))
                    .then(|| (object.to_string(), id.to_string()))
            })
            .collect();
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Remembers what a response shows: a single object, the one item of a
    /// one-item list, and the user and organization a membership names.
    pub fn observe(&mut self, response: &Value) {
        let single = match listed(response) {
            Some([one]) => one,
            Some(_) => return,
            None if response.is_object() => response,
            None => return,
        };
        if single.get("deleted").and_then(Value::as_bool) == Some(true) {
            return;
        }
        if let Some(org) = single.get("organization") {
            self.observe_object(org);
        }
        if let Some(user_id) = single
            .get("public_user_data")
            .and_then(|p| p.get("user_id"))
            .and_then(Value::as_str)
        {
            self.remember("user", user_id);
        }
        self.observe_object(single);
    }

    fn observe_object(&mut self, v: &Value) {
        if let (Some(object), Some(id)) = (
            v.get("object").and_then(Value::as_str),
            v.get("id").and_then(Value::as_str),
        ) {
            self.remember(object, id);
        }
    }
}

/// The items of a list response: a JSON array, or an object's `data` array.
fn listed(response: &Value) -> Option<&[Value]> {
    match response {
        Value::Array(items) => Some(items),
        Value::Object(map) => match map.get("data") {
            Some(Value::Array(items)) => Some(items),
            _ => None,
        },
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn remembers_single_objects_not_long_lists() {
        let mut m = Memory::default();
        m.observe(&json!({"object": "user", "id": "user_1"}));
        m.observe(&json!([{"object": "user", "id": "user_2"}, {"object": "user", "id": "user_3"}]));
        assert_eq!(m.last("user"), Some("user_1"));
        m.observe(
            &json!({"object": "organization_membership", "id": "orgmem_1",
            "organization": {"object": "organization", "id": "org_9"},
            "public_user_data": {"user_id": "user_7"}}),
        );
        assert_eq!(m.last("organization"), Some("org_9"));
        assert_eq!(m.last("user"), Some("user_7"));
        assert_eq!(m.last_with_prefix("org_"), Some("org_9"));
        m.observe(&json!({"object": "user", "id": "user_8", "deleted": true}));
        assert_eq!(m.last("user"), Some("user_7"));
        m.observe(&json!({"object": "user", "id": "user_sk_test_abc"}));
        assert_eq!(m.last("user"), Some("user_7"));
    }
}
