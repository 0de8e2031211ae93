//! The secret key end to end (binary against wiremock on 127.0.0.1): where
//! it is found, which keys are refused, which instance it targets, that it
//! only travels over https or loopback, and that it never shows.

use crate::support as execute_support;

use execute_support::{Cli, KEY, LIVE_KEY, received};
use serde_json::json;
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

async fn server() -> MockServer {
    crate::support::answering(json!({"object": "user", "id": "user_1"})).await
}

#[tokio::test]
async fn keys_are_checked_and_found_in_dotenv_files() {
    let s = server().await;
    let uri = s.uri();
    // No key at all.
    let Some(cli) = Cli::new() else { return };
    let run = cli
        .no_key()
        .run(&["GET", "/users", "--base-url", &uri])
        .await;
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("CLERK_SECRET_KEY") && run.stderr.contains(".env"),
        "{}",
        run.stderr
    );
    // Wrong kinds of keys, each named.
    for (k, says) in [
        ("pk_test_Y2xlcmsuZXhhbXBsZS5jb20k", "publishable key"),
        ("ak_3beecc9c60adb5f9b850e91a8ee1e992", "API key"),
        ("sk_prod_nothing", "does not look like a Clerk secret key"),
    ] {
        let Some(cli) = Cli::new() else { return };
        let run = cli
            .env("CLERK_SECRET_KEY", k)
            .run(&["GET", "/users", "--base-url", &uri])
            .await;
        assert_eq!(run.code, 2, "{run:?}");
        assert!(run.stderr.contains(says), "{k}: {}", run.stderr);
    }
    assert!(received(&s).await.is_empty());
    // .env.local beats .env in the same folder; the nearest folder wins;
    // the environment beats files.
    let Some(cli) = Cli::new() else { return };
    let root = cli.cwd.path().to_path_buf();
    let deep = root.join("app/src");
    std::fs::create_dir_all(&deep).unwrap();
    let far = "sk_test_fromTheParentFolder123";
    let near = "sk_test_fromDotEnvLocal456";
    std::fs::write(root.join(".env"), format!("CLERK_SECRET_KEY={far}\n")).unwrap();
    std::fs::write(
        root.join("app/.env"),
        format!("# app\nCLERK_SECRET_KEY={far}\n"),
    )
    .unwrap();
    std::fs::write(
        root.join("app/.env.local"),
        format!("export CLERK_SECRET_KEY=\"{near}\"\n"),
    )
    .unwrap();
    let run = cli
        .no_key()
        .secret(far)
        .secret(near)
        .dir(&deep)
        .run(&["GET", "/users", "--base-url", &uri])
        .await;
    assert_eq!(run.code, 0, "{run:?}");
    assert!(run.stderr.contains(".env.local"), "{}", run.stderr);
    let reqs = received(&s).await;
    assert_eq!(
        reqs.last().unwrap().headers["authorization"],
        format!("Bearer {near}").as_str()
    );
    let Some(cli) = Cli::new() else { return };
    std::fs::write(
        cli.cwd.path().join(".env"),
        format!("CLERK_SECRET_KEY={far}\n"),
    )
    .unwrap();
    let run = cli
        .secret(far)
        .run(&["GET", "/users", "--base-url", &uri])
        .await;
    assert_eq!(run.code, 0);
    let reqs = received(&s).await;
    assert_eq!(
        reqs.last().unwrap().headers["authorization"],
        format!("Bearer {KEY}").as_str()
    );
}

#[tokio::test]
async fn instance_kind_is_shown_and_production_writes_are_loud() {
    let s = server().await;
    let uri = s.uri();
    let Some(cli) = Cli::new() else { return };
    let run = cli.run(&["GET", "/users/user_1", "--base-url", &uri]).await;
    assert!(
        run.stderr.contains("development instance"),
        "{}",
        run.stderr
    );
    let Some(cli) = Cli::new() else { return };
    let run = cli
        .env("CLERK_SECRET_KEY", LIVE_KEY)
        .send(&["POST", "/organizations", "name=Acme"], &uri)
        .await;
    assert_eq!(run.code, 0, "{run:?}");
    assert!(
        run.stderr
            .contains("PRODUCTION instance (sk_live_ key): this changes live data"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("on the PRODUCTION instance"),
        "{}",
        run.stderr
    );
}

#[tokio::test]
async fn the_key_is_sent_but_never_shown() {
    let s = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/users/user_1"))
        .and(header("authorization", format!("Bearer {KEY}").as_str()))
        .respond_with(ResponseTemplate::new(200).set_body_json(
            json!({"object": "user", "id": "user_1", "first_name": KEY, "note": format!("key={KEY}")}),
        ))
        .expect(3)
        .mount(&s)
        .await;
    Mock::given(method("GET"))
        .and(path("/users/user_2"))
        .respond_with(ResponseTemplate::new(401).set_body_json(
            json!({"errors": [{"code": "authorization_invalid", "message": format!("bad key {KEY}")}]}),
        ))
        .mount(&s)
        .await;
    let uri = s.uri();
    for extra in [
        &[][..],
        &["--output", "json"][..],
        &["--color", "always"][..],
    ] {
        let Some(cli) = Cli::new() else { return };
        let mut argv = vec!["GET", "/users/user_1", "--base-url", &uri];
        argv.extend(extra);
        let run = cli.run(&argv).await;
        assert_eq!(run.code, 0, "{run:?}");
        assert!(run.stdout.contains("$CLERK_SECRET_KEY"), "{}", run.stdout);
    }
    let Some(cli) = Cli::new() else { return };
    let run = cli.run(&["GET", "/users/user_2", "--base-url", &uri]).await;
    assert_eq!(run.code, 1);
    assert!(
        run.stderr.contains("bad key $CLERK_SECRET_KEY"),
        "{}",
        run.stderr
    );
    // --curl and --dry-run show the variable, never the value.
    let Some(cli) = Cli::new() else { return };
    let run = cli
        .run(&["POST", "/organizations", "name=Acme", "--curl"])
        .await;
    assert!(
        run.stdout.contains("Bearer $CLERK_SECRET_KEY"),
        "{}",
        run.stdout
    );
    let Some(cli) = Cli::new() else { return };
    let run = cli
        .run(&["DELETE", "/users/user_1", "--dry-run", "--output", "json"])
        .await;
    assert_eq!(run.code, 0);
}

#[tokio::test]
async fn plain_http_is_refused_except_loopback() {
    let Some(cli) = Cli::new() else { return };
    let run = cli
        .run(&["GET", "/users", "--base-url", "http://api.example.com/v1"])
        .await;
    assert_eq!(run.code, 2, "{run:?}");
    assert!(
        run.stderr.contains("refusing plain http://"),
        "{}",
        run.stderr
    );
    let Some(cli) = Cli::new() else { return };
    let run = cli
        .env("CLERK_BACKEND_API_URL", "http://10.1.2.3/v1")
        .run(&["GET", "/users"])
        .await;
    assert_eq!(run.code, 2, "{run:?}");
    let s = server().await;
    let local = s.uri().replace("127.0.0.1", "localhost");
    let Some(cli) = Cli::new() else { return };
    let run = cli
        .run(&["GET", "/users/user_1", "--base-url", &local])
        .await;
    assert_eq!(run.code, 0, "{run:?}");
}
