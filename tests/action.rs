//! The GitHub Action (action.yml) and the example workflow in docs/editors.md:
//! - actionlint (from `WS_LINT_ACTIONLINT`, else tests/tools/venv/bin/actionlint) checks the
//!   example workflow, with the action as a local action (`uses: ./`) so that actionlint also
//!   reads action.yml and checks the workflow's `with:` against its inputs;
//! - action.yml parses (PyYAML from the same venv) and has the inputs the docs promise;
//! - the action's "Run ws-lint" script runs here with bash, as the runner would run it.

mod support;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use serde_json::Value;

const EXAMPLE: &str = "docs/examples/ws-lint-workflow.yml";

fn example() -> String {
    std::fs::read_to_string(support::repo_root().join(EXAMPLE)).unwrap()
}

/// A temporary repository holding action.yml at its root and the example workflow using it
/// as `uses: ./`.
fn workflow_repo(workflow: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join(".github/workflows")).unwrap();
    std::fs::create_dir_all(dir.path().join(".git")).unwrap();
    std::fs::copy(
        support::repo_root().join("action.yml"),
        dir.path().join("action.yml"),
    )
    .unwrap();
    std::fs::write(dir.path().join(".github/workflows/ws-lint.yml"), workflow).unwrap();
    dir
}

fn actionlint(bin: &Path, repo: &Path) -> (bool, String) {
    let (status, out, err) = support::run(
        Command::new(bin)
            .args([
                "-no-color",
                "-shellcheck=",
                "-pyflakes=",
                ".github/workflows/ws-lint.yml",
            ])
            .current_dir(repo),
        Duration::from_secs(60),
    );
    (status.is_some_and(|s| s.success()), format!("{out}{err}"))
}

#[test]
fn the_docs_show_the_checked_example_workflow() {
    let docs = std::fs::read_to_string(support::repo_root().join("docs/editors.md")).unwrap();
    assert!(
        docs.contains(&format!("```yaml\n{}```", example())),
        "docs/editors.md must show {EXAMPLE} verbatim"
    );
}

#[test]
fn actionlint_accepts_the_example_workflow() {
    let Some(bin) = support::tool("WS_LINT_ACTIONLINT", "tests/tools/venv/bin/actionlint") else {
        support::missing(
            "actionlint not found (WS_LINT_ACTIONLINT or tests/tools/venv/bin/actionlint)",
        );
        return;
    };
    let workflow = example();
    assert!(workflow.contains("uses: OWNER/ws-lint@v0.1.0"));

    // As published (a remote action, which actionlint does not fetch).
    let repo = workflow_repo(&workflow);
    let (ok, out) = actionlint(&bin, repo.path());
    assert!(ok, "actionlint on {EXAMPLE}:\n{out}");

    // With the action local, so actionlint reads action.yml and checks the inputs.
    let local = workflow.replace("uses: OWNER/ws-lint@v0.1.0", "uses: ./");
    let repo = workflow_repo(&local);
    let (ok, out) = actionlint(&bin, repo.path());
    assert!(ok, "actionlint with action.yml as a local action:\n{out}");

    // And it does read it: a misspelt input is an error.
    let wrong = local.replace("fail-on: error", "fail_on: error");
    let repo = workflow_repo(&wrong);
    let (ok, out) = actionlint(&bin, repo.path());
    assert!(
        !ok && out.contains("fail_on"),
        "actionlint did not check the inputs against action.yml:\n{out}"
    );
}

/// The release workflow (not run here): actionlint-clean, the six platforms xtask packages,
/// npm provenance asked on the command line (a `publishConfig` would stop a private registry
/// from taking the tarballs in the tests).
#[test]
fn actionlint_accepts_the_release_workflow() {
    let Some(bin) = support::tool("WS_LINT_ACTIONLINT", "tests/tools/venv/bin/actionlint") else {
        support::missing(
            "actionlint not found (WS_LINT_ACTIONLINT or tests/tools/venv/bin/actionlint)",
        );
        return;
    };
    let root = support::repo_root();
    let (status, out, err) = support::run(
        Command::new(bin)
            .args([
                "-no-color",
                "-shellcheck=",
                "-pyflakes=",
                ".github/workflows/release.yml",
            ])
            .current_dir(&root),
        Duration::from_secs(60),
    );
    assert!(
        status.is_some_and(|s| s.success()),
        "actionlint:\n{out}{err}"
    );
    let release = std::fs::read_to_string(root.join(".github/workflows/release.yml")).unwrap();
    for platform in [
        "linux-x64",
        "linux-arm64",
        "darwin-x64",
        "darwin-arm64",
        "win32-x64",
        "win32-arm64",
    ] {
        assert!(
            release.contains(&format!("platform: {platform},")),
            "{platform}"
        );
    }
    assert!(release.contains("cargo xtask dist dist"));
    assert!(release.contains("npm publish \"./$tarball\" --provenance --access public"));
    let launcher = std::fs::read_to_string(root.join("npm/ws-lint/package.json")).unwrap();
    assert!(!launcher.contains("publishConfig"));
}

