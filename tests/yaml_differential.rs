//! ws-lint accepts and refuses exactly the YAML the Serverless Framework's loader does.
//!
//! The framework loads `serverless.yml` with js-yaml 4 and its CloudFormation schema
//! (`tests/tools/framework-yaml.js` runs that very loader, from the installed framework). This
//! test mutates the real corpus (`fuzz/corpus/analyze`) the way hand edits and broken tools
//! damage YAML, sends every document to one `node` process, and compares the verdicts: the
//! framework loads the document, or refuses it; ws-lint reports no WS001/WS002 (syntax error,
//! duplicate key), or reports one. Those two are the diagnostics that mean "the framework
//! refuses this file": every other finding is about a document that loads.
//!
//! The mutations: inserting and deleting YAML's indicator characters and tabs, line breaks (LF
//! and CRLF), NUL, ESC, a byte order mark and non-ASCII letters; shifting a line's or a
//! block's indentation; swapping and duplicating lines; spreading a block sequence over lines
//! as a flow sequence (items and the closing bracket at various indentations); the whole
//! document in CRLF.
//!
//! Environment:
//! - `WS_LINT_DIFF_SEED`: the generator's seed (default: a fixed one, so CI is deterministic);
//!   `random` picks one from the clock and prints it, so a failure can be replayed.
//! - `WS_LINT_DIFF_DOCS`: how many documents (default 20,000).
//! - `WS_LINT_DIFF_DUMP=FILE`: also write every disagreement (unshrunk) to FILE, one JSON line
//!   each, for sorting them by cause.
//! - `WS_LINT_REQUIRE_TOOLS=1`: fail instead of skipping when `node` or the framework
//!   (installed by `tests/setup-tools.sh`) is missing.
//!
//! A long run: `WS_LINT_DIFF_SEED=random WS_LINT_DIFF_DOCS=500000 cargo test --release --test
//! yaml_differential -- --nocapture`.
//!
//! A failure lists the first disagreements, each shrunk to a small document that still
//! disagrees, with both readers' messages.

mod support;

use std::io::{BufRead, BufReader, BufWriter, Write};
use std::path::PathBuf;
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};
use std::time::Instant;

use support::*;
use ws_lint::config::Settings;

const DEFAULT_SEED: u64 = 407_704_305_670;
const DEFAULT_DOCS: usize = 20_000;
/// Documents sent to node before their answers are read: the answers of one batch must fit
/// in the pipe (node blocks writing otherwise, while we block writing too).
const BATCH: usize = 256;
/// Disagreements shrunk and shown in a failure message.
const SHOWN: usize = 8;
/// Corpus files longer than this are cut to a window of lines, to keep documents small.
const WINDOW_FROM: usize = 6_000;
/// The id of the documents sent while shrinking (JSON numbers are exact up to 2^53).
const SHRINK_ID: usize = 1 << 40;

/// splitmix64: tiny, seedable, and the same on every platform.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

const INDICATORS: &[&str] = &[
    "-", "?", ":", ",", "[", "]", "{", "}", "#", "&", "*", "!", "|", ">", "'", "\"", "%", "@", "`",
    "\t", " ", ": ", "- ", " #", "!!", "\\",
];
const SPECIALS: &[&str] = &[
    "\n", "\r\n", "\r", "\0", "\u{1b}", "\u{feff}", "é", "ß", "Ω", "ж", "中", "𝒳", "\u{a0}",
    "\u{85}", "\u{2028}",
];

