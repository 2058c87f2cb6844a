//! Incremental analysis equals the whole analysis: thousands of seeded random edits over the
//! real corpus and synthetic services, most of them inside functions (where the incremental
//! path applies), some anywhere; after every edit the diagnostics `IncrementalAnalysis::update`
//! gives must equal those of analysing the new text whole, positions, related locations and
//! fixes included.

mod support;

use support::*;
use ws_lint::analysis::incremental::{IncrementalAnalysis, Update};
use ws_lint::config::Settings;
use ws_lint::files::{FileSource, MemoryFiles};
use ws_lint::span::TextRange;
use ws_lint::yaml::Yaml;

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }
}

/// Characters typed into values.
const TYPED: &[&str] = &[
    "a", "x", "1", "0", "-", ".", "$", " ", "é", "😀", "'", "#", ":", "{",
];

/// Whole lines inserted at the start of a line inside a function (four spaces in: a
/// function's own key, or an entry of a nested mapping or list).
const LINES: &[&str] = &[
    "    timeout: 40\n",
    "    timeout: '12'\n",
    "    handler: src/missing.handler\n",
    "    runtime: python3.12\n",
    "    runtime: 12\n",
    "    memorySize: big\n",
    "    unknownKey: 1\n",
    "    description: ${self:custom.tableName}\n",
    "    description: ${self:custom.nope}\n",
    "    description: ${ssm:/a/b}\n",
    "    description: ${bad:x}\n",
    "    description: ${ self:custom.tableName }\n",
    "    name: deployed-name\n",
    "    tags:\n      team: x\n",
    "    role: arn:aws:iam::123456789012:role/x\n",
    "    iamRoleStatements:\n      - Effect: Allow\n        Action: dynamodb:GetItem\n        Resource: !GetAtt UsersTable.Arn\n",
    "    package:\n      patterns:\n        - src/x/**\n",
    "    # a comment\n",
    "\n",
    "      - websocket: msg\n",
    "      - websocket:\n          route: $default\n          authorizer: auth\n",
];

/// What makes an edit matter beyond its function; once in the text, every edit is analysed
/// whole, so they come rarely (and the text is reset now and then).
const RARE: &[&str] = &[
    "    description: ${self:functions.connect.handler}\n",
    "    role: !Ref Foo\n",
    "    role: !GetAtt Foo.Arn\n",
    "    timeout: 1 # ws-lint: ignore[WS003]\n",
    "    description: &anchor x\n",
    "    description: *anchor\n",
    "    <<: {a: 1}\n",
    "    role: !GetAtt SendWebsocketsRoute.Arn\n",
    "    iamRoleStatements:\n      - Effect: Allow\n        Action: execute-api:ManageConnections\n        Resource: '*'\n",
];

/// Anything, which mostly breaks the file.
const ANYTHING: &[&str] = &["\n", ": ", "- ", "\t", "key: value\n", "}", "[", "  "];

