//! Required values a plan does not have yet: path parameters, required
//! query parameters and required body fields that neither the user nor an
//! earlier step's response ([`super::Link`]) provides. The app asks for
//! each one on a terminal, or stops listing them.

use serde_json::{Map, Value, json};

use super::items::body_schema;
use super::values::convert_text;
use super::{Plan, Slot};
use crate::spec::{Operation, SchemaId, Spec};

/// One value the plan needs before it can be sent.
#[derive(Debug, Clone, PartialEq)]
pub struct Missing {
    /// Index of the step.
    pub step: usize,
    pub slot: Slot,
    pub name: String,
    pub schema: SchemaId,
    /// The type as people read it (`string`, `integer`...).
    pub type_name: String,
    pub description: String,
}

impl Missing {
    pub fn location(&self) -> &'static str {
        match self.slot {
            Slot::Path(_) => "path",
            Slot::Query(_) => "query",
            Slot::Body(_) => "body",
        }
    }

    pub fn to_json(&self) -> Value {
        json!({
            "step": self.step + 1,
            "in": self.location(),
            "name": self.name,
            "type": self.type_name,
            "description": self.description,
        })
    }

    /// Converts a typed answer to the value the slot takes.
    pub fn parse(&self, spec: &Spec, text: &str) -> Result<Value, String> {
        convert_text(spec, self.schema, &self.name, text.trim())
    }
}

/// The operation a step runs, by method and path template.
pub fn operation<'s>(spec: &'s Spec, step: &super::Step) -> Option<&'s Operation> {
    spec.operations
        .iter()
        .find(|op| op.method == step.method && op.path == step.path)
}

/// Every required value the plan lacks, in step order.
pub fn find(spec: &Spec, plan: &Plan) -> Vec<Missing> {
    let mut out = Vec::new();
    for (i, step) in plan.steps.iter().enumerate() {
        let Some(op) = operation(spec, step) else {
            continue;
        };
        let linked = |slot: &Slot| step.links.iter().any(|l| &l.slot == slot);
        for p in op.path_params() {
            let slot = Slot::Path(p.name.clone());
            let given = step.path_param(&p.name).is_some_and(|v| !v.is_null());
            if !given && !linked(&slot) {
                out.push(missing(spec, i, slot, &p.name, p.schema, &p.description));
            }
        }
        for p in op.query_params().filter(|p| p.required) {
            let slot = Slot::Query(p.name.clone());
            if !step.query.iter().any(|(n, _)| n == &p.name) && !linked(&slot) {
                out.push(missing(spec, i, slot, &p.name, p.schema, &p.description));
            }
        }
        if let Some(schema) = body_schema(op) {
            for prop in spec.properties(schema).iter().filter(|p| p.required) {
                let slot = Slot::Body(format!("/{}", prop.name));
                let given = step
                    .body
                    .as_ref()
                    .is_some_and(|b| b.get(prop.name).is_some());
                if !given && !linked(&slot) {
                    let description = spec.schema(prop.schema).description.clone();
                    out.push(missing(spec, i, slot, prop.name, prop.schema, &description));
                }
            }
        }
    }
    out
}

fn missing(
    spec: &Spec,
    step: usize,
    slot: Slot,
    name: &str,
    schema: SchemaId,
    description: &str,
) -> Missing {
    Missing {
        step,
        slot,
        name: name.to_string(),
        schema,
        type_name: spec.type_name(schema),
        description: description.trim().to_string(),
    }
}

/// Puts an answer where the plan lacked it.
pub fn fill(plan: &mut Plan, m: &Missing, value: Value) {
    let Some(step) = plan.steps.get_mut(m.step) else {
        return;
    };
    match &m.slot {
        Slot::Path(name) => {
            step.path_params.retain(|(n, _)| n != name);
            step.path_params.push((name.clone(), value));
        }
        Slot::Query(name) => step.query.push((name.clone(), value)),
        Slot::Body(_) => {
            let body = step.body.get_or_insert_with(|| Value::Object(Map::new()));
            if let Value::Object(map) = body {
                map.insert(m.name.clone(), value);
            }
        }
    }
}
