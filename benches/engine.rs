//! `cargo bench --bench engine`: parse, full analysis and one incremental edit (re-parse +
//! analysis) at 2k, 20k and 200k lines.

use ws_lint::config::Settings;

fn main() {
    divan::main();
}

const SIZES: [usize; 3] = [2_000, 20_000, 200_000];

#[divan::bench(args = SIZES, sample_count = 20)]
fn parse(bencher: divan::Bencher, lines: usize) {
    let text = ws_lint::synthetic::service(lines);
    bencher
        .counter(divan::counter::BytesCount::of_str(&text))
        .bench(|| ws_lint::yaml::Yaml::parse(divan::black_box(&text)));
}

#[divan::bench(args = SIZES, sample_count = 20)]
fn analyze(bencher: divan::Bencher, lines: usize) {
    let text = ws_lint::synthetic::service(lines);
    let settings = Settings::default();
    bencher
        .counter(divan::counter::BytesCount::of_str(&text))
        .bench(|| ws_lint::analyze(divan::black_box(&text), "serverless.yml", &settings));
}

/// A service, the same with one character typed at the end of the route of its middle function,
/// the tree of the first, and where the character went.
fn one_edit(lines: usize) -> (String, String, ws_lint::yaml::Yaml, usize) {
    let old = ws_lint::synthetic::service(lines);
    let functions = old.matches("\n  action").count();
    let marker = format!("route: action{}\n", functions / 2);
    let at = old.find(&marker).expect("middle function") + marker.len() - 1;
    let mut new = old.clone();
    new.insert(at, 'x');
    let tree = ws_lint::yaml::Yaml::parse(&old);
    (old, new, tree, at)
}

/// One edit inside a function in the middle (a character typed at the end of its route):
/// incremental re-parse of the kept tree, then the full analysis of a copy, as the language
/// server does on each keystroke.
#[divan::bench(args = SIZES, sample_count = 20)]
fn incremental_edit(bencher: divan::Bencher, lines: usize) {
    let (old, new, tree, at) = one_edit(lines);
    let settings = Settings::default();
    let range = ws_lint::span::TextRange::new(at, at);
    bencher.bench(|| {
        let (yaml, how) = tree.reparse(&old, &new, range, 1);
        debug_assert_eq!(how, ws_lint::yaml::Reparse::Incremental);
        ws_lint::analyze_parsed(&new, "serverless.yml", &settings, yaml)
    });
}

/// The re-parse alone.
#[divan::bench(args = SIZES, sample_count = 20)]
fn incremental_reparse(bencher: divan::Bencher, lines: usize) {
    let (old, new, tree, at) = one_edit(lines);
    let range = ws_lint::span::TextRange::new(at, at);
    bencher.bench(|| tree.reparse(&old, &new, range, 1));
}
