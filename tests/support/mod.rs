//! Helpers shared by the integration tests: fixtures ([`fixtures`]), an in-process LSP client
//! ([`lsp`]), and the tests that drive outside tools (editors, pre-commit, npm, actionlint).
//! A missing tool fails the test when `WS_LINT_REQUIRE_TOOLS=1` (as in CI) and skips it,
//! loudly, otherwise. `tests/setup-tools.sh` installs the tools into `tests/tools/`.
#![allow(dead_code)]

pub mod fixtures;
pub mod lsp;
pub mod registry;

// Each test binary uses a part of the support code: the rest is unused there.
#[allow(unused_imports)]
pub use fixtures::*;

/// A service with an authorizer on the custom route `sendMessage` (WS201, an error): what the
/// install tests lint to see the binary they installed fail.
pub const AUTHORIZER_ON_CUSTOM_ROUTE: &str = "\
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

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn tools_required() -> bool {
    std::env::var("WS_LINT_REQUIRE_TOOLS").is_ok_and(|v| v == "1")
}

/// Fails under `WS_LINT_REQUIRE_TOOLS=1`, else prints `SKIPPED: ...`. Returns so the caller
/// can `return`.
pub fn missing(what: &str) {
    unavailable(what, "run tests/setup-tools.sh");
}

/// Like `missing`, for a ws-lint build whose `ws-lint lsp` is not a language server.
pub fn no_language_server(what: &str) {
    unavailable(what, "the editor tests need the language server");
}

fn unavailable(what: &str, hint: &str) {
    if tools_required() {
        panic!("{what} (WS_LINT_REQUIRE_TOOLS=1; {hint})");
    }
    println!("SKIPPED: {what} ({hint})");
    eprintln!("SKIPPED: {what} ({hint})");
}

/// A tool from the environment variable `var`, else at `default` (relative to the repo root).
pub fn tool(var: &str, default: &str) -> Option<PathBuf> {
    if let Some(path) = std::env::var_os(var) {
        let path = PathBuf::from(path);
        return path.is_file().then_some(path);
    }
    let path = repo_root().join(default);
    path.is_file().then_some(path)
}

/// `name` on PATH.
pub fn on_path(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(name))
        .find(|candidate| candidate.is_file())
}

/// The ws-lint binary the editor tests run as a language server: `WS_LINT_LSP_BIN` when set
/// (to try another build), else the one cargo built for this test run.
pub fn ws_lint_binary() -> PathBuf {
    match std::env::var_os("WS_LINT_LSP_BIN") {
        Some(path) => PathBuf::from(path),
        None => PathBuf::from(env!("CARGO_BIN_EXE_ws-lint")),
    }
}

/// Whether `bin lsp` is a language server: a build without one says so on stderr and exits.
/// Err(message) when it is not.
pub fn probe_lsp(bin: &Path) -> Result<(), String> {
    let mut child = Command::new(bin)
        .arg("lsp")
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot run {}: {e}", bin.display()))?;
    // Closing stdin ends a real server; a build without one has already exited.
    drop(child.stdin.take());
    let status = wait_timeout(&mut child, Duration::from_secs(10));
    let mut stderr = String::new();
    if let Some(mut pipe) = child.stderr.take() {
        let _ = pipe.read_to_string(&mut stderr);
    }
    if stderr.contains("no language server") {
        return Err(format!(
            "{} has no language server: `ws-lint lsp` said: {}",
            bin.display(),
            stderr.trim()
        ));
    }
    match status {
        Some(_) => Ok(()),
        None => Ok(()), // still running after stdin closed: a server that waits for exit
    }
}

/// Waits for `child` up to `timeout`; kills it after that and returns None.
pub fn wait_timeout(child: &mut Child, timeout: Duration) -> Option<ExitStatus> {
    let start = Instant::now();
    loop {
        match child.try_wait() {
            Ok(Some(status)) => return Some(status),
            Ok(None) if start.elapsed() < timeout => std::thread::sleep(Duration::from_millis(20)),
            _ => {
                let _ = child.kill();
                let _ = child.wait();
                return None;
            }
        }
    }
}

/// Runs a command to completion with a timeout; returns (status, stdout, stderr).
pub fn run(cmd: &mut Command, timeout: Duration) -> (Option<ExitStatus>, String, String) {
    let mut child = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot run {cmd:?}: {e}"));
    // Read the pipes on threads so a chatty child cannot block on a full pipe.
    let mut out = child.stdout.take().unwrap();
    let mut err = child.stderr.take().unwrap();
    let out_thread = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = out.read_to_string(&mut s);
        s
    });
    let err_thread = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = err.read_to_string(&mut s);
        s
    });
    let status = wait_timeout(&mut child, timeout);
    (
        status,
        out_thread.join().unwrap_or_default(),
        err_thread.join().unwrap_or_default(),
    )
}

/// Copies a folder tree.
pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}
