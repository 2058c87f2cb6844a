//! The batch face: `ws-lint [PATHS...]`, `ws-lint rules`, `ws-lint explain`.
//!
//! All IO of the linter lives here: finding files and configuration (`discover`), reading and
//! writing fixes atomically (`io`), printing (`report`). A run is discover → `lint_one` per
//! input, in parallel → render → exit code (`check`). The engine itself (`crate::analyze`) sees
//! only text.

mod args;
mod check;
mod discover;
mod io;
mod lint_one;
mod report;

use clap::{Parser, Subcommand};

use crate::diagnostics::Severity;
use crate::rules;

use args::CheckArgs;
pub use discover::CONFIG_FILE_NAMES;
use io::print_stdout;
pub use io::MAX_INPUT_BYTES;

#[derive(Parser, Debug)]
#[command(
    name = "ws-lint",
    version,
    about = "Lint the WebSocket parts of Serverless Framework configuration",
    args_conflicts_with_subcommands = true
)]
pub struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
    #[command(flatten)]
    check: CheckArgs,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// List every rule: code, name, default severity, whether it can fix.
    Rules {
        /// Print the list as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Print a rule's documentation (by code or name).
    Explain { rule: String },
    /// Run the language server over stdio.
    Lsp {
        /// Accepted for editors that pass it; stdio is the only transport.
        #[arg(long)]
        stdio: bool,
    },
}

impl Cli {
    /// True for `ws-lint lsp`: a process that lives long, where memory matters more than for a
    /// run over some files (the binary tunes its allocator on this).
    pub fn is_language_server(&self) -> bool {
        matches!(self.command, Some(Command::Lsp { .. }))
    }
}

/// Runs the CLI and returns the process exit code.
pub fn run(cli: Cli) -> i32 {
    match cli.command {
        Some(Command::Rules { json }) => print_rules(json),
        Some(Command::Explain { rule }) => explain(&rule),
        Some(Command::Lsp { .. }) => run_lsp(),
        None => check::check(cli.check),
    }
}

fn run_lsp() -> i32 {
    crate::lsp::run_stdio()
}

fn print_rules(json: bool) -> i32 {
    let mut out = String::new();
    if json {
        let list: Vec<_> = rules::all()
            .iter()
            .map(|r| {
                serde_json::json!({
                    "code": r.code,
                    "name": r.name,
                    "severity": r.default_severity.map_or("off", Severity::as_str),
                    "fixable": r.fixable(),
                    "summary": r.summary(),
                })
            })
            .collect();
        out = serde_json::to_string_pretty(&list).unwrap_or_default();
        out.push('\n');
    } else {
        out.push_str(&format!(
            "{:<6} {:<34} {:<8} {}\n",
            "code", "name", "severity", "fix"
        ));
        for r in rules::all() {
            out.push_str(&format!(
                "{:<6} {:<34} {:<8} {}\n",
                r.code,
                r.name,
                r.default_severity.map_or("off", Severity::as_str),
                if r.fixable() { "yes" } else { "-" }
            ));
        }
    }
    print_stdout(&out);
    0
}

fn explain(rule: &str) -> i32 {
    match rules::find(rule) {
        Some(r) => {
            let severity = r.default_severity.map_or("off (opt-in)", Severity::as_str);
            let fix = match r.fix {
                rules::FixAvailability::None => "no",
                rules::FixAvailability::Sometimes => "sometimes",
                rules::FixAvailability::Always => "yes",
            };
            print_stdout(&format!(
                "# {} {}\n\nDefault severity: {severity}. Fix: {fix}.\n\n{}\n",
                r.code,
                r.name,
                r.documentation()
            ));
            0
        }
        None => {
            eprintln!("ws-lint: unknown rule `{rule}`; `ws-lint rules` lists them");
            2
        }
    }
}
