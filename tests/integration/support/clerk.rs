//! A stand-in for Clerk's Backend API with state, for the bulk and journal
//! tests: users (list with limit/offset, get, delete, ban/unban,
//! lock/unlock, metadata merged as Clerk merges it, PATCH replacing
//! fields), the allow-list, and a rate limit enforced as Clerk's is (at
//! most N requests in any window, else HTTP 429 with `Retry-After`). It
//! counts every write per target, so a test can prove that no target was
//! written twice.

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::{Map, Value, json};
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

#[derive(Default)]
pub struct State {
    pub users: BTreeMap<String, Value>,
    pub allowlist: BTreeMap<String, Value>,
    /// `METHOD path` → how many times it was written.
    pub writes: HashMap<String, u32>,
    pub requests: u64,
    pub rejected_429: u64,
    /// When each request arrived, and whether it got a 429.
    pub arrivals: Vec<(Instant, bool)>,
    /// After this many requests, every request is refused with 429 for
    /// this long (an overloaded moment, whatever the client's pace).
    throttle: Option<(u64, Duration)>,
    throttled_from: Option<Instant>,
    window: VecDeque<Instant>,
    limit: Option<(usize, Duration)>,
    next_id: u64,
}

#[derive(Clone)]
pub struct FakeClerk {
    pub state: Arc<Mutex<State>>,
}

pub struct Running {
    pub server: MockServer,
    pub clerk: FakeClerk,
}

impl Running {
    pub fn uri(&self) -> String {
        self.server.uri()
    }

    pub fn state(&self) -> std::sync::MutexGuard<'_, State> {
        self.clerk.state.lock().unwrap()
    }

    /// From request `after` on, refuse everything for `span` with 429.
    pub fn throttle(&self, after: u64, span: Duration) {
        self.state().throttle = Some((after, span));
    }
}

fn too_many(left: Duration) -> ResponseTemplate {
    let secs = left.as_secs_f64().ceil().max(1.0) as u64;
    ResponseTemplate::new(429)
        .insert_header("Retry-After", secs.to_string().as_str())
        .set_body_json(
            json!({"errors": [{"code": "too_many_requests", "message": "Too many requests"}]}),
        )
}

/// A user as Clerk returns one.
pub fn user(id: &str, email: &str) -> Value {
    json!({
        "object": "user", "id": id, "username": null, "first_name": "Test", "last_name": id,
        "email_addresses": [{"id": format!("idn_{id}"), "object": "email_address", "email_address": email}],
        "primary_email_address_id": format!("idn_{id}"),
        "public_metadata": {}, "private_metadata": {}, "unsafe_metadata": {},
        "banned": false, "locked": false, "created_at": 1_700_000_000_000i64, "last_sign_in_at": null,
    })
}

/// Starts the server with `users` and, if given, a rate limit.
pub async fn start(users: Vec<Value>, limit: Option<(usize, Duration)>) -> Running {
    let mut state = State {
        limit,
        ..State::default()
    };
    for u in users {
        let id = u["id"].as_str().unwrap().to_string();
        state.users.insert(id, u);
    }
    let clerk = FakeClerk {
        state: Arc::new(Mutex::new(state)),
    };
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(clerk.clone())
        .mount(&server)
        .await;
    Running { server, clerk }
}

fn not_found() -> ResponseTemplate {
    ResponseTemplate::new(404).set_body_json(json!({"errors": [{"code": "resource_not_found",
        "message": "not found", "long_message": "Resource not found"}], "clerk_trace_id": "t1"}))
}

/// Merges as Clerk's metadata endpoints do: objects key by key, null
/// removes a key.
pub fn merge(base: &Value, patch: &Value) -> Value {
    match (base, patch) {
        (Value::Object(b), Value::Object(p)) => {
            let mut out = b.clone();
            for (k, v) in p {
                if v.is_null() {
                    out.remove(k);
                } else {
                    let merged = merge(out.get(k).unwrap_or(&Value::Null), v);
                    out.insert(k.clone(), merged);
                }
            }
            Value::Object(out)
        }
        (_, p) => p.clone(),
    }
}

