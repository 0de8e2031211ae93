//! Step 2 of the pipeline: scopes from `CLERK_BAPI_SCOPES` (comma or space
//! separated). GET is always allowed; POST, PUT and PATCH need `write`;
//! DELETE needs `write` and `delete`; `--admin` bypasses the check. The
//! check is made before anything is sent: never send to find out.

use crate::spec::Method;

/// The scopes a method needs.
pub fn needed(method: Method) -> &'static [&'static str] {
    match method {
        Method::Get => &[],
        Method::Post | Method::Put | Method::Patch => &["write"],
        Method::Delete => &["write", "delete"],
    }
}

/// The scopes a `CLERK_BAPI_SCOPES` value grants, lowercased.
pub fn parse(value: Option<&str>) -> Vec<String> {
    value
        .unwrap_or("")
        .split(|c: char| c == ',' || c.is_whitespace())
        .filter(|s| !s.is_empty())
        .map(str::to_ascii_lowercase)
        .collect()
}

/// The scopes `methods` need that `granted` lacks, in a fixed order.
pub fn missing(granted: &[String], methods: impl IntoIterator<Item = Method>) -> Vec<&'static str> {
    let mut out: Vec<&'static str> = Vec::new();
    for m in methods {
        for s in needed(m) {
            if !granted.iter().any(|g| g == s) && !out.contains(s) {
                out.push(s);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matrix() {
        let g = parse(Some("read, write"));
        assert!(missing(&g, [Method::Get, Method::Post, Method::Patch]).is_empty());
        assert_eq!(missing(&g, [Method::Delete]), ["delete"]);
        assert_eq!(missing(&parse(None), [Method::Get]), Vec::<&str>::new());
        assert_eq!(missing(&parse(Some("")), [Method::Put]), ["write"]);
        assert!(missing(&parse(Some("WRITE delete")), [Method::Delete]).is_empty());
    }
}
