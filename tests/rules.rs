//! Every rule fixture under `tests/fixtures/rules/`: the diagnostics must be exactly those its
//! `# expect: CODE` comments name (line and code), and the human output is kept as a snapshot
//! named after the fixture (`tests/snapshots/rules/<fixture>.snap`).
//! Files under `tests/fixtures/ok/` must lint clean.
//!
//! Fixtures run through `insta::glob!`: a failure names its fixture (the snapshot's `Input
//! file`, or the fixture's name in the expectation report), every fixture runs even after one
//! fails, and `INSTA_GLOB_FILTER` (glob patterns on the fixture's file name, case-insensitive,
//! `;` between several) runs only some of them:
//!
//! ```sh
//! INSTA_GLOB_FILTER='WS101_*' cargo test --test rules rule_fixtures
//! INSTA_GLOB_FILTER='WS001_yaml_syntax.yml;WS4*' cargo test --test rules rule_fixtures
//! ```

mod support;

use std::path::Path;

use support::*;

fn fixture_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_else(|| path.display().to_string())
}

#[test]
fn rule_fixtures_report_exactly_what_they_expect() {
    let mut failures = Vec::new();
    insta::glob!("fixtures/rules", "*.{yml,yaml}", |path| {
        let text = read(path);
        let name = fixture_name(path);
        let settings = settings_for_fixture(&text);
        let got = reported(&name, &text, &settings);
        let want = expected(&text);
        if got != want {
            let failure = format!(
                "{name}:\n  expected {want:?}\n  reported {got:?}\n{}",
                human(&name, &text, &settings)
            );
            // Printed now as well: a snapshot failure in a later fixture ends the glob with
            // its own panic, and this report must not be lost with it.
            eprintln!("fixture {failure}");
            failures.push(failure);
        }
        // The glob would add `@<fixture>` to the snapshot's name; the fixture's name already
        // is the snapshot's name, as it was before the glob.
        insta::with_settings!({
            snapshot_path => "snapshots/rules",
            prepend_module_to_snapshot => false,
            snapshot_suffix => "",
        }, {
            insta::assert_snapshot!(name.clone(), human(&name, &text, &settings));
        });
    });
    assert!(
        failures.is_empty(),
        "{} fixture(s) did not report what their `# expect:` comments name:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn every_rule_with_a_check_has_a_fixture() {
    let dir = repo_root().join("tests/fixtures/rules");
    let names: Vec<String> = files_in(&dir, &["yml", "yaml"])
        .iter()
        .map(|p| fixture_name(p))
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

/// Also filtered by `INSTA_GLOB_FILTER`, like the rule fixtures.
#[test]
fn ok_fixtures_are_clean() {
    let mut failures = Vec::new();
    insta::glob!("fixtures/ok", "*.{yml,yaml,json}", |path| {
        let text = read(path);
        let name = fixture_name(path);
        let settings = settings_for_fixture(&text);
        if !reported(&name, &text, &settings).is_empty() {
            failures.push(format!("{name}:\n{}", human(&name, &text, &settings)));
        }
    });
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
