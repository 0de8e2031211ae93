//! The client against wiremock: rate limits, retries, timeouts, pagination
//! and how results and errors read.

use crate::support as execute_support;

use std::io::{BufRead, BufReader};
use std::process::Stdio;

use execute_support::{Cli, received};
use serde_json::{Value, json};
use wiremock::matchers::{method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn user(n: usize) -> Value {
    json!({"object": "user", "id": format!("user_{n}"), "username": format!("u{n}"),
        "email_addresses": [], "created_at": 1735689600000i64, "last_sign_in_at": null})
}

#[tokio::test]
async fn rate_limits_honour_retry_after_then_succeed() {
    let s = MockServer::start().await;
    let uri = s.uri();
    // Seconds first, then an HTTP date (in the past: retry at once).
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(429).insert_header("retry-after", "1"))
        .up_to_n_times(1)
        .mount(&s)
        .await;
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(429)
                .insert_header("retry-after", "Wed, 21 Oct 2015 07:28:00 GMT"),
        )
        .up_to_n_times(1)
        .mount(&s)
        .await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(user(1)))
        .mount(&s)
        .await;
    let Some(cli) = Cli::new() else { return };
    let run = cli.run(&["GET", "/users/user_1", "--base-url", &uri]).await;
    assert_eq!(run.code, 0, "{run:?}");
    assert!(
        run.stderr
            .contains("rate-limited by Clerk (HTTP 429); retry 1 of 3 in 1 s"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("retry 2 of 3 in 0 s"), "{}", run.stderr);
    assert!(run.stdout.contains("User user_1"));
    assert_eq!(received(&s).await.len(), 3);
}

#[tokio::test]
async fn rate_limits_stop_after_three_retries_with_the_limits() {
    let s = MockServer::start().await;
    let uri = s.uri();
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(429).insert_header("retry-after", "0").set_body_json(
            json!({"errors": [{"code": "too_many_requests", "message": "Too many requests"}]}),
        ))
        .expect(4)
        .mount(&s)
        .await;
    let Some(cli) = Cli::new() else { return };
    let run = cli
        .send(&["POST", "/organizations", "name=Acme"], &uri)
        .await;
    assert_eq!(run.code, 1, "{run:?}");
    for e in [
        "too_many_requests",
        "after 3 retries",
        "1,000 per 10 seconds",
        "100 per 10 seconds",
        "250 per hour",
    ] {
        assert!(run.stderr.contains(e), "{e}: {}", run.stderr);
    }
}

#[tokio::test]
async fn server_errors_are_retried_for_get_but_not_post() {
    let s = MockServer::start().await;
    let uri = s.uri();
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(2)
        .mount(&s)
        .await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(user(1)))
        .mount(&s)
        .await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(502).set_body_string("upstream down"))
        .mount(&s)
        .await;
    let Some(cli) = Cli::new() else { return };
    let run = cli.run(&["GET", "/users/user_1", "--base-url", &uri]).await;
    assert_eq!(run.code, 0, "{run:?}");
    assert!(
        run.stderr
            .contains("HTTP 503 from Clerk; retrying GET (retry 2 of 3)"),
        "{}",
        run.stderr
    );
    assert_eq!(received(&s).await.len(), 3);
    let Some(cli) = Cli::new() else { return };
    let run = cli
        .send(&["POST", "/organizations", "name=Acme"], &uri)
        .await;
    assert_eq!(run.code, 1, "{run:?}");
    assert!(
        run.stderr.contains("HTTP 502: upstream down"),
        "{}",
        run.stderr
    );
    assert!(!run.stderr.contains("retrying"));
    assert_eq!(received(&s).await.len(), 4);
}

