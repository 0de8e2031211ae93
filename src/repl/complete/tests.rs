use super::*;

/// A few of the real spec's paths and tags, enough for every slot.
const SPEC: &str = r#"
openapi: 3.0.3
info: {title: t, version: "2026-05-12"}
servers: [{url: "https://api.clerk.com/v1"}]
tags:
  - name: Users
  - name: Organizations
  - name: Organization Invitations
  - name: Actor Tokens
paths:
  /users:
    get: {operationId: GetUserList, tags: [Users], responses: {"200": {description: ok}}}
    post: {operationId: CreateUser, tags: [Users], responses: {"200": {description: ok}}}
  /users/count:
    get: {operationId: GetUsersCount, tags: [Users], responses: {"200": {description: ok}}}
  /users/{user_id}:
    get: {operationId: GetUser, tags: [Users], responses: {"200": {description: ok}}}
  /users/{user_id}/ban:
    post: {operationId: BanUser, tags: [Users], responses: {"200": {description: ok}}}
  /organizations:
    get: {operationId: ListOrganizations, tags: [Organizations], responses: {"200": {description: ok}}}
  /organizations/{organization_id}/invitations:
    post: {operationId: CreateOrganizationInvitation, tags: [Organization Invitations], responses: {"200": {description: ok}}}
  /actor_tokens:
    post: {operationId: CreateActorToken, tags: [Actor Tokens], responses: {"200": {description: ok}}}
"#;

fn vocabulary() -> Vocabulary {
    let spec = crate::spec::digest(SPEC, "test.yml").expect("the test spec digests");
    Vocabulary::new(Some(&spec), vec!["2025-11-10".into(), "2026-05-12".into()])
}

/// Completes at the end of `line`; returns the completed lines.
fn complete(line: &str) -> Vec<String> {
    let (start, candidates) = vocabulary().complete(line, line.len());
    candidates
        .iter()
        .map(|c| format!("{}{c}", &line[..start]))
        .collect()
}

fn hint(line: &str) -> Option<String> {
    vocabulary().hint(line, line.len())
}

#[test]
fn slash_commands() {
    assert_eq!(complete("/he"), ["/help"]);
    assert_eq!(complete("/cl"), ["/clerk-backend-api"]);
    assert_eq!(complete("/e"), ["/exit"]);
    // A first word with a slash may also be a path.
    assert_eq!(complete("/u"), ["/users"]);
    let all = complete("/");
    assert!(all.contains(&"/quit".to_string()) && all.contains(&"/users".to_string()));
}

#[test]
fn tags_keywords_and_methods() {
    assert_eq!(
        complete("/clerk-backend-api Us"),
        ["/clerk-backend-api Users"]
    );
    assert_eq!(complete("us"), ["Users"]);
    assert_eq!(complete("ta"), ["tags"]);
    assert_eq!(complete("ge"), ["get"]);
    assert_eq!(complete("PO"), ["POST"]);
    // Tag names with spaces complete from the phrase's first word.
    assert_eq!(complete("Actor T"), ["Actor Tokens"]);
    assert_eq!(
        complete("/clerk-backend-api organization "),
        ["/clerk-backend-api Organization Invitations"]
    );
    assert_eq!(
        complete("Organization"),
        ["Organizations", "Organization Invitations"]
    );
}

#[test]
fn paths_after_a_method() {
    assert_eq!(complete("GET /users/co"), ["GET /users/count"]);
    assert_eq!(
        complete("GET /users/"),
        ["GET /users/count", "GET /users/{user_id}"]
    );
    // Only the method's paths: POST has no /users/count.
    assert_eq!(complete("POST /users/"), ["POST /users/{user_id}"]);
    // A concrete ID stands for its template; `/v1` is kept as typed.
    assert_eq!(
        complete("post /users/user_2abc/b"),
        ["post /users/user_2abc/ban"]
    );
    assert_eq!(complete("GET /v1/users/c"), ["GET /v1/users/count"]);
    // An ID being typed cannot be completed.
    assert_eq!(complete("GET /users/user_1"), Vec::<String>::new());
}

#[test]
fn help_after_an_endpoint() {
    assert_eq!(complete("GET /users h"), ["GET /users help"]);
    assert_eq!(complete("/users/count h"), ["/users/count help"]);
}

#[test]
fn flags_and_their_values() {
    assert_eq!(complete("tags --ou"), ["tags --output"]);
    assert_eq!(complete("tags --output j"), ["tags --output json"]);
    assert_eq!(complete("--color a"), ["--color auto", "--color always"]);
    assert_eq!(
        complete("Users --spec-version 2025"),
        ["Users --spec-version 2025-11-10"]
    );
    // Flags before a method do not hide it.
    assert_eq!(
        complete("--admin GET /users/co"),
        ["--admin GET /users/count"]
    );
}

#[test]
fn hints_show_the_rest_of_one_path() {
    assert_eq!(hint("GET /users/co").as_deref(), Some("unt"));
    assert_eq!(hint("POST /users/user_1/b").as_deref(), Some("an"));
    assert_eq!(
        hint("post /organizations/org_1/").as_deref(),
        Some("invitations")
    );
    assert_eq!(hint("/act").as_deref(), Some("or_tokens"));
    assert_eq!(hint("/hel").as_deref(), Some("p"));
    // Several paths, or a finished one: no hint.
    assert_eq!(hint("GET /users/"), None);
    assert_eq!(hint("GET /users/count"), None);
    assert_eq!(hint("Users"), None);
    // Only at the end of the line.
    assert_eq!(vocabulary().hint("GET /users/co x", 13), None);
}

#[test]
fn without_a_spec_only_commands_and_flags() {
    let v = Vocabulary::new(None, Vec::new());
    assert_eq!(v.complete("/h", 2).1, ["/help"]);
    assert_eq!(v.complete("--dr", 4).1, ["--dry-run"]);
    assert!(v.complete("GET /u", 6).1.is_empty());
    assert!(!v.is_path_root("/users"));
}

#[test]
fn path_roots() {
    let v = vocabulary();
    assert!(v.is_path_root("/users"));
    assert!(v.is_path_root("/V1/Users"));
    assert!(!v.is_path_root("/hlep"));
}

#[test]
fn odd_input_does_not_panic() {
    let v = vocabulary();
    let long = "GET /".to_string() + &"users/".repeat(5000);
    for line in [
        "",
        " ",
        "'",
        "\"unbalanced",
        "GET /users/\u{212A}",
        "/\u{1F600}/",
        "é é",
        "GET //users//co",
        "--output",
    ] {
        for pos in (0..=line.len()).filter(|p| line.is_char_boundary(*p)) {
            let _ = v.complete(line, pos);
            let _ = v.hint(line, pos);
        }
    }
    let _ = v.complete(&long, long.len());
    let _ = v.hint(&long, long.len());
    // A cursor that is not on a character boundary is refused quietly.
    assert!(v.complete("é", 1).1.is_empty());
}
