//! The last check before anything is sent: every value of a plan against
//! the schema of its field, however the plan was made.

use serde_json::{Map, Value};

use super::values::{array_item, check, convert_text};
use super::{Plan, items, missing};
use crate::spec::Spec;

/// Every value a plan holds, against the schema of its field: query
/// parameters (text as the URL carries it, or JSON) and the body's fields,
/// however the plan was made (typed, routed from English, read back from
/// the journal), so "limit 900" is refused here, not by Clerk.
pub fn check_plan(spec: &Spec, plan: &Plan) -> Result<(), String> {
    for step in &plan.steps {
        let Some(op) = missing::operation(spec, step) else {
            continue;
        };
        for (name, value) in &step.query {
            let Some(p) = op.query_params().find(|p| &p.name == name) else {
                continue;
            };
            match value {
                Value::String(text) => convert_text(spec, p.schema, name, text).map(drop)?,
                other => check(spec, p.schema, name, other)?,
            }
        }
        let Some(schema) = items::body_schema(op) else {
            continue;
        };
        let objects: Vec<&Map<String, Value>> = match &step.body {
            Some(Value::Object(map)) => vec![map],
            Some(Value::Array(items)) => items.iter().filter_map(Value::as_object).collect(),
            _ => Vec::new(),
        };
        let item = array_item(spec, schema).unwrap_or(schema);
        let props = spec.properties(item);
        for map in objects {
            for (name, value) in map {
                if let Some(p) = props.iter().find(|p| p.name == *name) {
                    check(spec, p.schema, name, value)?;
                }
            }
        }
    }
    Ok(())
}
