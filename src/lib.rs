//! ws-lint: a linter and language server for the WebSocket parts of Serverless Framework
//! configuration.
//!
//! The core is pure: [`analyze`] takes text and settings and returns an [`Analysis`]. The CLI
//! (`cli`) and the language server (`lsp`) are faces on top of it.

pub mod cli;
pub mod config;
pub mod diagnostics;
pub mod lsp;
pub mod model;
pub mod render;
pub mod rules;
pub mod span;
mod suppression;
#[doc(hidden)]
pub mod synthetic;
pub mod variables;
pub mod yaml;

use config::Settings;
use diagnostics::Diagnostic;
use model::{FileFormat, Service};
use span::{LineIndex, TextRange};
use yaml::{Yaml, YamlError, YamlErrorKind};

/// Everything ws-lint knows about one file.
#[derive(Debug)]
pub struct Analysis {
    pub yaml: Yaml,
    pub service: Service,
    pub line_index: LineIndex,
    /// Sorted by position, then code; no duplicates.
    pub diagnostics: Vec<Diagnostic>,
}

/// Lints one configuration file. `path` decides the format (`.json` or YAML) and nothing else.
pub fn analyze(text: &str, path: &str, settings: &Settings) -> Analysis {
    analyze_parsed(text, path, settings, Yaml::parse(text))
}

/// [`analyze`] with the tree already parsed (by an incremental re-parse, say): `yaml` must be
/// `Yaml::parse(text)` or equal to it.
pub fn analyze_parsed(text: &str, path: &str, settings: &Settings, mut yaml: Yaml) -> Analysis {
    let format = FileFormat::from_path(path);
    let line_index = LineIndex::new(text);
    if format == FileFormat::Json {
        // JSON.parse has the last word on what parses: its error replaces the YAML parser's,
        // and a file it accepts has no syntax error whatever the YAML parser thought.
        yaml.replace_syntax_errors(json_syntax_error(text, &line_index));
    }
    let service = Service::lower(&yaml);
    let parsed = !yaml
        .errors()
        .iter()
        .any(|e| e.kind == YamlErrorKind::Syntax);
    let ctx = rules::Context {
        text,
        yaml: &yaml,
        service: &service,
        format,
        variable_sources: &settings.variable_sources,
    };
    let mut diagnostics = Vec::new();
    for rule in rules::all() {
        let Some(check) = rule.check else { continue };
        let Some(severity) = settings.level(rule) else {
            continue;
        };
        // While the file does not parse, only the document rules speak: everything else would
        // be guessing from a partial tree.
        if !parsed && !rule.code.starts_with("WS00") {
            continue;
        }
        let start = diagnostics.len();
        check(&ctx, &mut diagnostics);
        // A rule may raise single findings above its default (WS205: `$LATEST` is an error);
        // a severity the user configured applies to all of them.
        let configured =
            settings.levels.contains_key(rule.code) || Some(severity) != rule.default_severity;
        for diagnostic in &mut diagnostics[start..] {
            if configured {
                diagnostic.severity = severity;
            }
        }
    }
    let mut diagnostics =
        suppression::apply(text, &yaml, &line_index, settings, diagnostics, parsed);
    sort_and_dedup(&mut diagnostics);
    Analysis {
        yaml,
        service,
        line_index,
        diagnostics,
    }
}

/// Fix rounds before giving up on a text whose fixes keep producing new fixes.
const MAX_FIX_ROUNDS: usize = 10;

/// The result of [`fix`]: the fixed text and its analysis.
#[derive(Debug)]
pub struct Fixed {
    pub text: String,
    /// Fixes applied over all rounds.
    pub applied: usize,
    /// The analysis of the fixed text (what is left).
    pub analysis: Analysis,
}

/// Applies fixes (the safe ones, or all with `include_unsafe`) round after round, re-linting in
/// between, until none applies. Overlapping fixes wait for the next round, so they never
/// corrupt each other. What `--fix` and the editor's "fix all" do.
pub fn fix(text: &str, path: &str, settings: &Settings, include_unsafe: bool) -> Fixed {
    let mut analysis = analyze(text, path, settings);
    let mut current = text.to_string();
    let mut applied = 0;
    for _ in 0..MAX_FIX_ROUNDS {
        let outcome = diagnostics::apply_fixes(&current, &analysis.diagnostics, include_unsafe);
        if outcome.applied == 0 || outcome.text == current {
            break;
        }
        applied += outcome.applied;
        current = outcome.text;
        analysis = analyze(&current, path, settings);
    }
    Fixed {
        text: current,
        applied,
        analysis,
    }
}

/// Output order: by position, then code, then message; exact repeats removed.
pub fn sort_and_dedup(diagnostics: &mut Vec<Diagnostic>) {
    diagnostics.sort_by(|a, b| {
        (a.range.start, a.range.end, a.code, &a.message).cmp(&(
            b.range.start,
            b.range.end,
            b.code,
            &b.message,
        ))
    });
    diagnostics.dedup_by(|a, b| a.code == b.code && a.range == b.range && a.message == b.message);
}

/// `serverless.json` is read with `JSON.parse`: comments, trailing commas and other YAML-only
/// syntax fail there even though a YAML parser takes them.
fn json_syntax_error(text: &str, index: &LineIndex) -> Option<YamlError> {
    let error = serde_json::from_str::<serde::de::IgnoredAny>(text).err()?;
    let line = error.line().saturating_sub(1);
    let line_start = index.line_start(line);
    let line_end = index.line_range(text, line).end;
    // serde_json counts the column in bytes, 1-based, pointing at the offending character.
    let at = span::floor_char_boundary(
        text,
        (line_start + error.column().saturating_sub(1)).min(line_end),
    );
    let message = error.to_string();
    let message = message
        .rsplit_once(" at line ")
        .map_or(message.as_str(), |(m, _)| m)
        .to_string();
    let end = text[at..]
        .chars()
        .next()
        .filter(|c| *c != '\n')
        .map_or(at, |c| at + c.len_utf8());
    Some(YamlError {
        kind: YamlErrorKind::Syntax,
        message,
        range: TextRange::new(at, end),
    })
}
