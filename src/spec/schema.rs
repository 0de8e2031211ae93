//! Walking the schema graph: resolved JSON for `--output json`, and the
//! helpers body validation and the router share (property lookup through
//! `allOf`, type names).

use serde_json::{Map, Value, json};

use super::model::{Schema, SchemaId, SchemaKind, Spec};

/// Nodes one resolved schema may expand to (see [`Spec::resolved_json`]).
pub const EXPANSION_BUDGET: usize = 50_000;

/// Named schemas nested inside each other before the rest is a reference.
const MAX_NESTING: usize = 64;

impl Spec {
    pub fn schema(&self, id: SchemaId) -> &Schema {
        &self.schemas[id as usize]
    }

    /// The schema with every reference expanded, as JSON Schema. A named
    /// schema met again inside itself becomes `{"$ref": ..., "x-cycle": true}`
    /// so recursive shapes stay finite. Shared references can still grow
    /// exponentially (a schema whose two fields are the next schema, forty
    /// levels down), so the expansion has a budget of [`EXPANSION_BUDGET`]
    /// nodes (Clerk's largest endpoint needs about 2,500); past it, schemas
    /// are references marked `"x-cut": true`.
    pub fn resolved_json(&self, id: SchemaId) -> Value {
        let mut stack = Vec::new();
        let mut budget = EXPANSION_BUDGET;
        self.expand(id, &mut stack, &mut budget)
    }

    fn expand(&self, id: SchemaId, stack: &mut Vec<SchemaId>, budget: &mut usize) -> Value {
        let schema = self.schema(id);
        let reference = || {
            format!(
                "#/components/schemas/{}",
                schema.name.as_deref().unwrap_or("")
            )
        };
        if *budget == 0 || stack.len() >= MAX_NESTING {
            return match schema.name {
                Some(_) => json!({"$ref": reference(), "x-cut": true}),
                None => json!({"x-cut": true}),
            };
        }
        *budget -= 1;
        if schema.name.is_some() {
            if stack.contains(&id) {
                return json!({"$ref": reference(), "x-cycle": true});
            }
            stack.push(id);
        }
        let mut out = Map::new();
        if let Some(name) = &schema.name {
            out.insert("title".into(), Value::String(name.clone()));
        }
        let list = |this: &Self, ids: &[SchemaId], stack: &mut Vec<SchemaId>, b: &mut usize| {
            Value::Array(ids.iter().map(|i| this.expand(*i, stack, b)).collect())
        };
        match &schema.kind {
            SchemaKind::Object {
                properties,
                required,
                additional,
                closed,
                open,
            } => {
                out.insert("type".into(), "object".into());
                let mut props = Map::new();
                for (name, pid) in properties {
                    props.insert(name.clone(), self.expand(*pid, stack, budget));
                }
                if !props.is_empty() {
                    out.insert("properties".into(), Value::Object(props));
                }
                if !required.is_empty() {
                    out.insert("required".into(), json!(required));
                }
                if let Some(a) = additional {
                    out.insert(
                        "additionalProperties".into(),
                        self.expand(*a, stack, budget),
                    );
                } else if *closed {
                    out.insert("additionalProperties".into(), false.into());
                } else if *open {
                    out.insert("additionalProperties".into(), true.into());
                }
            }
            SchemaKind::Array(items) => {
                out.insert("type".into(), "array".into());
                out.insert("items".into(), self.expand(*items, stack, budget));
            }
            SchemaKind::AllOf(ids) => {
                out.insert("allOf".into(), list(self, ids, stack, budget));
            }
            SchemaKind::OneOf(ids) => {
                out.insert("oneOf".into(), list(self, ids, stack, budget));
            }
            SchemaKind::AnyOf(ids) => {
                out.insert("anyOf".into(), list(self, ids, stack, budget));
            }
            SchemaKind::Any => {}
            scalar => {
                out.insert("type".into(), scalar_type(scalar).into());
            }
        }
        if let Some(f) = &schema.format {
            out.insert("format".into(), f.clone().into());
        }
        if !schema.description.is_empty() {
            out.insert("description".into(), schema.description.clone().into());
        }
        if schema.nullable {
            out.insert("nullable".into(), true.into());
        }
        if schema.deprecated {
            out.insert("deprecated".into(), true.into());
        }
        if schema.read_only {
            out.insert("readOnly".into(), true.into());
        }
        if schema.write_only {
            out.insert("writeOnly".into(), true.into());
        }
        if !schema.enum_values.is_empty() {
            let values = schema
                .enum_values
                .iter()
                .map(|v| serde_json::from_str(v).unwrap_or(Value::Null))
                .collect();
            out.insert("enum".into(), Value::Array(values));
        }
        if let Some(d) = &schema.default {
            out.insert(
                "default".into(),
                serde_json::from_str(d).unwrap_or(Value::Null),
            );
        }
        let c = &schema.constraints;
        let numbers = [
            ("minimum", c.minimum),
            ("maximum", c.maximum),
            ("minLength", c.min_length.map(|v| v as f64)),
            ("maxLength", c.max_length.map(|v| v as f64)),
            ("minItems", c.min_items.map(|v| v as f64)),
            ("maxItems", c.max_items.map(|v| v as f64)),
        ];
        for (key, value) in numbers {
            if let Some(v) = value {
                out.insert(key.into(), json_number(v));
            }
        }
        if let Some(p) = &c.pattern {
            out.insert("pattern".into(), p.clone().into());
        }
        if schema.name.is_some() {
            stack.pop();
        }
        Value::Object(out)
    }

