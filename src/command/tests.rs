use super::*;

fn parse_ok(line: &str) -> Command {
    parse_line(line, &Options::default()).unwrap_or_else(|e| panic!("{line}: {e}"))
}

#[test]
fn help_mode() {
    for line in ["", "help", "-h", "--help", "  HELP  "] {
        assert_eq!(parse_ok(line).mode, Mode::Help, "{line:?}");
    }
}

#[test]
fn program_version_alone() {
    assert_eq!(parse_ok("--version").mode, Mode::ProgramVersion);
    assert!(parse_line("Users --version", &Options::default()).is_err());
}

#[test]
fn tags_and_phrases() {
    assert_eq!(parse_ok("tags").mode, Mode::Tags);
    assert_eq!(parse_ok("TAGS").mode, Mode::Tags);
    assert_eq!(
        parse_ok("Users").mode,
        Mode::Phrase {
            text: "Users".into(),
            help: false
        }
    );
    assert_eq!(
        parse_ok("get user john_doe help").mode,
        Mode::Phrase {
            text: "get user john_doe".into(),
            help: true
        }
    );
}

#[test]
fn spec_versions_in_both_spellings() {
    for line in [
        "Users version 2025-11-10.yml",
        "Users --spec-version 2025-11-10",
        "--spec-version=2025-11-10.yml Users",
        "version 2025-11-10 Users",
    ] {
        let c = parse_ok(line);
        assert_eq!(
            c.options.spec_version.as_deref(),
            Some("2025-11-10"),
            "{line}"
        );
        assert_eq!(
            c.mode,
            Mode::Phrase {
                text: "Users".into(),
                help: false
            }
        );
    }
}

#[test]
fn endpoints_detail_and_execute() {
    let c = parse_ok("get /users help");
    assert_eq!(
        c.mode,
        Mode::Endpoint {
            method: Some(Method::Get),
            path: "/users".into(),
            items: vec![],
            help: true
        }
    );
    let c = parse_ok("POST /organizations/{organization_id}/invitations -h");
    assert!(matches!(
        c.mode,
        Mode::Endpoint {
            help: true,
            method: Some(Method::Post),
            ..
        }
    ));
    let c = parse_ok("--admin PATCH /users/user_1 first_name=Ann --yes limit==3");
    assert_eq!(
        c.mode,
        Mode::Endpoint {
            method: Some(Method::Patch),
            path: "/users/user_1".into(),
            items: vec!["first_name=Ann".into(), "limit==3".into()],
            help: false
        }
    );
    assert!(c.options.admin && c.options.yes);
    let c = parse_ok("/users/{user_id} --help");
    assert!(matches!(
        c.mode,
        Mode::Endpoint {
            method: None,
            help: true,
            ..
        }
    ));
}

#[test]
fn all_flags() {
    let c = parse_ok(
        "--spec-dir /tmp/s --output json --color never --refresh --dry-run --curl --all --sdk \
         --base-url http://127.0.0.1:9 --timeout 5 -d {\"a\":1} -y GET /users",
    );
    let o = c.options;
    assert_eq!(o.spec_dir.as_deref(), Some(std::path::Path::new("/tmp/s")));
    assert_eq!(o.output, Output::Json);
    assert_eq!(o.color, ColorChoice::Never);
    assert!(o.refresh && o.dry_run && o.curl && o.all && o.sdk && o.yes);
    assert_eq!(o.base_url.as_deref(), Some("http://127.0.0.1:9"));
    assert_eq!(o.timeout_secs, Some(5));
    assert_eq!(o.data.as_deref(), Some("{\"a\":1}"));
}

#[test]
fn usage_errors_name_the_problem() {
    let e = parse_line("--outptu json tags", &Options::default()).unwrap_err();
    assert!(e.0.contains("did you mean --output"), "{e}");
    assert!(parse_line("--output yaml tags", &Options::default()).is_err());
    assert!(parse_line("--timeout soon tags", &Options::default()).is_err());
    assert!(parse_line("tags --spec-dir", &Options::default()).is_err());
}

#[test]
fn double_dash_ends_flags() {
    let c = parse_ok("-- --admin");
    assert_eq!(
        c.mode,
        Mode::Phrase {
            text: "--admin".into(),
            help: false
        }
    );
    assert!(!c.options.admin);
}

#[test]
fn line_flags_override_defaults() {
    let defaults = Options {
        admin: true,
        output: Output::Json,
        ..Options::default()
    };
    let c = parse_line("tags --output text", &defaults).unwrap();
    assert!(c.options.admin);
    assert_eq!(c.options.output, Output::Text);
}
