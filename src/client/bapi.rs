//! Sending requests to Clerk's Backend API: the base URL check (no plain
//! `http://` except loopback, so the key never crosses a network in clear
//! text), the bearer key, timeouts, and retries: 429 honours `Retry-After`
//! (seconds or an HTTP date) up to 3 times with a visible countdown; 5xx
//! and connection errors are retried with backoff for idempotent methods
//! (GET, PUT, DELETE) only.

use std::time::Duration;

use jiff::Timestamp;
use serde_json::Value;

use crate::pipeline::SecretKey;
use crate::spec::Method;

/// How the client behaves; [`Config::new`] has the defaults.
#[derive(Debug, Clone)]
pub struct Config {
    /// The URL spec paths are appended to, without a trailing `/`.
    pub base_url: String,
    pub timeout: Duration,
    /// First backoff after a 5xx or connection error; doubles each retry.
    pub backoff: Duration,
    pub retries: u32,
    /// A `Retry-After` longer than this is not waited for.
    pub max_wait: Duration,
}

impl Config {
    pub fn new(base_url: String, timeout: Duration, backoff: Duration) -> Config {
        Config {
            base_url,
            timeout,
            backoff,
            retries: 3,
            max_wait: Duration::from_secs(60),
        }
    }
}

/// One request, with its path already filled in and encoded.
#[derive(Debug, Clone, PartialEq)]
pub struct Request {
    pub method: Method,
    pub path: String,
    /// Without `?`; empty for none.
    pub query: String,
    pub body: Option<Value>,
}

impl Request {
    pub fn url(&self, base_url: &str) -> String {
        let mut url = format!("{}{}", base_url.trim_end_matches('/'), self.path);
        if !self.query.is_empty() {
            url.push('?');
            url.push_str(&self.query);
        }
        url
    }
}

/// A response: its status and body (JSON; a string when the body is not
/// JSON; null when empty).
#[derive(Debug, Clone, PartialEq)]
pub struct Reply {
    pub status: u16,
    pub body: Value,
}

impl Reply {
    pub fn ok(&self) -> bool {
        (200..300).contains(&self.status)
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    #[error(
        "refusing plain http:// for {0}: it would send the secret key in clear text; use https:// (http:// is allowed only for 127.0.0.1, ::1 and localhost)"
    )]
    PlainHttp(String),
    #[error("`{0}` is not a usable base URL; give one like https://api.clerk.com/v1")]
    BadUrl(String),
    #[error("no answer from {url} within {secs} s; try again, or raise --timeout")]
    Timeout { url: String, secs: u64 },
    #[error("cannot reach {url} ({reason}); check the network and --base-url")]
    Connect { url: String, reason: String },
    #[error("still rate-limited after {retries} retries")]
    RateLimited { retries: u32, reply: Reply },
    #[error("cannot start the HTTP client ({0})")]
    Setup(String),
}

/// Checks a base URL: https anywhere, http only on loopback.
pub fn check_base_url(url: &str) -> Result<String, ClientError> {
    let parsed = reqwest::Url::parse(url).map_err(|_| ClientError::BadUrl(url.to_string()))?;
    match parsed.scheme() {
        "https" => {}
        "http" => {
            let host = parsed.host_str().unwrap_or("");
            let host = host.trim_start_matches('[').trim_end_matches(']');
            let loopback = host.eq_ignore_ascii_case("localhost")
                || host
                    .parse::<std::net::IpAddr>()
                    .is_ok_and(|ip| ip.is_loopback());
            if !loopback {
                return Err(ClientError::PlainHttp(url.to_string()));
            }
        }
        _ => return Err(ClientError::BadUrl(url.to_string())),
    }
    Ok(url.trim_end_matches('/').to_string())
}

/// A `Retry-After` value: delay seconds, or an HTTP date.
pub fn retry_after(value: &str, now: Timestamp) -> Option<Duration> {
    let value = value.trim();
    if let Ok(secs) = value.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    static PARSER: jiff::fmt::rfc2822::DateTimeParser = jiff::fmt::rfc2822::DateTimeParser::new();
    let at = PARSER.parse_timestamp(value).ok()?;
    let secs = at.duration_since(now).as_secs_f64().max(0.0);
    Some(Duration::from_secs_f64(secs.ceil()))
}

pub struct Bapi {
    http: reqwest::Client,
    config: Config,
    auth: String,
}

impl Bapi {
    pub fn new(config: Config, key: &SecretKey) -> Result<Bapi, ClientError> {
        let http =
            super::http_client(config.timeout).map_err(|e| ClientError::Setup(e.to_string()))?;
        Ok(Bapi {
            http,
            auth: format!("Bearer {}", key.expose()),
            config,
        })
    }

    pub fn base_url(&self) -> &str {
        &self.config.base_url
    }

