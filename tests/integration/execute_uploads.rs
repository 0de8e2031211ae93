//! Files uploaded as `multipart/form-data` (an organization's logo, a
//! user's profile image): sent as a form with the file's bytes, shown as
//! the file they are, refused before anything is sent when the file cannot
//! be read, and never sent without consent.

use crate::support as execute_support;

use execute_support::{Cli, received};
use serde_json::json;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const ORG: &str = "org_2Wq8Ez4Rt6Yu1Io3Pa5Sd7Fg9Hj";

async fn logo_server() -> MockServer {
    let s = MockServer::start().await;
    Mock::given(method("PUT"))
        .and(path(format!("/organizations/{ORG}/logo")))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"object": "organization", "id": ORG})),
        )
        .mount(&s)
        .await;
    s
}

fn logo_file() -> (tempfile::TempDir, String) {
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("logo.png");
    std::fs::write(&file, b"\x89PNG\r\n\x1a\nlogo-bytes").expect("written");
    let shown = file.display().to_string();
    (dir, shown)
}

#[tokio::test]
async fn a_file_item_is_sent_as_a_form_with_its_bytes() {
    let s = logo_server().await;
    let (_dir, file) = logo_file();
    let Some(cli) = Cli::new() else { return };
    let endpoint = format!("/organizations/{ORG}/logo");
    let item = format!("file@{file}");
    let run = cli
        .send(
            &["PUT", &endpoint, &item, "uploader_user_id=user_1"],
            &s.uri(),
        )
        .await;
    assert_eq!(run.code, 0, "{run:?}");
    let got = received(&s).await;
    assert_eq!(got.len(), 1);
    let kind = got[0].headers.get("content-type").expect("a content type");
    let kind = kind.to_str().unwrap_or_default();
    assert!(kind.starts_with("multipart/form-data; boundary="), "{kind}");
    let body = String::from_utf8_lossy(&got[0].body);
    assert!(
        body.contains("name=\"file\"; filename=\"logo.png\""),
        "{body}"
    );
    assert!(body.contains("Content-Type: image/png"), "{body}");
    assert!(body.contains("logo-bytes"), "{body}");
    assert!(
        body.contains("name=\"uploader_user_id\"") && body.contains("user_1"),
        "{body}"
    );
}

#[tokio::test]
async fn a_file_that_cannot_be_read_is_refused_before_sending() {
    let s = logo_server().await;
    let Some(cli) = Cli::new() else { return };
    let endpoint = format!("/organizations/{ORG}/logo");
    let run = cli
        .send(&["PUT", &endpoint, "file@/nonexistent/logo.png"], &s.uri())
        .await;
    assert_eq!(run.code, 2, "{run:?}");
    assert!(
        run.stderr.contains("/nonexistent/logo.png cannot be read")
            && run.stderr.contains("nothing was sent"),
        "{}",
        run.stderr
    );
    assert!(received(&s).await.is_empty());
}

/// Said in English, the path fills the form's file field; the dry run and
/// curl show the file; without consent nothing is sent.
#[tokio::test]
async fn an_upload_asked_in_english_shows_the_file_and_waits_for_consent() {
    let s = logo_server().await;
    let (_dir, file) = logo_file();
    let q = format!("upload {file} as the logo of {ORG}");
    let Some(cli) = Cli::new() else { return };
    let dry = cli.run(&["--dry-run", &q]).await;
    assert_eq!(dry.code, 0, "{dry:?}");
    assert!(
        dry.stdout.contains(&format!(
            "file {file} (18 bytes), sent as multipart/form-data"
        )),
        "{}",
        dry.stdout
    );
    let Some(cli) = Cli::new() else { return };
    let curl = cli.run(&["--curl", &q]).await;
    assert!(
        curl.stdout.contains(&format!("-F 'file=@{file}'")),
        "{}",
        curl.stdout
    );
    // No --yes and no terminal: refused, nothing sent.
    let Some(cli) = Cli::new() else { return };
    let run = cli.run(&["--admin", "--base-url", &s.uri(), &q]).await;
    assert_ne!(run.code, 0, "{run:?}");
    assert!(
        run.stderr
            .contains("refusing to write without confirmation"),
        "{}",
        run.stderr
    );
    assert!(received(&s).await.is_empty());
}
