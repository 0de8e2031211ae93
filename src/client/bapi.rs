//! Sending requests to Clerk's Backend API: the base URL check (no plain
//! `http://` except loopback, so the key never crosses a network in clear
//! text), the bearer key, timeouts, and retries: 429 honours `Retry-After`
//! (seconds or an HTTP date) up to 3 times with a visible countdown; 5xx
//! and connection errors are retried with backoff for idempotent methods
//! (GET, PUT, DELETE) only. A certificate error or a redirect is never
//! retried.
//!
//! The URL sent is exactly the URL the user was shown: a request whose URL
//! a parser would rewrite (dot segments, odd escapes) is refused. Redirects
//! are never followed for writes (a 307 would re-send the body elsewhere, a
//! 302 would turn the POST into a GET); a read follows at most
//! [`MAX_REDIRECTS`] redirects within the base URL's origin. Response bodies
//! are read up to [`Config::max_body`] bytes. Every attempt first waits
//! for the instance's rate limiter ([`super::limit`]).

use std::time::Duration;

use jiff::Timestamp;
use serde_json::Value;

use super::limit::{Limiter, Rate};
use crate::pipeline::SecretKey;
use crate::spec::Method;

/// Where requests go unless the user chooses another base URL.
pub const DEFAULT_BASE_URL: &str = "https://api.clerk.com/v1";

/// Redirects a read follows within its origin before giving up.
pub const MAX_REDIRECTS: usize = 5;

/// The default cap on a response body: far above any one Clerk page.
pub const DEFAULT_MAX_BODY: u64 = 32 * 1024 * 1024;

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
    /// The largest response body read, in bytes (`--max-body`).
    pub max_body: u64,
    /// The instance's request rate, kept to by every request
    /// ([`super::limit`]); `None`: no client-side limit.
    pub rate: Option<Rate>,
}

impl Config {
    pub fn new(base_url: String, timeout: Duration, backoff: Duration) -> Config {
        Config {
            base_url,
            timeout,
            backoff,
            retries: 3,
            max_wait: Duration::from_secs(60),
            max_body: DEFAULT_MAX_BODY,
            rate: None,
        }
    }
}

/// One request: its URL is the very string the user was shown.
#[derive(Debug, Clone, PartialEq)]
pub struct Request {
    pub method: Method,
    pub url: String,
    pub body: Option<Value>,
    /// Body fields that are local files: with any, the body is sent as
    /// `multipart/form-data`, each file read as it is sent.
    pub files: Vec<(String, std::path::PathBuf)>,
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
    #[error(
        "refusing to send {0}: as a URL it would become another address than the one shown; \
         check the path values"
    )]
    UrlChanged(String),
    #[error("{url} answered HTTP {status} with a redirect to {location}; {why}")]
    Redirected {
        url: String,
        status: u16,
        location: String,
        why: &'static str,
    },
    #[error(
        "the response from {url} is over {limit_mib} MiB, so it was cut off and not used; \
         ask for less (a smaller limit), or raise --max-body"
    )]
    TooLarge { url: String, limit_mib: u64 },
    #[error(
        "the TLS connection to {url} failed ({reason}); it is not retried, check the certificate or --base-url"
    )]
    Tls { url: String, reason: String },
    #[error("cannot read {path} to upload it ({reason}); nothing was sent")]
    File { path: String, reason: String },
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
    // The parser's own spelling (host lower-cased, default port dropped),
    // so the URLs shown and the URLs sent are spelt the same.
    Ok(parsed.as_str().trim_end_matches('/').to_string())
}

/// Whether `next` (a redirect target) stays within `base`'s origin.
fn same_origin(base: &reqwest::Url, next: &reqwest::Url) -> bool {
    base.scheme() == next.scheme()
        && base.host_str() == next.host_str()
        && base.port_or_known_default() == next.port_or_known_default()
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
    limiter: Option<Limiter>,
}

/// What one attempt came to.
enum Attempt {
    Reply(Reply, Option<String>),
    /// A 3xx with a `Location`.
    Redirect {
        status: u16,
        location: String,
    },
}

impl Bapi {
    pub fn new(config: Config, key: &SecretKey) -> Result<Bapi, ClientError> {
        let http = super::http_client(config.timeout, false)
            .map_err(|e| ClientError::Setup(e.to_string()))?;
        Ok(Bapi {
            http,
            auth: format!("Bearer {}", key.expose()),
            limiter: config.rate.map(Limiter::new),
            config,
        })
    }

    pub fn base_url(&self) -> &str {
        &self.config.base_url
    }

    /// The rate every request keeps to, if any.
    pub fn rate(&self) -> Option<Rate> {
        self.limiter.as_ref().map(Limiter::rate)
    }

