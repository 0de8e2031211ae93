//! Clerk's Backend API spec: the digested model, how it is built from YAML,
//! and how it is searched. Nothing here touches the network or the disk;
//! [`crate::source`] decides where spec text comes from.

mod digest;
mod lookup;
mod model;
mod schema;

pub use digest::digest;
pub use lookup::{EndpointMatch, TagMatch, path_segments, squash};
pub use model::*;
pub use schema::{JsonKind, Property};

/// Why a spec could not be read. Each names the file and what to do.
#[derive(Debug, thiserror::Error)]
pub enum SpecError {
    #[error("{file} is not valid YAML ({message}); fix or remove it, or run with --refresh")]
    Yaml { file: String, message: String },
    #[error("{file} is not an OpenAPI 3 document (no `openapi: 3.x` and `paths`)")]
    NotOpenApi { file: String },
    #[error("the spec refers to {0}, which it does not define")]
    BadRef(String),
    #[error("the spec's reference {0} loops back on itself")]
    RefLoop(String),
}
