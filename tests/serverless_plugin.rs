//! The Serverless Framework plugin (npm/serverless-ws-lint) in the real framework, offline:
//! serverless@3.40.0 and osls@3 from tests/tools/node_modules (tests/setup-tools.sh), with
//! dummy AWS credentials. `serverless package` on real services:
//!
//! - an authorizer on a custom route fails `package`, naming WS201 at `serverless.yml:LINE`;
//! - the same service fixed packages and writes the CloudFormation template;
//! - `level: ${env:WS_LEVEL}` with `WS_LEVEL=info` fails with WS401 at that line, which the
//!   CLI alone cannot see;
//! - a `serverless.js` service with the authorizer mistake fails, naming the configuration path;
//! - `serverless ws-lint` prints findings without packaging;
//! - `custom.wsLint.failOn: never` lets `package` pass.
//!
//! The plugin is installed as a user gets it: from the npm registry (a private one holding this
//! checkout's release packages; see [`install_plugin`]), and runs the binary npm installed.

mod support;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

/// One framework run: a cold start takes seconds, more on a loaded machine.
const FRAMEWORK_TIMEOUT: Duration = Duration::from_secs(300);

const HANDLER: &str = "module.exports.handler = async () => ({ statusCode: 200 });\n";

/// An authorizer on the custom route `send` (WS201 at the `authorizer` key).
const WRONG: &str = "\
service: chat
frameworkVersion: \"3\"
plugins:
  - serverless-ws-lint
provider:
  name: aws
  runtime: nodejs20.x
  region: us-east-1
  logs:
    websocket:
      level: INFO
      fullExecutionData: false
functions:
  connect:
    handler: handler.handler
    events:
      - websocket:
          route: $connect
  default:
    handler: handler.handler
    events:
      - websocket: $default
  send:
    handler: handler.handler
    events:
      - websocket:
          route: send
          authorizer: auth
  auth:
    handler: handler.handler
";

/// The 1-based line of the first line of `text` that starts with `start` (after indentation).
fn line_of(text: &str, start: &str) -> usize {
    text.lines()
        .position(|line| line.trim_start().starts_with(start))
        .map(|index| index + 1)
        .unwrap_or_else(|| panic!("no line starts with {start}"))
}

/// [`WRONG`] with the authorizer where AWS runs it, on `$connect`.
fn fixed() -> String {
    WRONG.replace("          authorizer: auth\n", "").replace(
        "          route: $connect\n",
        "          route: $connect\n          authorizer: auth\n",
    )
}

/// [`fixed`] with the log level from the environment.
fn env_level() -> String {
    fixed().replace("level: INFO", "level: ${env:WS_LEVEL}")
}

/// [`WRONG`] with `custom.wsLint.failOn: never`.
fn fail_on_never() -> String {
    format!("{WRONG}custom:\n  wsLint:\n    failOn: never\n")
}

/// [`WRONG`] as a `serverless.js`: the framework runs it, ws-lint never reads it.
const WRONG_JS: &str = r#"'use strict';
module.exports = {
  service: 'chat',
  frameworkVersion: '3',
  plugins: ['serverless-ws-lint'],
  provider: { name: 'aws', runtime: 'nodejs20.x', region: 'us-east-1' },
  functions: {
    connect: { handler: 'handler.handler', events: [{ websocket: { route: '$connect' } }] },
    default: { handler: 'handler.handler', events: [{ websocket: '$default' }] },
    send: {
      handler: 'handler.handler',
      events: [{ websocket: { route: 'send', authorizer: 'auth' } }],
    },
    auth: { handler: 'handler.handler' },
  },
};
"#;

struct Framework {
    name: &'static str,
    node: PathBuf,
    bin: PathBuf,
}

fn framework(name: &'static str) -> Option<Framework> {
    let node = support::on_path("node");
    let bin = Some(
        support::repo_root().join(format!("tests/tools/node_modules/{name}/bin/serverless.js")),
    )
    .filter(|path| path.is_file());
    let npm = support::on_path("npm");
    match (node, bin, npm) {
        (Some(node), Some(bin), Some(_)) => Some(Framework { name, node, bin }),
        _ => {
            support::missing(&format!("node, npm and {name} in tests/tools/node_modules"));
            None
        }
    }
}

struct Output {
    success: bool,
    text: String,
}

