//! YAML text -> [`Spec`]: the one place that reads OpenAPI documents.
//!
//! Clerk's spec is OpenAPI 3.0.3: 1,381 `$ref`s to `components/schemas`,
//! `components/parameters` and `components/responses`. Parameter and response
//! references are followed here (they never recurse); schema references become
//! arena links (see [`super::model`]).

use std::collections::HashMap;

use yaml_serde::Value;

use super::SpecError;
use super::model::*;

/// Parses and digests one spec document. `origin` names the file in errors.
pub fn digest(text: &str, origin: &str) -> Result<Spec, SpecError> {
    super::guard::check(text).map_err(|why| SpecError::Hostile {
        file: origin.to_string(),
        why,
    })?;
    let doc: Value = super::guard::parse(text).map_err(|message| SpecError::Yaml {
        file: origin.to_string(),
        message,
    })?;
    let openapi = doc.get("openapi").and_then(scalar_text).unwrap_or_default();
    if !openapi.starts_with('3') || doc.get("paths").and_then(Value::as_mapping).is_none() {
        return Err(SpecError::NotOpenApi {
            file: origin.to_string(),
        });
    }
    Digester::new(&doc).run(origin)
}

struct Digester<'a> {
    doc: &'a Value,
    schemas: Vec<Schema>,
    named: HashMap<&'a str, SchemaId>,
}

/// Deep enough for the spec's longest `$ref` chain (8) with margin, shallow
/// enough that a malicious self-reference ends quickly.
const MAX_REF_HOPS: usize = 32;

impl<'a> Digester<'a> {
    fn new(doc: &'a Value) -> Self {
        Digester {
            doc,
            schemas: Vec::new(),
            named: HashMap::new(),
        }
    }

    fn run(mut self, origin: &str) -> Result<Spec, SpecError> {
        let doc = self.doc;
        let components = doc
            .get("components")
            .and_then(|c| c.get("schemas"))
            .and_then(Value::as_mapping);
        // Pass 1: every named schema gets its id, so references can point
        // forward and recursively.
        if let Some(map) = components {
            for (name, _) in map {
                if let Some(name) = name.as_str() {
                    let id = self.schemas.len() as SchemaId;
                    self.named.insert(name, id);
                    self.schemas.push(Schema {
                        name: Some(name.to_string()),
                        ..Schema::default()
                    });
                }
            }
            // Pass 2: fill them in.
            for (name, value) in map {
                if let Some(name) = name.as_str() {
                    let id = self.named[name];
                    let mut schema = self.convert_node(value, 0)?;
                    schema.name = Some(name.to_string());
                    self.schemas[id as usize] = schema;
                }
            }
        }

        let mut tags: Vec<Tag> = doc
            .get("tags")
            .and_then(Value::as_sequence)
            .into_iter()
            .flatten()
            .filter_map(|t| {
                Some(Tag {
                    name: t.get("name")?.as_str()?.to_string(),
                    description: text(t, "description"),
                    declared: true,
                    operations: 0,
                })
            })
            .collect();

        let mut operations = Vec::new();
        let paths = doc.get("paths").and_then(Value::as_mapping);
        for (path, item) in paths.into_iter().flatten() {
            let Some(path) = path.as_str() else { continue };
            if is_platform(path) {
                continue;
            }
            let item = self.deref(item)?;
            let shared = item.get("parameters");
            for method in Method::ALL {
                let key = method.as_str().to_ascii_lowercase();
                let Some(op) = item.get(key.as_str()) else {
                    continue;
                };
                operations.push(self.operation(method, path, op, shared)?);
            }
        }

        for op in &operations {
            for name in &op.tags {
                match tags.iter_mut().find(|t| &t.name == name) {
                    Some(tag) => tag.operations += 1,
                    None => tags.push(Tag {
                        name: name.clone(),
                        description: String::new(),
                        declared: false,
                        operations: 1,
                    }),
                }
            }
        }

        let version = doc
            .get("info")
            .and_then(|i| i.get("version"))
            .and_then(scalar_text)
            .unwrap_or_else(|| origin.trim_end_matches(".yml").to_string());
        let server_url = doc
            .get("servers")
            .and_then(|s| s.get(0))
            .and_then(|s| s.get("url"))
            .and_then(Value::as_str)
            .unwrap_or("https://api.clerk.com/v1")
            .trim_end_matches('/')
            .to_string();
        Ok(Spec {
            version,
            server_url,
            tags,
            operations,
            schemas: self.schemas,
            source_hash: String::new(),
        })
    }

