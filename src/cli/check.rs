//! `ws-lint [PATHS...]`: discover → [`lint_one`] per input (in parallel) → render → exit code.

use std::io::{IsTerminal, Read};
use std::path::PathBuf;

use rayon::prelude::*;

use crate::config::{parse_rule_list, RuleLevel, Settings};
use crate::render::FileReport;

use super::args::{parse_rule_levels, CheckArgs, ColorChoice};
use super::discover::{self, Configs, InputOptions, Source};
use super::io::{print_stdout, read_resolved};
use super::lint_one::{lint_one, FileOutcome, Fixes, RunOptions};
use super::report::{self, RenderOptions};

/// The command line's rule choices, over every file's configuration.
struct RuleOverrides {
    select: Option<Vec<&'static str>>,
    ignore: Vec<&'static str>,
    levels: Vec<(&'static str, RuleLevel)>,
}

impl RuleOverrides {
    fn apply(&self, mut settings: Settings) -> Settings {
        if let Some(select) = &self.select {
            settings.select = Some(select.clone());
        }
        settings.ignore.extend(self.ignore.iter().copied());
        settings.levels.extend(self.levels.iter().copied());
        settings
    }
}

/// Reads the rule choices of the command line; the error is the message for stderr.
fn rule_overrides(args: &CheckArgs) -> Result<RuleOverrides, String> {
    let select = args.select.as_deref().map(parse_rule_list).transpose();
    let ignore = args.ignore.as_deref().map(parse_rule_list).transpose();
    let (select, ignore) = match (select, ignore) {
        (Ok(Some(select)), _) if select.is_empty() => {
            // An empty list would run no rule and pass everything: never what was meant.
            return Err("--select names no rule; give rule codes or names (`--select WS101,include-not-found`), or leave it out to run the default rules".to_string());
        }
        (Ok(select), Ok(ignore)) => (select, ignore.unwrap_or_default()),
        (Err(e), _) | (_, Err(e)) => return Err(e),
    };
    if args.unsafe_fixes && !args.fix && !args.diff {
        eprintln!("ws-lint: warning: --unsafe-fixes has no effect without --fix or --diff");
    }
    let levels = parse_rule_levels(&args.rules).map_err(|e| format!("--rule: {e}"))?;
    Ok(RuleOverrides {
        select,
        ignore,
        levels,
    })
}

pub(super) fn check(args: CheckArgs) -> i32 {
    let overrides = match rule_overrides(&args) {
        Ok(overrides) => overrides,
        Err(message) => {
            eprintln!("ws-lint: {message}");
            return 2;
        }
    };
    let mut configs = if args.isolated {
        Configs::isolated()
    } else if let Some(path) = &args.config {
        match Configs::fixed(path) {
            Ok(configs) => configs,
            Err(message) => {
                eprintln!("ws-lint: {message}");
                return 2;
            }
        }
    } else {
        Configs::discover()
    };
    let resolved = match &args.resolved {
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

    // Discover.
    let paths = if args.paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        args.paths.clone()
    };
    let input_options = InputOptions {
        stdin_filename: args.stdin_filename.as_deref(),
        resolved: resolved.is_some(),
    };
    let found = discover::inputs(&paths, &input_options, &mut configs, &|settings| {
        overrides.apply(settings)
    });
    for notice in &found.notices {
        eprintln!("ws-lint: {notice}");
    }
    let mut exit_code = if found.missing { 2 } else { 0 };
    let inputs = found.inputs;
    if resolved.is_some() && inputs.len() != 1 && exit_code == 0 && found.problems.is_empty() {
        eprintln!(
            "ws-lint: --resolved is the configuration of one service: name its configuration \
             file (serverless.yml, serverless.ts...); {} found",
            inputs.len()
        );
        return 2;
    }
    let stdin = if inputs.iter().any(|i| matches!(i.source, Source::Stdin)) {
        let mut text = Vec::new();
        if let Err(e) = std::io::stdin().read_to_end(&mut text) {
            eprintln!("ws-lint: cannot read stdin: {e}");
            return 2;
        }
        Some(text)
    } else {
        None
    };

    // Lint.
    let run = RunOptions {
        fixes: if args.fix {
            Fixes::Write
        } else if args.diff {
            Fixes::Diff
        } else {
            Fixes::Off
        },
        unsafe_fixes: args.unsafe_fixes,
        resolved: resolved.as_ref(),
        stdin: stdin.as_deref(),
    };
    // One file needs no thread pool: starting one costs more than linting a typical service.
    // Both keep the inputs' order.
    let outcomes: Vec<FileOutcome> = if inputs.len() > 1 {
        inputs
            .par_iter()
            .map(|input| lint_one(input, &run))
            .collect()
    } else {
        inputs.iter().map(|input| lint_one(input, &run)).collect()
    };

    // Render.
    let mut errors = found.problems;
    let mut reports: Vec<FileReport> = Vec::new();
    let mut diffs = String::new();
    let mut fixed = 0;
    for outcome in outcomes {
        if let Some(text) = &outcome.fixed_stdin {
            print_stdout(text);
        }
        errors.extend(outcome.errors);
        reports.extend(outcome.reports);
        diffs.extend(outcome.diff);
        fixed += outcome.fixes_applied;
    }
    report::put_config_paths_in_messages(&mut reports, args.format);
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
        print_stdout(&diffs);
        if !args.quiet {
            eprintln!("{fixed} fix(es) would be applied");
        }
        // Like `--fail-on` for diagnostics: 1 tells CI that `--fix` has work to do.
        if exit_code == 0 && !diffs.is_empty() {
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
    let rendered = report::render(
        &reports,
        &RenderOptions {
            format: args.format,
            color,
            statistics: args.statistics,
            quiet: args.quiet,
            fixed,
            incomplete: exit_code == 2,
        },
    );
    if to_stderr {
        eprint!("{}", rendered.output);
    } else {
        print_stdout(&rendered.output);
    }
    eprint!("{}", rendered.side);

    // Exit code.
    if exit_code == 0 && report::fails(&reports, args.fail_on) {
        exit_code = 1;
    }
    exit_code
}