/// action.yml as JSON, through PyYAML (which the pre-commit venv has).
fn action_json() -> Option<Value> {
    let python = support::tool("WS_LINT_PYTHON_YAML", "tests/tools/venv/bin/python")?;
    let (status, out, err) = support::run(
        Command::new(python)
            .args([
                "-c",
                "import json, sys, yaml; print(json.dumps(yaml.safe_load(open(sys.argv[1]))))",
            ])
            .arg(support::repo_root().join("action.yml")),
        Duration::from_secs(30),
    );
    assert!(status.is_some_and(|s| s.success()), "PyYAML: {err}");
    Some(serde_json::from_str(&out).unwrap())
}

#[test]
fn action_yml_has_the_documented_inputs() {
    let Some(action) = action_json() else {
        support::missing("tests/tools/venv/bin/python with PyYAML not found");
        return;
    };
    assert_eq!(action["runs"]["using"], "composite");
    let inputs = &action["inputs"];
    for (name, default) in [
        ("paths", "."),
        ("format", "github"),
        ("fail-on", "error"),
        ("sarif-file", ""),
        ("args", ""),
    ] {
        assert_eq!(inputs[name]["default"], default, "input {name}");
        assert!(inputs[name]["description"].is_string(), "input {name}");
    }
    let steps = action["runs"]["steps"].as_array().unwrap();
    assert!(steps.iter().all(|s| s["shell"] == "bash"));
    assert!(steps[0]["run"]
        .as_str()
        .unwrap()
        .contains("cargo install --locked --path \"$WS_LINT_SOURCE\""));
    assert_eq!(
        steps[0]["env"]["WS_LINT_SOURCE"],
        "${{ github.action_path }}"
    );
}

struct StepRun {
    status: i32,
    output: String,
    github_output: String,
    sarif: Option<String>,
}

