//! Property test of `--fix --unsafe-fixes` over the real corpus (`fuzz/corpus/analyze`) and its
//! CRLF, byte-order-mark and no-final-newline variants. For every file the framework loads:
//!
//! - the fixed text loads in the framework's own YAML loader (`tests/tools/framework-yaml.js`);
//! - replaying the reported fixes round by round on the original gives exactly the fixed text
//!   (nothing outside the reported edits changed), and the real binary writes that same text;
//! - every scalar no reported edit touched keeps its value and its place (key path), so no
//!   authorizer, route or log setting disappears unless a reported fix was about it;
//! - a second run changes nothing, and the line endings stay those of the file.
//!
//! The framework's loader needs Node and `tests/setup-tools.sh`: without them that part is
//! skipped loudly, and fails under `WS_LINT_REQUIRE_TOOLS=1`.

mod support;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use ws_lint::config::Settings;
use ws_lint::diagnostics::{apply_edits, Edit};
use ws_lint::span::TextRange;
use ws_lint::yaml::{NodeId, NodeKind, Yaml};

const VARIANTS: [&str; 4] = ["lf", "crlf", "bom", "no-final-newline"];

fn variant(kind: &str, text: &str) -> String {
    let lf = text.replace("\r\n", "\n");
    match kind {
        "lf" => text.to_string(),
        "crlf" => lf.replace('\n', "\r\n"),
        "bom" => format!("\u{feff}{text}"),
        _ => text.trim_end_matches(['\n', '\r']).to_string(),
    }
}

struct Case {
    /// `NNN-variant.yml`
    name: String,
    original: String,
    fixed: ws_lint::Fixed,
}

fn corpus() -> Vec<(String, String)> {
    let dir = support::repo_root().join("fuzz/corpus/analyze");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("fuzz/corpus/analyze")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "yml" || e == "yaml"))
        .collect();
    files.sort();
    assert!(files.len() >= 140, "corpus has {} files", files.len());
    files
        .into_iter()
        .map(|path| {
            let stem = path.file_stem().unwrap().to_string_lossy().to_string();
            let text = std::fs::read_to_string(&path).expect("corpus file is UTF-8");
            (stem, text)
        })
        .collect()
}

/// Where `offset` of the text before a round lands after it. `offset` is outside every edit.
fn shifted(offset: usize, edits: &[Edit]) -> usize {
    let mut delta: isize = 0;
    for edit in edits {
        if edit.range.end <= offset {
            delta += edit.text.len() as isize - (edit.range.end - edit.range.start) as isize;
        }
    }
    (offset as isize + delta) as usize
}

/// Whether an edit changes the text of `node`: it replaces part of it, or inserts strictly
/// inside it.
fn touches(edit: &Edit, node: TextRange) -> bool {
    if edit.range.start == edit.range.end {
        node.start < edit.range.start && edit.range.start < node.end
    } else {
        edit.range.start < node.end && node.start < edit.range.end
    }
}

/// The keys from the root to `node` (sequence items as `-`), and whether `node` is a key.
fn key_path(yaml: &Yaml, node: NodeId) -> Vec<String> {
    let mut parts = Vec::new();
    let mut current = node;
    while let Some(parent) = yaml.node(current).parent() {
        match &yaml.node(parent).kind {
            NodeKind::Mapping { entries, .. } => {
                for entry in entries {
                    if entry.key == current {
                        parts.push("(key)".to_string());
                    }
                    if entry.value == current || entry.key == current {
                        parts.push(yaml.key_text(entry.key).unwrap_or("?").to_string());
                        break;
                    }
                }
            }
            NodeKind::Sequence { .. } => parts.push("-".to_string()),
            _ => {}
        }
        current = parent;
    }
    parts.reverse();
    parts
}

fn scalars(yaml: &Yaml) -> impl Iterator<Item = (NodeId, TextRange, &str)> {
    yaml.nodes().filter_map(|(id, node)| match &node.kind {
        NodeKind::Scalar(scalar) if !node.range().is_empty() => {
            Some((id, node.range(), &*scalar.value))
        }
        _ => None,
    })
}

/// Whether `node`, or a key on its way from the root, is what a fix of the round is about: an
/// edit changes its text, or a diagnostic with a fix points at it (renaming or re-indenting a
/// key moves what is under it).
fn subject_of_a_fix(
    text: &str,
    yaml: &Yaml,
    node: NodeId,
    edits: &[Edit],
    reported: &[TextRange],
) -> bool {
    let about = |id: NodeId| {
        let range = yaml.range(id);
        edits
            .iter()
            .any(|e| touches(e, range) || reindents(text, e, range.start))
            || reported
                .iter()
                .any(|r| r.start <= range.end && range.start <= r.end)
    };
    let mut current = node;
    if about(current) {
        return true;
    }
    while let Some(parent) = yaml.node(current).parent() {
        if let NodeKind::Mapping { entries, .. } = &yaml.node(parent).kind {
            if let Some(entry) = entries.iter().find(|e| e.value == current) {
                if about(entry.key) {
                    return true;
                }
            }
        }
        current = parent;
    }
    false
}

