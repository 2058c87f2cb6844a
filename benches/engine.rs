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

/// One character typed in a value of the middle function and deleted again (two edits per
/// iteration, each an incremental re-parse then `analysis::IncrementalAnalysis::update`), in
/// the function's handler (`WHERE = 0`: the function is analysed again alone), in its route
/// (`1`: routes are read by rules about other functions, so the whole analysis runs) and in the
/// provider (`2`: the whole analysis runs).
#[divan::bench(args = SIZES, consts = [0, 1, 2], sample_count = 20)]
fn incremental_analysis<const WHERE: usize>(bencher: divan::Bencher, lines: usize) {
    let old = ws_lint::synthetic::service(lines);
    let functions = old.matches("\n  action").count();
    let marker = match WHERE {
        0 => format!("handler: src/actions.action{}\n", functions / 2),
        1 => format!("route: action{}\n", functions / 2),
        _ => "level: INFO\n".to_string(),
    };
    let at = old.find(&marker).expect("marker") + marker.len() - 1;
    let mut new = old.clone();
    new.insert(at, 'x');
    let (old_tree, new_tree) = (
        ws_lint::yaml::Yaml::parse(&old),
        ws_lint::yaml::Yaml::parse(&new),
    );
    let typed = ws_lint::span::TextRange::new(at, at);
    let deleted = ws_lint::span::TextRange::new(at, at + 1);
    let mut engine =
        ws_lint::analysis::IncrementalAnalysis::new("serverless.yml", Settings::default());
    engine.analyze(&old, old_tree.clone(), None);
    bencher.bench_local(|| {
        let (yaml, _) = old_tree.reparse(&old, &new, typed, 1);
        let typed = engine.update(&new, yaml, typed, 1, None).len();
        let (yaml, _) = new_tree.reparse(&new, &old, deleted, 0);
        typed + engine.update(&old, yaml, deleted, 0, None).len()
    });
}