    fn operation(
        &mut self,
        method: Method,
        path: &str,
        op: &'a Value,
        shared: Option<&'a Value>,
    ) -> Result<Operation, SpecError> {
        let mut parameters: Vec<Parameter> = Vec::new();
        // Operation-level parameters override path-level ones of the same
        // name and location (OpenAPI 3.0 §4.7.9).
        for list in [op.get("parameters"), shared].into_iter().flatten() {
            for raw in list.as_sequence().into_iter().flatten() {
                let raw = self.deref(raw)?;
                let param = self.parameter(raw)?;
                if !parameters
                    .iter()
                    .any(|p| p.name == param.name && p.location == param.location)
                {
                    parameters.push(param);
                }
            }
        }

        let request_body = match op.get("requestBody") {
            None => None,
            Some(raw) => {
                let raw = self.deref(raw)?;
                let (content_type, media) = first_media(raw);
                let schema = match media.and_then(|m| m.get("schema")) {
                    Some(s) => Some(self.convert(s, 0)?),
                    None => None,
                };
                Some(RequestBody {
                    required: flag(raw, "required"),
                    content_type,
                    description: text(raw, "description"),
                    schema,
                })
            }
        };

        let mut responses = Vec::new();
        for (status, raw) in op
            .get("responses")
            .and_then(Value::as_mapping)
            .into_iter()
            .flatten()
        {
            let raw = self.deref(raw)?;
            let (_, media) = first_media(raw);
            let schema = match media.and_then(|m| m.get("schema")) {
                Some(s) => Some(self.convert(s, 0)?),
                None => None,
            };
            responses.push(Response {
                status: scalar_text(status).unwrap_or_default(),
                description: text(raw, "description"),
                schema,
            });
        }

        Ok(Operation {
            method,
            path: path.to_string(),
            operation_id: text(op, "operationId"),
            summary: text(op, "summary"),
            description: text(op, "description"),
            tags: op
                .get("tags")
                .and_then(Value::as_sequence)
                .into_iter()
                .flatten()
                .filter_map(|t| t.as_str().map(str::to_string))
                .collect(),
            group: op
                .get("x-speakeasy-group")
                .and_then(Value::as_str)
                .map(str::to_string),
            name_override: op
                .get("x-speakeasy-name-override")
                .and_then(Value::as_str)
                .map(str::to_string),
            deprecated: flag(op, "deprecated"),
            parameters,
            request_body,
            responses,
        })
    }

    fn parameter(&mut self, raw: &'a Value) -> Result<Parameter, SpecError> {
        let location = match raw.get("in").and_then(Value::as_str) {
            Some("path") => ParamIn::Path,
            Some("header") => ParamIn::Header,
            Some("cookie") => ParamIn::Cookie,
            _ => ParamIn::Query,
        };
        let schema = match raw.get("schema") {
            Some(s) => self.convert(s, 0)?,
            None => self.push(Schema::default()),
        };
        Ok(Parameter {
            name: text(raw, "name"),
            location,
            // Path parameters are always required, whatever the file says.
            required: location == ParamIn::Path || flag(raw, "required"),
            description: text(raw, "description"),
            deprecated: flag(raw, "deprecated"),
            schema,
        })
    }

    /// Follows `$ref` chains to anything but a component schema.
    fn deref(&self, mut value: &'a Value) -> Result<&'a Value, SpecError> {
        for _ in 0..MAX_REF_HOPS {
            let Some(target) = value.get("$ref").and_then(Value::as_str) else {
                return Ok(value);
            };
            value = self.pointer(target)?;
        }
        Err(SpecError::RefLoop(
            value
                .get("$ref")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_string(),
        ))
    }

    fn pointer(&self, target: &str) -> Result<&'a Value, SpecError> {
        let missing = || SpecError::BadRef(target.to_string());
        let rest = target.strip_prefix("#/").ok_or_else(missing)?;
        let mut node = self.doc;
        for part in rest.split('/') {
            let part = part.replace("~1", "/").replace("~0", "~");
            node = node.get(part.as_str()).ok_or_else(missing)?;
        }
        Ok(node)
    }

    fn push(&mut self, schema: Schema) -> SchemaId {
        self.schemas.push(schema);
        (self.schemas.len() - 1) as SchemaId
    }

    /// Converts a schema position: a component reference resolves to the
    /// component's node; anything else becomes a new node.
    fn convert(&mut self, value: &'a Value, depth: usize) -> Result<SchemaId, SpecError> {
        if let Some(target) = value.get("$ref").and_then(Value::as_str) {
            if let Some(name) = target.strip_prefix("#/components/schemas/") {
                return self
                    .named
                    .get(name)
                    .copied()
                    .ok_or_else(|| SpecError::BadRef(target.to_string()));
            }
            let resolved = self.deref(value)?;
            return self.convert(resolved, depth + 1);
        }
        let schema = self.convert_node(value, depth)?;
        Ok(self.push(schema))
    }

