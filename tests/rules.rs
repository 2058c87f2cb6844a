//! Every rule fixture under `tests/fixtures/rules/`: the diagnostics must be exactly those its
//! `# expect: CODE` comments name (line and code), and the human output is kept as a snapshot.
//! Files under `tests/fixtures/ok/` must lint clean.

mod support;

use support::*;

#[test]
fn rule_fixtures_report_exactly_what_they_expect() {
    let dir = repo_root().join("tests/fixtures/rules");
    let files = files_in(&dir, &["yml", "yaml"]);
    assert!(!files.is_empty(), "no fixtures in {}", dir.display());
    let mut failures = Vec::new();
    for path in &files {
        let text = read(path);
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        let settings = settings_for_fixture(&text);
        let got = reported(&name, &text, &settings);
        let want = expected(&text);
        if got != want {
            failures.push(format!(
                "{name}:\n  expected {want:?}\n  reported {got:?}\n{}",
                human(&name, &text, &settings)
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    for path in &files {
        let text = read(path);
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        let settings = settings_for_fixture(&text);
        insta::with_settings!({snapshot_path => "snapshots/rules", prepend_module_to_snapshot => false}, {
            insta::assert_snapshot!(name.clone(), human(&name, &text, &settings));
        });
    }
}

#[test]
fn every_rule_with_a_check_has_a_fixture() {
    let dir = repo_root().join("tests/fixtures/rules");
    let names: Vec<String> = files_in(&dir, &["yml", "yaml"])
        .iter()
        .map(|p| p.file_name().unwrap().to_string_lossy().to_string())
        .collect();
    // Rules that look at other files have service folders (tests/cli_services.rs).
    let services: Vec<String> = std::fs::read_dir(repo_root().join("tests/fixtures/services"))
        .map(|entries| {
            entries
                .filter_map(|e| e.ok())
                .map(|e| e.file_name().to_string_lossy().to_string())
                .collect()
        })
        .unwrap_or_default();
    let missing: Vec<&str> = ws_lint::rules::all()
        .iter()
        .filter(|r| !names.iter().chain(&services).any(|n| n.starts_with(r.code)))
        .map(|r| r.code)
        .collect();
    assert!(missing.is_empty(), "rules without a fixture: {missing:?}");
}

#[test]
fn ok_fixtures_are_clean() {
    let dir = repo_root().join("tests/fixtures/ok");
    let files = files_in(&dir, &["yml", "yaml", "json"]);
    assert!(!files.is_empty());
    for path in files {
        let text = read(&path);
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        let settings = settings_for_fixture(&text);
        let got = reported(&name, &text, &settings);
        assert!(
            got.is_empty(),
            "{name}:\n{}",
            human(&name, &text, &settings)
        );
    }
}
