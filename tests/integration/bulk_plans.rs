//! Fan-out plans as the router would build them (the hook is
//! `plan::each::fan_out`): "delete the users whose email ends with
//! @spam.test" is a list step, filtered locally, then a DELETE per item.
//! Run in process through `run_plan_with` against the stateful stand-in.

use clerk_backend_api::app::execute::run_plan_with;
use clerk_backend_api::app::{App, Status};
use clerk_backend_api::command::Options;
use clerk_backend_api::pipeline::Env;
use clerk_backend_api::plan::each::{Filter, Targets, Test, fan_out};
use clerk_backend_api::plan::{Plan, Slot, Step};
use clerk_backend_api::source::{SourceConfig, SpecStore};
use clerk_backend_api::spec::Method;
use serde_json::Value;

use crate::support::clerk::{self, user};
use crate::support::{Fake, KEY, assert_no_secret, spec, spec_dir};

fn spam_plan(version: &str) -> Plan {
    let list = Step::new(Method::Get, "/users", "GetUserList");
    let delete = Step::new(Method::Delete, "/users/{user_id}", "DeleteUser");
    let mut plan = Plan::new(version, vec![list, delete], "test: delete the spam users");
    let targets = Targets::Items {
        step: 0,
        pointer: "/id".into(),
        filters: vec![Filter {
            field: "email".into(),
            test: Test::EndsWith("@spam.test".into()),
        }],
    };
    fan_out(&mut plan, Slot::Path("user_id".into()), targets).unwrap();
    plan
}

#[tokio::test]
async fn a_list_filtered_locally_fans_out_into_one_confirmed_run() {
    let (Some(spec), Some(dir)) = (spec("2026-05-12"), spec_dir()) else {
        return;
    };
    // 1,100 users over three pages of 500; every third is spam.
    let users: Vec<Value> = (0..1100)
        .map(|i| {
            let domain = if i % 3 == 0 { "spam.test" } else { "acme.io" };
            user(&format!("user_{i:04}"), &format!("u{i}@{domain}"))
        })
        .collect();
    let spam = users
        .iter()
        .filter(|u| {
            u["email_addresses"][0]["email_address"]
                .as_str()
                .unwrap()
                .ends_with("@spam.test")
        })
        .count();
    let server = clerk::start(users, None).await;
    let home = tempfile::tempdir().unwrap();
    let mut app = App::new(
        SpecStore::new(SourceConfig::local(dir)),
        false,
        Env::new(home.path()),
    );
    app.journal_dir = Some(home.path().join("data"));
    let env = Env::new(home.path())
        .with("CLERK_SECRET_KEY", KEY)
        .with("CLERK_BAPI_SCOPES", "write,delete")
        .with("CLERK_BACKEND_API_RATE_SCALE", "100");
    let mut options = Options {
        base_url: Some(server.uri()),
        ..Options::default()
    };
    // No terminal, no --yes: not even the list is read.
    let mut console = Fake::default();
    let refused = run_plan_with(
        &mut app,
        &spec,
        spam_plan("2026-05-12"),
        &options,
        &mut console,
        &env,
    )
    .await;
    assert!(refused.is_err(), "{}", console.err);
    assert_eq!(server.state().requests, 0, "{}", console.err);
    options.yes = true;
    let mut console = Fake::default();
    let (view, status) = run_plan_with(
        &mut app,
        &spec,
        spam_plan("2026-05-12"),
        &options,
        &mut console,
        &env,
    )
    .await
    .unwrap_or_else(|e| panic!("{e}\n{}", console.err));
    assert_eq!(status, Status::Ok, "{}", console.err);
    assert_no_secret(
        KEY,
        &format!("{}{}{}", console.out, console.err, view.text),
        "output",
    );
    assert!(
        console.err.contains(&format!("{spam} × DELETE")),
        "{}",
        console.err
    );
    assert!(
        console.err.contains(&format!("IRREVERSIBLE, {spam} times")),
        "{}",
        console.err
    );
    assert!(
        view.text.contains(&format!("{spam} succeeded, 0 failed")),
        "{}",
        view.text
    );
    let state = server.state();
    assert_eq!(state.users.len(), 1100 - spam);
    assert!(state.users.values().all(|u| {
        u["email_addresses"][0]["email_address"]
            .as_str()
            .unwrap()
            .ends_with("@acme.io")
    }));
    // Three pages, then a GET and a DELETE per spam user.
    assert_eq!(state.requests as usize, 3 + 2 * spam);
    // The spool of targets is gone; the journal stays.
    let left: Vec<String> = std::fs::read_dir(home.path().join("data"))
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(left, ["journal.jsonl"]);
}
