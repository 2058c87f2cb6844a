//! The real-world corpus in `fuzz/corpus/analyze` (140 configuration files from public
//! repositories, where each comes from in its `SOURCES.tsv`): every file lints without a
//! panic, the diagnostics per file are kept as a snapshot (so any change in behaviour on real
//! files is reviewed on purpose), and the syntax verdicts match js-yaml, the framework's YAML
//! loader.

mod support;

use std::collections::BTreeMap;
use std::path::PathBuf;

use support::*;
use ws_lint::config::Settings;

/// In the repository, so a fresh clone tests itself; `WS_LINT_CORPUS` points elsewhere.
fn corpus_dir() -> PathBuf {
    std::env::var_os("WS_LINT_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo_root().join("fuzz/corpus/analyze"))
}

/// Files js-yaml refuses (`node tests/tools/framework-yaml.js` says why).
const REFUSED_BY_JS_YAML: [&str; 3] = ["050.yml", "078.yml", "091.yml"];

fn concise(text: &str, name: &str) -> (String, Vec<&'static str>) {
    let analysis = ws_lint::analyze(text, name, &Settings::default());
    let mut out = String::new();
    let mut codes = Vec::new();
    for d in &analysis.diagnostics {
        let at = analysis.line_index.line_col(text, d.range.start);
        out.push_str(&format!(
            "{}:{} {}[{}] {}\n",
            at.line, at.column, d.severity, d.code, d.message
        ));
        codes.push(d.code);
    }
    (out, codes)
}

/// Every corpus file says where it comes from, and every source listed is there.
#[test]
fn every_corpus_file_has_its_source() {
    let dir = repo_root().join("fuzz/corpus/analyze");
    let sources = read(&dir.join("SOURCES.tsv"));
    let mut listed: Vec<String> = sources
        .lines()
        .skip(1)
        .filter_map(|line| line.split('\t').next())
        .map(str::to_string)
        .collect();
    listed.sort();
    let mut files: Vec<String> = files_in(&dir, &["yml", "yaml", "json"])
        .iter()
        .filter_map(|p| Some(p.file_name()?.to_str()?.to_string()))
        .collect();
    files.sort();
    assert_eq!(files.len(), 140);
    assert_eq!(listed, files);
}

#[test]
fn corpus_is_linted_and_matches_its_snapshots() {
    let files = files_in(&corpus_dir(), &["yml", "yaml"]);
    assert!(
        files.len() >= 140,
        "corpus not found at {}",
        corpus_dir().display()
    );
    let mut verdict_failures = Vec::new();
    let mut counts: BTreeMap<&'static str, usize> = BTreeMap::new();
    let mut outputs = Vec::new();
    for path in &files {
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        let text = read(path);
        let (output, codes) = concise(&text, &name);
        for code in &codes {
            *counts.entry(code).or_default() += 1;
        }
        let refused = codes.iter().any(|c| *c == "WS001" || *c == "WS002");
        if refused != REFUSED_BY_JS_YAML.contains(&name.as_str()) {
            verdict_failures.push(format!("{name}: refused={refused}\n{output}"));
        }
        outputs.push((name, output));
    }
    assert!(
        verdict_failures.is_empty(),
        "syntax verdicts differ from js-yaml:\n{}",
        verdict_failures.join("\n")
    );
    let summary: String = counts
        .iter()
        .map(|(code, count)| format!("{code} {count}\n"))
        .collect();
    insta::with_settings!({snapshot_path => "snapshots/corpus", prepend_module_to_snapshot => false}, {
        insta::assert_snapshot!("counts", summary);
        for (name, output) in outputs {
            insta::assert_snapshot!(name, output);
        }
    });
}

#[test]
fn files_with_tabs_that_js_yaml_accepts_parse() {
    for name in ["061.yml", "135.yml"] {
        let text = read(&corpus_dir().join(name));
        let (output, codes) = concise(&text, name);
        assert!(!codes.contains(&"WS001"), "{name}:\n{output}");
    }
}

/// `--fix` over every corpus file: the fixed text still parses, every safe fix went in (no
/// diagnostic with a safe fix is left), and no error appears that was not there before.
#[test]
fn fixing_the_corpus_removes_what_was_fixed_and_adds_no_error() {
    let settings = Settings::default();
    let mut failures = Vec::new();
    let mut total = 0;
    for path in files_in(&corpus_dir(), &["yml", "yaml"]) {
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        let text = read(&path);
        let before = ws_lint::analyze(&text, &name, &settings);
        let fixed = ws_lint::fix(&text, &name, &settings, false);
        total += fixed.applied;
        let errors_before: Vec<(&str, &str)> = before
            .diagnostics
            .iter()
            .filter(|d| d.severity == ws_lint::diagnostics::Severity::Error)
            .map(|d| (d.code, d.message.as_str()))
            .collect();
        for d in &fixed.analysis.diagnostics {
            if d.fix.as_ref().is_some_and(|f| f.safe) {
                failures.push(format!(
                    "{name}: safe fix left after --fix: {} {}",
                    d.code, d.message
                ));
            }
            if d.severity == ws_lint::diagnostics::Severity::Error
                && !errors_before.contains(&(d.code, d.message.as_str()))
            {
                failures.push(format!(
                    "{name}: new error after --fix: {} {}",
                    d.code, d.message
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    eprintln!("{total} safe fixes applied over the corpus");
}

/// How many values holding variables resolve, per corpus file, alone and beside the other
/// corpus files (`cargo test --test corpus -- --ignored --nocapture`).
#[test]
#[ignore]
fn resolution_statistics() {
    let mut alone = 0;
    let mut total_values = 0;
    for path in files_in(&corpus_dir(), &["yml", "yaml", "json"]) {
        let text = read(&path);
        let name = path.to_string_lossy().to_string();
        let values = ws_lint::yaml::Yaml::parse(&text);
        total_values += ws_lint::variables::scan(&values, None).len();
        let service = ws_lint::analyze_service(
            &text,
            &name,
            &Settings::default(),
            &ws_lint::files::MemoryFiles::new(),
        );
        if service.resolved_values > 0 {
            println!("{name}: {}", service.resolved_values);
        }
        alone += service.resolved_values;
    }
    println!("values holding variables: {total_values}; resolved: {alone}");
}
