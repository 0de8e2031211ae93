//! The digested form of one BAPI spec version: what every mode reads.
//!
//! The YAML is parsed once ([`super::digest`]) into this compact model, which
//! is what the on-disk cache stores (postcard), so a warm start never parses
//! YAML. Every `$ref` is resolved at digest time into a [`SchemaId`] (an index
//! into [`Spec::schemas`]); a reference to a named component schema stays a
//! [`SchemaKind::Ref`] so recursive schemas stay finite and cycles can be cut
//! when a schema is rendered.

use serde::{Deserialize, Serialize};

/// Index of a schema in [`Spec::schemas`].
pub type SchemaId = u32;

/// One version of Clerk's Backend API, digested.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Spec {
    /// The version date, e.g. `2026-05-12`.
    pub version: String,
    /// The first server URL of the spec (`https://api.clerk.com/v1`).
    pub server_url: String,
    /// Declared tags first (spec order), then tags only operations use.
    pub tags: Vec<Tag>,
    /// Operations in spec order (path order, then method order).
    pub operations: Vec<Operation>,
    /// The schema arena: named components first, then inline schemas.
    pub schemas: Vec<Schema>,
    /// SHA-256 of the YAML it was digested from, when a source knows it:
    /// what caches built from the spec are keyed by.
    #[serde(default)]
    pub source_hash: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Tag {
    pub name: String,
    pub description: String,
    /// Whether the spec's top-level `tags` list declares it.
    pub declared: bool,
    /// Number of operations that carry this tag.
    pub operations: usize,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Method {
    Get,
    Post,
    Put,
    Patch,
    Delete,
}

impl Method {
    pub const ALL: [Method; 5] = [
        Method::Get,
        Method::Post,
        Method::Put,
        Method::Patch,
        Method::Delete,
    ];

    /// Parses a method name in any case.
    pub fn parse(word: &str) -> Option<Method> {
        Method::ALL
            .into_iter()
            .find(|m| m.as_str().eq_ignore_ascii_case(word))
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
            Method::Put => "PUT",
            Method::Patch => "PATCH",
            Method::Delete => "DELETE",
        }
    }

    /// Whether the method changes state on the server.
    pub fn is_write(self) -> bool {
        self != Method::Get
    }

    /// Whether repeating the request has the same effect as sending it once
    /// (RFC 9110 §9.2.2), which is what makes a retry safe.
    pub fn is_idempotent(self) -> bool {
        matches!(self, Method::Get | Method::Put | Method::Delete)
    }
}

impl std::fmt::Display for Method {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Operation {
    pub method: Method,
    /// The path template as the spec writes it, e.g. `/users/{user_id}`.
    pub path: String,
    pub operation_id: String,
    pub summary: String,
    pub description: String,
    pub tags: Vec<String>,
    /// `x-speakeasy-group`, e.g. `users`.
    pub group: Option<String>,
    /// `x-speakeasy-name-override`, e.g. `ban`.
    pub name_override: Option<String>,
    pub deprecated: bool,
    pub parameters: Vec<Parameter>,
    pub request_body: Option<RequestBody>,
    /// In spec order (`200`, `400`, ...).
    pub responses: Vec<Response>,
}

impl Operation {
    /// `GET /users/{user_id}`.
    pub fn label(&self) -> String {
        format!("{} {}", self.method, self.path)
    }

    pub fn path_params(&self) -> impl Iterator<Item = &Parameter> {
        self.parameters
            .iter()
            .filter(|p| p.location == ParamIn::Path)
    }

    pub fn query_params(&self) -> impl Iterator<Item = &Parameter> {
        self.parameters
            .iter()
            .filter(|p| p.location == ParamIn::Query)
    }

    pub fn param(&self, name: &str) -> Option<&Parameter> {
        self.parameters.iter().find(|p| p.name == name)
    }
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
pub enum ParamIn {
    Path,
    Query,
    Header,
    Cookie,
}

impl ParamIn {
    pub fn as_str(self) -> &'static str {
        match self {
            ParamIn::Path => "path",
            ParamIn::Query => "query",
            ParamIn::Header => "header",
            ParamIn::Cookie => "cookie",
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Parameter {
    pub name: String,
    pub location: ParamIn,
    pub required: bool,
    pub description: String,
    pub deprecated: bool,
    pub schema: SchemaId,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct RequestBody {
    pub required: bool,
    pub content_type: String,
    pub description: String,
    pub schema: Option<SchemaId>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Response {
    /// `200`, `4XX`, `default`...
    pub status: String,
    pub description: String,
    pub schema: Option<SchemaId>,
}

/// A JSON Schema node (the OpenAPI 3.0 subset Clerk uses).
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct Schema {
    /// The component name when this is `#/components/schemas/<name>`.
    pub name: Option<String>,
    pub kind: SchemaKind,
    pub description: String,
    pub format: Option<String>,
    pub nullable: bool,
    pub deprecated: bool,
    pub read_only: bool,
    pub write_only: bool,
    /// Allowed values, each as JSON text (postcard cannot carry `Value`).
    pub enum_values: Vec<String>,
    /// The default, as JSON text.
    pub default: Option<String>,
    pub constraints: Constraints,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct Constraints {
    pub minimum: Option<f64>,
    pub maximum: Option<f64>,
    pub min_length: Option<u64>,
    pub max_length: Option<u64>,
    pub min_items: Option<u64>,
    pub max_items: Option<u64>,
    pub pattern: Option<String>,
}

impl Schema {
    /// A file's content (`format: binary`), sent as a part of a form.
    pub fn is_file(&self) -> bool {
        self.format.as_deref() == Some("binary")
    }
}

impl Constraints {
    pub fn is_empty(&self) -> bool {
        *self == Constraints::default()
    }
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub enum SchemaKind {
    Object {
        properties: Vec<(String, SchemaId)>,
        required: Vec<String>,
        /// `additionalProperties` given as a schema.
        additional: Option<SchemaId>,
        /// `additionalProperties: false`.
        closed: bool,
        /// `additionalProperties: true` (free-form map).
        open: bool,
    },
    Array(SchemaId),
    String,
    Integer,
    Number,
    Boolean,
    AllOf(Vec<SchemaId>),
    OneOf(Vec<SchemaId>),
    AnyOf(Vec<SchemaId>),
    /// No type information (`{}`), or a shape we do not model.
    #[default]
    Any,
}