/// A char boundary in `text` at or before `at`.
fn boundary(text: &str, mut at: usize) -> usize {
    at = at.min(text.len());
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

fn lines_of(text: &str) -> Vec<String> {
    text.split_inclusive('\n').map(str::to_string).collect()
}

/// One random mutation of `text`.
fn mutate(rng: &mut Rng, text: &str) -> String {
    let mut out = text.to_string();
    match rng.below(12) {
        // Insert an indicator (or tab, or space) anywhere.
        0 | 1 => {
            let at = boundary(&out, rng.below(out.len() + 1));
            let inserted: &&str = rng.pick(INDICATORS);
            out.insert_str(at, inserted);
        }
        // Insert a line break, a control character, a BOM, a non-ASCII letter.
        2 => {
            let at = boundary(&out, rng.below(out.len() + 1));
            let inserted: &&str = rng.pick(SPECIALS);
            out.insert_str(at, inserted);
        }
        // Delete an indicator character (or any character).
        3 | 4 => {
            let wanted: Vec<usize> = out
                .char_indices()
                .filter(|(_, c)| "-?:,[]{}#&*!|>'\"%@`\t\n".contains(*c) || rng.below(8) == 0)
                .map(|(i, _)| i)
                .collect();
            if !wanted.is_empty() {
                let at = *rng.pick(&wanted);
                let len = out[at..].chars().next().map_or(0, char::len_utf8);
                out.replace_range(at..at + len, "");
            }
        }
        // Shift the indentation of one line, or of a run of lines.
        5 | 6 => {
            let mut lines = lines_of(&out);
            if !lines.is_empty() {
                let first = rng.below(lines.len());
                let count = if rng.below(2) == 0 {
                    1
                } else {
                    1 + rng.below(6)
                };
                let delta = *rng.pick(&[-4i32, -2, -1, 1, 2, 4]);
                let tab = rng.below(10) == 0;
                for line in lines.iter_mut().skip(first).take(count) {
                    if delta > 0 {
                        let pad = if tab {
                            "\t".to_string()
                        } else {
                            " ".repeat(delta as usize)
                        };
                        line.insert_str(0, &pad);
                    } else {
                        let spaces = line.bytes().take_while(|b| *b == b' ').count();
                        let cut = spaces.min((-delta) as usize);
                        line.replace_range(..cut, "");
                    }
                }
                out = lines.concat();
            }
        }
        // Swap two lines (often neighbours).
        7 => {
            let mut lines = lines_of(&out);
            if lines.len() >= 2 {
                let a = rng.below(lines.len());
                let b = if rng.below(2) == 0 {
                    (a + 1).min(lines.len() - 1)
                } else {
                    rng.below(lines.len())
                };
                lines.swap(a, b);
                out = lines.concat();
            }
        }
        // Duplicate a line.
        8 => {
            let mut lines = lines_of(&out);
            if !lines.is_empty() {
                let a = rng.below(lines.len());
                let line = lines[a].clone();
                lines.insert(a, line);
                out = lines.concat();
            }
        }
        // Spread a block sequence over lines as a flow sequence.
        9 | 10 => out = spread_flow(rng, &out),
        // The whole document in CRLF.
        _ => out = out.replace("\r\n", "\n").replace('\n', "\r\n"),
    }
    out
}

/// `key:` followed by `- item` lines becomes `key: [` + items + `]`, each line at one of
/// several indentations (the key's, the items', none, one more), as people and tools write
/// them. Also spreads an existing one-line flow sequence when there is no block one.
fn spread_flow(rng: &mut Rng, text: &str) -> String {
    let lines = lines_of(text);
    let mut candidates = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        let trimmed = line.trim_end();
        if trimmed.ends_with(':') && !trimmed.trim_start().starts_with('#') {
            if let Some(next) = lines.get(i + 1) {
                if next.trim_start().starts_with("- ") {
                    candidates.push(i);
                }
            }
        }
    }
    if candidates.is_empty() {
        return text.to_string();
    }
    let i = *rng.pick(&candidates);
    let key_indent = lines[i].len() - lines[i].trim_start().len();
    let item_indent = lines[i + 1].len() - lines[i + 1].trim_start().len();
    let mut end = i + 1;
    let mut items = Vec::new();
    while let Some(line) = lines.get(end) {
        let indent = line.len() - line.trim_start().len();
        let body = line.trim();
        if indent != item_indent || !body.starts_with("- ") {
            break;
        }
        let item = body[2..].trim();
        // Only items that stay one scalar inside brackets.
        if item.is_empty() || item.contains(['[', ']', '{', '}', ',', '#']) || item.ends_with(':') {
            return text.to_string();
        }
        items.push(item.to_string());
        end += 1;
    }
    let eol = if lines[i].ends_with("\r\n") {
        "\r\n"
    } else {
        "\n"
    };
    let indents = [key_indent, item_indent, 0, key_indent + 1, key_indent + 2];
    let item_at = *rng.pick(&indents);
    let close_at = *rng.pick(&indents);
    let mut out: String = lines[..i].concat();
    out.push_str(lines[i].trim_end());
    out.push_str(" [");
    out.push_str(eol);
    for (n, item) in items.iter().enumerate() {
        out.push_str(&" ".repeat(item_at));
        out.push_str(item);
        if n + 1 < items.len() || rng.below(4) == 0 {
            out.push(',');
        }
        out.push_str(eol);
    }
    out.push_str(&" ".repeat(close_at));
    out.push(']');
    out.push_str(eol);
    out.push_str(&lines[end..].concat());
    out
}

