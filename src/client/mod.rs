//! The only module that touches the network: Clerk's Backend API, and
//! GitHub for specs (through [`crate::source::remote`]).

pub mod bapi;
pub mod github;
pub mod limit;

use std::sync::Once;
use std::time::Duration;

/// The `User-Agent` every request carries.
pub const USER_AGENT: &str = concat!("clerk-backend-api/", env!("CARGO_PKG_VERSION"));

/// Builds an HTTP client with connect and total timeouts. TLS is rustls with
/// the `ring` provider and the platform's certificate verifier. Redirects
/// are followed only when `follow` (GitHub's files); Clerk's client follows
/// them itself, under its own rules ([`bapi`]).
pub fn http_client(timeout: Duration, follow: bool) -> Result<reqwest::Client, reqwest::Error> {
    static PROVIDER: Once = Once::new();
    PROVIDER.call_once(|| {
        // Fails only if another provider was installed first, which is fine.
        let _ = rustls::crypto::ring::default_provider().install_default();
    });
    reqwest::Client::builder()
        .user_agent(USER_AGENT)
        .connect_timeout(timeout.min(Duration::from_secs(10)))
        .timeout(timeout)
        .redirect(if follow {
            reqwest::redirect::Policy::limited(5)
        } else {
            reqwest::redirect::Policy::none()
        })
        .build()
}
