//! The public clerk/openapi-specs repository on GitHub, through a disk cache.

use super::{SourceConfig, SourceError};
use crate::spec::Spec;

/// GitHub endpoints (overridable for tests).
#[derive(Debug, Clone)]
pub struct RemoteConfig {
    /// The contents API listing `bapi/`.
    pub list_url: String,
    /// The raw file URL prefix; `<version>.yml` is appended.
    pub raw_url: String,
}

impl RemoteConfig {
    pub fn from_env() -> RemoteConfig {
        RemoteConfig {
            list_url: std::env::var("CLERK_SPECS_LIST_URL").unwrap_or_else(|_| {
                "https://api.github.com/repos/clerk/openapi-specs/contents/bapi?ref=main".into()
            }),
            raw_url: std::env::var("CLERK_SPECS_RAW_URL").unwrap_or_else(|_| {
                "https://raw.githubusercontent.com/clerk/openapi-specs/main/bapi/".into()
            }),
        }
    }
}

pub async fn versions(
    _config: &SourceConfig,
    _notices: &mut Vec<String>,
) -> Result<Vec<String>, SourceError> {
    Err(SourceError::Offline {
        reason: "fetching is not built yet".into(),
    })
}

pub async fn load(
    _version: &str,
    _config: &SourceConfig,
    _notices: &mut Vec<String>,
) -> Result<Spec, SourceError> {
    Err(SourceError::Offline {
        reason: "fetching is not built yet".into(),
    })
}
