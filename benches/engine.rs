//! `cargo bench --bench engine`: parse, full analysis and one edit (incremental re-parse +
//! analysis; inside a function and in the provider) at 2k, 20k and 200k lines of
//! `ws_lint::synthetic::service`. `cargo bench --bench engine -- provider_edit` runs one.

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

/// Where a keystroke lands: inside a function in the middle (at the end of its route), or in
/// the provider (at the end of a tag's value), which every function's analysis depends on.
#[derive(Clone, Copy, Debug)]
enum Place {
    Function,
    Provider,
}

/// A service, the same with one character typed at `place`, the tree of the first, and where
/// the character went.
fn one_edit(lines: usize, place: Place) -> (String, String, ws_lint::yaml::Yaml, usize) {
    let old = ws_lint::synthetic::service(lines);
    let at = match place {
        Place::Function => ws_lint::synthetic::route_end_near_middle(&old),
        Place::Provider => ws_lint::synthetic::provider_tag_end(&old),
    }
    .expect("the synthetic service has the place to type");
    let mut new = old.clone();
    new.insert(at, 'x');
    let tree = ws_lint::yaml::Yaml::parse(&old);
    (old, new, tree, at)
}

/// Incremental re-parse of the kept tree, then the full analysis of a copy, as the language
/// server does on each keystroke.
fn bench_edit(bencher: divan::Bencher, lines: usize, place: Place) {
    let (old, new, tree, at) = one_edit(lines, place);
    let settings = Settings::default();
    let range = ws_lint::span::TextRange::new(at, at);
    bencher.bench(|| {
        let (yaml, _) = tree.reparse(&old, &new, range, 1);
        ws_lint::analyze_parsed(&new, "serverless.yml", &settings, yaml)
    });
}

/// One edit inside a function in the middle.
#[divan::bench(args = SIZES, sample_count = 20)]
fn incremental_edit(bencher: divan::Bencher, lines: usize) {
    bench_edit(bencher, lines, Place::Function);
}

/// One edit in the provider.
#[divan::bench(args = SIZES, sample_count = 20)]
fn provider_edit(bencher: divan::Bencher, lines: usize) {
    bench_edit(bencher, lines, Place::Provider);
}

/// The re-parse alone.
#[divan::bench(args = SIZES, sample_count = 20)]
fn incremental_reparse(bencher: divan::Bencher, lines: usize) {
    let (old, new, tree, at) = one_edit(lines, Place::Function);
    let range = ws_lint::span::TextRange::new(at, at);
    bencher.bench(|| tree.reparse(&old, &new, range, 1));
}

/// One character typed in a value of the middle function and deleted again (two edits per
/// iteration, each `analysis::IncrementalAnalysis::update` given the re-parsed tree), in
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
    // The incremental re-parses are made before each sample (`incremental_reparse` measures
    // them), and the trees are returned so that dropping them is not measured either: the
    // language server keeps each version's tree for the next re-parse.
    bencher
        .with_inputs(|| {
            (
                old_tree.reparse(&old, &new, typed, 1).0,
                new_tree.reparse(&new, &old, deleted, 0).0,
            )
        })
        .bench_local_values(|(typed_tree, deleted_tree)| {
            let first = engine.update(&new, typed_tree, typed, 1, None);
            (first, engine.update(&old, deleted_tree, deleted, 0, None))
        });
}