    /// The properties of an object schema, looking through `allOf` (and the
    /// branches of `oneOf`/`anyOf`, which Clerk uses for variants of one
    /// body), with whether each is required.
    pub fn properties(&self, id: SchemaId) -> Vec<Property<'_>> {
        let mut out = Vec::new();
        self.collect_properties(id, &mut out, &mut Vec::new(), true);
        out
    }

    fn collect_properties<'s>(
        &'s self,
        id: SchemaId,
        out: &mut Vec<Property<'s>>,
        seen: &mut Vec<SchemaId>,
        strict: bool,
    ) {
        if seen.contains(&id) {
            return;
        }
        seen.push(id);
        match &self.schema(id).kind {
            SchemaKind::Object {
                properties,
                required,
                ..
            } => {
                for (name, pid) in properties {
                    if out.iter().any(|p| p.name == name) {
                        continue;
                    }
                    out.push(Property {
                        name,
                        schema: *pid,
                        required: strict && required.iter().any(|r| r == name),
                    });
                }
            }
            SchemaKind::AllOf(ids) => {
                for i in ids {
                    self.collect_properties(*i, out, seen, strict);
                }
            }
            SchemaKind::OneOf(ids) | SchemaKind::AnyOf(ids) => {
                // A property required by only one variant is not required.
                for i in ids {
                    self.collect_properties(*i, out, seen, ids.len() == 1 && strict);
                }
            }
            _ => {}
        }
    }

    /// A short type name for tables: `string`, `integer`, `array of string`,
    /// `object`, `User`, `string | null`...
    pub fn type_name(&self, id: SchemaId) -> String {
        self.type_name_depth(id, 0)
    }

    fn type_name_depth(&self, id: SchemaId, depth: usize) -> String {
        let schema = self.schema(id);
        let base = match &schema.kind {
            _ if schema.name.is_some() => schema.name.clone().unwrap_or_default(),
            SchemaKind::Array(items) if depth < 3 => {
                format!("array of {}", self.type_name_depth(*items, depth + 1))
            }
            SchemaKind::Array(_) => "array".into(),
            SchemaKind::Object { .. } => "object".into(),
            SchemaKind::AllOf(ids) if ids.len() == 1 && depth < 3 => {
                self.type_name_depth(ids[0], depth + 1)
            }
            SchemaKind::AllOf(_) => "object".into(),
            SchemaKind::OneOf(ids) | SchemaKind::AnyOf(ids) if depth < 3 => ids
                .iter()
                .map(|i| self.type_name_depth(*i, depth + 1))
                .collect::<Vec<_>>()
                .join(" | "),
            SchemaKind::OneOf(_) | SchemaKind::AnyOf(_) => "one of several".into(),
            SchemaKind::Any => "any".into(),
            scalar => scalar_type(scalar).into(),
        };
        let base = match &schema.format {
            Some(f) if depth == 0 && !matches!(schema.kind, SchemaKind::Object { .. }) => {
                format!("{base} ({f})")
            }
            _ => base,
        };
        if schema.nullable {
            format!("{base} | null")
        } else {
            base
        }
    }

    /// The JSON type a value for this schema takes, looking through
    /// single-branch compositions.
    pub fn json_kind(&self, id: SchemaId) -> JsonKind {
        let mut id = id;
        for _ in 0..8 {
            match &self.schema(id).kind {
                SchemaKind::String => return JsonKind::String,
                SchemaKind::Integer => return JsonKind::Integer,
                SchemaKind::Number => return JsonKind::Number,
                SchemaKind::Boolean => return JsonKind::Boolean,
                SchemaKind::Array(_) => return JsonKind::Array,
                SchemaKind::Object { .. } => return JsonKind::Object,
                SchemaKind::AllOf(ids) | SchemaKind::OneOf(ids) | SchemaKind::AnyOf(ids)
                    if ids.len() == 1 =>
                {
                    id = ids[0]
                }
                SchemaKind::AllOf(_) => return JsonKind::Object,
                _ => return JsonKind::Any,
            }
        }
        JsonKind::Any
    }
}

/// One property of an object schema, as [`Spec::properties`] lists them.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Property<'s> {
    pub name: &'s str,
    pub schema: SchemaId,
    pub required: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum JsonKind {
    String,
    Integer,
    Number,
    Boolean,
    Array,
    Object,
    Any,
}

impl JsonKind {
    /// Whether a JSON value fits this kind (`null` is judged by the caller,
    /// which knows about `nullable`).
    pub fn accepts(self, value: &Value) -> bool {
        match self {
            JsonKind::String => value.is_string(),
            JsonKind::Integer => value.is_i64() || value.is_u64(),
            JsonKind::Number => value.is_number(),
            JsonKind::Boolean => value.is_boolean(),
            JsonKind::Array => value.is_array(),
            JsonKind::Object => value.is_object(),
            JsonKind::Any => true,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            JsonKind::String => "string",
            JsonKind::Integer => "integer",
            JsonKind::Number => "number",
            JsonKind::Boolean => "boolean",
            JsonKind::Array => "array",
            JsonKind::Object => "object",
            JsonKind::Any => "any",
        }
    }
}

fn scalar_type(kind: &SchemaKind) -> &'static str {
    match kind {
        SchemaKind::String => "string",
        SchemaKind::Integer => "integer",
        SchemaKind::Number => "number",
        SchemaKind::Boolean => "boolean",
        SchemaKind::Array(_) => "array",
        SchemaKind::Object { .. } | SchemaKind::AllOf(_) => "object",
        _ => "any",
    }
}

fn json_number(v: f64) -> Value {
    if v.fract() == 0.0 && v.abs() < 9.0e15 {
        json!(v as i64)
    } else {
        json!(v)
    }
}
