//! The batch face: `ws-lint [PATHS...]`, `ws-lint rules`, `ws-lint explain`.
//!
//! All IO of the linter lives here: finding files and configuration, reading, writing fixes
//! atomically, printing. The engine itself (`crate::analyze`) sees only text.

use std::collections::HashMap;
use std::io::{IsTerminal, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use clap::{Parser, Subcommand, ValueEnum};
use rayon::prelude::*;

use crate::config::{parse_rule_list, Config, ConfigError, RuleLevel, Settings};
use crate::diagnostics::Severity;
use crate::render::{self, FileReport, HumanOptions, Summary};
use crate::rules;

/// The file names a folder is searched for.
pub const CONFIG_FILE_NAMES: [&str; 3] = ["serverless.yml", "serverless.yaml", "serverless.json"];

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

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum Format {
    Human,
    Concise,
    Json,
    Sarif,
    Github,
    Junit,
    Gitlab,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum FailOn {
    Error,
    Warning,
    Info,
    Never,
}

#[derive(clap::Args, Debug)]
struct CheckArgs {
    /// Files or folders to lint (`-` for stdin). Folders are searched for serverless.yml,
    /// serverless.yaml and serverless.json. Default: the current folder.
    paths: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    format: Format,
    /// Colour in human output (auto: only on a terminal, and never with NO_COLOR set).
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    color: ColorChoice,
    /// Only these rules (comma-separated codes or names).
    #[arg(long, value_name = "RULES")]
    select: Option<String>,
    /// Never these rules (comma-separated codes or names).
    #[arg(long, value_name = "RULES")]
    ignore: Option<String>,
    /// Lowest severity that makes the exit code 1.
    #[arg(long, value_enum, default_value_t = FailOn::Error)]
    fail_on: FailOn,
    /// Print how often each rule fired.
    #[arg(long)]
    statistics: bool,
    /// Print diagnostics only, no summary.
    #[arg(long, short)]
    quiet: bool,
    /// Apply safe fixes in place.
    #[arg(long, conflicts_with = "diff")]
    fix: bool,
    /// Apply unsafe fixes too (with --fix or --diff).
    #[arg(long)]
    unsafe_fixes: bool,
    /// Print what --fix would change, write nothing (exit code 1 when there is something to fix).
    #[arg(long)]
    diff: bool,
    /// Use this configuration file instead of searching for ws-lint.toml.
    #[arg(long, value_name = "PATH", conflicts_with = "isolated")]
    config: Option<PathBuf>,
    /// Ignore every ws-lint.toml.
    #[arg(long)]
    isolated: bool,
    /// A rule's level for this run, over the configuration file: `CODE=LEVEL` or `NAME=LEVEL`
    /// (error, warning, info, hint, off). Repeatable.
    #[arg(long = "rule", value_name = "RULE=LEVEL")]
    rules: Vec<String>,
    /// The name stdin stands for (decides JSON or YAML and is printed in diagnostics).
    #[arg(long, value_name = "PATH")]
    stdin_filename: Option<String>,
    /// The configuration as the Serverless Framework resolved it (JSON, `-` for stdin), for
    /// one service: values ws-lint cannot know itself (`${env:...}`, `${ssm:...}`, JavaScript
    /// files) are taken from it and reported where the variable is written. Given with a
    /// serverless.ts or serverless.js (not read), the resolved configuration is linted alone
    /// and findings name their configuration path.
    #[arg(long, value_name = "FILE", conflicts_with_all = ["fix", "diff"])]
    resolved: Option<PathBuf>,
}

/// Runs the CLI and returns the process exit code.
impl Cli {
    /// True for `ws-lint lsp`: a process that lives long, where memory matters more than for a
    /// run over some files (the binary tunes its allocator on this).
    pub fn is_language_server(&self) -> bool {
        matches!(self.command, Some(Command::Lsp { .. }))
    }
}

pub fn run(cli: Cli) -> i32 {
    match cli.command {
        Some(Command::Rules { json }) => print_rules(json),
        Some(Command::Explain { rule }) => explain(&rule),
        Some(Command::Lsp { .. }) => run_lsp(),
        None => check(cli.check),
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

/// One file to lint: where it is and what to call it in the output.
struct Input {
    display: String,
    source: Source,
}

enum Source {
    Stdin,
    File(PathBuf),
    /// A serverless.ts or serverless.js, not read: linted from `--resolved` alone.
    ResolvedOnly(PathBuf),
}

/// `--rule CODE=LEVEL` values.
fn parse_rule_levels(items: &[String]) -> Result<Vec<(&'static str, RuleLevel)>, String> {
    items
        .iter()
        .map(|item| {
            let (rule, level) = item
                .split_once('=')
                .ok_or_else(|| format!("`{item}` is not RULE=LEVEL"))?;
            let rule = rules::find(rule.trim())
                .ok_or_else(|| format!("unknown rule `{rule}`; `ws-lint rules` lists them"))?;
            let level = RuleLevel::parse(level.trim()).ok_or_else(|| {
                format!("`{level}` is not a level (error, warning, info, hint, off)")
            })?;
            Ok((rule.code, level))
        })
        .collect()
}

/// Whether ws-lint reads this configuration file itself (YAML or JSON), rather than only the
/// configuration the framework resolved from it.
fn has_readable_text(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| ["yml", "yaml", "json"].contains(&e.to_ascii_lowercase().as_str()))
}

/// Reads `--resolved` (a file, or `-` for stdin).
fn read_resolved(path: &Path) -> Result<crate::resolved::ResolvedConfig, String> {
    let bytes = if path.as_os_str() == "-" {
        let mut bytes = Vec::new();
        std::io::stdin()
            .take(MAX_INPUT_BYTES + 1)
            .read_to_end(&mut bytes)
            .map_err(|e| format!("--resolved: cannot read stdin: {e}"))?;
        if bytes.len() as u64 > MAX_INPUT_BYTES {
            return Err("--resolved: stdin is too large".to_string());
        }
        bytes
    } else {
        read_named_file(path).map_err(|e| format!("{}: {e}", path.display()))?
    };
    let text = String::from_utf8(bytes).map_err(|_| format!("{}: not UTF-8", path.display()))?;
    crate::resolved::ResolvedConfig::parse(&text).map_err(|e| format!("{}: {e}", path.display()))
}

/// How a file's configuration is found.
enum ConfigMode {
    Discover,
    Fixed(Box<Config>, PathBuf),
    Isolated,
}

fn check(args: CheckArgs) -> i32 {
    let mut exit_code = 0;
    let overrides = match (
        args.select.as_deref().map(parse_rule_list).transpose(),
        args.ignore.as_deref().map(parse_rule_list).transpose(),
    ) {
        (Ok(Some(select)), _) if select.is_empty() => {
            // An empty list would run no rule and pass everything: never what was meant.
            eprintln!(
                "ws-lint: --select names no rule; give rule codes or names (`--select WS101,include-not-found`), or leave it out to run the default rules"
            );
            return 2;
        }
        (Ok(select), Ok(ignore)) => (select, ignore.unwrap_or_default()),
        (Err(e), _) | (_, Err(e)) => {
            eprintln!("ws-lint: {e}");
            return 2;
        }
    };
    if args.unsafe_fixes && !args.fix && !args.diff {
        eprintln!("ws-lint: warning: --unsafe-fixes has no effect without --fix or --diff");
    }
    let rule_levels = match parse_rule_levels(&args.rules) {
        Ok(levels) => levels,
        Err(e) => {
            eprintln!("ws-lint: --rule: {e}");
            return 2;
        }
    };
    let config_mode = if args.isolated {
        ConfigMode::Isolated
    } else if let Some(path) = &args.config {
        match load_config(path) {
            Ok(config) => ConfigMode::Fixed(Box::new(config), dir_of(path)),
            Err(message) => {
                eprintln!("ws-lint: {message}");
                return 2;
            }
        }
    } else {
        ConfigMode::Discover
    };
    let configs = ConfigCache::default();
    let resolved_config = match &args.resolved {
        Some(path)
            if path.as_os_str() == "-" && args.paths.iter().any(|p| p.as_os_str() == "-") =>
        {
            eprintln!("ws-lint: stdin cannot hold both the file and --resolved");
            return 2;
        }
        Some(path) => match read_resolved(path) {
            Ok(config) => Some(config),
            Err(message) => {
                eprintln!("ws-lint: {message}");
                return 2;
            }
        },
        None => None,
    };

    let paths = if args.paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        args.paths.clone()
    };
    let mut inputs = Vec::new();
    let mut problems = Vec::new();
    for path in &paths {
        if path.as_os_str() == "-" {
            let display = args
                .stdin_filename
                .clone()
                .unwrap_or_else(|| "<stdin>".to_string());
            inputs.push(Input {
                display,
                source: Source::Stdin,
            });
        } else if resolved_config.is_some() && !path.is_dir() && !has_readable_text(path) {
            inputs.push(Input {
                display: path.display().to_string(),
                source: Source::ResolvedOnly(path.clone()),
            });
        } else if path.is_dir() {
            let before = problems.len();
            let found = discover(path, &config_mode, &configs, &mut problems);
            if found.is_empty() && problems.len() == before {
                eprintln!(
                    "ws-lint: warning: no serverless.yml, serverless.yaml or serverless.json under {}",
                    path.display()
                );
            }
            inputs.extend(found);
        } else if path.exists() {
            inputs.push(Input {
                display: path.display().to_string(),
                source: Source::File(path.clone()),
            });
        } else {
            eprintln!("ws-lint: {}: no such file or folder", path.display());
            exit_code = 2;
        }
    }
    dedup_inputs(&mut inputs);
    if resolved_config.is_some() && inputs.len() != 1 && exit_code == 0 && problems.is_empty() {
        eprintln!(
            "ws-lint: --resolved is the configuration of one service: name its configuration \
             file (serverless.yml, serverless.ts...); {} found",
            inputs.len()
        );
        return 2;
    }

    let stdin_text = if inputs.iter().any(|i| matches!(i.source, Source::Stdin)) {
        let mut text = Vec::new();
        match std::io::stdin().read_to_end(&mut text) {
            Ok(_) => Some(text),
            Err(e) => {
                eprintln!("ws-lint: cannot read stdin: {e}");
                return 2;
            }
        }
    } else {
        None
    };

    let errors = Mutex::new(problems);
    let diffs = Mutex::new(Vec::<(usize, String)>::new());
    let fixed_count = Mutex::new(0usize);
    let lint_input = |(order, input): (usize, &Input)| -> Option<(usize, Vec<FileReport>)> {
        if let (Source::ResolvedOnly(path), Some(config)) = (&input.source, &resolved_config) {
            let mut settings = match settings_for(&dir_of(path), &config_mode, &configs) {
                Ok(settings) => settings,
                Err(message) => {
                    push(&errors, message);
                    return None;
                }
            };
            if let Some(select) = &overrides.0 {
                settings.select = Some(select.clone());
            }
            settings.ignore.extend(overrides.1.iter().copied());
            settings.levels.extend(rule_levels.iter().copied());
            let found = crate::resolved::analyze_alone(
                config,
                &input.display,
                &settings,
                &crate::files::DiskFiles,
            );
            let mut files = vec![FileReport::resolved_only(
                input.display.clone(),
                found.diagnostics,
            )];
            files.extend(
                found
                    .included
                    .into_iter()
                    .map(|file| FileReport::new(file.path, file.text, file.diagnostics)),
            );
            return Some((order, files));
        }
        let bytes = match &input.source {
            Source::Stdin => stdin_text.clone().unwrap_or_default(),
            Source::ResolvedOnly(_) => return None,
            Source::File(path) => match read_named_file(path) {
                Ok(bytes) => bytes,
                Err(e) => {
                    push(&errors, format!("{}: {e}", input.display));
                    return None;
                }
            },
        };
        let text = match String::from_utf8(bytes) {
            Ok(text) => text,
            Err(e) => {
                let at = e.utf8_error().valid_up_to();
                push(
                    &errors,
                    format!(
                        "{}: not UTF-8 (invalid byte at offset {at}); save the file as UTF-8",
                        input.display
                    ),
                );
                return None;
            }
        };
        let settings = match &input.source {
            Source::Stdin => {
                let base = args
                    .stdin_filename
                    .as_ref()
                    .map_or_else(|| PathBuf::from("."), |name| dir_of(Path::new(name)));
                settings_for(&base, &config_mode, &configs)
            }
            Source::File(path) | Source::ResolvedOnly(path) => {
                settings_for(&dir_of(path), &config_mode, &configs)
            }
        };
        let mut settings = match settings {
            Ok(settings) => settings,
            Err(message) => {
                push(&errors, message);
                return None;
            }
        };
        if let Some(select) = &overrides.0 {
            settings.select = Some(select.clone());
        }
        settings.ignore.extend(overrides.1.iter().copied());
        settings.levels.extend(rule_levels.iter().copied());

        let original = text;
        // The fixed text, when fixes were asked for (no copy of a text that stays as it was).
        let (fixed, single) = if args.fix || args.diff {
            // Fixes apply to the linted file only.
            let fixed = crate::fix(&original, &input.display, &settings, args.unsafe_fixes);
            if let Some(refused) = &fixed.refused {
                // The last line of defence: a file that would stop parsing is not written.
                push(
                    &errors,
                    format!("{}: no fix written: {refused}", input.display),
                );
            }
            *lock(&fixed_count) += fixed.applied;
            (Some(fixed.text), Some(fixed.analysis))
        } else if matches!(input.source, Source::Stdin) {
            let analysis = match &resolved_config {
                Some(config) => {
                    crate::analyze_service_resolved(
                        &original,
                        &input.display,
                        &settings,
                        None,
                        config,
                    )
                    .main
                }
                None => crate::analyze(&original, &input.display, &settings),
            };
            (None, Some(analysis))
        } else {
            (None, None)
        };
        let current = fixed.as_deref().unwrap_or(&original);
        // A file on disk is linted with the service around it: what it includes, its
        // handlers. Stdin stays on its own.
        let (diagnostics, included) = match (&input.source, single) {
            (Source::Stdin, Some(analysis)) => (analysis.diagnostics, Vec::new()),
            _ => {
                // The path itself, not its display: a folder whose name is not UTF-8 must
                // still be found for includes and handlers.
                let path = match &input.source {
                    Source::File(path) => path.as_path(),
                    _ => Path::new(&input.display),
                };
                let service = match &resolved_config {
                    Some(config) => crate::analyze_service_resolved(
                        current,
                        path,
                        &settings,
                        Some(&crate::files::DiskFiles),
                        config,
                    ),
                    None => {
                        crate::analyze_service(current, path, &settings, &crate::files::DiskFiles)
                    }
                };
                let crate::Analysis {
                    yaml,
                    service: model,
                    line_index,
                    diagnostics,
                } = service.main;
                // Only the diagnostics are reported: the tree and model are freed off the
                // critical path (slow for a large service; the process may exit first).
                drop_in_background((yaml, model, line_index));
                (diagnostics, service.included)
            }
        };
        if current != original {
            if args.diff {
                push(
                    &diffs,
                    (order, unified_diff(&input.display, &original, current)),
                );
            } else if args.fix {
                match &input.source {
                    Source::Stdin => print_stdout(current),
                    // Never linted from text: nothing was fixed.
                    Source::ResolvedOnly(_) => {}
                    Source::File(path) => {
                        if let Err(e) = write_atomically(path, original.as_bytes(), current) {
                            push(
                                &errors,
                                format!("{}: cannot write fixes: {e}", input.display),
                            );
                            return None;
                        }
                    }
                }
            }
        } else if args.fix && matches!(input.source, Source::Stdin) {
            print_stdout(current);
        }
        let text = match fixed {
            Some(fixed) if !args.diff => fixed,
            _ => original,
        };
        let mut files = vec![FileReport::new(input.display.clone(), text, diagnostics)];
        // Included files are reported with their own paths; `--fix` edits only the file
        // it was given, so their diagnostics offer no fix here.
        files.extend(included.into_iter().map(|file| {
            let diagnostics = file
                .diagnostics
                .into_iter()
                .map(|mut d| {
                    d.fix = None;
                    d
                })
                .collect();
            FileReport::new(file.path, file.text, diagnostics)
        }));
        Some((order, files))
    };
    // One file needs no thread pool: starting one costs more than linting a typical service.
    let mut reports: Vec<(usize, Vec<FileReport>)> = if inputs.len() > 1 {
        inputs
            .par_iter()
            .enumerate()
            .filter_map(lint_input)
            .collect()
    } else {
        inputs.iter().enumerate().filter_map(lint_input).collect()
    };
    reports.sort_by_key(|(order, _)| *order);
    let mut reports: Vec<FileReport> = reports.into_iter().flat_map(|(_, r)| r).collect();
    // Formats with no place for a configuration path carry it in the message.
    if !matches!(args.format, Format::Human | Format::Concise | Format::Json) {
        for report in reports.iter_mut().filter(|r| r.resolved_only) {
            for d in &mut report.diagnostics {
                if let Some(at) = d.config_path.as_ref().filter(|at| !at.is_empty()) {
                    d.message = format!("{at}: {}", d.message);
                }
            }
        }
    }

    let mut errors = errors.into_inner().unwrap_or_else(|e| e.into_inner());
    // The same bad configuration is met by every file under it: say it once.
    errors.sort();
    errors.dedup();
    if !errors.is_empty() {
        exit_code = 2;
        for error in &errors {
            eprintln!("ws-lint: {error}");
        }
    }

    if args.diff {
        let mut diffs = diffs.into_inner().unwrap_or_else(|e| e.into_inner());
        diffs.sort_by_key(|(order, _)| *order);
        let pending = !diffs.is_empty();
        let text: String = diffs.into_iter().map(|(_, d)| d).collect();
        print_stdout(&text);
        if !args.quiet {
            let count = *lock(&fixed_count);
            eprintln!("{count} fix(es) would be applied");
        }
        // Like `--fail-on` for diagnostics: 1 tells CI that `--fix` has work to do.
        if exit_code == 0 && pending {
            exit_code = 1;
        }
        return exit_code;
    }

    // With --fix on stdin the fixed text went to stdout; diagnostics then go to stderr.
    let to_stderr = args.fix && inputs.iter().any(|i| matches!(i.source, Source::Stdin));
    let color = match args.color {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
                && if to_stderr {
                    std::io::stderr().is_terminal()
                } else {
                    std::io::stdout().is_terminal()
                }
        }
    };
    let fixed = *lock(&fixed_count);
    let output = match args.format {
        Format::Human => {
            let mut out = render::human(&reports, HumanOptions { color });
            if args.statistics {
                out.push_str(&statistics(&reports));
            }
            if !args.quiet {
                out.push_str(&summary_line(&reports, fixed, exit_code == 2));
            }
            out
        }
        Format::Concise => {
            let mut out = render::concise(&reports);
            if args.statistics {
                out.push_str(&statistics(&reports));
            }
            out
        }
        Format::Json => render::json(&reports),
        Format::Sarif => render::sarif(&reports),
        Format::Github => render::github(&reports),
        Format::Junit => render::junit(&reports),
        Format::Gitlab => render::gitlab(&reports),
    };
    if to_stderr {
        eprint!("{output}");
    } else {
        print_stdout(&output);
    }
    // Machine-readable formats keep stdout parseable: the statistics go to stderr.
    let machine = !matches!(args.format, Format::Human | Format::Concise);
    if args.statistics && machine {
        eprint!("{}", statistics(&reports));
    }

    let threshold = match args.fail_on {
        FailOn::Error => Some(Severity::Error),
        FailOn::Warning => Some(Severity::Warning),
        FailOn::Info => Some(Severity::Info),
        FailOn::Never => None,
    };
    let failed = threshold.is_some_and(|t| {
        reports
            .iter()
            .flat_map(|r| &r.diagnostics)
            .any(|d| d.severity >= t)
    });
    if exit_code == 0 && failed {
        exit_code = 1;
    }
    exit_code
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

fn push<T>(list: &Mutex<Vec<T>>, item: T) {
    lock(list).push(item);
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

fn print_stdout(text: &str) {
    let mut stdout = std::io::stdout().lock();
    // A closed pipe (`ws-lint | head`) is not an error worth a panic.
    let _ = stdout.write_all(text.as_bytes());
    let _ = stdout.flush();
}

fn load_config(path: &Path) -> Result<Config, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("{}: cannot read configuration: {e}", path.display()))?;
    Config::parse_file(&text, path).map_err(|e: ConfigError| e.to_string())
}

/// A `ws-lint.toml`: the folder it is in, and its settings or why they could not be read.
type FoundConfig = (PathBuf, Result<Config, String>);

/// `ws-lint.toml` per folder, found once.
#[derive(Default)]
struct ConfigCache {
    by_dir: Mutex<HashMap<PathBuf, Option<FoundConfig>>>,
}

impl ConfigCache {
    /// The nearest `ws-lint.toml` walking up from `dir`, stopping at a folder holding `.git`.
    fn find(&self, dir: &Path) -> Option<FoundConfig> {
        let dir = dir.canonicalize().unwrap_or_else(|_| dir.to_path_buf());
        if let Some(found) = lock(&self.by_dir).get(&dir) {
            return found.clone();
        }
        let mut found = None;
        let mut current = Some(dir.as_path());
        while let Some(folder) = current {
            let candidate = folder.join("ws-lint.toml");
            if candidate.is_file() {
                let config = load_config(&candidate);
                found = Some((folder.to_path_buf(), config));
                break;
            }
            if folder.join(".git").exists() {
                break;
            }
            current = folder.parent();
        }
        lock(&self.by_dir).insert(dir, found.clone());
        found
    }
}

fn settings_for(dir: &Path, mode: &ConfigMode, cache: &ConfigCache) -> Result<Settings, String> {
    match mode {
        ConfigMode::Isolated => Ok(Settings::default()),
        ConfigMode::Fixed(config, _) => Ok(config.settings.clone()),
        ConfigMode::Discover => match cache.find(dir) {
            None => Ok(Settings::default()),
            Some((_, Ok(config))) => Ok(config.settings),
            Some((_, Err(message))) => Err(message),
        },
    }
}

/// The folder a file is in; `.` for a bare file name (whose `parent()` is the empty path, from
/// which configuration discovery could not walk up).
fn dir_of(path: &Path) -> PathBuf {
    match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// Drops a file named twice (`ws-lint a/serverless.yml a`, or `-` twice): linting it twice
/// would report everything twice, and with `--fix` two writers would race.
fn dedup_inputs(inputs: &mut Vec<Input>) {
    let mut seen = std::collections::HashSet::new();
    inputs.retain(|input| {
        let key = match &input.source {
            Source::Stdin => None,
            Source::File(path) | Source::ResolvedOnly(path) => {
                Some(path.canonicalize().unwrap_or_else(|_| path.clone()))
            }
        };
        seen.insert(key)
    });
}

/// Serverless configuration files under a folder, honouring `.gitignore`, skipping
/// `node_modules` and `.serverless`, and the `[files] exclude` globs of the configuration.
/// Problems (an unreadable folder, a bad configuration) go to `problems`; the rest of the
/// folder is still searched.
fn discover(
    root: &Path,
    mode: &ConfigMode,
    cache: &ConfigCache,
    problems: &mut Vec<String>,
) -> Vec<Input> {
    let mut found = Vec::new();
    let walker = ignore::WalkBuilder::new(root)
        .hidden(false)
        .require_git(false)
        .filter_entry(|entry| {
            let name = entry.file_name();
            !(entry.depth() > 0
                && entry.file_type().is_some_and(|t| t.is_dir())
                && (name == "node_modules" || name == ".serverless" || name == ".git"))
        })
        .build();
    for entry in walker {
        let entry = match entry {
            Ok(entry) => entry,
            Err(e) => {
                problems.push(format!("{}: {e}", root.display()));
                continue;
            }
        };
        if !entry.file_type().is_some_and(|t| t.is_file()) {
            continue;
        }
        let name = entry.file_name().to_string_lossy();
        if !CONFIG_FILE_NAMES.contains(&name.as_ref()) {
            continue;
        }
        let path = entry.path().to_path_buf();
        match is_excluded(&path, mode, cache) {
            Ok(true) => continue,
            Ok(false) => {}
            Err(message) => {
                problems.push(message);
                continue;
            }
        }
        let display = path
            .strip_prefix("./")
            .unwrap_or(&path)
            .display()
            .to_string();
        found.push(Input {
            display,
            source: Source::File(path),
        });
    }
    found.sort_by(|a, b| a.display.cmp(&b.display));
    found
}

/// Whether `[files] exclude` of the file's configuration matches the file or one of the folders
/// it is in, relative to the configuration file's folder. `*` stays within one path segment,
/// `**` crosses them.
fn is_excluded(path: &Path, mode: &ConfigMode, cache: &ConfigCache) -> Result<bool, String> {
    let (base, exclude) = match mode {
        ConfigMode::Isolated => return Ok(false),
        ConfigMode::Fixed(config, base) => (base.clone(), config.exclude.clone()),
        ConfigMode::Discover => match cache.find(&dir_of(path)) {
            None => return Ok(false),
            Some((base, Ok(config))) => (base, config.exclude),
            Some((_, Err(message))) => return Err(message),
        },
    };
    if exclude.is_empty() {
        return Ok(false);
    }
    let mut builder = globset::GlobSetBuilder::new();
    for glob in &exclude {
        let glob = glob.strip_prefix("./").unwrap_or(glob);
        if let Ok(glob) = globset::GlobBuilder::new(glob)
            .literal_separator(true)
            .build()
        {
            builder.add(glob);
        }
    }
    let set = builder.build().map_err(|e| e.to_string())?;
    let absolute = path.canonicalize().unwrap_or_else(|_| path.to_path_buf());
    let base = base.canonicalize().unwrap_or(base);
    let Ok(relative) = absolute.strip_prefix(&base) else {
        // Outside the configuration's folder: its globs do not reach it.
        return Ok(false);
    };
    Ok(relative
        .ancestors()
        .filter(|p| !p.as_os_str().is_empty())
        .any(|p| set.is_match(p)))
}

/// The largest file linted (a generated configuration of this size is already absurd).
pub const MAX_INPUT_BYTES: u64 = 64 * 1024 * 1024;

/// Reads a file named on the command line: a regular file up to [`MAX_INPUT_BYTES`], or a pipe
/// (`ws-lint <(generate)`) up to the same size; a device or socket is refused unread, so
/// `/dev/zero` cannot eat the memory.
fn read_named_file(path: &Path) -> Result<Vec<u8>, String> {
    let metadata = std::fs::metadata(path).map_err(|e| format!("cannot read: {e}"))?;
    #[cfg(unix)]
    let is_pipe = std::os::unix::fs::FileTypeExt::is_fifo(&metadata.file_type());
    #[cfg(not(unix))]
    let is_pipe = false;
    if !metadata.is_file() && !is_pipe {
        return Err("cannot read: not a regular file".to_string());
    }
    let too_large = |size: u64| {
        format!("too large ({size} bytes; files over {MAX_INPUT_BYTES} bytes are not linted)")
    };
    if metadata.len() > MAX_INPUT_BYTES {
        return Err(too_large(metadata.len()));
    }
    let file = std::fs::File::open(path).map_err(|e| format!("cannot read: {e}"))?;
    // Sized up front: growing by doubling copies a large file several times.
    let mut bytes = Vec::with_capacity(metadata.len().min(MAX_INPUT_BYTES) as usize + 1);
    file.take(MAX_INPUT_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| format!("cannot read: {e}"))?;
    if bytes.len() as u64 > MAX_INPUT_BYTES {
        return Err(too_large(bytes.len() as u64));
    }
    Ok(bytes)
}

/// Writes `text` to `path` through a temporary file in the same folder and a rename, keeping
/// the file's permissions (not its owner, nor hard links to it). Refuses when the file changed
/// on disk since it was read.
fn write_atomically(path: &Path, read: &[u8], text: &str) -> std::io::Result<()> {
    // Through a symbolic link, replace the file it points to, not the link.
    let path = &path.canonicalize()?;
    let metadata = std::fs::metadata(path)?;
    if !metadata.is_file() {
        // A pipe (`ws-lint --fix <(...)`) or device: nothing to write back to.
        return Err(std::io::Error::other("not a regular file; not overwritten"));
    }
    let now = std::fs::read(path)?;
    if now != read {
        return Err(std::io::Error::other(
            "the file changed on disk while it was linted; not overwritten",
        ));
    }
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let mut temp = tempfile::NamedTempFile::new_in(dir)?;
    temp.write_all(text.as_bytes())?;
    temp.as_file().sync_all()?;
    std::fs::set_permissions(temp.path(), metadata.permissions())?;
    temp.persist(path).map_err(|e| e.error)?;
    Ok(())
}

/// A unified diff of the whole change, as `git diff` would print it.
fn unified_diff(path: &str, old: &str, new: &str) -> String {
    similar::TextDiff::from_lines(old, new)
        .unified_diff()
        .context_radius(3)
        .header(&format!("a/{path}"), &format!("b/{path}"))
        .to_string()
}

/// Drops `value` on a thread of its own (started once), or here if none can be started.
fn drop_in_background<T: Send + 'static>(value: T) {
    use std::sync::mpsc::{channel, Sender};
    use std::sync::OnceLock;
    type Garbage = Box<dyn Send>;
    static DROPPER: OnceLock<Option<Mutex<Sender<Garbage>>>> = OnceLock::new();
    let dropper = DROPPER.get_or_init(|| {
        let (sender, garbage) = channel::<Garbage>();
        std::thread::Builder::new()
            .name("ws-lint-drop".into())
            .spawn(move || garbage.into_iter().for_each(drop))
            .ok()
            .map(|_| Mutex::new(sender))
    });
    if let Some(sender) = dropper {
        // A failed send hands the value back, and it is dropped here.
        let _ = lock(sender).send(Box::new(value));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_changed_on_disk_since_it_was_read_is_not_overwritten() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("serverless.yml");
        std::fs::write(&path, "service: a\n").expect("write");
        // Read as "service: a", then an editor saved "service: b" before the fix was written.
        std::fs::write(&path, "service: b\n").expect("write");
        let error = write_atomically(&path, b"service: a\n", "service: fixed\n").unwrap_err();
        assert!(error.to_string().contains("changed on disk"), "{error}");
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "service: b\n");
        // Unchanged since read: written.
        write_atomically(&path, b"service: b\n", "service: fixed\n").expect("written");
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "service: fixed\n");
        let names: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(names.len(), 1, "no temporary file left behind");
    }

    #[cfg(unix)]
    #[test]
    fn devices_and_pipes_are_never_written_and_devices_never_read() {
        let error = write_atomically(Path::new("/dev/null"), b"", "x").unwrap_err();
        assert!(error.to_string().contains("not a regular file"), "{error}");
        let error = read_named_file(Path::new("/dev/zero")).unwrap_err();
        assert!(error.contains("not a regular file"), "{error}");
        let dir = tempfile::tempdir().expect("tempdir");
        let big = dir.path().join("serverless.yml");
        let file = std::fs::File::create(&big).expect("create");
        file.set_len(MAX_INPUT_BYTES + 1).expect("sparse file");
        let error = read_named_file(&big).unwrap_err();
        assert!(error.contains("too large"), "{error}");
    }
}
