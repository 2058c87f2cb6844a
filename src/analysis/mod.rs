//! The analysis of a service: parse, resolve variables, lower the model, run every rule, then
//! place the findings (related definitions, included files, suppressions) and order them. Also
//! the fix loop ([`fix`]), which re-analyses between rounds.
//!
//! This layer sits on the rules: it uses `rules`, `resolve`, `model`, `suppression` and
//! `diagnostics`, and none of them uses it.

mod fix;
pub mod incremental;

pub use fix::{fix, AppliedFix, FixRefused, Fixed, MAX_FIX_ROUNDS};
pub use incremental::IncrementalAnalysis;

use crate::config::Settings;
use crate::diagnostics::{self, sort_and_dedup, Diagnostic};
use crate::files::{FileSource, ProjectFiles};
use crate::model::{FileFormat, Service};
use crate::span::{self, LineIndex, TextRange};
use crate::yaml::{self, Yaml, YamlError, YamlErrorKind};
use crate::{resolve, resolved, rules, suppression};
use rayon::prelude::*;
use std::path::Path;

/// Everything ws-lint knows about one file.
#[derive(Debug)]
pub struct Analysis {
    pub yaml: Yaml,
    pub service: Service,
    pub line_index: LineIndex,
    /// Sorted by position, then code; no duplicates.
    pub diagnostics: Vec<Diagnostic>,
}

/// Lints one configuration file. `path` decides the format (`.json` or YAML) and nothing else:
/// no other file is read, so `${file(...)}` values stay unknown (see [`analyze_service`]).
/// `${self:...}` values that resolve inside the file are checked as if written there.
pub fn analyze(text: &str, path: &str, settings: &Settings) -> Analysis {
    run(
        text,
        Path::new(path),
        settings,
        None,
        None,
        Yaml::parse(text),
    )
    .main
}

/// [`analyze`] with the tree already parsed (by an incremental re-parse, say): `yaml` must be
/// `Yaml::parse(text)` or equal to it.
pub fn analyze_parsed(text: &str, path: &str, settings: &Settings, yaml: Yaml) -> Analysis {
    run(text, Path::new(path), settings, None, None, yaml).main
}

/// One included file of a service, with the diagnostics that point into it.
#[derive(Debug)]
pub struct FileAnalysis {
    /// The service folder joined with the path as written in `${file(...)}`.
    pub path: String,
    pub text: String,
    pub line_index: LineIndex,
    /// Positions in this file's text; sorted, no duplicates.
    pub diagnostics: Vec<Diagnostic>,
}

/// A service linted as one: the main file and the files it includes.
#[derive(Debug)]
pub struct ServiceAnalysis {
    /// The main file. Its `yaml` is the whole service's arena: nodes of included files have
    /// ranges past the main text (at their document's `base`, see [`resolve`]); its
    /// `diagnostics` are those in the main file.
    pub main: Analysis,
    pub included: Vec<FileAnalysis>,
    /// Values holding variables that resolved to something known.
    pub resolved_values: usize,
}

/// Lints the service whose main file is `text` at `path`, reading the files it includes
/// (`${file(...)}`, relative to the folder of `path`) and its handlers through `files`, and
/// only those inside the project (see [`files::ProjectFiles`]: the nearest folder holding
/// `.git`, else the service folder, and `settings.include_roots`). Diagnostics inside an
/// included file are reported in that file. `path` need not be UTF-8.
pub fn analyze_service(
    text: &str,
    path: impl AsRef<Path>,
    settings: &Settings,
    files: &dyn FileSource,
) -> ServiceAnalysis {
    run(
        text,
        path.as_ref(),
        settings,
        Some(files),
        None,
        Yaml::parse(text),
    )
}

/// [`analyze_service`] with the configuration the framework resolved: values ws-lint cannot
/// know itself (`${env:...}`, `${ssm:...}`, JavaScript files...) are taken from it, and what
/// is found in them is reported where the variable is written (see [`resolved`]). Without
/// `files`, the text is linted on its own, as by [`analyze`].
pub fn analyze_service_resolved(
    text: &str,
    path: impl AsRef<Path>,
    settings: &Settings,
    files: Option<&dyn FileSource>,
    config: &resolved::ResolvedConfig,
) -> ServiceAnalysis {
    run(
        text,
        path.as_ref(),
        settings,
        files,
        Some(config),
        Yaml::parse(text),
    )
}

