//! A plan: the requests one command will send, in order, before anything is
//! sent. Building a plan is pure (no network); explicit endpoints, fast paths
//! and the natural-language router all produce one, and every plan goes
//! through the same pipeline.
//!
//! A step may take a value from an earlier step's response through a
//! [`Link`]: create an organization, then invite into its `id`; look a user
//! up by username, then act on the one user found; read a user's metadata,
//! then write it back merged (on spec versions without the merging endpoint).

pub mod check;
pub mod each;
pub mod explicit;
pub mod items;
pub mod links;
pub mod missing;
pub mod uploads;
pub mod values;

use serde::Serialize;
use serde_json::{Map, Value, json};

use crate::spec::Method;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Plan {
    /// The spec version the plan was made against.
    pub version: String,
    pub steps: Vec<Step>,
    /// How the plan was chosen (an explicit endpoint, a fast path, a rule or
    /// scores), shown by `help` after a routed request.
    pub reason: String,
    /// Things the user should know that are not warnings: which metadata
    /// type was chosen and why, that results are paginated...
    pub notes: Vec<String>,
    /// Other operations that nearly matched (`METHOD /path`), best first.
    pub alternatives: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Step {
    pub method: Method,
    /// The path template, e.g. `/users/{user_id}`.
    pub path: String,
    pub operation_id: String,
    /// Path parameters by name; a value may be missing (asked for later).
    pub path_params: Vec<(String, Value)>,
    /// Query parameters in order; an array value repeats the parameter.
    pub query: Vec<(String, Value)>,
    pub body: Option<Value>,
    /// Values filled from earlier steps' responses when this step runs.
    pub links: Vec<Link>,
    /// What the step does, in a few words ("Look up the user jane@acme.io").
    pub purpose: String,
    /// For lookups: the response (a JSON array, or an object with a `data`
    /// array) must hold exactly one item, otherwise the plan stops and says
    /// so. The text completes "No ..." and "More than one ...", e.g.
    /// `user matches username john_doe`. Several are listed; in the REPL the
    /// user picks one, and later links read the picked item as the only one
    /// (`/0/id`, `/data/0/id`).
    pub expect_one: Option<String>,
    /// Runs once per target instead of once ([`each`]); only the last step
    /// of a plan may fan out.
    pub each: Option<each::Each>,
    /// The body fields that are local files, sent as `multipart/form-data`
    /// ([`uploads`]); empty for a JSON body.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub uploads: Vec<String>,
}

/// Where a value goes in a step.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "in", content = "name", rename_all = "snake_case")]
pub enum Slot {
    Path(String),
    Query(String),
    /// A JSON pointer into the body, e.g. `/public_metadata`.
    Body(String),
}

/// A value a step takes from an earlier step's response.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Link {
    pub slot: Slot,
    /// Index of the earlier step.
    pub step: usize,
    /// JSON pointer into that step's response body (`/id`, `/0/id`).
    pub pointer: String,
    /// `true`: deep-merge the planned value over the response's value
    /// (existing keys survive); `false`: replace the slot with it.
    pub merge: bool,
}

impl Plan {
    /// A plan of `steps` for a spec version, chosen for `reason`.
    pub fn new(version: &str, steps: Vec<Step>, reason: &str) -> Plan {
        Plan {
            version: version.to_string(),
            steps,
            reason: reason.to_string(),
            notes: Vec::new(),
            alternatives: Vec::new(),
        }
    }

    /// Whether any step changes state on the server.
    pub fn writes(&self) -> bool {
        self.steps.iter().any(|s| s.method.is_write())
    }

    /// Refuses path values that would change which resource a URL names
    /// (see [`Step::check_path_values`]), for every step.
    pub fn check_path_values(&self) -> Result<(), String> {
        self.steps.iter().try_for_each(Step::check_path_values)
    }

    /// The first DELETE step, if any.
    pub fn delete_step(&self) -> Option<&Step> {
        self.steps.iter().find(|s| s.method == Method::Delete)
    }
}

impl Link {
    /// Fills `slot` with the value at `pointer` in step `step`'s response.
    pub fn to(slot: Slot, step: usize, pointer: &str) -> Link {
        Link {
            slot,
            step,
            pointer: pointer.to_string(),
            merge: false,
        }
    }

