//! The private npm registry the install tests share (tests/registry.sh: verdaccio on
//! 127.0.0.1 holding this checkout's `cargo xtask dist` packages), and a PATH without Rust for
//! acting as a Node user.

use std::ffi::OsString;
use std::path::Path;
use std::process::Command;
use std::time::Duration;

/// The registry's URL: `WS_LINT_REGISTRY` when set (a registry someone else runs), else the
/// one tests/registry.sh runs, started now if none is (the first start builds the release
/// packages: minutes). None, after `missing`, when verdaccio is not installed.
pub fn registry_url() -> Option<String> {
    if let Ok(url) = std::env::var("WS_LINT_REGISTRY") {
        if !url.is_empty() {
            return Some(url.trim_end_matches('/').to_string());
        }
    }
    let root = super::repo_root();
    if !root
        .join("tests/tools/node_modules/verdaccio/bin/verdaccio")
        .is_file()
    {
        super::missing("verdaccio not installed (tests/tools/node_modules)");
        return None;
    }
    let (status, out, err) = super::run(
        Command::new("bash")
            .arg(root.join("tests/registry.sh"))
            .arg("start")
            .current_dir(&root),
        Duration::from_secs(2400),
    );
    let status = status.unwrap_or_else(|| panic!("tests/registry.sh start timed out\n{err}"));
    assert!(
        status.success(),
        "tests/registry.sh start failed:\n{out}\n{err}"
    );
    let url = out.lines().last().unwrap_or_default().trim().to_string();
    assert!(
        url.starts_with("http://127.0.0.1:"),
        "no URL from tests/registry.sh: {out}\n{err}"
    );
    Some(url)
}

/// PATH without the folders that hold cargo or rustc: what a Node developer has.
pub fn path_without_rust() -> OsString {
    let path = std::env::var_os("PATH").unwrap_or_default();
    let kept: Vec<_> = std::env::split_paths(&path)
        .filter(|dir| !dir.join("cargo").exists() && !dir.join("rustc").exists())
        .collect();
    std::env::join_paths(kept).unwrap_or_default()
}

/// An npm (or npx, pre-commit...) command as a user without Rust runs it against `registry`,
/// with its own npm cache under `home` so every install really downloads.
pub fn user_command(program: impl AsRef<std::ffi::OsStr>, registry: &str, home: &Path) -> Command {
    let mut cmd = Command::new(program);
    cmd.env("PATH", path_without_rust())
        .env("npm_config_registry", registry)
        .env("npm_config_cache", home.join("npm-cache"))
        .env("npm_config_audit", "false")
        .env("npm_config_fund", "false")
        .env("npm_config_update_notifier", "false")
        .env_remove("WS_LINT_BINARY")
        .env_remove("CARGO")
        .env_remove("RUSTUP_TOOLCHAIN");
    cmd
}
