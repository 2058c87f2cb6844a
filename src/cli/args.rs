//! The command line of `ws-lint [PATHS...]`, as clap reads it.

use std::path::PathBuf;

use clap::ValueEnum;

use crate::config::RuleLevel;
use crate::diagnostics::Severity;
use crate::rules;

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub(super) enum Format {
    Human,
    Concise,
    Json,
    Sarif,
    Github,
    Junit,
    Gitlab,
}

impl Format {
    /// Formats with a place of their own for a finding's configuration path (`--resolved`).
    pub(super) fn shows_config_path(self) -> bool {
        matches!(self, Format::Human | Format::Concise | Format::Json)
    }

    /// Formats a program reads: stdout holds nothing else.
    pub(super) fn is_machine_readable(self) -> bool {
        !matches!(self, Format::Human | Format::Concise)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub(super) enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub(super) enum FailOn {
    Error,
    Warning,
    Info,
    Never,
}

impl FailOn {
    /// The lowest severity that fails the run, `None` for never.
    pub(super) fn threshold(self) -> Option<Severity> {
        match self {
            FailOn::Error => Some(Severity::Error),
            FailOn::Warning => Some(Severity::Warning),
            FailOn::Info => Some(Severity::Info),
            FailOn::Never => None,
        }
    }
}

#[derive(clap::Args, Debug)]
pub(super) struct CheckArgs {
    /// Files or folders to lint (`-` for stdin). Folders are searched for serverless.yml,
    /// serverless.yaml and serverless.json. Default: the current folder.
    pub(super) paths: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub(super) format: Format,
    /// Colour in human output (auto: only on a terminal, and never with NO_COLOR set).
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub(super) color: ColorChoice,
    /// Only these rules (comma-separated codes or names).
    #[arg(long, value_name = "RULES")]
    pub(super) select: Option<String>,
    /// Never these rules (comma-separated codes or names).
    #[arg(long, value_name = "RULES")]
    pub(super) ignore: Option<String>,
    /// Lowest severity that makes the exit code 1.
    #[arg(long, value_enum, default_value_t = FailOn::Error)]
    pub(super) fail_on: FailOn,
    /// Print how often each rule fired.
    #[arg(long)]
    pub(super) statistics: bool,
    /// Print diagnostics only, no summary.
    #[arg(long, short)]
    pub(super) quiet: bool,
    /// Apply safe fixes in place.
    #[arg(long, conflicts_with = "diff")]
    pub(super) fix: bool,
    /// Apply unsafe fixes too (with --fix or --diff).
    #[arg(long)]
    pub(super) unsafe_fixes: bool,
    /// Print what --fix would change, write nothing (exit code 1 when there is something to fix).
    #[arg(long)]
    pub(super) diff: bool,
    /// Use this configuration file instead of searching for ws-lint.toml.
    #[arg(long, value_name = "PATH", conflicts_with = "isolated")]
    pub(super) config: Option<PathBuf>,
    /// Ignore every ws-lint.toml.
    #[arg(long)]
    pub(super) isolated: bool,
    /// A rule's level for this run, over the configuration file: `CODE=LEVEL` or `NAME=LEVEL`
    /// (error, warning, info, hint, off). Repeatable.
    #[arg(long = "rule", value_name = "RULE=LEVEL")]
    pub(super) rules: Vec<String>,
    /// The name stdin stands for (decides JSON or YAML and is printed in diagnostics).
    #[arg(long, value_name = "PATH")]
    pub(super) stdin_filename: Option<String>,
    /// The configuration as the Serverless Framework resolved it (JSON, `-` for stdin), for
    /// one service: values ws-lint cannot know itself (`${env:...}`, `${ssm:...}`, JavaScript
    /// files) are taken from it and reported where the variable is written. Given with a
    /// serverless.ts or serverless.js (not read), the resolved configuration is linted alone
    /// and findings name their configuration path.
    #[arg(long, value_name = "FILE", conflicts_with_all = ["fix", "diff"])]
    pub(super) resolved: Option<PathBuf>,
}

/// `--rule CODE=LEVEL` values.
pub(super) fn parse_rule_levels(
    items: &[String],
) -> Result<Vec<(&'static str, RuleLevel)>, String> {
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
