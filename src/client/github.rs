//! GitHub, for Clerk's public spec repository: one conditional GET.
//!
//! Only the HTTP exchange lives here. What to cache, when to ask and what to
//! do when GitHub cannot be reached is [`crate::source::remote`]'s job.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use reqwest::StatusCode;
use reqwest::header::{ACCEPT, ETAG, HeaderMap, IF_NONE_MATCH};

/// The media type GitHub's REST API asks its clients to accept.
pub const API_JSON: &str = "application/vnd.github+json";

/// A download stalled this long is given up (the stale copy takes over).
const TIMEOUT: Duration = Duration::from_secs(30);

/// No spec comes near this; a larger answer is not Clerk's spec folder.
const MAX_BYTES: u64 = 64 << 20;

/// What GitHub answered.
#[derive(Debug)]
pub enum Fetched {
    /// 304: the copy whose ETag was sent is still current.
    NotModified,
    /// 200: the body, and the ETag to revalidate it with later.
    Body {
        bytes: Vec<u8>,
        etag: Option<String>,
    },
}

/// Why nothing usable came back. Messages are short reasons, for a sentence
/// the caller builds.
#[derive(Debug, thiserror::Error)]
pub enum FetchError {
    /// No answer at all: no network, DNS, refused, timed out.
    #[error("{0}")]
    Network(String),
    /// 403/429 with the rate limit used up; `reset` is a Unix time.
    #[error("GitHub's rate limit is used up")]
    RateLimited { reset: Option<i64> },
    #[error("GitHub answered HTTP {0}")]
    Status(u16),
    #[error("the answer is larger than {} MB", MAX_BYTES >> 20)]
    TooLarge,
}

/// GETs `url`, with `If-None-Match: etag` when a cached copy exists.
/// `received` counts body bytes as they arrive, for a progress line.
pub async fn get(
    url: &str,
    accept: Option<&str>,
    etag: Option<&str>,
    received: &AtomicU64,
) -> Result<Fetched, FetchError> {
    let client = super::http_client(TIMEOUT, true).map_err(|e| network(&e))?;
    let mut request = client.get(url);
    if let Some(accept) = accept {
        request = request.header(ACCEPT, accept);
    }
    if let Some(etag) = etag {
        request = request.header(IF_NONE_MATCH, etag);
    }
    let mut response = request.send().await.map_err(|e| network(&e))?;
    let status = response.status();
    if status == StatusCode::NOT_MODIFIED {
        return Ok(Fetched::NotModified);
    }
    if !status.is_success() {
        return Err(match rate_limit(status, response.headers()) {
            Some(reset) => FetchError::RateLimited { reset },
            None => FetchError::Status(status.as_u16()),
        });
    }
    let etag = response
        .headers()
        .get(ETAG)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let mut bytes =
        Vec::with_capacity(response.content_length().unwrap_or(0).min(MAX_BYTES) as usize);
    while let Some(chunk) = response.chunk().await.map_err(|e| network(&e))? {
        let total = received.fetch_add(chunk.len() as u64, Ordering::Relaxed) + chunk.len() as u64;
        if total > MAX_BYTES {
            return Err(FetchError::TooLarge);
        }
        bytes.extend_from_slice(&chunk);
    }
    Ok(Fetched::Body { bytes, etag })
}

/// `Some(reset)` when a 403/429 means the rate limit, not a refusal.
fn rate_limit(status: StatusCode, headers: &HeaderMap) -> Option<Option<i64>> {
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    let used_up = header("x-ratelimit-remaining") == Some("0");
    let limited =
        status == StatusCode::TOO_MANY_REQUESTS || (status == StatusCode::FORBIDDEN && used_up);
    limited.then(|| header("x-ratelimit-reset").and_then(|v| v.parse().ok()))
}

/// The most specific reason in reqwest's error chain ("Connection refused"
/// says more than "error sending request").
fn network(error: &reqwest::Error) -> FetchError {
    if error.is_timeout() {
        return FetchError::Network(format!("no answer within {} s", TIMEOUT.as_secs()));
    }
    let mut reason = error.to_string();
    let mut source = std::error::Error::source(error);
    while let Some(inner) = source {
        reason = inner.to_string();
        source = inner.source();
    }
    FetchError::Network(reason)
}
