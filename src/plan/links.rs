//! Filling a step's [`Link`]s from earlier steps' responses, just before the
//! step is sent. Pure: the responses are passed in.

use serde_json::{Map, Value};

use super::{Link, Slot, Step, deep_merge};

/// Why a link could not be filled.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LinkError {
    #[error("step {step} takes a value from step {from}, which has not run before it")]
    Order { step: usize, from: usize },
    #[error("step {step} needs {pointer} from step {from}'s response, which has no such value")]
    Absent {
        step: usize,
        from: usize,
        pointer: String,
    },
}

/// The step with every link replaced by the value it points at. `index` is
/// the step's own position; `responses` holds the earlier steps' bodies.
pub fn resolve(step: &Step, index: usize, responses: &[Value]) -> Result<Step, LinkError> {
    let mut out = step.clone();
    out.links.clear();
    for link in &step.links {
        let value = source(link, index, responses)?;
        match &link.slot {
            Slot::Path(name) => set(&mut out.path_params, name, text_or_value(value)),
            Slot::Query(name) => set(&mut out.query, name, value),
            Slot::Body(pointer) => {
                let body = out.body.get_or_insert_with(|| Value::Object(Map::new()));
                let merged = match (link.merge, body.pointer(pointer)) {
                    (true, Some(planned)) => deep_merge(&value, planned),
                    _ => value,
                };
                put(body, pointer, merged);
            }
        }
    }
    Ok(out)
}

fn source(link: &Link, index: usize, responses: &[Value]) -> Result<Value, LinkError> {
    if link.step >= index || link.step >= responses.len() {
        return Err(LinkError::Order {
            step: index + 1,
            from: link.step + 1,
        });
    }
    let found = responses[link.step].pointer(&link.pointer).cloned();
    // Merging into metadata that was never set starts from an empty object.
    match found {
        Some(Value::Null) | None if link.merge => Ok(Value::Object(Map::new())),
        Some(v) => Ok(v),
        None => Err(LinkError::Absent {
            step: index + 1,
            from: link.step + 1,
            pointer: link.pointer.clone(),
        }),
    }
}

/// IDs go into paths as their text, whatever their JSON type.
fn text_or_value(v: Value) -> Value {
    match v {
        Value::Number(n) => Value::String(n.to_string()),
        other => other,
    }
}

fn set(list: &mut Vec<(String, Value)>, name: &str, value: Value) {
    list.retain(|(n, _)| n != name);
    list.push((name.to_string(), value));
}

/// Sets the value at a JSON pointer, creating objects on the way; `""` is
/// the whole document.
pub fn put(doc: &mut Value, pointer: &str, value: Value) {
    if pointer.is_empty() {
        *doc = value;
        return;
    }
    let tokens: Vec<String> = pointer
        .split('/')
        .skip(1)
        .map(|t| t.replace("~1", "/").replace("~0", "~"))
        .collect();
    put_at(doc, &tokens, value);
}

fn put_at(node: &mut Value, tokens: &[String], value: Value) {
    let Some((token, rest)) = tokens.split_first() else {
        *node = value;
        return;
    };
    let index = token.parse::<usize>().ok();
    match node {
        Value::Array(items) if index.is_some_and(|n| n < items.len()) => {
            let n = index.unwrap_or_default();
            put_at(&mut items[n], rest, value);
        }
        Value::Object(map) => {
            let child = map
                .entry(token.clone())
                .or_insert_with(|| Value::Object(Map::new()));
            put_at(child, rest, value);
        }
        other => {
            *other = Value::Object(Map::new());
            put_at(other, tokens, value);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::Method;
    use serde_json::json;

    fn link(slot: Slot, step: usize, pointer: &str, merge: bool) -> Link {
        if merge {
            Link::merged(slot, step, pointer)
        } else {
            Link::to(slot, step, pointer)
        }
    }

    #[test]
    fn fills_path_query_and_body() {
        let mut s = Step::new(Method::Patch, "/users/{user_id}", "UpdateUser");
        s.body = Some(json!({"public_metadata": {"plan": "pro"}}));
        s.links
            .push(link(Slot::Path("user_id".into()), 0, "/0/id", false));
        s.links.push(link(
            Slot::Body("/public_metadata".into()),
            1,
            "/public_metadata",
            true,
        ));
        let responses = [
            json!([{"id": "user_1"}]),
            json!({"public_metadata": {"role": "admin", "plan": "free"}}),
        ];
        let r = resolve(&s, 2, &responses).unwrap();
        assert_eq!(r.concrete_path(), "/users/user_1");
        assert_eq!(
            r.body,
            Some(json!({"public_metadata": {"role": "admin", "plan": "pro"}}))
        );
        assert!(r.links.is_empty());
    }

    #[test]
    fn absent_values_and_order_are_errors() {
        let mut s = Step::new(Method::Get, "/users/{user_id}", "GetUser");
        s.links
            .push(link(Slot::Path("user_id".into()), 0, "/id", false));
        assert!(matches!(
            resolve(&s, 1, &[json!({})]),
            Err(LinkError::Absent { .. })
        ));
        assert!(matches!(resolve(&s, 0, &[]), Err(LinkError::Order { .. })));
        let mut q = Step::new(Method::Get, "/x", "X");
        q.links
            .push(link(Slot::Query("a".into()), 0, "/data/0/id", false));
        let r = resolve(&q, 1, &[json!({"data": [{"id": 7}]})]).unwrap();
        assert_eq!(r.query, vec![("a".to_string(), json!(7))]);
    }

    #[test]
    fn merge_into_unset_metadata_starts_empty() {
        let mut s = Step::new(Method::Patch, "/users/{user_id}", "UpdateUser");
        s.body = Some(json!({"private_metadata": {"beta": true}}));
        s.links.push(link(
            Slot::Body("/private_metadata".into()),
            0,
            "/private_metadata",
            true,
        ));
        let r = resolve(&s, 1, &[json!({"private_metadata": null})]).unwrap();
        assert_eq!(r.body, Some(json!({"private_metadata": {"beta": true}})));
    }
}
