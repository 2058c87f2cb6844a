//! Small helpers: commands, JSON files, folder copies.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

pub type Result<T> = std::result::Result<T, String>;

/// The repository root (xtask lives in `<root>/xtask`).
pub fn repo_root() -> PathBuf {
    let manifest_dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    manifest_dir
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or(manifest_dir)
}

/// Cargo's target folder: `CARGO_TARGET_DIR`, else `<root>/target`.
pub fn target_dir() -> PathBuf {
    match std::env::var_os("CARGO_TARGET_DIR") {
        Some(dir) => {
            let dir = PathBuf::from(dir);
            if dir.is_absolute() {
                dir
            } else {
                repo_root().join(dir)
            }
        }
        None => repo_root().join("target"),
    }
}

/// Runs `cmd`, its stderr shown as it goes; returns its stdout, or an error naming the
/// command when it fails.
pub fn run(cmd: &mut Command) -> Result<String> {
    let shown = format!("{cmd:?}");
    let output = cmd
        .stdin(Stdio::null())
        .stderr(Stdio::inherit())
        .output()
        .map_err(|e| format!("cannot run {shown}: {e}"))?;
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    if !output.status.success() {
        return Err(format!("{shown} failed ({})\n{stdout}", output.status));
    }
    Ok(stdout)
}

/// Runs `cmd` with its output shown (for the long steps: builds, npm ci).
pub fn run_shown(cmd: &mut Command) -> Result<()> {
    let shown = format!("{cmd:?}");
    eprintln!("xtask: {shown}");
    let status = cmd
        .stdin(Stdio::null())
        .status()
        .map_err(|e| format!("cannot run {shown}: {e}"))?;
    if !status.success() {
        return Err(format!("{shown} failed ({status})"));
    }
    Ok(())
}

pub fn read_json(path: &Path) -> Result<serde_json::Value> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))
}

pub fn write_json(path: &Path, value: &serde_json::Value) -> Result<()> {
    let mut text = serde_json::to_string_pretty(value).map_err(|e| e.to_string())?;
    text.push('\n');
    std::fs::write(path, text).map_err(|e| format!("{}: {e}", path.display()))
}

/// Copies the folder `from` to `to` (created), keeping the entries whose file name `keep`
/// accepts, at every depth. Symbolic links are copied as what they point to.
pub fn copy_tree(from: &Path, to: &Path, keep: &dyn Fn(&str) -> bool) -> Result<()> {
    std::fs::create_dir_all(to).map_err(|e| format!("{}: {e}", to.display()))?;
    let entries = std::fs::read_dir(from).map_err(|e| format!("{}: {e}", from.display()))?;
    for entry in entries {
        let entry = entry.map_err(|e| format!("{}: {e}", from.display()))?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if !keep(&name) {
            continue;
        }
        let source = entry.path();
        let target = to.join(&name);
        if source.is_dir() {
            copy_tree(&source, &target, keep)?;
        } else {
            std::fs::copy(&source, &target)
                .map_err(|e| format!("copy {} to {}: {e}", source.display(), target.display()))?;
        }
    }
    Ok(())
}

/// Removes `dir` if it exists, then creates it empty.
pub fn fresh_dir(dir: &Path) -> Result<()> {
    if dir.exists() {
        std::fs::remove_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    }
    std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))
}

/// The crate's version, from `[package]` in the root Cargo.toml.
pub fn crate_version() -> Result<String> {
    let path = repo_root().join("Cargo.toml");
    let text = std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    let mut in_package = false;
    for line in text.lines() {
        let line = line.trim();
        if line.starts_with('[') {
            in_package = line == "[package]";
            continue;
        }
        if in_package {
            if let Some(value) = line.strip_prefix("version") {
                let value = value.trim_start().trim_start_matches('=').trim();
                return Ok(value.trim_matches('"').to_string());
            }
        }
    }
    Err(format!("{}: no version in [package]", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The package manifests in the repository carry the crate's version, so `npm run package`
    /// and a local `npm pack` make what a release would.
    #[test]
    fn the_source_manifests_carry_the_crate_version() {
        let version = crate_version().unwrap();
        assert!(version.split('.').count() == 3, "{version}");
        for manifest in ["npm/ws-lint/package.json", "editors/vscode/package.json"] {
            let json = read_json(&repo_root().join(manifest)).unwrap();
            assert_eq!(json["version"], version.as_str(), "{manifest}");
        }
        // The pre-commit hook's package installs the npm package of this version.
        let hook = read_json(&repo_root().join("package.json")).unwrap();
        assert_eq!(hook["version"], version.as_str());
        assert_eq!(hook["dependencies"]["ws-lint"], version.as_str());
        assert_eq!(hook["bin"]["ws-lint"], "npm/pre-commit/ws-lint.js");
    }
}