    /// Like [`Link::to`], deep-merging the planned value over the response's.
    pub fn merged(slot: Slot, step: usize, pointer: &str) -> Link {
        Link {
            merge: true,
            ..Link::to(slot, step, pointer)
        }
    }
}

impl Step {
    pub fn new(method: Method, path: &str, operation_id: &str) -> Step {
        Step {
            method,
            path: path.to_string(),
            operation_id: operation_id.to_string(),
            path_params: Vec::new(),
            query: Vec::new(),
            body: None,
            links: Vec::new(),
            purpose: String::new(),
            expect_one: None,
            each: None,
            uploads: Vec::new(),
        }
    }

    pub fn label(&self) -> String {
        format!("{} {}", self.method, self.path)
    }

    /// An empty value, `.` or `..` in a path parameter would not name a
    /// resource: URL parsers drop or climb dot segments, so
    /// `DELETE /users/user_1/passkeys/..` would reach `/users/user_1/`.
    /// Percent-encoding cannot help (`%2E%2E` is a dot segment too), so such
    /// values are refused. Every other character is percent-encoded.
    pub fn check_path_values(&self) -> Result<(), String> {
        for (name, value) in &self.path_params {
            let text = match value {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            if matches!(text.trim(), "" | "." | "..") {
                return Err(format!(
                    "`{text}` cannot be the {name} of {}: an empty, `.` or `..` path value \
                     would send the request to another resource; give the ID itself",
                    self.label()
                ));
            }
        }
        Ok(())
    }

    pub fn path_param(&self, name: &str) -> Option<&Value> {
        self.path_params
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v)
    }

    /// The path with known parameters filled in (percent-encoded) and the
    /// others left as `{name}`; a linked parameter shows as `{step N/id}`.
    pub fn concrete_path(&self) -> String {
        let out = self.path_with(
            |l| format!("{{step {}{}}}", l.step + 1, l.pointer),
            |template| template.to_string(),
        );
        if out.is_empty() { "/".into() } else { out }
    }

    /// The path with known parameters filled in (percent-encoded); `linked`
    /// writes a parameter taken from an earlier step, `missing` one that is
    /// neither given nor linked (it receives the `{name}` segment). Every
    /// rendering of a step's path (display, dry run, curl) goes through here.
    pub fn path_with(
        &self,
        linked: impl Fn(&Link) -> String,
        missing: impl Fn(&str) -> String,
    ) -> String {
        let mut out = String::new();
        for seg in self.path.split('/').filter(|s| !s.is_empty()) {
            out.push('/');
            match seg.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
                Some(name) => match self.path_param(name) {
                    Some(Value::String(s)) => out.push_str(&encode_segment(s)),
                    Some(v) => out.push_str(&encode_segment(&v.to_string())),
                    None => match self
                        .links
                        .iter()
                        .find(|l| l.slot == Slot::Path(name.to_string()))
                    {
                        Some(l) => out.push_str(&linked(l)),
                        None => out.push_str(&missing(seg)),
                    },
                },
                None => out.push_str(seg),
            }
        }
        out
    }

    /// [`Step::query_string`] followed by the query parameters taken from
    /// earlier steps, each written `name=` + `linked(link)`.
    pub fn query_with(&self, linked: impl Fn(&Link) -> String) -> String {
        let mut query = self.query_string();
        for l in &self.links {
            if let Slot::Query(name) = &l.slot {
                if !query.is_empty() {
                    query.push('&');
                }
                query.push_str(&format!("{}={}", encode_query(name), linked(l)));
            }
        }
        query
    }

    /// The query string (without `?`), parameters in order, arrays repeated.
    pub fn query_string(&self) -> String {
        let mut parts = Vec::new();
        for (name, value) in &self.query {
            let values: Vec<&Value> = match value {
                Value::Array(items) => items.iter().collect(),
                v => vec![v],
            };
            for v in values {
                let text = match v {
                    Value::String(s) => s.clone(),
                    other => other.to_string(),
                };
                parts.push(format!("{}={}", encode_query(name), encode_query(&text)));
            }
        }
        parts.join("&")
    }

    /// The step as `--dry-run --output json` prints it.
    pub fn to_json(&self) -> Value {
        let mut path_params = Map::new();
        for (n, v) in &self.path_params {
            path_params.insert(n.clone(), v.clone());
        }
        let mut query = Map::new();
        for (n, v) in &self.query {
            query.insert(n.clone(), v.clone());
        }
        let mut out = json!({
            "method": self.method.as_str(),
            "path": self.path,
            "operation_id": self.operation_id,
            "path_params": path_params,
            "query": query,
            "body": self.body,
            "links": self.links,
            "purpose": self.purpose,
            "expect_one": self.expect_one,
        });
        // Only a fan-out step says so: other steps' JSON is unchanged.
        if let Some(each) = &self.each {
            out["each"] = serde_json::to_value(each).unwrap_or_default();
        }
        out
    }
}

