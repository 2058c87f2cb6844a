//! `--fix` through the built binary: fixes that would combine into a change of meaning, break
//! an alias, mix line endings or cut into a block scalar (issue 12, part 1).

use std::path::Path;
use std::process::Command;

use ws_lint::yaml::Yaml;

const HEAD: &str =
    "service: chat\nprovider:\n  name: aws\nfunctions:\n  auth:\n    handler: handler.auth\n";

/// Runs `ws-lint ARGS serverless.yml` on `text` in a fresh folder; returns the file afterwards
/// and stdout.
fn run(text: &str, args: &[&str]) -> (String, String) {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("serverless.yml");
    std::fs::write(&path, text).expect("write");
    let output = Command::new(env!("CARGO_BIN_EXE_ws-lint"))
        .current_dir(dir.path())
        .args(args)
        .args(["--isolated", "serverless.yml"])
        .output()
        .expect("run ws-lint");
    assert!(
        output.status.code().is_some_and(|c| c <= 1),
        "exit {:?}: {}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    (read(&path), String::from_utf8_lossy(&output.stdout).into())
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).expect("read back")
}

fn fix_unsafe(text: &str) -> String {
    run(text, &["--fix", "--unsafe-fixes"]).0
}

fn parses(text: &str) -> bool {
    Yaml::parse(text).errors().is_empty()
}

#[test]
fn a_route_fix_and_an_authorizer_fix_on_one_event_never_share_a_round() {
    // WS102 makes the route `$connect`; computed on the old text, WS201 would remove the
    // authorizer as "not on `$connect`" and deploy an unauthenticated `$connect`.
    for (route, fixed_route) in [
        ("connect", "route: $connect"),
        ("'$CONNECT'", "route: '$connect'"),
    ] {
        let text = format!(
            "{HEAD}  connect:\n    handler: handler.connect\n    events:\n      - websocket:\n          route: {route}\n          authorizer: auth\n"
        );
        let fixed = fix_unsafe(&text);
        assert!(fixed.contains(fixed_route), "{fixed}");
        assert!(
            fixed.contains("          authorizer: auth\n"),
            "the authorizer must stay on `$connect`:\n{fixed}"
        );
        // `--diff` shows the same change.
        let (unchanged, diff) = run(&text, &["--diff", "--unsafe-fixes"]);
        assert_eq!(unchanged, text);
        assert!(!diff.contains("-          authorizer"), "{diff}");
        // And the core says why: the authorizer fix was never applied.
        let core = ws_lint::fix(&text, "serverless.yml", &Default::default(), true);
        assert_eq!(core.text, fixed);
        let codes: Vec<&str> = core.rounds.iter().flatten().map(|f| f.code).collect();
        assert!(!codes.contains(&"WS201"), "{codes:?}");
    }
}

#[test]
fn no_fix_removes_an_anchor_that_an_alias_uses() {
    // WS201 on `$default` would delete the anchored authorizer that `$connect` repeats.
    let text = format!(
        "{HEAD}  default:\n    handler: handler.default\n    events:\n      - websocket:\n          route: $default\n          authorizer: &authz auth\n  connect:\n    handler: handler.connect\n    events:\n      - websocket:\n          route: $connect\n          authorizer: *authz\n"
    );
    let fixed = fix_unsafe(&text);
    assert!(parses(&fixed), "{fixed}");
    assert!(fixed.contains("authorizer: &authz auth"), "{fixed}");

    // WS208 would move the anchored list into the authorizer and drop `&ids`.
    let text = format!(
        "{HEAD}  connect:\n    handler: handler.connect\n    events:\n      - websocket:\n          route: $connect\n          authorizer: auth\n          identitySource: &ids\n            - route.request.querystring.token\ncustom:\n  sources: *ids\n"
    );
    let fixed = fix_unsafe(&text);
    assert!(parses(&fixed), "{fixed}");
    assert!(fixed.contains("identitySource: &ids"), "{fixed}");
}

#[test]
fn multi_line_fixes_keep_the_crlf_line_endings() {
    // WS405 (logs), WS501 (tags) and WS208 (identity source) each insert new lines.
    let text = "service: chat\nprovider:\n  name: aws\n  tags:\n    team: chat\n  logs:\n    websocket: true\nfunctions:\n  auth:\n    handler: handler.auth\n  connect:\n    handler: handler.connect\n    events:\n      - websocket:\n          route: $connect\n          authorizer: auth\n          identitySource:\n            - route.request.querystring.token\n";
    let crlf = text.replace('\n', "\r\n");
    let fixed = fix_unsafe(&crlf);
    for added in [
        "fullExecutionData: false\r\n",
        "useProviderTags: true\r\n",
        "name: auth\r\n",
    ] {
        assert!(fixed.contains(added), "{added:?} missing:\n{fixed:?}");
    }
    assert!(
        !fixed.replace("\r\n", "").contains('\n'),
        "a bare LF went in:\n{fixed:?}"
    );
    // The same fixes on the LF file give the same file with LF.
    assert_eq!(fixed.replace("\r\n", "\n"), fix_unsafe(text));
}

#[test]
fn a_new_entry_never_goes_inside_a_block_scalar() {
    // With `|+` the blank line belongs to the format: `fullExecutionData` goes after it.
    let text = "service: chat\nprovider:\n  name: aws\n  logs:\n    websocket:\n      level: INFO\n      format: |+\n        $context.requestId\n\nfunctions:\n  connect:\n    handler: handler.connect\n    events:\n      - websocket: $connect\n";
    let fixed = fix_unsafe(text);
    let format = |text: &str| {
        let yaml = Yaml::parse(text);
        let root = yaml.root().expect("root");
        let node = yaml
            .path(root, &["provider", "logs", "websocket", "format"])
            .expect("format");
        yaml.str(node).map(str::to_string)
    };
    assert!(fixed.contains("fullExecutionData: false"), "{fixed}");
    assert_eq!(format(&fixed), format(text));
    assert_eq!(format(text).as_deref(), Some("$context.requestId\n\n"));
}

#[test]
fn quick_fixes_offered_to_the_editor_carry_the_files_line_endings() {
    // The language server sends each diagnostic's edits as they are: they must hold CRLF.
    let text = "service: chat\r\nprovider:\r\n  name: aws\r\n  tags:\r\n    team: chat\r\n  logs:\r\n    websocket: true\r\nfunctions:\r\n  connect:\r\n    handler: handler.connect\r\n    events:\r\n      - websocket: $connect\r\n";
    let analysis = ws_lint::analyze(text, "serverless.yml", &Default::default());
    let multi_line: Vec<&str> = analysis
        .diagnostics
        .iter()
        .filter_map(|d| d.fix.as_ref())
        .flat_map(|f| &f.edits)
        .map(|e| e.text.as_str())
        .filter(|t| t.contains('\n'))
        .collect();
    assert!(multi_line.len() >= 2, "{multi_line:?}");
    for edit in multi_line {
        assert!(!edit.replace("\r\n", "").contains('\n'), "{edit:?}");
    }
}