/// A document: a corpus file (or a window of a long one) with one to three mutations.
fn generate(rng: &mut Rng, corpus: &[String]) -> String {
    let source = rng.pick(corpus);
    let mut text = if source.len() > WINDOW_FROM {
        let lines = lines_of(source);
        let start = rng.below(lines.len());
        let len = 20 + rng.below(100);
        lines[start..(start + len).min(lines.len())].concat()
    } else {
        source.clone()
    };
    for _ in 0..1 + rng.below(3) {
        text = mutate(rng, &text);
    }
    text
}

/// ws-lint's verdict: the messages of the diagnostics that mean "the framework refuses this
/// file" (empty: it loads).
fn ws_lint_refusals(text: &str) -> Vec<String> {
    ws_lint::analyze(text, "serverless.yml", &Settings::default())
        .diagnostics
        .iter()
        .filter(|d| d.code == "WS001" || d.code == "WS002")
        .map(|d| format!("{} {}", d.code, d.message))
        .collect()
}

#[derive(Debug)]
struct Answer {
    ok: bool,
    error: String,
}

/// The one node process running the framework's loader.
struct Framework {
    child: Child,
    stdin: BufWriter<ChildStdin>,
    stdout: BufReader<ChildStdout>,
}

impl Framework {
    fn start(script: &PathBuf) -> Option<Framework> {
        let mut child = Command::new("node")
            .arg(script)
            .arg("--stdin")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .ok()?;
        let stdin = BufWriter::new(child.stdin.take()?);
        let stdout = BufReader::new(child.stdout.take()?);
        Some(Framework {
            child,
            stdin,
            stdout,
        })
    }

    fn send(&mut self, id: usize, text: &str) {
        let line = serde_json::json!({ "id": id, "text": text }).to_string();
        writeln!(self.stdin, "{line}").expect("write to node");
    }

    fn receive(&mut self, id: usize) -> Answer {
        self.stdin.flush().expect("write to node");
        let mut line = String::new();
        let read = self.stdout.read_line(&mut line).expect("read from node");
        assert!(read > 0, "the framework's loader stopped answering");
        let value: serde_json::Value = serde_json::from_str(&line).expect("node's answer");
        assert_eq!(value["id"], id, "answers out of order");
        Answer {
            ok: value["ok"] == true,
            error: format!(
                "{} (line {})",
                value["error"].as_str().unwrap_or(""),
                value["line"]
            ),
        }
    }

    fn load(&mut self, text: &str) -> Answer {
        self.send(SHRINK_ID, text);
        self.receive(SHRINK_ID)
    }
}

