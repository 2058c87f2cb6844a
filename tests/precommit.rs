//! The pre-commit hooks (.pre-commit-hooks.yaml) as a user runs them: `pre-commit try-repo` on
//! this repository, in a temporary git repo holding a bad and a good serverless.yml.
//!
//! pre-commit (from `WS_LINT_PRE_COMMIT`, else tests/tools/venv/bin/pre-commit) clones this
//! repository's HEAD (plus uncommitted changes, as try-repo does), then:
//! - `ws-lint` (language: node): installs the root package.json, which depends on the `ws-lint`
//!   npm package, from the shared private registry (tests/registry.sh), on a PATH without cargo;
//! - `ws-lint-source` (language: rust): builds ws-lint with `cargo install`. The build goes to a
//!   target folder kept under cargo's target dir, so only the first run on a machine compiles
//!   the dependencies.

mod support;

use std::ffi::OsString;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

/// An authorizer on a custom route: WS201, an error.
const BAD: &str = support::AUTHORIZER_ON_CUSTOM_ROUTE;

const GOOD: &str = "\
service: chat
provider:
  name: aws
functions:
  connect:
    handler: handler.connect
    events:
      - websocket: $connect
  default:
    handler: handler.default
    events:
      - websocket: $default
";

fn git(dir: &Path, args: &[&str]) {
    let (status, out, err) = support::run(
        Command::new("git")
            .args(args)
            .current_dir(dir)
            .env("GIT_AUTHOR_NAME", "t")
            .env("GIT_AUTHOR_EMAIL", "t@example.invalid")
            .env("GIT_COMMITTER_NAME", "t")
            .env("GIT_COMMITTER_EMAIL", "t@example.invalid"),
        Duration::from_secs(60),
    );
    assert!(
        status.is_some_and(|s| s.success()),
        "git {args:?}: {out}{err}"
    );
}

/// How the hook's environment is made: from npm (with this PATH and registry), or by cargo.
enum Install {
    Npm { registry: String },
    Cargo,
}

fn try_repo(
    pre_commit: &Path,
    repo: &Path,
    hook: &str,
    install: &Install,
    files: &[&str],
) -> (bool, String) {
    let root = support::repo_root();
    let cache = Path::new(env!("CARGO_TARGET_TMPDIR")).join("precommit");
    let started = Instant::now();
    let mut cmd = Command::new(pre_commit);
    cmd.args(["try-repo"])
        .arg(&root)
        .args([hook, "--verbose", "--color", "never", "--files"])
        .args(files)
        .current_dir(repo)
        .env_remove("PRE_COMMIT")
        .env_remove("CARGO_MANIFEST_DIR");
    match install {
        Install::Npm { registry } => {
            // A fresh pre-commit store each time: the install from the registry is what is
            // tested (and timed).
            let home = repo.join(".pre-commit-home");
            cmd.env("PATH", support::registry::path_without_rust())
                .env("PRE_COMMIT_HOME", &home)
                .env("npm_config_registry", registry)
                .env("npm_config_cache", home.join("npm-cache"))
                .env("npm_config_audit", "false")
                .env("npm_config_fund", "false")
                .env_remove("WS_LINT_BINARY")
                .env_remove("CARGO");
        }
        Install::Cargo => {
            // pre-commit's own store, and cargo's target dir for its `cargo install`: kept
            // between runs so a second run does not rebuild every dependency.
            cmd.env("PRE_COMMIT_HOME", cache.join("home"))
                .env("CARGO_TARGET_DIR", cache.join("cargo-target"))
                // Without line tables the release build's target dir is a fraction of the size.
                .env("CARGO_PROFILE_RELEASE_DEBUG", "false");
        }
    }
    let (status, out, err) = support::run(&mut cmd, Duration::from_secs(1500));
    println!(
        "pre-commit try-repo {hook} --files {files:?} took {:.1?}",
        started.elapsed()
    );
    let status = status.unwrap_or_else(|| panic!("pre-commit timed out\n{out}\n{err}"));
    (status.success(), format!("{out}\n{err}"))
}

/// A git repository with `bad/serverless.yml` (WS201) and `good/serverless.yml`.
fn user_repo() -> tempfile::TempDir {
    let temp = tempfile::tempdir().unwrap();
    let repo = temp.path();
    std::fs::create_dir_all(repo.join("bad")).unwrap();
    std::fs::create_dir_all(repo.join("good")).unwrap();
    std::fs::write(repo.join("bad/serverless.yml"), BAD).unwrap();
    std::fs::write(repo.join("good/serverless.yml"), GOOD).unwrap();
    // The handler sources a real service has beside its configuration (else WS702).
    for dir in ["bad", "good"] {
        std::fs::write(repo.join(dir).join("handler.js"), "module.exports = {};\n").unwrap();
    }
    std::fs::write(repo.join(".gitignore"), ".pre-commit-home/\n").unwrap();
    git(repo, &["init", "-q"]);
    git(repo, &["add", "."]);
    git(repo, &["commit", "-q", "-m", "fixtures"]);
    temp
}

/// The hook fails on the bad file naming the diagnostic, passes on the good one.
fn check_hook(pre_commit: &Path, hook: &str, install: &Install) {
    let temp = user_repo();
    let repo = temp.path();
    let (passed, output) = try_repo(
        pre_commit,
        repo,
        hook,
        install,
        &["bad/serverless.yml", "good/serverless.yml"],
    );
    println!("{output}");
    assert!(!passed, "the hook passed on a bad file:\n{output}");
    assert!(
        output.contains("WS201"),
        "the diagnostic is not shown:\n{output}"
    );
    assert!(
        output.contains("bad/serverless.yml"),
        "the bad file is not named:\n{output}"
    );
    assert!(
        !output.contains("good/serverless.yml:"),
        "the good file got a diagnostic:\n{output}"
    );

    let (passed, output) = try_repo(pre_commit, repo, hook, install, &["good/serverless.yml"]);
    println!("{output}");
    assert!(passed, "the hook failed on a good file:\n{output}");
    assert!(
        output.contains("ws-lint") && output.contains("Passed"),
        "the hook did not run:\n{output}"
    );
}

fn pre_commit() -> Option<std::path::PathBuf> {
    let found = support::tool("WS_LINT_PRE_COMMIT", "tests/tools/venv/bin/pre-commit");
    if found.is_none() {
        support::missing(
            "pre-commit not found (WS_LINT_PRE_COMMIT or tests/tools/venv/bin/pre-commit)",
        );
    }
    found
}

/// The `ws-lint` hook installs the prebuilt binary from npm: no cargo on PATH.
#[test]
fn npm_hook_works_without_rust() {
    let Some(pre_commit) = pre_commit() else {
        return;
    };
    if support::on_path("git").is_none() || support::on_path("npm").is_none() {
        support::missing("git and npm are needed on PATH");
        return;
    }
    let Some(registry) = support::registry::registry_url() else {
        return;
    };
    let path: OsString = support::registry::path_without_rust();
    assert!(
        std::env::split_paths(&path).all(|dir| !dir.join("cargo").exists()),
        "cargo is still on the hook's PATH"
    );
    check_hook(&pre_commit, "ws-lint", &Install::Npm { registry });
}

/// The `ws-lint-source` hook builds ws-lint with cargo.
#[test]
fn source_hook_builds_with_cargo() {
    let Some(pre_commit) = pre_commit() else {
        return;
    };
    if support::on_path("git").is_none() || support::on_path("cargo").is_none() {
        support::missing("git and cargo are needed on PATH");
        return;
    }
    check_hook(&pre_commit, "ws-lint-source", &Install::Cargo);
}
