//! `ws-lint --resolved FILE`: the configuration the Serverless Framework resolved (what the
//! `serverless-ws-lint` plugin hands over) as the source of values ws-lint cannot know itself,
//! and as the only source for services written in JavaScript or TypeScript.
//!
//! `tests/fixtures/resolved/yaml`: a clean service whose log level comes from `${env:...}`,
//! whose authorizer name comes from a JavaScript file and one route from `${ssm:...}`; its
//! `resolved.json` says `info`, `authorise` (no such function) and `$defualt`.
//! `tests/fixtures/resolved/js`: a `serverless.js` service with an authorizer on a custom route.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use serde_json::Value;

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

impl Run {
    fn json(&self) -> Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("stdout is not JSON ({e}):\n{}", self.stdout))
    }

    /// `(code, line, configPath)` of every diagnostic, from `--format json` output.
    fn found(&self) -> Vec<(String, Option<u64>, Option<String>)> {
        self.json()["diagnostics"]
            .as_array()
            .expect("diagnostics")
            .iter()
            .map(|d| {
                (
                    d["code"].as_str().unwrap_or_default().to_string(),
                    d["start"]["line"].as_u64(),
                    d["configPath"].as_str().map(str::to_string),
                )
            })
            .collect()
    }
}

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/resolved")
        .join(name)
}

