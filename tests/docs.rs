//! The rule docs are the documentation users read: their examples must do what they say, and
//! `docs/rules.md` must be what the docs generate.

mod support;

use ws_lint::config::{RuleLevel, Settings};

/// The yaml code block after a `## Heading`.
fn example_after(doc: &str, heading: &str) -> Option<String> {
    let after = doc.split(heading).nth(1)?;
    let start = after.find("```yaml\n")? + "```yaml\n".len();
    let end = after[start..].find("```")?;
    Some(after[start..start + end].to_string())
}

#[test]
fn doc_examples_trigger_their_rule_and_the_fix_does_not() {
    let mut failures = Vec::new();
    for rule in ws_lint::rules::all() {
        let doc = rule.documentation();
        let mut settings = Settings::default();
        settings.levels.insert(
            rule.code,
            RuleLevel::On(
                rule.default_severity
                    .unwrap_or(ws_lint::diagnostics::Severity::Warning),
            ),
        );
        let Some(bad) = example_after(&doc, "## Example") else {
            failures.push(format!("{}: no `## Example` yaml block", rule.code));
            continue;
        };
        let Some(good) = example_after(&doc, "## Use instead") else {
            failures.push(format!("{}: no `## Use instead` yaml block", rule.code));
            continue;
        };
        // A service folder around the example, for the rules that look at other files
        // (WS604, WS702): it holds `handler.js` and `custom.yml`.
        let codes = |text: &str| -> Vec<&'static str> {
            let files = ws_lint::files::MemoryFiles::new()
                .with("svc/serverless.yml", text)
                .with("svc/handler.js", "module.exports = {};\n")
                .with("svc/custom.yml", "greeting: hello\n");
            ws_lint::analyze_service(text, "svc/serverless.yml", &settings, &files)
                .main
                .diagnostics
                .iter()
                .map(|d| d.code)
                .collect()
        };
        let bad_codes = codes(&bad);
        if !bad_codes.contains(&rule.code) {
            failures.push(format!(
                "{}: example does not trigger it (got {bad_codes:?})",
                rule.code
            ));
        }
        let good_codes = codes(&good);
        if good_codes.contains(&rule.code) {
            failures.push(format!("{}: `Use instead` still triggers it", rule.code));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn docs_rules_md_is_current() {
    let path = support::repo_root().join("docs/rules.md");
    let generated = ws_lint::rules::markdown();
    if std::env::var_os("WS_LINT_UPDATE_DOCS").is_some() {
        std::fs::write(&path, &generated).unwrap();
    }
    let current = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        current == generated,
        "docs/rules.md is stale: run `WS_LINT_UPDATE_DOCS=1 cargo test --test docs`"
    );
}
