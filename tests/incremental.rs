//! Incremental re-parsing equals a fresh parse: thousands of seeded random edits (inserts,
//! deletes, indentation changes, multi-byte characters, lines joined and split) over the real
//! corpus and a synthetic service; after every edit the incrementally updated tree must equal
//! `Yaml::parse` of the new text, and so must the diagnostics and their positions.

mod support;

use support::*;
use ws_lint::config::Settings;
use ws_lint::span::TextRange;
use ws_lint::yaml::{Reparse, Yaml};

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

const SNIPPETS: &[&str] = &[
    "a",
    "x",
    " ",
    "  ",
    "\n",
    ": ",
    "- ",
    "#",
    "'",
    "\"",
    "é",
    "😀",
    "漢字",
    "$connect",
    "route: $default",
    "\n      - websocket: msg",
    "\n    timeout: 30",
    "{",
    "}",
    "[",
    "]",
    "&anchor ",
    "*anchor",
    "\t",
    "---\n",
    "key: value\n",
];

fn floor(text: &str, mut at: usize) -> usize {
    at = at.min(text.len());
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

/// One random edit: (range in the old text, inserted text).
fn random_edit(rng: &mut Rng, text: &str) -> (TextRange, String) {
    let at = floor(text, rng.below(text.len() + 1));
    let line_start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    match rng.below(6) {
        // Insert a snippet.
        0 | 1 => (
            TextRange::empty(at),
            SNIPPETS[rng.below(SNIPPETS.len())].to_string(),
        ),
        // Delete a few characters.
        2 => {
            let end = floor(text, at + 1 + rng.below(12));
            (TextRange::new(at, end.max(at)), String::new())
        }
        // Indent or dedent a line by two spaces.
        3 => {
            if text[line_start..].starts_with("  ") && rng.below(2) == 0 {
                (TextRange::new(line_start, line_start + 2), String::new())
            } else {
                (TextRange::empty(line_start), "  ".to_string())
            }
        }
        // Join a line with the next one.
        4 => match text[at..].find('\n') {
            Some(i) => (TextRange::new(at + i, at + i + 1), String::new()),
            None => (TextRange::empty(at), String::new()),
        },
        // Split a line, keeping its indentation.
        _ => {
            let indent: String = text[line_start..]
                .chars()
                .take_while(|c| *c == ' ')
                .collect();
            (TextRange::empty(at), format!("\n{indent}"))
        }
    }
}

fn check_sequence(
    name: &str,
    mut text: String,
    edits: usize,
    seed: u64,
    stats: &mut (usize, usize, usize),
) {
    let settings = Settings::default();
    let mut rng = Rng(seed);
    let mut yaml = Yaml::parse(&text);
    let mut last_valid = (text.clone(), yaml.clone());
    for step in 0..edits {
        // Every other edit starts from the tree an analysis leaves (variables resolved,
        // included values appended), as the language server's do.
        if step % 2 == 1 {
            yaml = ws_lint::analyze_parsed(&text, "serverless.yml", &settings, yaml).yaml;
            if let Some(tree) = yaml.parser_tree() {
                assert!(
                    tree == Yaml::parse(&text),
                    "{name}: step {step}: parser_tree"
                );
                stats.2 += 1;
            }
        }
        let (range, inserted) = random_edit(&mut rng, &text);
        let mut new_text = String::with_capacity(text.len() + inserted.len());
        new_text.push_str(&text[..range.start]);
        new_text.push_str(&inserted);
        new_text.push_str(&text[range.end..]);
        // A third of the edits take the tree apart (as the language server does when it owns
        // the previous tree), the others copy it.
        let plan = if step % 3 == 2 {
            yaml.plan_reparse(&text, &new_text, range, inserted.len())
        } else {
            None
        };
        let (incremental, how) = if let Some(plan) = plan {
            yaml.clone().reparse_owned(plan, &new_text)
        } else {
            yaml.reparse(&text, &new_text, range, inserted.len())
        };
        let fresh = Yaml::parse(&new_text);
        match how {
            Reparse::Incremental => stats.0 += 1,
            Reparse::Full => stats.1 += 1,
        }
        assert!(
            incremental == fresh,
            "{name}: step {step}: edit {range:?} {inserted:?} ({how:?}) differs from a fresh parse\n--- new text ---\n{new_text}"
        );
        if step % 8 == 0 && how == Reparse::Incremental {
            let a = ws_lint::analyze_parsed(
                &new_text,
                "serverless.yml",
                &settings,
                incremental.clone(),
            );
            let b = ws_lint::analyze(&new_text, "serverless.yml", &settings);
            assert_eq!(a.diagnostics, b.diagnostics, "{name}: step {step}");
        }
        // Keep typing from a text that parses (as an editor mostly is). An edit that breaks the
        // file was still checked above; a third of them are typed on for one more edit, to
        // exercise re-parsing from a broken tree, then typing resumes from the last valid text.
        if fresh.errors().is_empty() {
            last_valid = (new_text.clone(), incremental.clone());
            text = new_text;
            yaml = incremental;
        } else if yaml.errors().is_empty() && rng.below(3) == 0 {
            text = new_text;
            yaml = incremental;
        } else {
            (text, yaml) = last_valid.clone();
        }
    }
}

#[test]
fn random_edits_over_the_corpus_match_a_fresh_parse() {
    // The real corpus, in the repository; `WS_LINT_CORPUS` points elsewhere.
    let dir = std::env::var_os("WS_LINT_CORPUS")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| repo_root().join("fuzz/corpus/analyze"));
    let files = files_in(&dir, &["yml", "yaml"]);
    assert!(files.len() >= 140, "corpus not found at {}", dir.display());
    let mut stats = (0, 0, 0);
    for (i, path) in files.iter().enumerate() {
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        check_sequence(&name, read(path), 40, 0x5EED_0000 + i as u64, &mut stats);
    }
    let (incremental, full, copied) = stats;
    eprintln!("corpus: {incremental} incremental, {full} full re-parses, {copied} trees copied");
    assert!(copied >= 1_000, "parser_tree is exercised: {copied}");
    assert!(incremental + full >= 5_000);
    // Not vacuous: a good share of edits must take the incremental path.
    assert!(incremental * 4 >= incremental + full, "{stats:?}");
}