#[tokio::test]
async fn connection_errors_are_retried_for_idempotent_methods_only() {
    // A port nothing listens on.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let base = format!("http://127.0.0.1:{port}");
    let Some(cli) = Cli::new() else { return };
    // A DELETE with no read before it (the journal reads the state a
    // DELETE of a whole object destroys, and that read would be retried).
    let run = cli
        .run(&[
            "DELETE",
            "/users/user_1/mfa",
            "--admin",
            "--yes",
            "--base-url",
            &base,
        ])
        .await;
    assert_eq!(run.code, 1, "{run:?}");
    assert_eq!(
        run.stderr.matches("retrying DELETE").count(),
        3,
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("cannot reach"), "{}", run.stderr);
    let Some(cli) = Cli::new() else { return };
    let run = cli
        .run(&[
            "POST",
            "/organizations",
            "name=A",
            "--admin",
            "--yes",
            "--base-url",
            &base,
        ])
        .await;
    assert_eq!(run.code, 1, "{run:?}");
    assert!(!run.stderr.contains("retrying"), "{}", run.stderr);
}

#[tokio::test]
async fn slow_answers_time_out() {
    let s = MockServer::start().await;
    let uri = s.uri();
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_delay(std::time::Duration::from_secs(20)))
        .mount(&s)
        .await;
    let Some(cli) = Cli::new() else { return };
    let run = cli
        .run(&["GET", "/users", "--timeout", "1", "--base-url", &uri])
        .await;
    assert_eq!(run.code, 1, "{run:?}");
    assert!(
        run.stderr.contains("within 1 s") && run.stderr.contains("--timeout"),
        "{}",
        run.stderr
    );
    assert_eq!(received(&s).await.len(), 1);
}

async fn paged_server(pages: &[usize]) -> MockServer {
    let s = MockServer::start().await;
    let mut offset = 0;
    for (i, n) in pages.iter().enumerate() {
        let items: Vec<Value> = (offset..offset + n).map(user).collect();
        let mut response = ResponseTemplate::new(200).set_body_json(items);
        // A page that never comes in time: Ctrl-C may land before or after
        // its request goes out.
        let never = i == 1 && pages.len() == 2 && *n == 0;
        if never {
            response = response.set_delay(std::time::Duration::from_secs(60));
        }
        Mock::given(method("GET"))
            .and(path("/users"))
            .and(query_param("limit", "500"))
            .and(query_param("offset", offset.to_string()))
            .respond_with(response)
            .expect(if never { 0..=1 } else { 1..=1 })
            .mount(&s)
            .await;
        offset += n;
    }
    s
}