/// [`analyze_service`] with the main file's tree already parsed: `yaml` must be
/// `Yaml::parse(text)` or equal to it.
pub fn analyze_service_parsed(
    text: &str,
    path: impl AsRef<Path>,
    settings: &Settings,
    files: &dyn FileSource,
    yaml: Yaml,
) -> ServiceAnalysis {
    run(text, path.as_ref(), settings, Some(files), None, yaml)
}

fn run(
    text: &str,
    path: &Path,
    settings: &Settings,
    files: Option<&dyn FileSource>,
    resolved_config: Option<&resolved::ResolvedConfig>,
    mut yaml: Yaml,
) -> ServiceAnalysis {
    let format = FileFormat::from_path(&path.to_string_lossy());
    let dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
    // Every read and listing of the service's files goes through the project boundary.
    let project = files.map(|files| ProjectFiles::new(files, &dir, &settings.include_roots));
    let line_index = LineIndex::new(text);
    if format == FileFormat::Json {
        // JSON.parse has the last word on what parses: its error replaces the YAML parser's,
        // and a file it accepts has no syntax error whatever the YAML parser thought.
        yaml.replace_syntax_errors(json_syntax_error(text, &line_index));
    }
    let parsed = !yaml
        .errors()
        .iter()
        .any(|e| e.kind == YamlErrorKind::Syntax);
    // The main text, then each included file after a newline: one offset space for the service.
    let mut outcome = resolve::resolve(&mut yaml, text, path, project.as_ref());
    if let Some(config) = resolved_config {
        resolved::fill(&mut yaml, &mut outcome, config);
    }
    let combined: std::borrow::Cow<str> = match outcome.combined.take() {
        Some(combined) => std::borrow::Cow::Owned(combined),
        None => std::borrow::Cow::Borrowed(text),
    };
    // Sized like the document: a merge bomb costs no more than the document itself.
    let merge_sites = yaml.place_merges_at_use(yaml.len().max(10_000));
    let service = Service::lower(&yaml);
    let mut diagnostics = {
        let ctx = rules::Context::new(
            &combined,
            &yaml,
            &service,
            format,
            &settings.variable_sources,
        )
        .with_variable_values(std::mem::take(&mut outcome.variables))
        .with_files(project.as_ref(), &dir)
        .with_resolution(&outcome.missing, &outcome.over_budget);
        run_rules(&ctx, settings, parsed)
    };
    fix::keep_aliases_working(&yaml, &mut diagnostics);
    point_at_definitions(&yaml, &combined, &outcome.resolutions, &mut diagnostics);
    point_at_merge_anchors(&merge_sites, &mut diagnostics);
    let mut per_document = route(&outcome.documents, diagnostics);
    let main_diagnostics = per_document.remove(0);
    let with_files = project.is_some();
    let ran = |parsed: bool| {
        move |rule: &rules::Rule| {
            parsed && rule.check.is_some() && (with_files || !rules::reads_service_files(rule))
        }
    };
    let mut main_diagnostics = suppression::apply(
        text,
        &yaml,
        &line_index,
        settings,
        main_diagnostics,
        &ran(parsed),
    );
    sort_and_dedup(&mut main_diagnostics);
    fix::keep_line_endings(text, &mut main_diagnostics);
    let mut included = Vec::new();
    for (document, diagnostics) in outcome.documents.into_iter().skip(1).zip(per_document) {
        let line_index = LineIndex::new(&document.text);
        let parses = !document
            .yaml
            .errors()
            .iter()
            .any(|e| e.kind == YamlErrorKind::Syntax);
        let mut diagnostics = suppression::apply(
            &document.text,
            &document.yaml,
            &line_index,
            settings,
            diagnostics,
            &ran(parsed && parses),
        );
        sort_and_dedup(&mut diagnostics);
        fix::keep_line_endings(&document.text, &mut diagnostics);
        included.push(FileAnalysis {
            path: document.path,
            text: document.text,
            line_index,
            diagnostics,
        });
    }
    ServiceAnalysis {
        main: Analysis {
            yaml,
            service,
            line_index,
            diagnostics: main_diagnostics,
        },
        included,
        resolved_values: outcome.resolved_values,
    }
}

