use clap::Parser;

fn main() {
    let cli = ws_lint::cli::Cli::parse();
    std::process::exit(ws_lint::cli::run(cli));
}
