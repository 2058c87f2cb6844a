//! Writes a synthetic service of the given number of lines to stdout (for benchmarks).
//! `cargo run --release --features bench-tools --bin ws-lint-gen -- 200000 > big.yml`

fn main() {
    let lines = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(2_000);
    print!("{}", ws_lint::synthetic::service(lines));
}