/// What [`analyze_alone`] found.
#[derive(Debug)]
pub struct AloneAnalysis {
    /// Findings in the resolved configuration: each names its configuration path
    /// ([`Diagnostic::config_path`]), its range is empty and it has no fix (there is no text
    /// to point into or edit).
    pub diagnostics: Vec<Diagnostic>,
    /// Files the configuration still includes (a `${file(...)}` the framework left alone), with
    /// their own positions.
    pub included: Vec<FileAnalysis>,
}

/// Lints a resolved configuration whose service has no YAML or JSON text (`path`, the
/// `serverless.ts` or `serverless.js` it came from, is not read: its folder is where handlers
/// are looked up).
pub fn analyze_alone(
    config: &resolved::ResolvedConfig,
    path: &str,
    settings: &Settings,
    files: &dyn FileSource,
) -> AloneAnalysis {
    let text = serde_json::to_string_pretty(config.value()).unwrap_or_default();
    // Linted as JSON (the values are typed, as the framework holds them), in the service folder.
    let as_json = Path::new(path)
        .with_file_name("serverless.resolved.json")
        .to_string_lossy()
        .into_owned();
    let service = analyze_service(&text, &as_json, settings, files);
    let yaml = &service.main.yaml;
    let path_of = |range: TextRange| -> String {
        resolved::node_covering(yaml, range)
            .and_then(|node| resolved::config_path(yaml, node))
            .map(|path| resolved::display_path(&path))
            .unwrap_or_default()
    };
    let diagnostics = service
        .main
        .diagnostics
        .into_iter()
        .map(|mut diagnostic| {
            diagnostic.config_path = Some(path_of(diagnostic.range));
            diagnostic.range = TextRange::empty(0);
            diagnostic.fix = None;
            for related in &mut diagnostic.related {
                if related.path.is_none() {
                    let at = path_of(related.range);
                    related.message = format!("{} (at `{at}`)", related.message);
                    related.range = TextRange::empty(0);
                }
            }
            diagnostic
        })
        .collect();
    AloneAnalysis {
        diagnostics,
        included: service.included,
    }
}

/// Runs every rule that is on, each finding at the severity configured for its rule, in
/// catalog order. While the file does not parse, only the document rules run: everything else
/// would be guessing from a partial tree.
fn run_rules(ctx: &rules::Context, settings: &Settings, parsed: bool) -> Vec<Diagnostic> {
    let severity_of = |rule: &'static rules::Rule| {
        let severity = settings.level(rule)?;
        if !parsed && !rule.code.starts_with("WS00") {
            return None;
        }
        Some(severity)
    };
    // Once the facts they share are known the rules are independent: they run on every core,
    // and their findings are gathered in catalog order.
    ctx.prepare_shared();
    let found: Vec<_> = rules::all()
        .par_iter()
        .filter_map(|&rule| {
            let check = rule.check?;
            let severity = severity_of(rule)?;
            let mut out = Vec::new();
            check(ctx, &mut out);
            Some((rule, severity, out))
        })
        .collect();
    let mut diagnostics = Vec::new();
    for (rule, severity, mut out) in found {
        // A rule may raise single findings above its default (WS205: `$LATEST` is an error);
        // a severity the user configured applies to all of them.
        let configured =
            settings.levels.contains_key(rule.code) || Some(severity) != rule.default_severity;
        if configured {
            for diagnostic in &mut out {
                diagnostic.severity = severity;
            }
        }
        diagnostics.append(&mut out);
    }
    diagnostics
}