#[tokio::test]
async fn all_follows_pages_as_text_and_as_one_json_array() {
    let s = paged_server(&[500, 3]).await;
    let uri = s.uri();
    let Some(cli) = Cli::new() else { return };
    let run = cli
        .run(&["GET", "/users", "--all", "--base-url", &uri])
        .await;
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(
        run.stdout
            .lines()
            .filter(|l| l.trim_start().starts_with("user_"))
            .count(),
        503
    );
    assert_eq!(
        run.stdout
            .lines()
            .filter(|l| l.contains("username"))
            .count(),
        1
    );
    assert!(
        run.stderr.contains("page 2: 503 users so far"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("Fetched 503 users in 2 page(s)."),
        "{}",
        run.stderr
    );
    s.reset().await;
    let s = paged_server(&[500, 3]).await;
    let uri = s.uri();
    let Some(cli) = Cli::new() else { return };
    let run = cli
        .run(&[
            "GET",
            "/users",
            "--all",
            "--output",
            "json",
            "--base-url",
            &uri,
        ])
        .await;
    assert_eq!(run.code, 0, "{run:?}");
    let doc: Vec<Value> = serde_json::from_str(&run.stdout).expect("one JSON array");
    assert_eq!(doc.len(), 503);
    assert_eq!(doc[502]["id"], "user_502");
}

#[tokio::test]
async fn a_full_page_says_more_may_exist() {
    let s = MockServer::start().await;
    let uri = s.uri();
    Mock::given(method("GET"))
        .and(path("/users"))
        .respond_with(ResponseTemplate::new(200).set_body_json(vec![user(1), user(2)]))
        .mount(&s)
        .await;
    let Some(cli) = Cli::new() else { return };
    let run = cli
        .run(&["GET", "/users", "limit=2", "--base-url", &uri])
        .await;
    assert!(run.stdout.contains("2 users"), "{}", run.stdout);
    assert!(
        run.stdout
            .contains("More results may exist (this page is full at limit=2); next page: offset=2"),
        "{}",
        run.stdout
    );
    let Some(cli) = Cli::new() else { return };
    let run = cli
        .run(&["GET", "/users", "limit=5", "--base-url", &uri])
        .await;
    assert!(!run.stdout.contains("More results"), "{}", run.stdout);
    let Some(cli) = Cli::new() else { return };
    let run = cli
        .run(&["GET", "/users", "limit=2", "-o", "json", "--base-url", &uri])
        .await;
    assert!(run.stderr.contains("More results may exist"));
    assert_eq!(
        serde_json::from_str::<Value>(&run.stdout)
            .unwrap()
            .as_array()
            .unwrap()
            .len(),
        2
    );
}

#[tokio::test]
async fn ctrl_c_stops_all_cleanly() {
    // The second page never comes in time.
    let s = paged_server(&[500, 0]).await;
    let uri = s.uri();
    let Some(cli) = Cli::new() else { return };
    let (mut cmd, _cwd) =
        cli.command(&["GET", "/users", "--all", "-o", "json", "--base-url", &uri]);
    let out = tokio::task::spawn_blocking(move || {
        cmd.stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = cmd.spawn().unwrap();
        let mut err = BufReader::new(child.stderr.take().unwrap());
        let mut seen = String::new();
        let mut line = String::new();
        while err.read_line(&mut line).unwrap() > 0 {
            seen.push_str(&line);
            if line.contains("page 1:") {
                let _ = std::process::Command::new("kill")
                    .args(["-INT", &child.id().to_string()])
                    .status();
            }
            line.clear();
        }
        let out = child.wait_with_output().unwrap();
        (out, seen)
    })
    .await
    .unwrap();
    let (out, stderr) = out;
    assert_eq!(out.status.code(), Some(130), "{stderr}");
    assert!(
        stderr.contains("Stopped by Ctrl-C after 500 users"),
        "{stderr}"
    );
    let doc: Vec<Value> = serde_json::from_slice(&out.stdout).expect("the array is closed");
    assert_eq!(doc.len(), 500);
}

#[tokio::test]
async fn results_and_errors_read_well() {
    let s = MockServer::start().await;
    let uri = s.uri();
    let error = json!({"errors": [{"code": "resource_not_found", "message": "not found",
        "long_message": "No user was found with id user_9"}], "clerk_trace_id": "trace_abc"});
    Mock::given(method("GET"))
        .and(path("/users/user_9"))
        .respond_with(ResponseTemplate::new(404).set_body_json(&error))
        .mount(&s)
        .await;
    Mock::given(method("DELETE"))
        .and(path("/users/user_1"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"object": "user", "id": "user_1", "deleted": true})),
        )
        .mount(&s)
        .await;
    Mock::given(method("GET"))
        .and(path("/organizations"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"data": [
            {"object": "organization", "id": "org_1", "name": "Acme", "slug": "acme", "members_count": 4}
        ], "total_count": 1})))
        .mount(&s)
        .await;
    let Some(cli) = Cli::new() else { return };
    let run = cli.run(&["GET", "/users/user_9", "--base-url", &uri]).await;
    assert_eq!(run.code, 1);
    assert!(
        run.stderr.contains("error: resource_not_found: No user was found with id user_9 (HTTP 404, trace trace_abc)"),
        "{}",
        run.stderr
    );
    let Some(cli) = Cli::new() else { return };
    let run = cli
        .run(&["GET", "/users/user_9", "-o", "json", "--base-url", &uri])
        .await;
    assert_eq!(run.code, 1);
    assert_eq!(serde_json::from_str::<Value>(&run.stdout).unwrap(), error);
    let Some(cli) = Cli::new() else { return };
    let run = cli.send(&["delete", "/v1/users/user_1"], &uri).await;
    assert_eq!(
        (run.code, run.stdout.trim()),
        (0, "Deleted user_1"),
        "{run:?}"
    );
    let Some(cli) = Cli::new() else { return };
    let run = cli.run(&["/organizations", "--base-url", &uri]).await;
    assert!(
        run.stdout.contains("org_1  Acme  acme  4"),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("1 organization of 1"), "{}", run.stdout);
}