/// Runs the action's "Run ws-lint" step with bash, the inputs given as the env it maps them to.
fn run_lint_step(script: &str, dir: &Path, inputs: &[(&str, &str)]) -> StepRun {
    let bin = PathBuf::from(env!("CARGO_BIN_EXE_ws-lint"));
    let path = format!(
        "{}:{}",
        bin.parent().unwrap().display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let github_output = dir.join("github_output");
    std::fs::write(&github_output, "").unwrap();
    let mut cmd = Command::new("bash");
    cmd.args([
        "--noprofile",
        "--norc",
        "-e",
        "-o",
        "pipefail",
        "-c",
        script,
    ])
    .current_dir(dir)
    .env("PATH", path)
    .env("GITHUB_OUTPUT", &github_output)
    .env("NO_COLOR", "1");
    for (key, value) in inputs {
        cmd.env(key, value);
    }
    let (status, out, err) = support::run(&mut cmd, Duration::from_secs(60));
    let sarif = inputs
        .iter()
        .find(|(k, _)| *k == "WS_LINT_SARIF")
        .filter(|(_, v)| !v.is_empty())
        .and_then(|(_, v)| std::fs::read_to_string(dir.join(v)).ok());
    StepRun {
        status: status.and_then(|s| s.code()).unwrap_or(-1),
        output: format!("{out}{err}"),
        github_output: std::fs::read_to_string(&github_output).unwrap(),
        sarif,
    }
}

#[test]
fn the_action_script_lints_reports_and_writes_sarif() {
    let Some(action) = action_json() else {
        support::missing("tests/tools/venv/bin/python with PyYAML not found");
        return;
    };
    let script = action["runs"]["steps"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["id"] == "lint")
        .and_then(|s| s["run"].as_str())
        .unwrap()
        .to_string();
    let dir = tempfile::tempdir().unwrap();
    let root = support::repo_root();
    std::fs::create_dir_all(dir.path().join("bad")).unwrap();
    std::fs::create_dir_all(dir.path().join("good")).unwrap();
    std::fs::copy(
        root.join("tests/fixtures/rules/WS201_authorizer_not_on_connect.yml"),
        dir.path().join("bad/serverless.yml"),
    )
    .unwrap();
    std::fs::copy(
        root.join("tests/fixtures/ok/minimal.yml"),
        dir.path().join("good/serverless.yml"),
    )
    .unwrap();

    // The defaults: --format github, --fail-on error, SARIF into a folder that does not exist yet.
    let defaults = [
        ("WS_LINT_PATHS", "good\nbad"),
        ("WS_LINT_FORMAT", "github"),
        ("WS_LINT_FAIL_ON", "error"),
        ("WS_LINT_SARIF", "reports/ws-lint.sarif"),
        ("WS_LINT_ARGS", ""),
    ];
    let run = run_lint_step(&script, dir.path(), &defaults);
    assert_eq!(run.status, 1, "{}", run.output);
    assert!(
        run.github_output.contains("exit-code=1"),
        "{}",
        run.github_output
    );
    assert!(
        run.output.contains("::error") && run.output.contains("WS201"),
        "github annotations expected:\n{}",
        run.output
    );
    let sarif: Value = serde_json::from_str(run.sarif.as_deref().expect("SARIF written"))
        .unwrap_or_else(|e| panic!("SARIF is not JSON: {e}"));
    assert_eq!(sarif["version"], "2.1.0");
    assert!(
        sarif.to_string().contains("WS201"),
        "SARIF holds the result"
    );

    // The good folder alone passes; extra args reach ws-lint.
    let mut good = defaults;
    good[0] = ("WS_LINT_PATHS", "good");
    good[3] = ("WS_LINT_SARIF", "");
    let run = run_lint_step(&script, dir.path(), &good);
    assert_eq!(run.status, 0, "{}", run.output);
    assert!(run.github_output.contains("exit-code=0"));

    // fail-on never, concise format, an --ignore from args.
    let mut lenient = defaults;
    lenient[1] = ("WS_LINT_FORMAT", "concise");
    lenient[2] = ("WS_LINT_FAIL_ON", "never");
    lenient[3] = ("WS_LINT_SARIF", "");
    let run = run_lint_step(&script, dir.path(), &lenient);
    assert_eq!(run.status, 0, "{}", run.output);
    assert!(run.output.contains("WS201"), "{}", run.output);
    lenient[4] = ("WS_LINT_ARGS", "--ignore WS201");
    let run = run_lint_step(&script, dir.path(), &lenient);
    assert_eq!(run.status, 0, "{}", run.output);
    assert!(!run.output.contains("WS201"), "{}", run.output);
}

/// The action's "Install ws-lint" step, run with bash as the runner would, against the shared
/// private registry (tests/registry.sh) and on a PATH without cargo: it installs the npm
/// package of the action's own version and puts `ws-lint` on the job's PATH.
#[test]
fn the_action_installs_its_own_version_from_npm_without_rust() {
    let Some(action) = action_json() else {
        support::missing("tests/tools/venv/bin/python with PyYAML not found");
        return;
    };
    let script = action["runs"]["steps"][0]["run"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(action["inputs"]["install"]["default"], "npm");
    assert_eq!(action["inputs"]["version"]["default"], "");
    let Some(registry) = support::registry::registry_url() else {
        return;
    };
    let temp = tempfile::tempdir().unwrap();
    let runner_temp = temp.path().join("runner-temp");
    std::fs::create_dir_all(&runner_temp).unwrap();
    let github_path = temp.path().join("github_path");
    std::fs::write(&github_path, "").unwrap();
    let step = |install: &str| {
        let mut cmd = support::registry::user_command("bash", &registry, temp.path());
        cmd.args([
            "--noprofile",
            "--norc",
            "-e",
            "-o",
            "pipefail",
            "-c",
            &script,
        ])
        .current_dir(temp.path())
        .env("RUNNER_TEMP", &runner_temp)
        .env("GITHUB_PATH", &github_path)
        .env("WS_LINT_SOURCE", support::repo_root())
        .env("WS_LINT_INSTALL", install)
        .env("WS_LINT_VERSION", "");
        let started = std::time::Instant::now();
        let (status, out, err) = support::run(&mut cmd, Duration::from_secs(600));
        println!("install step ({install}) took {:.1?}", started.elapsed());
        (
            status.and_then(|s| s.code()).unwrap_or(-1),
            format!("{out}{err}"),
        )
    };

    let (status, output) = step("npm");
    assert_eq!(status, 0, "{output}");
    let added = std::fs::read_to_string(&github_path).unwrap();
    let bin_dir = PathBuf::from(added.trim());
    assert_eq!(bin_dir, runner_temp.join("ws-lint/node_modules/.bin"));
    let (status, out, err) = support::run(
        Command::new(bin_dir.join("ws-lint"))
            .arg("--version")
            .env("PATH", support::registry::path_without_rust()),
        Duration::from_secs(60),
    );
    assert!(status.is_some_and(|s| s.success()), "{out}{err}");
    assert!(out.contains(env!("CARGO_PKG_VERSION")), "{out}");
    let bad = support::repo_root().join("tests/fixtures/rules/WS201_authorizer_not_on_connect.yml");
    let (status, out, err) = support::run(
        Command::new(bin_dir.join("ws-lint"))
            .arg(&bad)
            .env("PATH", support::registry::path_without_rust()),
        Duration::from_secs(60),
    );
    assert_eq!(status.and_then(|s| s.code()), Some(1), "{out}{err}");
    assert!(format!("{out}{err}").contains("WS201"));

    let (status, output) = step("download");
    assert_eq!(status, 2, "{output}");
    assert!(
        output.contains("::error::install must be npm or source"),
        "{output}"
    );
}