/// A diagnostic about a value that came through a variable stays where the variable is used
/// and points at where the value is defined. Its fix is dropped when it would edit the
/// variable: a `${...}` is never overwritten with a literal (only with a variable).
fn point_at_definitions(
    yaml: &Yaml,
    text: &str,
    resolutions: &[resolve::Resolution],
    diagnostics: &mut [Diagnostic],
) {
    if resolutions.is_empty() {
        return;
    }
    // The values that hold variables are scalars, so their ranges never nest: sorted by start,
    // their ends are sorted too, and the few that can touch a range are found by bisection
    // (comparing every diagnostic with every resolution was quadratic on large services).
    let mut by_start: Vec<(TextRange, usize)> = resolutions
        .iter()
        .enumerate()
        .map(|(i, r)| (yaml.range(r.node), i))
        .collect();
    by_start.sort_by_key(|(range, _)| (range.start, range.end));
    let touching = |r: TextRange, out: &mut Vec<usize>| {
        let after = by_start.partition_point(|(used, _)| used.start <= r.end);
        out.extend(
            by_start[..after]
                .iter()
                .rev()
                .take_while(|(used, _)| used.end >= r.start)
                .map(|(_, i)| *i),
        );
    };
    let mut candidates = Vec::new();
    for diagnostic in diagnostics.iter_mut() {
        candidates.clear();
        touching(diagnostic.range, &mut candidates);
        for edit in diagnostic.fix.iter().flat_map(|f| &f.edits) {
            touching(edit.range, &mut candidates);
        }
        candidates.sort_unstable();
        candidates.dedup();
        for resolution in candidates.iter().map(|&i| &resolutions[i]) {
            let used = yaml.range(resolution.node);
            let overlaps = |r: TextRange| {
                r.start < used.end && used.start < r.end
                    || (r.start == r.end && used.start < r.start && r.start < used.end)
            };
            // Rewriting a `${...}` as the same variable (WS606 removing the space) keeps it.
            let rewrites_variable = |e: &diagnostics::Edit| {
                let parsed = crate::variables::parse(&e.text);
                matches!(parsed.segments.as_slice(), [crate::variables::Segment::Variable(v)]
                    if v.span.start == 0 && v.span.end == e.text.len())
            };
            if diagnostic.fix.as_ref().is_some_and(|f| {
                f.edits
                    .iter()
                    .any(|e| overlaps(e.range) && !rewrites_variable(e))
            }) {
                diagnostic.fix = None;
            }
            let inside = used.start <= diagnostic.range.start && diagnostic.range.end <= used.end;
            if !inside {
                continue;
            }
            let Some(definition) = resolution.definition else {
                continue;
            };
            let range = yaml.range(definition);
            if diagnostic.related.iter().any(|r| r.range == range) || range == used {
                continue;
            }
            let written = text.get(used.as_range()).unwrap_or("").trim();
            let message = if written.chars().count() <= 60 {
                format!("{} takes its value from here", diagnostics::quote(written))
            } else {
                "the variable takes its value from here".to_string()
            };
            diagnostic.related.push(diagnostics::Related {
                path: None,
                range,
                message,
            });
        }
    }
}

/// A finding about a value merged in by `<<` already points at that `<<` (its copy sits there,
/// `Yaml::place_merges_at_use`): the anchor it comes from becomes a related location, and a
/// fix is dropped when it would edit inside the `<<` entry, which holds no value to edit.
fn point_at_merge_anchors(sites: &[yaml::MergeSite], diagnostics: &mut [Diagnostic]) {
    if sites.is_empty() {
        return;
    }
    let anchors: rustc_hash::FxHashMap<TextRange, TextRange> =
        sites.iter().map(|s| (s.site, s.anchor)).collect();
    for diagnostic in diagnostics.iter_mut() {
        if let Some(&anchor) = anchors.get(&diagnostic.range) {
            if !diagnostic.related.iter().any(|r| r.range == anchor) {
                diagnostic.related.push(diagnostics::Related {
                    path: None,
                    range: anchor,
                    message: "the value is merged in from this anchor".to_string(),
                });
            }
        }
        // An edit inside a `<<` (or cutting through it) would write a value over the merge
        // key; one that takes the whole entry along (removing the mapping) is fine.
        let touches_a_site = |e: &diagnostics::Edit| {
            sites.iter().any(|s| {
                let (edit, site) = (e.range, s.site);
                let inside = site.start <= edit.start && edit.end <= site.end;
                let cuts = edit.start < site.end && site.start < edit.end;
                let covers = edit.start <= site.start && site.end <= edit.end;
                inside || (cuts && !covers)
            })
        };
        if diagnostic
            .fix
            .as_ref()
            .is_some_and(|f| f.edits.iter().any(touches_a_site))
        {
            diagnostic.fix = None;
        }
    }
}

