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
