//! `cargo bench --bench engine`: parse and full analysis at 2k, 20k and 200k lines.

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