impl Framework {
    /// `serverless ARGS` in `dir`, offline: dummy credentials, no telemetry, no
    /// notifications, a home folder of its own (the framework writes its settings there).
    fn run(&self, dir: &Path, home: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
        let mut command = Command::new(&self.node);
        command
            .arg(&self.bin)
            .args(args)
            .current_dir(dir)
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("HOME", home)
            .env("AWS_ACCESS_KEY_ID", "AKIAIOSFODNN7EXAMPLE")
            .env(
                "AWS_SECRET_ACCESS_KEY",
                "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
            )
            .env("SLS_TELEMETRY_DISABLED", "1")
            .env("SLS_NOTIFICATIONS_MODE", "off")
            .env("SLS_DEPRECATION_DISABLE", "*")
            .env("NO_COLOR", "1");
        for (key, value) in env {
            command.env(key, value);
        }
        let (status, out, err) = support::run(&mut command, FRAMEWORK_TIMEOUT);
        let status = status.unwrap_or_else(|| {
            panic!(
                "{} {args:?} did not finish in {FRAMEWORK_TIMEOUT:?}:\n{out}{err}",
                self.name
            )
        });
        Output {
            success: status.success(),
            text: format!("{out}{err}"),
        }
    }
}

/// Installs the plugin into `project` (a folder holding services, as a monorepo would) the way
/// a user does: `npm install -D serverless-ws-lint` from the private registry that holds this
/// checkout's `cargo xtask dist` packages (tests/registry.sh), with no Rust on PATH. npm brings
/// `ws-lint` and this platform's binary package with it; the plugin runs that binary. False
/// when the registry's tools are missing (reported by `support::missing`).
fn install_plugin(project: &Path) -> bool {
    let Some(registry) = support::registry::registry_url() else {
        return false;
    };
    std::fs::write(
        project.join("package.json"),
        "{\"name\": \"services\", \"version\": \"1.0.0\", \"private\": true}\n",
    )
    .expect("package.json");
    let home = project.join("npm-home");
    std::fs::create_dir_all(&home).expect("npm home");
    let package = format!("serverless-ws-lint@{}", env!("CARGO_PKG_VERSION"));
    let (status, stdout, stderr) = support::run(
        support::registry::user_command("npm", &registry, &home)
            .args(["install", "--save-dev", "--loglevel=error", &package])
            .current_dir(project),
        Duration::from_secs(300),
    );
    assert!(
        status.is_some_and(|s| s.success()),
        "npm install {package}: {stdout}{stderr}"
    );
    for package in ["ws-lint", "serverless-ws-lint", "@ws-lint/cli-linux-x64"] {
        assert!(
            project
                .join("node_modules")
                .join(package)
                .join("package.json")
                .is_file(),
            "{package} installed"
        );
    }
    true
}

/// A service folder with its configuration and handler.
fn service(root: &Path, name: &str, file: &str, text: &str) -> PathBuf {
    let dir = root.join(name);
    std::fs::create_dir_all(&dir).expect("service folder");
    std::fs::write(dir.join(file), text).expect("configuration");
    std::fs::write(dir.join("handler.js"), HANDLER).expect("handler");
    dir
}

fn template(dir: &Path) -> PathBuf {
    dir.join(".serverless/cloudformation-template-update-stack.json")
}

/// The service folder holds what the test wrote and what packaging writes: the plugin never
/// leaves the resolved configuration (or anything else) there.
fn assert_nothing_written(dir: &Path, file: &str) {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .expect("service folder")
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|name| name != ".serverless")
        .collect();
    names.sort();
    let mut expected = vec![file.to_string(), "handler.js".to_string()];
    expected.sort();
    assert_eq!(names, expected, "{}", dir.display());
}

