//! The VS Code extension (editors/vscode): `npm run package` type-checks, bundles with esbuild
//! and produces a .vsix with vsce; `npm test` runs the unit tests of its logic with
//! `node --test`; test/server.test.ts drives `ws-lint lsp` over stdio with
//! vscode-languageserver-protocol and the settings the extension sends. The extension inside a
//! real VS Code (code-server) is tests/vscode_real.rs. `tests/setup-tools.sh` runs `npm ci` in
//! editors/vscode.

mod support;

use std::io::Read;
use std::process::Command;
use std::time::{Duration, Instant};

fn npm(args: &[&str], env: &[(&str, &std::path::Path)]) -> (bool, String) {
    let dir = support::repo_root().join("editors/vscode");
    let started = Instant::now();
    let mut cmd = Command::new("npm");
    cmd.args(args).current_dir(&dir);
    for (key, value) in env {
        cmd.env(key, value);
    }
    let (status, out, err) = support::run(&mut cmd, Duration::from_secs(600));
    println!("npm {} took {:.1?}", args.join(" "), started.elapsed());
    (status.is_some_and(|s| s.success()), format!("{out}\n{err}"))
}

#[test]
fn vscode_extension_packages_and_its_unit_tests_pass() {
    let dir = support::repo_root().join("editors/vscode");
    if support::on_path("npm").is_none() {
        support::missing("npm not found");
        return;
    }
    if !dir.join("node_modules/.bin/vsce").exists() {
        support::missing("editors/vscode/node_modules is not installed (npm ci)");
        return;
    }
    let vsix = dir.join("ws-lint.vsix");
    let _ = std::fs::remove_file(&vsix);

    let (ok, out) = npm(&["run", "package"], &[]);
    assert!(ok, "npm run package failed:\n{out}");
    let meta = std::fs::metadata(&vsix).unwrap_or_else(|e| panic!("no .vsix ({e}):\n{out}"));
    assert!(meta.len() > 1000, "the .vsix is too small");

    // A .vsix is a zip: it holds the manifest and the bundled extension, not node_modules.
    let mut bytes = Vec::new();
    std::fs::File::open(&vsix)
        .unwrap()
        .read_to_end(&mut bytes)
        .unwrap();
    assert_eq!(&bytes[..4], b"PK\x03\x04", "not a zip");
    let names = String::from_utf8_lossy(&bytes);
    for name in [
        "extension.vsixmanifest",
        "extension/package.json",
        "extension/dist/extension.js",
    ] {
        assert!(names.contains(name), "{name} missing from the .vsix");
    }
    assert!(
        !names.contains("extension/node_modules/"),
        "node_modules packaged"
    );

    // test/server.test.ts drives the real `ws-lint lsp` with the settings the extension sends.
    let server = support::ws_lint_binary();
    let has_lsp = match support::probe_lsp(&server) {
        Ok(()) => true,
        Err(message) => {
            support::no_language_server(&message);
            false
        }
    };
    let env: Vec<(&str, &std::path::Path)> = if has_lsp {
        vec![("WS_LINT_SERVER", server.as_path())]
    } else {
        vec![]
    };
    let (ok, out) = npm(&["test"], &env);
    assert!(ok, "npm test failed:\n{out}");
    assert!(out.contains("# fail 0"), "{out}");
    if has_lsp {
        assert!(out.contains("# skipped 0"), "a test skipped:\n{out}");
    }
}
