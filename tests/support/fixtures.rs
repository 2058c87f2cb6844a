//! Fixture helpers: settings from a fixture's header, expected diagnostics from its comments,
//! what the CLI would print for it.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

use ws_lint::config::{RuleLevel, Settings};
use ws_lint::render::{self, FileReport, HumanOptions};

/// `# ws-lint-test: enable=WS212,WS005` at the top of a fixture turns opt-in rules on.
pub fn settings_for_fixture(text: &str) -> Settings {
    let mut settings = Settings::default();
    for line in text.lines() {
        if let Some(rest) = line.trim().strip_prefix("# ws-lint-test: enable=") {
            for code in rest.split(',') {
                let rule = ws_lint::rules::find(code.trim())
                    .unwrap_or_else(|| panic!("unknown rule {code} in fixture header"));
                let level = rule
                    .default_severity
                    .unwrap_or(ws_lint::diagnostics::Severity::Warning);
                settings.levels.insert(rule.code, RuleLevel::On(level));
            }
        }
    }
    settings
}

/// Lints `text` and renders it as the CLI's human format would, without colour.
pub fn human(path: &str, text: &str, settings: &Settings) -> String {
    let analysis = ws_lint::analyze(text, path, settings);
    let report = FileReport::new(path.to_string(), text.to_string(), analysis.diagnostics);
    render::human(&[report], HumanOptions { color: false })
}

/// `(line, code)` of every diagnostic, 1-based lines.
pub fn reported(path: &str, text: &str, settings: &Settings) -> Vec<(usize, String)> {
    let analysis = ws_lint::analyze(text, path, settings);
    let mut out: Vec<(usize, String)> = analysis
        .diagnostics
        .iter()
        .map(|d| {
            (
                analysis.line_index.line_col(text, d.range.start).line,
                d.code.to_string(),
            )
        })
        .collect();
    out.sort();
    out
}

/// `(line, code)` pairs that `# expect: WS201, WS202` comments ask for. The comment sits on the
/// line where the diagnostic starts.
pub fn expected(text: &str) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if let Some(at) = line.find("# expect: ") {
            for code in line[at + "# expect: ".len()..].split(',') {
                let code = code.trim();
                if !code.is_empty() {
                    out.push((i + 1, code.to_string()));
                }
            }
        }
    }
    out.sort();
    out
}

pub fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

pub fn files_in(dir: &Path, extensions: &[&str]) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.extension()
                .and_then(|e| e.to_str())
                .is_some_and(|e| extensions.contains(&e))
        })
        .collect();
    files.sort();
    files
}
