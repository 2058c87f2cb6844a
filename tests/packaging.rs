//! What the release ships besides the npm packages: the crate `cargo package` would upload
//! (sources only, none of the large folders) and the mason-registry definition kept in
//! editors/neovim for when we apply.

mod support;

use std::process::Command;
use std::time::Duration;

use serde_json::Value;

#[test]
fn cargo_package_ships_the_sources_and_none_of_the_large_folders() {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let (status, out, err) = support::run(
        Command::new(cargo)
            .args(["package", "--list", "--allow-dirty", "-p", "ws-lint"])
            .current_dir(support::repo_root()),
        Duration::from_secs(300),
    );
    assert!(
        status.is_some_and(|s| s.success()),
        "cargo package --list:\n{err}"
    );
    let files: Vec<&str> = out.lines().collect();
    for needed in [
        "Cargo.toml",
        "Cargo.lock",
        "README.md",
        "src/main.rs",
        "src/lib.rs",
        "schemas/serverless-websocket.schema.json",
        "benches/engine.rs",
    ] {
        assert!(files.contains(&needed), "{needed} is not packaged:\n{out}");
    }
    for file in &files {
        for excluded in [
            "fuzz/",
            "tests/",
            "editors/",
            "npm/",
            "xtask/",
            "target/",
            ".github/",
            "examples/",
        ] {
            assert!(!file.starts_with(excluded), "{file} is packaged");
        }
    }
}

#[test]
fn the_mason_definition_installs_this_version_from_npm() {
    let Some(python) = support::tool("WS_LINT_PYTHON_YAML", "tests/tools/venv/bin/python") else {
        support::missing("tests/tools/venv/bin/python with PyYAML not found");
        return;
    };
    let root = support::repo_root();
    let (status, out, err) = support::run(
        Command::new(python)
            .args([
                "-c",
                "import json, sys, yaml; print(json.dumps(yaml.safe_load(open(sys.argv[1]))))",
            ])
            .arg(root.join("editors/neovim/mason/ws-lint/package.yaml")),
        Duration::from_secs(30),
    );
    assert!(status.is_some_and(|s| s.success()), "PyYAML: {err}");
    let package: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(package["name"], "ws-lint");
    assert_eq!(
        package["source"]["id"],
        format!("pkg:npm/ws-lint@{}", env!("CARGO_PKG_VERSION"))
    );
    assert_eq!(package["bin"]["ws-lint"], "npm:ws-lint");
    // mason links the server under the name nvim-lspconfig's config (our lsp/ws_lint.lua) runs.
    assert_eq!(package["neovim"]["lspconfig"], "ws_lint");
    let config = std::fs::read_to_string(root.join("editors/neovim/lsp/ws_lint.lua")).unwrap();
    assert!(
        config.starts_with("---@brief"),
        "nvim-lspconfig wants a @brief header"
    );
    assert!(config.contains("cmd = { 'ws-lint', 'lsp' }"));
}

/// One entry of a .vsix (a zip), read with Python's zipfile: name, Unix mode, size.
fn vsix_entries(vsix: &std::path::Path) -> Vec<(String, u32, u64)> {
    let (status, out, err) = support::run(
        Command::new("python3")
            .args([
                "-c",
                "import json, sys, zipfile\n\
                 print(json.dumps([[i.filename, i.external_attr >> 16, i.file_size] \
                 for i in zipfile.ZipFile(sys.argv[1]).infolist()]))",
            ])
            .arg(vsix),
        Duration::from_secs(60),
    );
    assert!(
        status.is_some_and(|s| s.success()),
        "{}: {err}",
        vsix.display()
    );
    serde_json::from_str(&out).unwrap()
}

fn vsix_file(vsix: &std::path::Path, name: &str) -> String {
    let (status, out, err) = support::run(
        Command::new("python3")
            .args([
                "-c",
                "import sys, zipfile\n\
                 sys.stdout.write(zipfile.ZipFile(sys.argv[1]).read(sys.argv[2]).decode())",
            ])
            .arg(vsix)
            .arg(name),
        Duration::from_secs(60),
    );
    assert!(
        status.is_some_and(|s| s.success()),
        "{}: {err}",
        vsix.display()
    );
    out
}

/// `cargo xtask dist`'s output as tests/registry.sh made it: the platform .vsix carries the
/// server executable at extension/server/ws-lint and targets linux-x64; the universal one has
/// no server; the platform npm package stays under 6 MB; a file already in OUT_DIR survives.
#[test]
fn dist_writes_the_vsix_files_and_keeps_other_files() {
    if support::registry::registry_url().is_none() {
        return;
    }
    if !cfg!(all(target_os = "linux", target_arch = "x86_64")) {
        support::missing("this check reads the linux-x64 artifacts");
        return;
    }
    let state = std::env::var_os("WS_LINT_REGISTRY_DIR")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| support::repo_root().join("target/registry"));
    let dist = state.join("dist");
    let version = env!("CARGO_PKG_VERSION");
    assert!(
        dist.join("NOTE.txt").is_file(),
        "xtask dist removed a file of OUT_DIR"
    );

    let platform = dist.join(format!("ws-lint-linux-x64-{version}.vsix"));
    let entries = vsix_entries(&platform);
    let server = entries
        .iter()
        .find(|(name, _, _)| name == "extension/server/ws-lint")
        .unwrap_or_else(|| panic!("no server in {}: {entries:?}", platform.display()));
    assert_eq!(server.1 & 0o777, 0o755, "the server is not executable");
    assert!(server.2 > 1_000_000, "the server is {} bytes", server.2);
    let manifest = vsix_file(&platform, "extension.vsixmanifest");
    assert!(
        manifest.contains("TargetPlatform=\"linux-x64\""),
        "{manifest}"
    );
    let package: Value =
        serde_json::from_str(&vsix_file(&platform, "extension/package.json")).unwrap();
    assert_eq!(package["version"], version);

    let universal = dist.join(format!("ws-lint-{version}.vsix"));
    let entries = vsix_entries(&universal);
    assert!(
        entries
            .iter()
            .all(|(name, _, _)| !name.starts_with("extension/server/")),
        "the universal .vsix has a server: {entries:?}"
    );
    assert!(entries
        .iter()
        .any(|(name, _, _)| name == "extension/dist/extension.js"));
    assert!(!vsix_file(&universal, "extension.vsixmanifest").contains("TargetPlatform"));

    let npm_platform = dist.join(format!("npm/ws-lint-cli-linux-x64-{version}.tgz"));
    let size = std::fs::metadata(&npm_platform).unwrap().len();
    println!("{}: {size} bytes", npm_platform.display());
    assert!(size < 6 * 1024 * 1024, "{size} bytes");
    let launcher = dist.join(format!("npm/ws-lint-{version}.tgz"));
    assert!(std::fs::metadata(&launcher).unwrap().len() < 20_000);
}