impl Drop for Framework {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn disagrees(framework: &mut Framework, text: &str) -> bool {
    framework.load(text).ok != ws_lint_refusals(text).is_empty()
}

/// Shrinks a disagreeing document: drops lines, then characters, while it still disagrees
/// (the same way round), with a bound on the loader's calls.
fn shrink(framework: &mut Framework, text: &str) -> String {
    let mut best = text.to_string();
    let mut budget = 400;
    let mut changed = true;
    while changed && budget > 0 {
        changed = false;
        let lines = lines_of(&best);
        for i in (0..lines.len()).rev() {
            if budget == 0 {
                break;
            }
            let candidate: String = lines
                .iter()
                .enumerate()
                .filter(|(n, _)| *n != i)
                .map(|(_, l)| l.as_str())
                .collect();
            budget -= 1;
            if disagrees(framework, &candidate) {
                best = candidate;
                changed = true;
                break;
            }
        }
    }
    if best.len() <= 200 {
        let mut at = 0;
        while at < best.len() && budget > 0 {
            let len = best[at..].chars().next().map_or(1, char::len_utf8);
            let mut candidate = best.clone();
            candidate.replace_range(at..at + len, "");
            budget -= 1;
            if disagrees(framework, &candidate) {
                best = candidate;
            } else {
                at += len;
            }
        }
    }
    best
}

fn seed() -> u64 {
    match std::env::var("WS_LINT_DIFF_SEED") {
        Ok(s) if s == "random" => std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(1, |d| d.as_nanos() as u64),
        Ok(s) => s
            .parse()
            .unwrap_or_else(|_| panic!("WS_LINT_DIFF_SEED must be a number or `random`: {s}")),
        Err(_) => DEFAULT_SEED,
    }
}

fn documents() -> usize {
    std::env::var("WS_LINT_DIFF_DOCS").map_or(DEFAULT_DOCS, |s| {
        s.parse()
            .unwrap_or_else(|_| panic!("WS_LINT_DIFF_DOCS must be a number: {s}"))
    })
}

#[test]
fn ws_lint_refuses_exactly_what_the_framework_refuses() {
    let script = repo_root().join("tests/tools/framework-yaml.js");
    let framework_installed = repo_root()
        .join("tests/tools/node_modules/serverless/package.json")
        .is_file();
    if on_path("node").is_none() || !framework_installed {
        missing("node and the Serverless Framework in tests/tools/node_modules");
        return;
    }
    let corpus: Vec<String> = files_in_corpus();
    assert!(corpus.len() >= 140, "the corpus is in fuzz/corpus/analyze");
    let Some(mut framework) = Framework::start(&script) else {
        missing("node (cannot start it)");
        return;
    };
    let seed = seed();
    let count = documents();
    let started = Instant::now();
    let mut rng = Rng(seed);
    let mut disagreements: Vec<(String, Answer, Vec<String>)> = Vec::new();
    let mut ws_lint_refuses_more = 0;
    let mut done = 0;
    while done < count {
        let batch: Vec<String> = (done..(done + BATCH).min(count))
            .map(|_| generate(&mut rng, &corpus))
            .collect();
        for (n, text) in batch.iter().enumerate() {
            framework.send(done + n, text);
        }
        for (n, text) in batch.iter().enumerate() {
            let answer = framework.receive(done + n);
            let refusals = ws_lint_refusals(text);
            if answer.ok != refusals.is_empty() {
                if answer.ok {
                    ws_lint_refuses_more += 1;
                }
                disagreements.push((text.clone(), answer, refusals));
            }
        }
        done += batch.len();
    }
    let total = disagreements.len();
    eprintln!(
        "yaml_differential: seed {seed}, {count} documents, {total} disagreements \
         ({ws_lint_refuses_more} refused by ws-lint only), {:.1}s",
        started.elapsed().as_secs_f64()
    );
    if let Some(path) = std::env::var_os("WS_LINT_DIFF_DUMP") {
        let lines: String = disagreements
            .iter()
            .map(|(text, answer, refusals)| {
                serde_json::json!({"text": text, "framework": if answer.ok { "loads" } else { &answer.error }, "ws_lint": refusals}).to_string() + "\n"
            })
            .collect();
        std::fs::write(&path, lines).expect("WS_LINT_DIFF_DUMP is writable");
    }
    if total == 0 {
        return;
    }
    let mut report = String::new();
    for (text, _, _) in disagreements.iter().take(SHOWN) {
        let small = shrink(&mut framework, text);
        let answer = framework.load(&small);
        let refusals = ws_lint_refusals(&small);
        report.push_str(&format!(
            "\n--- {small:?}\n    framework: {}\n    ws-lint:   {}\n",
            if answer.ok {
                "loads".to_string()
            } else {
                answer.error
            },
            if refusals.is_empty() {
                "no syntax error".to_string()
            } else {
                refusals.join("; ")
            }
        ));
    }
    panic!(
        "{total} of {count} documents (seed {seed}) get another verdict from ws-lint than from \
         the framework's loader ({ws_lint_refuses_more} refused by ws-lint only); the first, shrunk:{report}"
    );
}

fn files_in_corpus() -> Vec<String> {
    let dir = repo_root().join("fuzz/corpus/analyze");
    let mut paths: Vec<PathBuf> = std::fs::read_dir(&dir)
        .map(|entries| entries.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    paths.sort();
    paths
        .iter()
        .filter(|p| p.extension().is_some_and(|e| e == "yml" || e == "yaml"))
        .filter_map(|p| std::fs::read_to_string(p).ok())
        .collect()
}