fn ws_lint(dir: &Path, args: &[&str], stdin: Option<&str>) -> Run {
    let mut child = Command::new(env!("CARGO_BIN_EXE_ws-lint"))
        .current_dir(dir)
        .arg("--isolated")
        .args(args)
        .stdin(if stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("ws-lint runs");
    if let Some(input) = stdin {
        let mut pipe = child.stdin.take().expect("stdin");
        // A usage error ends ws-lint before it reads stdin: a closed pipe is then expected.
        if let Err(e) = pipe.write_all(input.as_bytes()) {
            assert_eq!(e.kind(), std::io::ErrorKind::BrokenPipe, "write stdin: {e}");
        }
    }
    let output = child.wait_with_output().expect("ws-lint finishes");
    Run {
        code: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

fn snapshot(name: &str, text: &str) {
    insta::with_settings!({snapshot_path => "snapshots/cli_resolved", prepend_module_to_snapshot => false}, {
        insta::assert_snapshot!(name, text);
    });
}

fn resolved_json(dir: &str) -> String {
    std::fs::read_to_string(fixture(dir).join("resolved.json")).expect("fixture")
}

/// What the framework resolved fills what ws-lint could not know, and findings in those
/// values point at the line where the variable is written.
#[test]
fn resolved_values_are_linted_at_the_line_of_their_variable() {
    let dir = fixture("yaml");
    let alone = ws_lint(&dir, &["--format", "json", "serverless.yml"], None);
    assert_eq!(
        alone.code, 0,
        "the CLI alone cannot know these values: {}",
        alone.stdout
    );
    assert!(alone.found().is_empty(), "{}", alone.stdout);

    let run = ws_lint(
        &dir,
        &[
            "--format",
            "json",
            "--resolved",
            "resolved.json",
            "serverless.yml",
        ],
        None,
    );
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    assert_eq!(
        run.found(),
        vec![
            // `level: ${env:WS_LEVEL}`, resolved to `info`.
            ("WS401".to_string(), Some(9), None),
            // `name: ${self:custom.authorizer}`, from a JavaScript file, names no function.
            ("WS202".to_string(), Some(18), None),
            // `websocket: ${ssm:/chat/default-route}` resolved to `$defualt`.
            ("WS101".to_string(), Some(28), None),
        ]
    );
    // The fix of WS401 would overwrite the `${env:...}` with a literal: not offered.
    let diagnostics = run.json()["diagnostics"].clone();
    assert_eq!(diagnostics[0]["fix"], Value::Null, "{diagnostics}");

    let human = ws_lint(
        &dir,
        &["--resolved", "resolved.json", "serverless.yml"],
        None,
    );
    snapshot("yaml_with_resolved_human", &human.stdout);
}

#[test]
fn the_resolved_configuration_can_come_on_stdin() {
    let dir = fixture("yaml");
    let run = ws_lint(
        &dir,
        &["--format", "json", "--resolved", "-", "serverless.yml"],
        Some(&resolved_json("yaml")),
    );
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    let codes: Vec<String> = run.found().into_iter().map(|(code, ..)| code).collect();
    assert_eq!(codes, ["WS401", "WS202", "WS101"]);
}

/// A variable the framework left as it was, or a path the resolved configuration lacks, stays
/// unknown as in the CLI alone.
#[test]
fn values_left_unresolved_stay_unknown() {
    let dir = fixture("yaml");
    let resolved = resolved_json("yaml")
        .replace(r#""level": "info""#, r#""level": "${env:WS_LEVEL}""#)
        .replace(r#""custom": { "authorizer": "authorise" }"#, r#""other": {}"#)
        .replace(
            r#""events": [
        {
          "websocket": {
            "route": "$connect",
            "authorizer": { "name": "authorise", "identitySource": ["route.request.querystring.token"] }
          }
        }
      ]"#,
            r#""events": []"#,
        );
    assert!(!resolved.contains("authorise"), "{resolved}");
    let run = ws_lint(
        &dir,
        &["--format", "json", "--resolved", "-", "serverless.yml"],
        Some(&resolved),
    );
    let codes: Vec<String> = run.found().into_iter().map(|(code, ..)| code).collect();
    assert_eq!(codes, ["WS101"], "{}", run.stdout);
}

/// A `serverless.js` is never read: its resolved configuration is linted alone and each
/// finding names its configuration path, in every format.
#[test]
fn a_javascript_service_is_linted_from_its_resolved_configuration() {
    let dir = fixture("js");
    let args = |format: &'static str| {
        [
            "--format",
            format,
            "--resolved",
            "resolved.json",
            "serverless.js",
        ]
    };
    let json = ws_lint(&dir, &args("json"), None);
    assert_eq!(json.code, 1, "{}{}", json.stdout, json.stderr);
    assert_eq!(
        json.found(),
        vec![(
            "WS201".to_string(),
            None,
            Some("functions.send.events[0].websocket.authorizer".to_string())
        )]
    );
    snapshot("js_json", &json.stdout);
    let human = ws_lint(&dir, &args("human"), None);
    assert_eq!(human.code, 1);
    snapshot("js_human", &human.stdout);
    let concise = ws_lint(&dir, &args("concise"), None);
    assert_eq!(
        concise.stdout,
        "serverless.js: functions.send.events[0].websocket.authorizer: error[WS201] authorizer on route `send`: API Gateway runs authorizers on `$connect` only, so this one never runs\n"
    );
    // Formats with no field for it carry the path in the message.
    let github = ws_lint(&dir, &args("github"), None);
    assert!(
        github.stdout.contains(
            "::functions.send.events[0].websocket.authorizer: authorizer on route `send`"
        ),
        "{}",
        github.stdout
    );
    // Fixed, it passes.
    let fixed = resolved_json("js").replace(r#", "authorizer": "auth""#, "");
    let run = ws_lint(&dir, &["--resolved", "-", "serverless.js"], Some(&fixed));
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    // And a ws-lint.toml beside it applies.
    let project = tempfile::tempdir().expect("temp dir");
    std::fs::create_dir(project.path().join(".git")).expect(".git");
    for name in ["resolved.json", "handler.js"] {
        std::fs::copy(dir.join(name), project.path().join(name)).expect("copy");
    }
    std::fs::write(
        project.path().join("ws-lint.toml"),
        "[rules]\nWS201 = \"warning\"\n",
    )
    .expect("write");
    let run = Command::new(env!("CARGO_BIN_EXE_ws-lint"))
        .current_dir(project.path())
        .args([
            "--format",
            "concise",
            "--resolved",
            "resolved.json",
            "serverless.js",
        ])
        .output()
        .expect("runs");
    assert_eq!(run.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&run.stdout).contains("warning[WS201]"));
    // `--rule` (the plugin's `custom.wsLint.rules`) goes over the file, by code or name.
    let run = Command::new(env!("CARGO_BIN_EXE_ws-lint"))
        .current_dir(project.path())
        .args([
            "--format",
            "concise",
            "--resolved",
            "resolved.json",
            "serverless.js",
        ])
        .args([
            "--rule",
            "authorizer-not-on-connect=error",
            "--rule",
            "WS107=off",
        ])
        .output()
        .expect("runs");
    assert_eq!(run.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&run.stdout).contains("error[WS201]"));
}

#[test]
fn bad_resolved_input_is_refused() {
    let dir = fixture("yaml");
    let cases: [(&[&str], Option<&str>, &str); 5] = [
        (
            &["--resolved", "-", "serverless.yml"],
            Some("[1, 2]"),
            "not an object",
        ),
        (
            &["--resolved", "-", "serverless.yml"],
            Some("{"),
            "not a resolved configuration",
        ),
        (
            &["--resolved", "-", "-"],
            Some("{}"),
            "stdin cannot hold both",
        ),
        (
            &["--resolved", "missing.json", "serverless.yml"],
            None,
            "missing.json",
        ),
        (
            &[
                "--resolved",
                "resolved.json",
                "serverless.yml",
                "../js/serverless.js",
            ],
            None,
            "one service",
        ),
    ];
    for (args, stdin, expected) in cases {
        let run = ws_lint(&dir, args, stdin);
        assert_eq!(run.code, 2, "{args:?}: {}{}", run.stdout, run.stderr);
        assert!(run.stderr.contains(expected), "{args:?}: {}", run.stderr);
    }
    let run = ws_lint(
        &dir,
        &["--fix", "--resolved", "resolved.json", "serverless.yml"],
        None,
    );
    assert_eq!(run.code, 2, "--fix edits the file alone: {}", run.stderr);
}