    /// Sends one request with the retry and redirect rules; `notify` shows
    /// waits and retries (on stderr).
    pub async fn send(
        &self,
        req: &Request,
        notify: &mut dyn FnMut(&str),
    ) -> Result<Reply, ClientError> {
        let mut url = parse_exact(&req.url)?;
        let mut redirects = 0;
        let mut attempt = 0u32;
        loop {
            let permit = match &self.limiter {
                Some(limiter) => Some(limiter.acquire().await),
                None => None,
            };
            let result = self.once(req, &url).await;
            drop(permit);
            let retry = attempt < self.config.retries;
            match result {
                Ok(Attempt::Redirect { status, location }) => {
                    url = self.follow(req, &url, status, &location, redirects)?;
                    redirects += 1;
                    notify(&format!("HTTP {status}: following the redirect to {url}"));
                }
                Ok(Attempt::Reply(reply, after)) if reply.status == 429 => {
                    let wait = after
                        .as_deref()
                        .and_then(|v| retry_after(v, Timestamp::now()))
                        .unwrap_or_else(|| self.backoff(attempt));
                    if !retry || wait > self.config.max_wait {
                        return Err(ClientError::RateLimited {
                            retries: attempt,
                            reply,
                        });
                    }
                    attempt += 1;
                    // Every request waits, not only this one.
                    if let Some(limiter) = &self.limiter {
                        limiter.pause(wait);
                    }
                    countdown(wait, attempt, self.config.retries, notify).await;
                }
                Ok(Attempt::Reply(reply, _))
                    if reply.status >= 500 && req.method.is_idempotent() && retry =>
                {
                    attempt += 1;
                    let wait = self.backoff(attempt - 1);
                    notify(&format!(
                        "HTTP {} from Clerk; retrying {} (retry {attempt} of {}) in {:.1} s",
                        reply.status,
                        req.method,
                        self.config.retries,
                        wait.as_secs_f64()
                    ));
                    tokio::time::sleep(wait).await;
                }
                Ok(Attempt::Reply(reply, _)) => return Ok(reply),
                Err(Failure::TooLarge) => {
                    return Err(ClientError::TooLarge {
                        url: url.to_string(),
                        limit_mib: self.config.max_body / (1024 * 1024),
                    });
                }
                Err(Failure::File((path, reason))) => {
                    return Err(ClientError::File { path, reason });
                }
                Err(Failure::Http(e)) if e.is_timeout() => {
                    return Err(ClientError::Timeout {
                        url: url.to_string(),
                        secs: self.config.timeout.as_secs(),
                    });
                }
                Err(Failure::Http(e)) if tls_failure(&e) => {
                    return Err(ClientError::Tls {
                        url: url.to_string(),
                        reason: reason(&e),
                    });
                }
                Err(Failure::Http(e)) if req.method.is_idempotent() && retry => {
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
                Err(Failure::Http(e)) => {
                    return Err(ClientError::Connect {
                        url: url.to_string(),
                        reason: reason(&e),
                    });
                }
            }
        }
    }

    /// The next URL of a redirect a read may follow, or why not.
    fn follow(
        &self,
        req: &Request,
        from: &reqwest::Url,
        status: u16,
        location: &str,
        redirects: usize,
    ) -> Result<reqwest::Url, ClientError> {
        let refuse = |why: &'static str, location: String| ClientError::Redirected {
            url: from.to_string(),
            status,
            location,
            why,
        };
        if req.method.is_write() {
            return Err(refuse(
                "redirects are not followed for writes (the request would be re-sent, or changed, \
                 elsewhere); nothing more was sent",
                location.to_string(),
            ));
        }
        let Ok(next) = from.join(location) else {
            return Err(refuse("that address cannot be read", location.to_string()));
        };
        let base = reqwest::Url::parse(&self.config.base_url)
            .map_err(|_| ClientError::BadUrl(self.config.base_url.clone()))?;
        if !same_origin(&base, &next) {
            return Err(refuse(
                "it leaves the API's origin, and the key is only sent there; not followed",
                next.to_string(),
            ));
        }
        if redirects >= MAX_REDIRECTS {
            return Err(refuse(
                "that is too many redirects (a loop?); not followed further",
                next.to_string(),
            ));
        }
        Ok(next)
    }

    fn backoff(&self, attempt: u32) -> Duration {
        self.config.backoff * 2u32.saturating_pow(attempt.min(16))
    }