    fn convert_node(&mut self, value: &'a Value, depth: usize) -> Result<Schema, SpecError> {
        // Inline nesting cannot cycle (only references can), but a hostile
        // file could still nest absurdly deep.
        if depth > 64 {
            return Ok(Schema::default());
        }
        if value.get("$ref").is_some() {
            // A component that is only an alias of another: copy the target's
            // shape so the alias keeps its own name.
            let id = self.convert(value, depth + 1)?;
            return Ok(self.schemas[id as usize].clone());
        }
        let list = |this: &mut Self, key: &str| -> Result<Option<Vec<SchemaId>>, SpecError> {
            match value.get(key).and_then(Value::as_sequence) {
                None => Ok(None),
                Some(items) => items
                    .iter()
                    .map(|v| this.convert(v, depth + 1))
                    .collect::<Result<Vec<_>, _>>()
                    .map(Some),
            }
        };
        let composition = if let Some(ids) = list(self, "allOf")? {
            Some(SchemaKind::AllOf(ids))
        } else if let Some(ids) = list(self, "oneOf")? {
            Some(SchemaKind::OneOf(ids))
        } else {
            list(self, "anyOf")?.map(SchemaKind::AnyOf)
        };
        let own = match value.get("type").and_then(Value::as_str) {
            Some("string") => SchemaKind::String,
            Some("integer") => SchemaKind::Integer,
            Some("number") => SchemaKind::Number,
            Some("boolean") => SchemaKind::Boolean,
            Some("array") => {
                let items = match value.get("items") {
                    Some(items) => self.convert(items, depth + 1)?,
                    None => self.push(Schema::default()),
                };
                SchemaKind::Array(items)
            }
            Some("object") => self.object(value, depth)?,
            _ if value.get("properties").is_some() => self.object(value, depth)?,
            _ => SchemaKind::Any,
        };
        let kind = match composition {
            None => own,
            // `properties` beside `anyOf` (POST /saml_connections): the
            // object's own fields and the alternatives both apply.
            Some(comp) if value.get("properties").is_some() => {
                let own = self.push(Schema {
                    kind: own,
                    ..Schema::default()
                });
                let comp = self.push(Schema {
                    kind: comp,
                    ..Schema::default()
                });
                SchemaKind::AllOf(vec![own, comp])
            }
            Some(comp) => comp,
        };
        Ok(Schema {
            name: None,
            kind,
            description: text(value, "description"),
            format: value
                .get("format")
                .and_then(Value::as_str)
                .map(str::to_string),
            nullable: flag(value, "nullable"),
            deprecated: flag(value, "deprecated"),
            read_only: flag(value, "readOnly"),
            write_only: flag(value, "writeOnly"),
            enum_values: value
                .get("enum")
                .and_then(Value::as_sequence)
                .into_iter()
                .flatten()
                .map(json_text)
                .collect(),
            default: value.get("default").map(json_text),
            constraints: Constraints {
                minimum: value.get("minimum").and_then(Value::as_f64),
                maximum: value.get("maximum").and_then(Value::as_f64),
                min_length: value.get("minLength").and_then(Value::as_u64),
                max_length: value.get("maxLength").and_then(Value::as_u64),
                min_items: value.get("minItems").and_then(Value::as_u64),
                max_items: value.get("maxItems").and_then(Value::as_u64),
                pattern: value
                    .get("pattern")
                    .and_then(Value::as_str)
                    .map(str::to_string),
            },
        })
    }

    fn object(&mut self, value: &'a Value, depth: usize) -> Result<SchemaKind, SpecError> {
        let mut properties = Vec::new();
        for (name, prop) in value
            .get("properties")
            .and_then(Value::as_mapping)
            .into_iter()
            .flatten()
        {
            if let Some(name) = scalar_text(name) {
                properties.push((name, self.convert(prop, depth + 1)?));
            }
        }
        let required = value
            .get("required")
            .and_then(Value::as_sequence)
            .into_iter()
            .flatten()
            .filter_map(|v| v.as_str().map(str::to_string))
            .collect();
        let (additional, closed, open) = match value.get("additionalProperties") {
            Some(Value::Bool(false)) => (None, true, false),
            Some(Value::Bool(true)) => (None, false, true),
            Some(schema @ Value::Mapping(_)) => {
                (Some(self.convert(schema, depth + 1)?), false, false)
            }
            _ => (None, false, false),
        };
        Ok(SchemaKind::Object {
            properties,
            required,
            additional,
            closed,
            open,
        })
    }
}

/// The seed: "Always disregard endpoints/schemas related to platform".
fn is_platform(path: &str) -> bool {
    path.split('/')
        .nth(1)
        .is_some_and(|s| s.eq_ignore_ascii_case("platform"))
}

/// The JSON media type of a body or response, else its first one.
fn first_media(raw: &Value) -> (String, Option<&Value>) {
    let Some(content) = raw.get("content").and_then(Value::as_mapping) else {
        return (String::new(), None);
    };
    let is_json = |k: &Value| k.as_str().is_some_and(|k| k.contains("json"));
    let chosen = content
        .iter()
        .find(|(k, _)| is_json(k))
        .or_else(|| content.iter().next());
    match chosen {
        Some((k, v)) => (k.as_str().unwrap_or_default().to_string(), Some(v)),
        None => (String::new(), None),
    }
}

fn text(v: &Value, key: &str) -> String {
    v.get(key).and_then(scalar_text).unwrap_or_default()
}

fn flag(v: &Value, key: &str) -> bool {
    v.get(key).and_then(Value::as_bool).unwrap_or(false)
}

/// A scalar as text: YAML keys like `200` arrive as numbers.
fn scalar_text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

fn json_text(v: &Value) -> String {
    serde_json::to_string(v).unwrap_or_else(|_| "null".to_string())
}