impl Respond for FakeClerk {
    fn respond(&self, req: &Request) -> ResponseTemplate {
        let mut s = self.state.lock().unwrap();
        s.requests += 1;
        let now = Instant::now();
        if let Some((after, span)) = s.throttle
            && s.requests > after
        {
            let from = *s.throttled_from.get_or_insert(now);
            if now.duration_since(from) < span {
                s.rejected_429 += 1;
                s.arrivals.push((now, true));
                return too_many(span - now.duration_since(from));
            }
        }
        if let Some((n, window)) = s.limit {
            while s
                .window
                .front()
                .is_some_and(|t| now.duration_since(*t) >= window)
            {
                s.window.pop_front();
            }
            if s.window.len() >= n {
                s.rejected_429 += 1;
                s.arrivals.push((now, true));
                let left = window - now.duration_since(*s.window.front().unwrap());
                return too_many(left);
            }
            s.window.push_back(now);
        }
        s.arrivals.push((now, false));
        let method = req.method.to_string();
        let path = req.url.path().to_string();
        let segs: Vec<&str> = path.split('/').filter(|p| !p.is_empty()).collect();
        let body: Value = serde_json::from_slice(&req.body).unwrap_or(Value::Null);
        if method != "GET" {
            *s.writes.entry(format!("{method} {path}")).or_default() += 1;
        }
        let query: HashMap<String, String> = req.url.query_pairs().into_owned().collect();
        match (method.as_str(), segs.as_slice()) {
            ("GET", ["users"]) => {
                let limit = query
                    .get("limit")
                    .and_then(|v| v.parse().ok())
                    .unwrap_or(10usize);
                let offset = query
                    .get("offset")
                    .and_then(|v| v.parse().ok())
                    .unwrap_or(0usize);
                let page: Vec<Value> = s.users.values().skip(offset).take(limit).cloned().collect();
                ResponseTemplate::new(200).set_body_json(Value::Array(page))
            }
            ("GET", ["users", id]) => match s.users.get(*id) {
                Some(u) => ResponseTemplate::new(200).set_body_json(u.clone()),
                None => not_found(),
            },
            ("DELETE", ["users", id]) => match s.users.remove(*id) {
                Some(_) => ResponseTemplate::new(200)
                    .set_body_json(json!({"object": "user", "id": id, "deleted": true})),
                None => not_found(),
            },
            ("POST", ["users", id, action]) => {
                let (field, value) = match *action {
                    "ban" => ("banned", true),
                    "unban" => ("banned", false),
                    "lock" => ("locked", true),
                    "unlock" => ("locked", false),
                    _ => return not_found(),
                };
                match s.users.get_mut(*id) {
                    Some(u) => {
                        u[field] = json!(value);
                        ResponseTemplate::new(200).set_body_json(u.clone())
                    }
                    None => not_found(),
                }
            }
            ("PATCH", ["users", id, "metadata"]) => match s.users.get_mut(*id) {
                Some(u) => {
                    for f in ["public_metadata", "private_metadata", "unsafe_metadata"] {
                        if let Some(p) = body.get(f) {
                            u[f] = merge(&u[f], p);
                        }
                    }
                    ResponseTemplate::new(200).set_body_json(u.clone())
                }
                None => not_found(),
            },
            ("PATCH", ["users", id]) => match (s.users.get_mut(*id), body) {
                (Some(u), Value::Object(fields)) => {
                    for (k, v) in fields {
                        u[k.as_str()] = v;
                    }
                    ResponseTemplate::new(200).set_body_json(u.clone())
                }
                _ => not_found(),
            },
            ("GET", ["allowlist_identifiers"]) => {
                let all: Vec<Value> = s.allowlist.values().cloned().collect();
                ResponseTemplate::new(200).set_body_json(Value::Array(all))
            }
            ("POST", ["allowlist_identifiers"]) => {
                s.next_id += 1;
                let id = format!("alid_{}", s.next_id);
                let item = json!({"object": "allowlist_identifier", "id": id,
                    "identifier": body.get("identifier").cloned().unwrap_or(Value::Null)});
                s.allowlist.insert(id, item.clone());
                ResponseTemplate::new(200).set_body_json(item)
            }
            ("DELETE", ["allowlist_identifiers", id]) => match s.allowlist.remove(*id) {
                Some(_) => ResponseTemplate::new(200).set_body_json(
                    json!({"object": "allowlist_identifier", "id": id, "deleted": true}),
                ),
                None => not_found(),
            },
            _ => ResponseTemplate::new(200).set_body_json(Value::Object(Map::new())),
        }
    }
}
