//! Clerk's Backend API spec: the digested model, how it is built from YAML,
//! and how it is searched. Nothing here touches the network or the disk;
//! [`crate::source`] decides where spec text comes from.

mod digest;
pub mod guard;
mod lookup;
mod model;
mod schema;

pub use digest::digest;
pub use lookup::{EndpointMatch, TagMatch, path_segments, squash};
pub use model::*;
pub use schema::{JsonKind, Property};

/// Whether `v` names a spec version: a `YYYY-MM-DD` date, as the files of
/// clerk/openapi-specs' `bapi/` folder are named.
pub fn is_version(v: &str) -> bool {
    v.len() == 10
        && v.bytes().enumerate().all(|(i, b)| match i {
            4 | 7 => b == b'-',
            _ => b.is_ascii_digit(),
        })
}

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
    /// Refused before parsing: a shape no real spec has, which would cost
    /// minutes or gigabytes to parse (see [`guard`]).
    #[error(
        "{file} is refused before parsing: {why}; Clerk's specs do not look like this, so use a file from clerk/openapi-specs"
    )]
    Hostile { file: String, why: String },
    /// The same file (by content hash) failed before with this program:
    /// the failure is read back instead of parsing it again.
    #[error("{0} (remembered from an earlier run for this same file; --refresh tries again)")]
    Remembered(String),
}