/// Whether `edit` changes what precedes `start` on its line (its indentation, say). An edit
/// that ends with a line break at the line's start only adds or removes lines above it.
fn reindents(text: &str, edit: &Edit, start: usize) -> bool {
    let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
    if edit.range.start > start || edit.range.end < line_start {
        return false;
    }
    let before_the_line = edit.range.end == line_start
        && (edit.text.is_empty() || edit.text.ends_with('\n'))
        && (edit.range.start < line_start || !edit.range.is_empty() || !edit.text.is_empty());
    !before_the_line
}

/// What a round changed that none of its fixes was about.
fn untouched_changes(
    before: &str,
    after: &str,
    edits: &[Edit],
    reported: &[TextRange],
) -> Vec<String> {
    let old = Yaml::parse(before);
    let new = Yaml::parse(after);
    let new_at: HashMap<usize, (NodeId, &str)> =
        scalars(&new).map(|(id, r, v)| (r.start, (id, v))).collect();
    let mut problems = Vec::new();
    for (id, range, value) in scalars(&old) {
        if subject_of_a_fix(before, &old, id, edits, reported) {
            continue;
        }
        let path = key_path(&old, id);
        let watched = path
            .iter()
            .any(|p| p == "authorizer" || p == "route" || p == "logs");
        let what = if watched {
            "authorizer/route/log setting"
        } else {
            "value"
        };
        match new_at.get(&shifted(range.start, edits)) {
            None => problems.push(format!(
                "{what} {} `{value}` disappeared without a fix about it",
                path.join(".")
            )),
            Some((new_id, new_value)) => {
                if *new_value != value || key_path(&new, *new_id) != path {
                    problems.push(format!(
                        "{what} {} `{value:?}` became {} `{new_value:?}` without a fix about it",
                        path.join("."),
                        key_path(&new, *new_id).join(".")
                    ));
                }
            }
        }
    }
    problems
}

