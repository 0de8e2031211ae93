//! Every response schema of the latest spec, filled as a typical object
//! (every property, two items per list, nested objects two levels deep),
//! rendered as text: none takes more than a screen, and each says what it
//! is. `--output json` stays the raw body.

use clerk_backend_api::render::Style;
use clerk_backend_api::render::result::success;
use clerk_backend_api::spec::{JsonKind, SchemaId, SchemaKind, Spec};
use serde_json::{Map, Value, json};

use crate::support;

/// A screen: what a summary may take.
const SCREEN: usize = 40;

fn typical(spec: &Spec, id: SchemaId, depth: usize, name: &str) -> Value {
    let s = spec.schema(id);
    if let Some(first) = s.enum_values.first() {
        return serde_json::from_str(first).unwrap_or(Value::Null);
    }
    match spec.json_kind(id) {
        JsonKind::String => json!(format!("{name} value")),
        JsonKind::Integer | JsonKind::Number if name.ends_with("_at") => {
            json!(1_764_000_000_000_i64)
        }
        JsonKind::Integer | JsonKind::Number => json!(3),
        JsonKind::Boolean => json!(true),
        JsonKind::Array => match (&s.kind, depth < 3) {
            (SchemaKind::Array(item), true) => {
                json!([
                    typical(spec, *item, depth + 1, name),
                    typical(spec, *item, depth + 1, name)
                ])
            }
            _ => json!([]),
        },
        JsonKind::Object => {
            let mut map = Map::new();
            if depth < 3 {
                for p in spec.properties(id) {
                    map.insert(
                        p.name.to_string(),
                        typical(spec, p.schema, depth + 1, p.name),
                    );
                }
            }
            Value::Object(map)
        }
        JsonKind::Any => json!("any value"),
    }
}

#[test]
fn every_response_fits_a_screen() {
    let Some(spec) = support::spec("2026-05-12") else {
        return;
    };
    let mut checked = 0;
    let mut too_long = Vec::new();
    for op in &spec.operations {
        for r in op.responses.iter().filter(|r| r.status.starts_with('2')) {
            let Some(schema) = r.schema else { continue };
            let body = typical(&spec, schema, 0, "x");
            let text = success(&body, Style::PLAIN, false);
            checked += 1;
            let lines = text.lines().count();
            if lines > SCREEN {
                too_long.push(format!("{} ({lines} lines):\n{text}", op.label()));
            }
        }
    }
    assert!(checked > 150, "{checked}");
    assert!(too_long.is_empty(), "{}", too_long.join("\n\n"));
}
