//! The pre-commit hook (.pre-commit-hooks.yaml) as a user runs it: `pre-commit try-repo` on
//! this repository, in a temporary git repo holding a bad and a good serverless.yml.
//!
//! pre-commit (from `WS_LINT_PRE_COMMIT`, else tests/tools/venv/bin/pre-commit) clones this
//! repository's HEAD (plus uncommitted changes, as try-repo does) and builds ws-lint with
//! `cargo install` (language: rust). The build goes to a target folder kept under cargo's
//! target dir, so only the first run on a machine compiles the dependencies.

mod support;

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

const BAD: &str = "\
service: chat
provider:
  name: aws
functions:
  auth:
    handler: handler.auth
  message:
    handler: handler.message
    events:
      - websocket:
          route: sendMessage
          authorizer: auth
";

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

fn try_repo(pre_commit: &Path, repo: &Path, files: &[&str]) -> (bool, String) {
    let root = support::repo_root();
    let cache = Path::new(env!("CARGO_TARGET_TMPDIR")).join("precommit");
    let started = Instant::now();
    let mut cmd = Command::new(pre_commit);
    cmd.args(["try-repo"])
        .arg(&root)
        .args(["ws-lint", "--verbose", "--color", "never", "--files"])
        .args(files)
        .current_dir(repo)
        // pre-commit's own store, and cargo's target dir for its `cargo install`: kept
        // between runs so a second run does not rebuild every dependency.
        .env("PRE_COMMIT_HOME", cache.join("home"))
        .env("CARGO_TARGET_DIR", cache.join("cargo-target"))
        .env_remove("PRE_COMMIT")
        .env_remove("CARGO_MANIFEST_DIR");
    let (status, out, err) = support::run(&mut cmd, Duration::from_secs(1500));
    println!(
        "pre-commit try-repo --files {files:?} took {:.1?}",
        started.elapsed()
    );
    let status = status.unwrap_or_else(|| panic!("pre-commit timed out\n{out}\n{err}"));
    (status.success(), format!("{out}\n{err}"))
}

#[test]
fn pre_commit_hook_fails_the_bad_file_and_passes_the_good_one() {
    let Some(pre_commit) = support::tool("WS_LINT_PRE_COMMIT", "tests/tools/venv/bin/pre-commit")
    else {
        support::missing(
            "pre-commit not found (WS_LINT_PRE_COMMIT or tests/tools/venv/bin/pre-commit)",
        );
        return;
    };
    if support::on_path("git").is_none() || support::on_path("cargo").is_none() {
        support::missing("git and cargo are needed on PATH");
        return;
    }
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
    git(repo, &["init", "-q"]);
    git(repo, &["add", "."]);
    git(repo, &["commit", "-q", "-m", "fixtures"]);

    let (passed, output) = try_repo(
        &pre_commit,
        repo,
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

    let (passed, output) = try_repo(&pre_commit, repo, &["good/serverless.yml"]);
    println!("{output}");
    assert!(passed, "the hook failed on a good file:\n{output}");
    assert!(
        output.contains("ws-lint") && output.contains("Passed"),
        "the hook did not run:\n{output}"
    );
}