/// Runs the framework's loader once over `files`: `file → loads`.
fn framework_verdicts(files: &[PathBuf]) -> Option<HashMap<String, (bool, String)>> {
    let script = support::repo_root().join("tests/tools/framework-yaml.js");
    let installed = support::repo_root().join("tests/tools/node_modules/serverless/package.json");
    let node = support::on_path("node");
    let (Some(node), true) = (node, installed.is_file()) else {
        support::missing("node and the serverless package (tests/tools/node_modules)");
        return None;
    };
    let output = Command::new(node)
        .arg(&script)
        .args(files)
        .output()
        .expect("run node");
    assert!(
        output.status.success(),
        "framework-yaml.js failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let mut verdicts = HashMap::new();
    for line in String::from_utf8_lossy(&output.stdout).lines() {
        let answer: serde_json::Value = serde_json::from_str(line).expect("a JSON line");
        verdicts.insert(
            answer["file"].as_str().unwrap_or("").to_string(),
            (
                answer["ok"].as_bool() == Some(true),
                answer["error"].as_str().unwrap_or("").to_string(),
            ),
        );
    }
    Some(verdicts)
}

fn write_all(dir: &Path, cases: &[Case], text: impl Fn(&Case) -> &str) -> Vec<PathBuf> {
    cases
        .iter()
        .map(|case| {
            let path = dir.join(&case.name);
            std::fs::write(&path, text(case)).expect("write");
            path
        })
        .collect()
}

#[test]
fn unsafe_fixes_over_the_corpus_keep_meaning_and_validity() {
    let started = std::time::Instant::now();
    let settings = Settings::default();
    let mut failures: Vec<String> = Vec::new();
    let mut cases = Vec::new();
    for (stem, text) in corpus() {
        for kind in VARIANTS {
            let original = variant(kind, &text);
            let fixed = ws_lint::fix(&original, "serverless.yml", &settings, true);
            cases.push(Case {
                name: format!("{stem}-{kind}.yml"),
                original,
                fixed,
            });
        }
    }
    let mut applied = 0;
    for case in &cases {
        let name = &case.name;
        let fixed = &case.fixed;
        applied += fixed.applied;
        if let Some(refused) = &fixed.refused {
            failures.push(format!("{name}: fixes refused: {refused}"));
            continue;
        }
        if fixed.rounds.len() >= ws_lint::MAX_FIX_ROUNDS {
            failures.push(format!("{name}: fixes did not settle in the round limit"));
        }
        // Nothing outside the reported edits changed, and each round kept every value it did
        // not touch.
        let mut text = case.original.clone();
        for (round, fixes) in fixed.rounds.iter().enumerate() {
            let edits: Vec<Edit> = fixes.iter().flat_map(|f| f.edits.clone()).collect();
            let Some(next) = apply_edits(&text, &edits) else {
                failures.push(format!(
                    "{name}: round {round}'s reported edits do not apply"
                ));
                break;
            };
            let reported: Vec<TextRange> = fixes.iter().map(|f| f.range).collect();
            for problem in untouched_changes(&text, &next, &edits, &reported) {
                let codes: Vec<&str> = fixes.iter().map(|f| f.code).collect();
                failures.push(format!("{name}: round {round} ({codes:?}): {problem}"));
            }
            text = next;
        }
        if text != fixed.text {
            failures.push(format!(
                "{name}: the fixed text is not the reported edits applied"
            ));
        }
        // A second run has nothing left to do.
        let again = ws_lint::fix(&fixed.text, "serverless.yml", &settings, true);
        if again.applied != 0 || again.text != fixed.text {
            let codes: Vec<&str> = again.rounds.iter().flatten().map(|f| f.code).collect();
            failures.push(format!("{name}: a second run still fixes {codes:?}"));
        }
        // Line endings: a CRLF file keeps only CRLF, an LF file gets no CR.
        let bare_lf = fixed.text.replace("\r\n", "").contains('\n');
        if name.ends_with("-crlf.yml") && bare_lf {
            failures.push(format!("{name}: a fix inserted a bare LF into a CRLF file"));
        }
        if !case.original.contains('\r') && fixed.text.contains('\r') {
            failures.push(format!("{name}: a fix inserted a CR into an LF file"));
        }
    }

    let dir = tempfile::tempdir().expect("temp dir");
    let before_dir = dir.path().join("before");
    let after_dir = dir.path().join("after");
    let cli_dir = dir.path().join("cli");
    for d in [&before_dir, &after_dir, &cli_dir] {
        std::fs::create_dir(d).expect("mkdir");
    }

    // The real binary writes what the core computed.
    let cli_files = write_all(&cli_dir, &cases, |c| &c.original);
    let status = Command::new(env!("CARGO_BIN_EXE_ws-lint"))
        .current_dir(&cli_dir)
        .args(["--fix", "--unsafe-fixes", "--isolated", "--quiet"])
        .args(&cli_files)
        .output()
        .expect("run ws-lint");
    assert!(
        status.status.code().is_some_and(|c| c <= 1),
        "ws-lint --fix exited {:?}: {}",
        status.status,
        String::from_utf8_lossy(&status.stderr)
    );
    for (case, path) in cases.iter().zip(&cli_files) {
        let written = std::fs::read_to_string(path).expect("read back");
        if written != case.fixed.text {
            failures.push(format!(
                "{}: `ws-lint --fix --unsafe-fixes` wrote something else than the core's fix",
                case.name
            ));
        }
    }

    // The framework loads every fixed file whose original it loads.
    let before = write_all(&before_dir, &cases, |c| &c.original);
    let after = write_all(&after_dir, &cases, |c| &c.fixed.text);
    let mut all = before.clone();
    all.extend(after.iter().cloned());
    if let Some(verdicts) = framework_verdicts(&all) {
        let mut loaded = 0;
        for ((case, before), after) in cases.iter().zip(&before).zip(&after) {
            let verdict = |p: &PathBuf| verdicts.get(&*p.to_string_lossy()).cloned();
            let (Some((was_ok, _)), Some((is_ok, error))) = (verdict(before), verdict(after))
            else {
                failures.push(format!("{}: no verdict from the framework", case.name));
                continue;
            };
            if was_ok {
                loaded += 1;
            }
            if was_ok && !is_ok {
                failures.push(format!(
                    "{}: the framework no longer loads the fixed file: {error}",
                    case.name
                ));
            }
        }
        // The corpus is real, deployable configuration: nearly all of it loads.
        assert!(loaded >= 500, "only {loaded} files load before fixing");
    }

    assert!(
        applied > 100,
        "the corpus should exercise the fixes ({applied} applied)"
    );
    eprintln!(
        "{} files, {applied} fixes, {:.1} s",
        cases.len(),
        started.elapsed().as_secs_f64()
    );
    if let Some(path) = std::env::var_os("WS_LINT_FIX_FAILURES") {
        std::fs::write(path, failures.join("\n")).expect("write failures");
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