fn floor(text: &str, mut at: usize) -> usize {
    at = at.min(text.len());
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

/// The start of a random line inside the functions (three times in four), else of any line.
fn random_line(rng: &mut Rng, text: &str) -> usize {
    if rng.below(4) > 0 {
        if let Some(start) = text.find("\nfunctions:") {
            let body: Vec<usize> = text[start..]
                .match_indices("\n    ")
                .map(|(i, _)| start + i + 1)
                .collect();
            if !body.is_empty() {
                return body[rng.below(body.len())];
            }
        }
    }
    let at = floor(text, rng.below(text.len() + 1));
    text[..at].rfind('\n').map_or(0, |i| i + 1)
}

/// One random edit: (range in the old text, inserted text).
fn random_edit(rng: &mut Rng, text: &str) -> (TextRange, String) {
    let line = random_line(rng, text);
    let line_end = text[line..].find('\n').map_or(text.len(), |n| line + n);
    // Somewhere in the value, if the line has one.
    let value_start = text[line..line_end]
        .find(": ")
        .map_or(line_end, |n| line + n + 2);
    let in_value = floor(text, value_start + rng.below(line_end - value_start + 1));
    match rng.below(10) {
        0..=2 => (
            TextRange::empty(in_value),
            TYPED[rng.below(TYPED.len())].to_string(),
        ),
        3 => {
            let end = floor(text, in_value + 1 + rng.below(4)).min(line_end);
            (TextRange::new(in_value, end.max(in_value)), String::new())
        }
        4..=5 => {
            let snippet = if rng.below(15) == 0 {
                RARE[rng.below(RARE.len())]
            } else {
                LINES[rng.below(LINES.len())]
            };
            (TextRange::empty(line), snippet.to_string())
        }
        // Delete the line, or the rest of it.
        6 => (
            TextRange::new(line, (line_end + 1).min(text.len())),
            String::new(),
        ),
        7 => (TextRange::new(in_value, line_end), String::new()),
        // Indent or dedent the line by two spaces.
        8 => {
            if text[line..].starts_with("  ") && rng.below(2) == 0 {
                (TextRange::new(line, line + 2), String::new())
            } else {
                (TextRange::empty(line), "  ".to_string())
            }
        }
        _ => {
            let at = floor(text, line + rng.below(line_end - line + 1));
            (
                TextRange::empty(at),
                ANYTHING[rng.below(ANYTHING.len())].to_string(),
            )
        }
    }
}

const RESET_EVERY: usize = 40;

#[derive(Default)]
struct Stats {
    function: usize,
    full: usize,
}

fn check_sequence(
    name: &str,
    path: &str,
    mut text: String,
    files: Option<&dyn FileSource>,
    edits: usize,
    seed: u64,
    stats: &mut Stats,
) {
    let settings = Settings::default();
    let whole = |text: &str| -> Vec<ws_lint::diagnostics::Diagnostic> {
        match files {
            Some(files) => {
                ws_lint::analyze_service_parsed(text, path, &settings, files, Yaml::parse(text))
                    .main
                    .diagnostics
            }
            None => ws_lint::analyze_parsed(text, path, &settings, Yaml::parse(text)).diagnostics,
        }
    };
    let mut rng = Rng(seed);
    let mut engine = IncrementalAnalysis::new(path, settings.clone());
    let first = engine.analyze(&text, Yaml::parse(&text), files);
    assert_eq!(first, whole(&text), "{name}: first analysis");
    let original = text.clone();
    let mut last_valid = text.clone();
    for step in 0..edits {
        // Now and then the whole text is replaced by the original one (a revert).
        let (range, inserted) = if step % RESET_EVERY == RESET_EVERY - 1 {
            (TextRange::new(0, text.len()), original.clone())
        } else {
            random_edit(&mut rng, &text)
        };
        let mut new_text = String::with_capacity(text.len() + inserted.len());
        new_text.push_str(&text[..range.start]);
        new_text.push_str(&inserted);
        new_text.push_str(&text[range.end..]);
        let (incremental, _) = engine.update(
            &new_text,
            Yaml::parse(&new_text),
            range,
            inserted.len(),
            files,
        );
        match engine.last_update() {
            Update::Function => stats.function += 1,
            Update::Full => stats.full += 1,
        }
        let expected = whole(&new_text);
        if incremental != expected {
            let shown = |d: &[ws_lint::diagnostics::Diagnostic]| -> Vec<String> {
                d.iter()
                    .map(|d| format!("{} {:?} {}", d.code, d.range, d.message))
                    .collect()
            };
            panic!(
                "{name}: step {step}: edit {range:?} {inserted:?} ({:?})\nincremental: {:#?}\nwhole: {:#?}\n--- new text ---\n{new_text}",
                engine.last_update(),
                shown(&incremental),
                shown(&expected)
            );
        }
        // Keep typing from a text that parses, as an editor mostly is: an edit that breaks the
        // file is typed on once in three (for one more edit), else undone.
        let parses = Yaml::parse(&new_text).errors().is_empty();
        if parses || (text == last_valid && rng.below(3) == 0) {
            text = new_text;
            if parses {
                last_valid = text.clone();
            }
        } else {
            let (back, _) = engine.update(
                &last_valid,
                Yaml::parse(&last_valid),
                TextRange::new(0, new_text.len()),
                last_valid.len(),
                files,
            );
            assert_eq!(back, whole(&last_valid), "{name}: step {step}: undo");
            text = last_valid.clone();
        }
    }
}

#[test]
fn random_edits_over_the_corpus_match_the_whole_analysis() {
    let dir = repo_root().join("fuzz/corpus/analyze");
    let paths = files_in(&dir, &["yml", "yaml"]);
    assert!(paths.len() >= 140, "corpus not found at {}", dir.display());
    let mut stats = Stats::default();
    for (i, path) in paths.iter().enumerate() {
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        check_sequence(
            &name,
            "serverless.yml",
            read(path),
            None,
            30,
            0xA7A1_0000 + i as u64,
            &mut stats,
        );
    }
    eprintln!(
        "corpus: {} edits analysed per function, {} whole",
        stats.function, stats.full
    );
    assert!(stats.function + stats.full >= 4_000);
    // Not vacuous: many edits must take the per-function path.
    assert!(stats.function >= 300, "{} per function", stats.function);
}

#[test]
fn random_edits_over_synthetic_services_match_the_whole_analysis() {
    let mut stats = Stats::default();
    for (i, lines) in [300, 600].into_iter().enumerate() {
        let text = ws_lint::synthetic::service(lines);
        // Alone, and as a service on disk with one handler module missing (WS702 findings).
        check_sequence(
            "synthetic",
            "serverless.yml",
            text.clone(),
            None,
            300,
            0x5E7_0000 + i as u64,
            &mut stats,
        );
        let mut files = MemoryFiles::new().with("svc/serverless.yml", text.as_str());
        for module in &ws_lint::synthetic::HANDLER_MODULES[..4] {
            files.insert(format!("svc/{module}.js"), "exports.handler = () => {};\n");
        }
        check_sequence(
            "synthetic on disk",
            "svc/serverless.yml",
            text,
            Some(&files),
            300,
            0x5E7_1000 + i as u64,
            &mut stats,
        );
    }
    eprintln!(
        "synthetic: {} edits analysed per function, {} whole",
        stats.function, stats.full
    );
    assert!(stats.function >= 250, "{} per function", stats.function);
}