fn check_framework(name: &'static str) {
    let Some(framework) = framework(name) else {
        return;
    };
    let project = tempfile::tempdir().expect("temp dir");
    let root = project.path();
    if !install_plugin(root) {
        return;
    }
    let wrong_line = line_of(WRONG, "authorizer: auth");
    let level_line = line_of(&env_level(), "level:");
    let home = root.join("home");
    std::fs::create_dir_all(&home).expect("home");
    let run =
        |dir: &Path, args: &[&str], env: &[(&str, &str)]| framework.run(dir, &home, args, env);

    // An authorizer on a custom route: package fails at the line of `authorizer`.
    let wrong = service(root, "wrong", "serverless.yml", WRONG);
    let out = run(&wrong, &["package"], &[]);
    assert!(!out.success, "{name}: package must fail:\n{}", out.text);
    assert!(out.text.contains("WS201"), "{name}:\n{}", out.text);
    assert!(
        out.text.contains(&format!("serverless.yml:{wrong_line}:")),
        "{name}: the line of `authorizer`:\n{}",
        out.text
    );
    assert!(!template(&wrong).exists(), "{name}: nothing packaged");
    assert_nothing_written(&wrong, "serverless.yml");

    // Fixed: package succeeds and writes the template.
    let good = service(root, "fixed", "serverless.yml", &fixed());
    let out = run(&good, &["package"], &[]);
    assert!(out.success, "{name}: package must pass:\n{}", out.text);
    assert!(!out.text.contains("WS201"), "{name}:\n{}", out.text);
    let cloudformation = std::fs::read_to_string(template(&good)).expect("template written");
    assert!(
        cloudformation.contains("AWS::ApiGatewayV2::Authorizer"),
        "{name}: the authorizer is deployed"
    );

    // `serverless ws-lint` lints and prints, without packaging.
    let lint_only = service(root, "lint-only", "serverless.yml", WRONG);
    let out = run(&lint_only, &["ws-lint"], &[]);
    assert!(
        !out.success,
        "{name}: an error fails the command:\n{}",
        out.text
    );
    assert!(
        out.text.contains(&format!("serverless.yml:{wrong_line}:")) && out.text.contains("WS201"),
        "{name}:\n{}",
        out.text
    );
    assert!(
        !lint_only.join(".serverless").exists(),
        "{name}: not packaged"
    );
    let out = run(&good, &["ws-lint"], &[]);
    assert!(out.success, "{name}:\n{}", out.text);
    assert!(
        out.text.contains("ws-lint: no problems in serverless.yml"),
        "{name}:\n{}",
        out.text
    );

    // A level from the environment: the framework's value, ws-lint's line.
    let env = service(root, "env-level", "serverless.yml", &env_level());
    let cli = Command::new(env!("CARGO_BIN_EXE_ws-lint"))
        .args(["--format", "concise", "serverless.yml"])
        .current_dir(&env)
        .output()
        .expect("ws-lint runs");
    assert_eq!(
        cli.status.code(),
        Some(0),
        "the CLI alone cannot know the level"
    );
    assert!(!String::from_utf8_lossy(&cli.stdout).contains("WS401"));
    let out = run(&env, &["package"], &[("WS_LEVEL", "info")]);
    assert!(!out.success, "{name}: package must fail:\n{}", out.text);
    assert!(
        out.text.contains(&format!("serverless.yml:{level_line}:")) && out.text.contains("WS401"),
        "{name}: WS401 at the line of `level`:\n{}",
        out.text
    );
    assert_nothing_written(&env, "serverless.yml");

    // A serverless.js service: the resolved configuration alone, findings by configuration path.
    let js = service(root, "javascript", "serverless.js", WRONG_JS);
    let out = run(&js, &["package"], &[]);
    assert!(!out.success, "{name}: package must fail:\n{}", out.text);
    assert!(
        out.text
            .contains("serverless.js: functions.send.events[0].websocket.authorizer")
            && out.text.contains("WS201"),
        "{name}: WS201 at its configuration path:\n{}",
        out.text
    );
    assert_nothing_written(&js, "serverless.js");

    // `failOn: never`: the finding is printed, package passes.
    let lenient = service(root, "fail-on-never", "serverless.yml", &fail_on_never());
    let out = run(&lenient, &["package"], &[]);
    assert!(out.success, "{name}: package must pass:\n{}", out.text);
    assert!(
        out.text.contains(&format!("serverless.yml:{wrong_line}:")) && out.text.contains("WS201"),
        "{name}: still printed:\n{}",
        out.text
    );
    assert!(template(&lenient).exists(), "{name}: packaged");
    assert!(
        !out.text.contains("Invalid configuration"),
        "{name}:\n{}",
        out.text
    );

    // The framework's schema check knows `custom.wsLint` (declared by the plugin).
    let misconfigured = service(
        root,
        "misconfigured",
        "serverless.yml",
        &fail_on_never().replace("failOn: never", "failOn: loud"),
    );
    let out = run(&misconfigured, &["ws-lint"], &[]);
    assert!(!out.success, "{name}:\n{}", out.text);
    assert!(
        out.text.contains("Invalid configuration") && out.text.contains("custom.wsLint.failOn"),
        "{name}: the framework's own warning:\n{}",
        out.text
    );
}

#[test]
fn serverless_v3_runs_the_plugin() {
    check_framework("serverless");
}

#[test]
fn osls_runs_the_plugin() {
    check_framework("osls");
}

/// The plugin's own unit tests (settings, command line, report), with Node's test runner.
#[test]
fn plugin_unit_tests_pass() {
    let Some(node) = support::on_path("node") else {
        support::missing("node");
        return;
    };
    let (status, stdout, stderr) = support::run(
        Command::new(node)
            .args(["--test", "test/"])
            .current_dir(support::repo_root().join("npm/serverless-ws-lint")),
        Duration::from_secs(120),
    );
    assert!(status.is_some_and(|s| s.success()), "{stdout}{stderr}");
    assert!(stdout.contains("# fail 0"), "{stdout}");
}