    /// One attempt: the reply and its `Retry-After` header, or a redirect.
    async fn once(&self, req: &Request, url: &reqwest::Url) -> Result<Attempt, Failure> {
        let method = reqwest::Method::from_bytes(req.method.as_str().as_bytes())
            .unwrap_or(reqwest::Method::GET);
        let mut builder = self
            .http
            .request(method, url.clone())
            .header("Authorization", &self.auth)
            .header("Accept", "application/json");
        if !req.files.is_empty() {
            builder = builder.multipart(form(req).map_err(Failure::File)?);
        } else if let Some(body) = &req.body {
            builder = builder.json(body);
        }
        let mut resp = builder.send().await.map_err(Failure::Http)?;
        let status = resp.status().as_u16();
        let header = |name: &str| {
            resp.headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_string)
        };
        if resp.status().is_redirection()
            && let Some(location) = header("location")
        {
            return Ok(Attempt::Redirect { status, location });
        }
        let retry_after = header("retry-after");
        if resp
            .content_length()
            .is_some_and(|n| n > self.config.max_body)
        {
            return Err(Failure::TooLarge);
        }
        let mut bytes = Vec::new();
        while let Some(chunk) = resp.chunk().await.map_err(Failure::Http)? {
            if (bytes.len() + chunk.len()) as u64 > self.config.max_body {
                return Err(Failure::TooLarge);
            }
            bytes.extend_from_slice(&chunk);
        }
        let body = if bytes.iter().all(u8::is_ascii_whitespace) {
            Value::Null
        } else {
            serde_json::from_slice(&bytes)
                .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&bytes).into_owned()))
        };
        Ok(Attempt::Reply(Reply { status, body }, retry_after))
    }
}

/// Why an attempt got no reply.
enum Failure {
    Http(reqwest::Error),
    TooLarge,
    /// A file to upload could not be read: its path and why.
    File((String, String)),
}

/// A multipart body: each file as a part named by its field (its file name
/// and a media type from its extension), every other field as text.
fn form(req: &Request) -> Result<reqwest::multipart::Form, (String, String)> {
    let mut form = reqwest::multipart::Form::new();
    for (name, path) in &req.files {
        let failed = |e: String| (path.display().to_string(), e);
        // A CLI sending one request: reading a small file blocks nothing else.
        let bytes = std::fs::read(path).map_err(|e| failed(e.to_string()))?;
        let mut part = reqwest::multipart::Part::bytes(bytes)
            .mime_str(mime_guess::from_path(path).first_or_octet_stream().as_ref())
            .map_err(|e| failed(e.to_string()))?;
        if let Some(file_name) = path.file_name() {
            part = part.file_name(file_name.to_string_lossy().into_owned());
        }
        form = form.part(name.clone(), part);
    }
    if let Some(Value::Object(body)) = &req.body {
        for (name, value) in body {
            if req.files.iter().any(|(f, _)| f == name) {
                continue;
            }
            let text = match value {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            form = form.text(name.clone(), text);
        }
    }
    Ok(form)
}

/// `url` parsed, refused when parsing would change it: the address sent
/// must be, byte for byte, the address shown.
fn parse_exact(url: &str) -> Result<reqwest::Url, ClientError> {
    match reqwest::Url::parse(url) {
        Ok(parsed) if parsed.as_str() == url => Ok(parsed),
        _ => Err(ClientError::UrlChanged(url.to_string())),
    }
}

/// Whether a transport error is a TLS failure (an unknown issuer, a bad
/// certificate, a handshake refused, a peer that does not speak TLS):
/// retrying cannot help.
fn tls_failure(e: &reqwest::Error) -> bool {
    causes(e).iter().any(|c| {
        c.downcast_ref::<rustls::Error>().is_some()
            || c.downcast_ref::<std::io::Error>()
                .is_some_and(|io| io.kind() == std::io::ErrorKind::InvalidData)
    })
}

/// Every cause of an error, looking inside `io::Error`s too (whose
/// `source()` skips the error they wrap).
fn causes<'e>(
    e: &'e (dyn std::error::Error + 'static),
) -> Vec<&'e (dyn std::error::Error + 'static)> {
    let mut out = Vec::new();
    let mut next = Some(e);
    while let Some(c) = next {
        out.push(c);
        let mut inner = c;
        while let Some(wrapped) = inner
            .downcast_ref::<std::io::Error>()
            .and_then(|io| io.get_ref())
        {
            let wrapped: &(dyn std::error::Error + 'static) = wrapped;
            out.push(wrapped);
            inner = wrapped;
        }
        next = c.source();
    }
    out
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
    fn urls_are_sent_as_shown_or_not_at_all() {
        assert!(parse_exact("https://api.clerk.com/v1/users?limit=1").is_ok());
        for bad in [
            "https://api.clerk.com/v1/users/user_1/passkeys/..",
            "https://api.clerk.com/v1/users/./x",
            "https://api.clerk.com/v1/users/%2e%2e/x",
            "https://API.clerk.com/v1/users",
            "https://api.clerk.com:443/v1/users",
        ] {
            assert!(parse_exact(bad).is_err(), "{bad}");
        }
        assert_eq!(
            check_base_url("https://API.clerk.com:443/v1/").unwrap(),
            "https://api.clerk.com/v1"
        );
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
