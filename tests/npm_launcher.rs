//! The npm launcher (npm/ws-lint: bin/ws-lint.js and lib/binary.js), through its own unit tests
//! (npm/ws-lint/test, Node's built-in runner) with a fake binary: the platform package lookup,
//! the WS_LINT_BINARY override, the message when the package is missing, exit codes, signals,
//! arguments and stdio passed through.

mod support;

use std::process::Command;
use std::time::Duration;

#[test]
fn launcher_unit_tests_pass() {
    let Some(node) = support::on_path("node") else {
        support::missing("node is not on PATH");
        return;
    };
    let root = support::repo_root();
    let (status, out, err) = support::run(
        Command::new(node)
            .args(["--test", "--test-reporter=spec"])
            .arg(root.join("npm/ws-lint/test/launcher.test.js"))
            .current_dir(&root)
            .env_remove("WS_LINT_BINARY"),
        Duration::from_secs(300),
    );
    println!("{out}\n{err}");
    let status = status.expect("node --test timed out");
    assert!(
        status.success(),
        "the launcher's unit tests failed:\n{out}\n{err}"
    );
    // Every test ran: none skipped on this (POSIX) machine, none missing.
    assert!(out.contains("pass 10"), "expected 10 passing tests:\n{out}");
    assert!(out.contains("skipped 0"), "{out}");
}