#[test]
fn random_edits_over_a_synthetic_service_match_a_fresh_parse() {
    let mut stats = (0, 0, 0);
    for seed in 0..4 {
        // Large enough that the functions, where most of an editor's typing goes, outweigh the
        // fixed provider, custom and resources sections.
        check_sequence(
            "synthetic",
            ws_lint::synthetic::service(1_200),
            300,
            0xC0FFEE + seed,
            &mut stats,
        );
    }
    let (incremental, full, copied) = stats;
    eprintln!("synthetic: {incremental} incremental, {full} full re-parses, {copied} trees copied");
    // Not vacuous: random edits break the file often (quotes, brackets, tabs), but a good
    // share must still take the incremental path.
    assert!(incremental * 5 >= incremental + full, "{stats:?}");
}

#[test]
fn an_edit_inside_one_function_reparses_only_that_function() {
    let text = ws_lint::synthetic::service(2_000);
    let yaml = Yaml::parse(&text);
    let at = text.find("handler: src/actions.action7").unwrap() + "handler: ".len();
    let mut new_text = text.clone();
    new_text.insert_str(at, "lib/");
    let (incremental, how) = yaml.reparse(&text, &new_text, TextRange::empty(at), 4);
    assert_eq!(how, Reparse::Incremental);
    assert!(incremental == Yaml::parse(&new_text));
    // Taken apart instead of copied: the same tree, whether the block keeps its number of nodes
    // (ids stay) or gains some (every later id moves), and from an analysed tree too.
    let line = text.find("    timeout: 10\n").unwrap();
    for (at, inserted) in [(at, "lib/"), (line, "    memorySize: 512\n")] {
        let mut new_text = text.clone();
        new_text.insert_str(at, inserted);
        let analysed = ws_lint::analyze_parsed(
            &text,
            "serverless.yml",
            &Settings::default(),
            Yaml::parse(&text),
        )
        .yaml;
        for old in [Yaml::parse(&text), analysed] {
            let range = TextRange::empty(at);
            let plan = old.plan_reparse(&text, &new_text, range, inserted.len());
            let (owned, how) = old.reparse_owned(plan.expect(inserted), &new_text);
            assert_eq!(how, Reparse::Incremental, "{inserted:?}");
            assert!(owned == Yaml::parse(&new_text), "{inserted:?}");
        }
    }
}
