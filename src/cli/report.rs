//! The end of a run: the reports rendered in the chosen format, the summary, the exit code.

use std::collections::HashMap;

use crate::render::{self, FileReport, HumanOptions, Summary};

use super::args::{FailOn, Format};

/// How the reports are printed.
pub(super) struct RenderOptions {
    pub(super) format: Format,
    pub(super) color: bool,
    pub(super) statistics: bool,
    pub(super) quiet: bool,
    /// Fixes applied in this run.
    pub(super) fixed: usize,
    /// Some input could not be linted (its reason is on stderr).
    pub(super) incomplete: bool,
}

/// What goes to the main output, and what goes to stderr beside it.
pub(super) struct Rendered {
    pub(super) output: String,
    pub(super) side: String,
}

/// Formats with no place for a configuration path carry it in the message.
pub(super) fn put_config_paths_in_messages(reports: &mut [FileReport], format: Format) {
    if format.shows_config_path() {
        return;
    }
    for report in reports.iter_mut().filter(|r| r.resolved_only) {
        for d in &mut report.diagnostics {
            if let Some(at) = d.config_path.as_ref().filter(|at| !at.is_empty()) {
                d.message = format!("{at}: {}", d.message);
            }
        }
    }
}

pub(super) fn render(reports: &[FileReport], options: &RenderOptions) -> Rendered {
    let output = match options.format {
        Format::Human => {
            let mut out = render::human(
                reports,
                HumanOptions {
                    color: options.color,
                },
            );
            if options.statistics {
                out.push_str(&statistics(reports));
            }
            if !options.quiet {
                out.push_str(&summary_line(reports, options.fixed, options.incomplete));
            }
            out
        }
        Format::Concise => {
            let mut out = render::concise(reports);
            if options.statistics {
                out.push_str(&statistics(reports));
            }
            out
        }
        Format::Json => render::json(reports),
        Format::Sarif => render::sarif(reports),
        Format::Github => render::github(reports),
        Format::Junit => render::junit(reports),
        Format::Gitlab => render::gitlab(reports),
    };
    // Machine-readable formats keep stdout parseable: the statistics go to stderr.
    let side = if options.statistics && options.format.is_machine_readable() {
        statistics(reports)
    } else {
        String::new()
    };
    Rendered { output, side }
}

/// Whether a diagnostic reaches `--fail-on`.
pub(super) fn fails(reports: &[FileReport], fail_on: FailOn) -> bool {
    fail_on.threshold().is_some_and(|threshold| {
        reports
            .iter()
            .flat_map(|r| &r.diagnostics)
            .any(|d| d.severity >= threshold)
    })
}

/// The last lines of the human format. `incomplete`: some input could not be linted (its
/// reason is on stderr), so "all checks passed" would be a lie.
fn summary_line(reports: &[FileReport], fixed: usize, incomplete: bool) -> String {
    let summary = Summary::of(reports);
    let files = plural(summary.files, "file", "files");
    let mut line = String::new();
    if fixed > 0 {
        line.push_str(&format!(
            "Fixed {}.\n",
            plural(fixed, "problem", "problems")
        ));
    }
    if summary.total() == 0 {
        if incomplete {
            line.push_str(&format!(
                "No problems in what was linted ({files} linted), but not everything could be (see above).\n"
            ));
        } else {
            line.push_str(&format!("All checks passed ({files} linted).\n"));
        }
        return line;
    }
    let mut parts = Vec::new();
    for (count, one, many) in [
        (summary.error, "error", "errors"),
        (summary.warning, "warning", "warnings"),
        (summary.info, "info", "info"),
        (summary.hint, "hint", "hints"),
    ] {
        if count > 0 {
            parts.push(plural(count, one, many));
        }
    }
    // The number of files is what was linted, not where the problems are: say so.
    line.push_str(&format!("Found {} ({files} linted).\n", parts.join(", ")));
    let fixes = reports
        .iter()
        .flat_map(|r| &r.diagnostics)
        .filter_map(|d| d.fix.as_ref());
    let (safe, unsafe_): (Vec<_>, Vec<_>) = fixes.partition(|f| f.safe);
    match (safe.len(), unsafe_.len()) {
        (0, 0) => {}
        (safe, 0) => line.push_str(&format!("{safe} can be fixed with `ws-lint --fix`.\n")),
        (0, more) => line.push_str(&format!(
            "{more} can be fixed with `ws-lint --fix --unsafe-fixes` (check the result).\n"
        )),
        (safe, more) => line.push_str(&format!(
            "{safe} can be fixed with `ws-lint --fix`, {more} more with `--unsafe-fixes`.\n"
        )),
    }
    line
}

fn plural(count: usize, one: &str, many: &str) -> String {
    format!("{count} {}", if count == 1 { one } else { many })
}

fn statistics(reports: &[FileReport]) -> String {
    let mut counts: HashMap<&str, (usize, &str)> = HashMap::new();
    for d in reports.iter().flat_map(|r| &r.diagnostics) {
        counts.entry(d.code).or_insert((0, d.name)).0 += 1;
    }
    let mut rows: Vec<_> = counts.into_iter().collect();
    rows.sort_by(|a, b| b.1 .0.cmp(&a.1 .0).then(a.0.cmp(b.0)));
    rows.iter()
        .map(|(code, (count, name))| format!("{count:>5}  {code}  {name}\n"))
        .collect()
}