    /// Sends one request with the retry rules; `notify` shows waits and
    /// retries (on stderr).
    pub async fn send(
        &self,
        req: &Request,
        notify: &mut dyn FnMut(&str),
    ) -> Result<Reply, ClientError> {
        let url = req.url(&self.config.base_url);
        let mut attempt = 0u32;
        loop {
            let result = self.once(req, &url).await;
            let retry = attempt < self.config.retries;
            match result {
                Ok(reply) if reply.0.status == 429 => {
                    let wait = reply
                        .1
                        .as_deref()
                        .and_then(|v| retry_after(v, Timestamp::now()))
                        .unwrap_or_else(|| self.backoff(attempt));
                    if !retry || wait > self.config.max_wait {
                        return Err(ClientError::RateLimited {
                            retries: attempt,
                            reply: reply.0,
                        });
                    }
                    attempt += 1;
                    countdown(wait, attempt, self.config.retries, notify).await;
                }
                Ok(reply) if reply.0.status >= 500 && req.method.is_idempotent() && retry => {
                    attempt += 1;
                    let wait = self.backoff(attempt - 1);
                    notify(&format!(
                        "HTTP {} from Clerk; retrying {} (retry {attempt} of {}) in {:.1} s",
                        reply.0.status,
                        req.method,
                        self.config.retries,
                        wait.as_secs_f64()
                    ));
                    tokio::time::sleep(wait).await;
                }
                Ok(reply) => return Ok(reply.0),
                Err(e) if e.is_timeout() => {
                    return Err(ClientError::Timeout {
                        url,
                        secs: self.config.timeout.as_secs(),
                    });
                }
                Err(e) if req.method.is_idempotent() && retry => {
                    attempt += 1;
                    let wait = self.backoff(attempt - 1);
                    notify(&format!(
                        "cannot reach {} ({}); retrying {} (retry {attempt} of {}) in {:.1} s",
                        self.config.base_url,
                        reason(&e),
                        req.method,
                        self.config.retries,
                        wait.as_secs_f64()
                    ));
                    tokio::time::sleep(wait).await;
                }
                Err(e) => {
                    return Err(ClientError::Connect {
                        url,
                        reason: reason(&e),
                    });
                }
            }
        }
    }

    fn backoff(&self, attempt: u32) -> Duration {
        self.config.backoff * 2u32.saturating_pow(attempt.min(16))
    }

    /// One attempt: the reply and its `Retry-After` header.
    async fn once(
        &self,
        req: &Request,
        url: &str,
    ) -> Result<(Reply, Option<String>), reqwest::Error> {
        let method = reqwest::Method::from_bytes(req.method.as_str().as_bytes())
            .unwrap_or(reqwest::Method::GET);
        let mut builder = self
            .http
            .request(method, url)
            .header("Authorization", &self.auth)
            .header("Accept", "application/json");
        if let Some(body) = &req.body {
            builder = builder.json(body);
        }
        let resp = builder.send().await?;
        let status = resp.status().as_u16();
        let retry_after = resp
            .headers()
            .get("retry-after")
            .and_then(|v| v.to_str().ok())
            .map(str::to_string);
        let bytes = resp.bytes().await?;
        let body = if bytes.iter().all(u8::is_ascii_whitespace) {
            Value::Null
        } else {
            serde_json::from_slice(&bytes)
                .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&bytes).into_owned()))
        };
        Ok((Reply { status, body }, retry_after))
    }
}

/// The innermost cause of a transport error, without the URL.
fn reason(e: &reqwest::Error) -> String {
    let mut source: &dyn std::error::Error = e;
    while let Some(s) = source.source() {
        source = s;
    }
    source.to_string()
}

/// Waits, saying so once a second.
async fn countdown(wait: Duration, attempt: u32, max: u32, notify: &mut dyn FnMut(&str)) {
    let secs = wait.as_secs();
    notify(&format!(
        "rate-limited by Clerk (HTTP 429); retry {attempt} of {max} in {secs} s"
    ));
    let mut left = wait;
    while left > Duration::ZERO {
        let tick = left.min(Duration::from_secs(1));
        tokio::time::sleep(tick).await;
        left -= tick;
        if left >= Duration::from_secs(1) {
            notify(&format!("  {} s…", left.as_secs()));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_urls() {
        assert!(check_base_url("https://api.clerk.com/v1/").is_ok());
        assert!(check_base_url("http://127.0.0.1:8080").is_ok());
        assert!(check_base_url("http://localhost:1").is_ok());
        assert!(check_base_url("http://[::1]:9/v1").is_ok());
        assert!(matches!(
            check_base_url("http://api.clerk.com/v1"),
            Err(ClientError::PlainHttp(_))
        ));
        assert!(matches!(
            check_base_url("http://10.0.0.1/v1"),
            Err(ClientError::PlainHttp(_))
        ));
        assert!(matches!(
            check_base_url("ftp://x"),
            Err(ClientError::BadUrl(_))
        ));
    }

    #[test]
    fn retry_after_forms() {
        let now: Timestamp = "2026-01-01T00:00:00Z".parse().unwrap();
        assert_eq!(retry_after("3", now), Some(Duration::from_secs(3)));
        assert_eq!(
            retry_after("Thu, 01 Jan 2026 00:00:05 GMT", now),
            Some(Duration::from_secs(5))
        );
        assert_eq!(
            retry_after("Wed, 31 Dec 2025 23:00:00 GMT", now),
            Some(Duration::ZERO)
        );
        assert_eq!(retry_after("soon", now), None);
    }
}