/// Splits diagnostics by the document they point into, with positions in that document's
/// text. Related locations in another document name its path; a fix editing another document
/// than its diagnostic's is dropped.
fn route(documents: &[resolve::Document], diagnostics: Vec<Diagnostic>) -> Vec<Vec<Diagnostic>> {
    let document_of = |offset: usize| -> usize {
        documents
            .iter()
            .rposition(|d| d.base <= offset)
            .unwrap_or(0)
    };
    let local = |r: TextRange, d: usize| {
        let base = documents.get(d).map_or(0, |d| d.base);
        TextRange::new(
            r.start - base,
            r.end.saturating_sub(base).max(r.start - base),
        )
    };
    let mut out: Vec<Vec<Diagnostic>> = documents.iter().map(|_| Vec::new()).collect();
    if out.is_empty() {
        out.push(Vec::new());
    }
    for mut diagnostic in diagnostics {
        let home = document_of(diagnostic.range.start);
        diagnostic.range = local(diagnostic.range, home);
        for related in &mut diagnostic.related {
            let there = document_of(related.range.start);
            related.range = local(related.range, there);
            if there != home && related.path.is_none() {
                related.path = documents.get(there).map(|d| d.path.clone());
            }
        }
        if let Some(fix) = &mut diagnostic.fix {
            if fix.edits.iter().all(|e| document_of(e.range.start) == home) {
                for edit in &mut fix.edits {
                    edit.range = local(edit.range, home);
                }
            } else {
                diagnostic.fix = None;
            }
        }
        if let Some(slot) = out.get_mut(home) {
            slot.push(diagnostic);
        }
    }
    out
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::files::MemoryFiles;

    const SERVICE: &str = "service: chat\nprovider:\n  name: aws\n  runtime: nodejs20.x\n\
                           functions:\n  connect:\n    handler: src/missing.connect # ws-lint: ignore[WS702]\n    \
                           events:\n      - websocket: $connect\n";

    fn codes(diagnostics: &[Diagnostic]) -> Vec<&'static str> {
        diagnostics.iter().map(|d| d.code).collect()
    }

    #[test]
    fn rules_that_read_files_run_with_the_service_files_only() {
        let text = SERVICE.replace(" # ws-lint: ignore[WS702]", "");
        let files = MemoryFiles::new().with("svc/serverless.yml", text.as_str());
        let service = analyze_service(&text, "svc/serverless.yml", &Settings::default(), &files);
        assert_eq!(codes(&service.main.diagnostics), ["WS702"]);
        // On its own the text names no folder to look in: nothing to say about the handler.
        let alone = analyze(&text, "svc/serverless.yml", &Settings::default());
        assert_eq!(codes(&alone.diagnostics), Vec::<&str>::new());
    }

    #[test]
    fn a_suppression_of_a_rule_that_could_not_run_is_not_unused() {
        // Linted on its own, WS702 did not run: its suppression may well be needed.
        let alone = analyze(SERVICE, "svc/serverless.yml", &Settings::default());
        assert_eq!(codes(&alone.diagnostics), Vec::<&str>::new());
        let files = MemoryFiles::new().with("svc/serverless.yml", SERVICE);
        let service = analyze_service(SERVICE, "svc/serverless.yml", &Settings::default(), &files);
        assert_eq!(codes(&service.main.diagnostics), Vec::<&str>::new());
        // With the handler there, the suppression has nothing left to do.
        let files = files.with("svc/src/missing.js", "exports.connect = () => {};\n");
        let service = analyze_service(SERVICE, "svc/serverless.yml", &Settings::default(), &files);
        assert_eq!(codes(&service.main.diagnostics), ["WS901"]);
    }
}