/// Percent-encodes a path segment (RFC 3986 unreserved characters pass).
pub fn encode_segment(s: &str) -> String {
    encode(s, |b| b.is_ascii_alphanumeric() || b"-._~".contains(&b))
}

/// Percent-encodes a query component; `:`, `@`, `,` and `+`-free.
pub fn encode_query(s: &str) -> String {
    encode(s, |b| b.is_ascii_alphanumeric() || b"-._~:@,".contains(&b))
}

fn encode(s: &str, keep: impl Fn(u8) -> bool) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if keep(b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Deep-merges `patch` over `base`: objects merge key by key, anything else
/// replaces. This is what `PATCH /users/{id}/metadata` does server-side,
/// and what a read-merge-write does client-side on older spec versions.
pub fn deep_merge(base: &Value, patch: &Value) -> Value {
    match (base, patch) {
        (Value::Object(b), Value::Object(p)) => {
            let mut out = b.clone();
            for (k, v) in p {
                let merged = match out.get(k) {
                    Some(existing) => deep_merge(existing, v),
                    None => v.clone(),
                };
                out.insert(k.clone(), merged);
            }
            Value::Object(out)
        }
        (_, p) => p.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_and_queries_are_encoded() {
        let mut s = Step::new(Method::Get, "/users/{user_id}/x", "X");
        s.path_params.push(("user_id".into(), json!("a b/c")));
        s.query
            .push(("email_address".into(), json!(["a+b@x.io", "c@d.io"])));
        s.query.push(("limit".into(), json!(10)));
        assert_eq!(s.concrete_path(), "/users/a%20b%2Fc/x");
        assert_eq!(
            s.query_string(),
            "email_address=a%2Bb@x.io&email_address=c@d.io&limit=10"
        );
    }

    #[test]
    fn dot_segments_are_refused_in_path_values() {
        for bad in ["..", ".", "", " .. "] {
            let mut s = Step::new(
                Method::Delete,
                "/users/{user_id}/passkeys/{passkey_id}",
                "X",
            );
            s.path_params.push(("user_id".into(), json!("user_1")));
            s.path_params.push(("passkey_id".into(), json!(bad)));
            assert!(s.check_path_values().is_err(), "{bad:?}");
        }
        let mut s = Step::new(Method::Get, "/users/{user_id}", "X");
        s.path_params.push(("user_id".into(), json!("a..b/%2e?#")));
        assert!(s.check_path_values().is_ok());
        assert_eq!(s.concrete_path(), "/users/a..b%2F%252e%3F%23");
    }

    #[test]
    fn linked_params_show_their_source() {
        let mut s = Step::new(
            Method::Post,
            "/organizations/{organization_id}/invitations",
            "X",
        );
        s.links.push(Link {
            slot: Slot::Path("organization_id".into()),
            step: 0,
            pointer: "/id".into(),
            merge: false,
        });
        assert_eq!(s.concrete_path(), "/organizations/{step 1/id}/invitations");
    }

    #[test]
    fn deep_merge_keeps_existing_keys() {
        let base = json!({"role": "admin", "flags": {"a": 1}});
        let patch = json!({"plan": "pro", "flags": {"b": 2}});
        assert_eq!(
            deep_merge(&base, &patch),
            json!({"role": "admin", "flags": {"a": 1, "b": 2}, "plan": "pro"})
        );
    }
}
