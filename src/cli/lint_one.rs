//! One input linted: read, fixed if asked, analysed with the service around it, the fix
//! written back; everything the run reports about it returned in a [`FileOutcome`].

use std::path::Path;

use crate::files::DiskFiles;
use crate::render::FileReport;
use crate::resolved::ResolvedConfig;

use super::discover::{Input, Source};
use super::io::{drop_in_background, read_named_file, unified_diff, write_atomically};

/// What `--fix` and `--diff` ask for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Fixes {
    /// Report only.
    Off,
    /// Apply the fixes: written to the file, or to stdout for stdin.
    Write,
    /// Show the change the fixes would make, write nothing.
    Diff,
}

/// What every input of a run shares.
pub(super) struct RunOptions<'a> {
    pub(super) fixes: Fixes,
    pub(super) unsafe_fixes: bool,
    /// `--resolved`.
    pub(super) resolved: Option<&'a ResolvedConfig>,
    /// What was read from stdin, when an input is stdin.
    pub(super) stdin: Option<&'a [u8]>,
}

/// Everything about one input, for the run to print once all are done.
#[derive(Default)]
pub(super) struct FileOutcome {
    /// The input's report, then those of the files it includes; empty when it could not be
    /// linted.
    pub(super) reports: Vec<FileReport>,
    /// Why it could not be linted or its fixes not written (exit code 2).
    pub(super) errors: Vec<String>,
    /// Fixes applied (or, with `--diff`, that would be).
    pub(super) fixes_applied: usize,
    /// `--diff`: the change, when there is one.
    pub(super) diff: Option<String>,
    /// `--fix` on stdin: the fixed text, which goes to stdout.
    pub(super) fixed_stdin: Option<String>,
}

impl FileOutcome {
    fn failed(error: String) -> FileOutcome {
        FileOutcome {
            errors: vec![error],
            ..FileOutcome::default()
        }
    }
}

/// Lints one input. Reads only the input and what its service reads (inside the project);
/// writes only the input, and only with [`Fixes::Write`].
pub(super) fn lint_one(input: &Input, run: &RunOptions<'_>) -> FileOutcome {
    match (&input.source, run.resolved) {
        (Source::ResolvedOnly(_), Some(resolved)) => lint_resolved_only(input, resolved),
        // Made only with `--resolved`: without it there is nothing to lint.
        (Source::ResolvedOnly(_), None) => FileOutcome::default(),
        (Source::Stdin | Source::File(_), _) => lint_text(input, run),
    }
}

/// A serverless.ts or serverless.js: the configuration the framework resolved, linted alone.
fn lint_resolved_only(input: &Input, resolved: &ResolvedConfig) -> FileOutcome {
    let settings = match &input.settings {
        Ok(settings) => settings,
        Err(message) => return FileOutcome::failed(message.clone()),
    };
    let found = crate::analysis::analyze_alone(resolved, &input.display, settings, &DiskFiles);
    let mut reports = vec![FileReport::resolved_only(
        input.display.clone(),
        found.diagnostics,
    )];
    reports.extend(
        found
            .included
            .into_iter()
            .map(|file| FileReport::new(file.path, file.text, file.diagnostics)),
    );
    FileOutcome {
        reports,
        ..FileOutcome::default()
    }
}

/// A configuration file (or stdin) ws-lint reads itself.
fn lint_text(input: &Input, run: &RunOptions<'_>) -> FileOutcome {
    let is_stdin = matches!(input.source, Source::Stdin);
    let bytes = match &input.source {
        Source::File(path) => match read_named_file(path) {
            Ok(bytes) => bytes,
            Err(e) => return FileOutcome::failed(format!("{}: {e}", input.display)),
        },
        Source::Stdin | Source::ResolvedOnly(_) => run.stdin.unwrap_or_default().to_vec(),
    };
    let original = match String::from_utf8(bytes) {
        Ok(text) => text,
        Err(e) => {
            let at = e.utf8_error().valid_up_to();
            return FileOutcome::failed(format!(
                "{}: not UTF-8 (invalid byte at offset {at}); save the file as UTF-8",
                input.display
            ));
        }
    };
    let settings = match &input.settings {
        Ok(settings) => settings,
        Err(message) => return FileOutcome::failed(message.clone()),
    };
    let mut outcome = FileOutcome::default();

    // The fixed text, when fixes were asked for (no copy of a text that stays as it was), and
    // the analysis of what stdin became: stdin is analysed on its own.
    let (fixed, stdin_analysis) = if run.fixes != Fixes::Off {
        // Fixes apply to the linted file only.
        let fixed = crate::fix(&original, &input.display, settings, run.unsafe_fixes);
        if let Some(refused) = &fixed.refused {
            // The last line of defence: a file that would stop parsing is not written.
            outcome
                .errors
                .push(format!("{}: no fix written: {refused}", input.display));
        }
        outcome.fixes_applied = fixed.applied;
        (Some(fixed.text), Some(fixed.analysis))
    } else if is_stdin {
        let analysis = match run.resolved {
            Some(resolved) => {
                crate::analyze_service_resolved(&original, &input.display, settings, None, resolved)
                    .main
            }
            None => crate::analyze(&original, &input.display, settings),
        };
        (None, Some(analysis))
    } else {
        (None, None)
    };
    let current = fixed.as_deref().unwrap_or(&original);
    // A file on disk is linted with the service around it: what it includes, its handlers.
    // Stdin stays on its own.
    let (diagnostics, included) = match (is_stdin, stdin_analysis) {
        (true, Some(analysis)) => (analysis.diagnostics, Vec::new()),
        _ => {
            // The path itself, not its display: a folder whose name is not UTF-8 must still be
            // found for includes and handlers.
            let path = match &input.source {
                Source::File(path) => path.as_path(),
                Source::Stdin | Source::ResolvedOnly(_) => Path::new(&input.display),
            };
            let service = match run.resolved {
                Some(resolved) => crate::analyze_service_resolved(
                    current,
                    path,
                    settings,
                    Some(&DiskFiles),
                    resolved,
                ),
                None => crate::analyze_service(current, path, settings, &DiskFiles),
            };
            let crate::Analysis {
                yaml,
                service: model,
                line_index,
                diagnostics,
            } = service.main;
            // Only the diagnostics are reported: the tree and model are freed off the critical
            // path (the process may exit first).
            drop_in_background((yaml, model, line_index));
            (diagnostics, service.included)
        }
    };

    match (run.fixes, &input.source) {
        (Fixes::Off, _) => {}
        (Fixes::Diff, _) => {
            if current != original {
                outcome.diff = Some(unified_diff(&input.display, &original, current));
            }
        }
        // Even with nothing fixed: the text must come back for whoever piped it in.
        (Fixes::Write, Source::Stdin) => outcome.fixed_stdin = Some(current.to_string()),
        (Fixes::Write, Source::File(path)) => {
            if current != original {
                if let Err(e) = write_atomically(path, original.as_bytes(), current) {
                    outcome
                        .errors
                        .push(format!("{}: cannot write fixes: {e}", input.display));
                    return outcome;
                }
            }
        }
        // Never linted from text: nothing was fixed.
        (Fixes::Write, Source::ResolvedOnly(_)) => {}
    }

    let text = match fixed {
        Some(fixed) if run.fixes != Fixes::Diff => fixed,
        _ => original,
    };
    outcome
        .reports
        .push(FileReport::new(input.display.clone(), text, diagnostics));
    // Included files are reported with their own paths; `--fix` edits only the file it was
    // given, so their diagnostics offer no fix here.
    outcome.reports.extend(included.into_iter().map(|file| {
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
    outcome
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use super::*;
    use crate::config::Settings;

    const CLEAN: &str = include_str!("../../tests/fixtures/ok/minimal.yml");

    /// A suppression that suppresses nothing: WS901, whose fix (safe) removes it.
    fn with_unused_suppression() -> String {
        CLEAN.replacen(
            "service: chat\n",
            "service: chat # ws-lint: ignore[WS201]\n",
            1,
        )
    }

    /// An authorizer on a route other than `$connect`: WS201.
    fn with_ws201() -> String {
        format!("{CLEAN}  message:\n    handler: handler.message\n    events:\n      - websocket:\n          route: sendMessage\n          authorizer: auth\n")
    }

    /// A project holding `serverless.yml` with `text` and the handlers it names.
    fn project(text: impl AsRef<[u8]>) -> (tempfile::TempDir, PathBuf) {
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::create_dir(dir.path().join(".git")).expect("mkdir");
        std::fs::write(dir.path().join("handler.js"), "").expect("write");
        let file = dir.path().join("serverless.yml");
        std::fs::write(&file, text).expect("write");
        (dir, file)
    }

    fn file_input(path: &Path) -> Input {
        Input {
            display: "serverless.yml".to_string(),
            source: Source::File(path.to_path_buf()),
            settings: Ok(Settings::default()),
        }
    }

    fn options(fixes: Fixes) -> RunOptions<'static> {
        RunOptions {
            fixes,
            unsafe_fixes: false,
            resolved: None,
            stdin: None,
        }
    }

    fn codes(outcome: &FileOutcome) -> Vec<&str> {
        outcome
            .reports
            .iter()
            .flat_map(|r| &r.diagnostics)
            .map(|d| d.code)
            .collect()
    }

    #[test]
    fn a_file_is_reported_with_its_settings_and_left_as_it_is() {
        let (_dir, file) = project(with_ws201());
        let outcome = lint_one(&file_input(&file), &options(Fixes::Off));
        assert_eq!(codes(&outcome), ["WS201"]);
        assert!(outcome.errors.is_empty(), "{:?}", outcome.errors);
        assert_eq!(outcome.reports[0].path, "serverless.yml");
        assert_eq!(outcome.reports[0].text, with_ws201());
        assert!(outcome.diff.is_none() && outcome.fixed_stdin.is_none());
        assert_eq!(outcome.fixes_applied, 0);

        let mut input = file_input(&file);
        input.settings = Ok(Settings {
            ignore: vec!["WS201"],
            ..Settings::default()
        });
        assert!(codes(&lint_one(&input, &options(Fixes::Off))).is_empty());
    }

    #[test]
    fn diff_shows_the_change_and_writes_nothing() {
        let (_dir, file) = project(with_unused_suppression());
        let outcome = lint_one(&file_input(&file), &options(Fixes::Diff));
        let diff = outcome.diff.as_deref().expect("a diff");
        assert!(
            diff.starts_with("--- a/serverless.yml\n+++ b/serverless.yml\n"),
            "{diff}"
        );
        assert!(
            diff.contains("-service: chat # ws-lint: ignore[WS201]\n+service: chat\n"),
            "{diff}"
        );
        assert_eq!(outcome.fixes_applied, 1);
        assert_eq!(
            std::fs::read_to_string(&file).unwrap(),
            with_unused_suppression()
        );
        // The report shows the file as it is on disk.
        assert_eq!(outcome.reports[0].text, with_unused_suppression());
        assert!(outcome.errors.is_empty(), "{:?}", outcome.errors);
    }

    #[test]
    fn fix_writes_the_file_and_reports_what_is_left() {
        let (_dir, file) = project(with_unused_suppression());
        let outcome = lint_one(&file_input(&file), &options(Fixes::Write));
        assert_eq!(std::fs::read_to_string(&file).unwrap(), CLEAN);
        assert_eq!(outcome.fixes_applied, 1);
        assert!(codes(&outcome).is_empty(), "{:?}", codes(&outcome));
        assert_eq!(outcome.reports[0].text, CLEAN);
        assert!(outcome.diff.is_none() && outcome.fixed_stdin.is_none());
    }

    #[test]
    fn fix_on_stdin_hands_the_text_back_even_when_nothing_changed() {
        let run = |text: &str| {
            let input = Input {
                display: "<stdin>".to_string(),
                source: Source::Stdin,
                settings: Ok(Settings::default()),
            };
            let options = RunOptions {
                stdin: Some(text.as_bytes()),
                ..options(Fixes::Write)
            };
            lint_one(&input, &options)
        };
        let outcome = run(&with_unused_suppression());
        assert_eq!(outcome.fixed_stdin.as_deref(), Some(CLEAN));
        assert_eq!(outcome.fixes_applied, 1);
        // WS201's fix is unsafe: nothing changes, and the text still comes back.
        let outcome = run(&with_ws201());
        assert_eq!(outcome.fixed_stdin.as_deref(), Some(with_ws201().as_str()));
        assert_eq!(codes(&outcome), ["WS201"]);
    }

    #[test]
    fn what_cannot_be_linted_is_an_error_and_no_report() {
        let (dir, file) = project(b"service: \xff\n");
        let outcome = lint_one(&file_input(&file), &options(Fixes::Write));
        assert_eq!(
            outcome.errors,
            ["serverless.yml: not UTF-8 (invalid byte at offset 9); save the file as UTF-8"]
        );
        assert!(outcome.reports.is_empty());
        assert_eq!(std::fs::read(&file).unwrap(), b"service: \xff\n");

        let missing = file_input(&dir.path().join("missing.yml"));
        let outcome = lint_one(&missing, &options(Fixes::Off));
        assert!(
            outcome.errors[0].contains("cannot read"),
            "{:?}",
            outcome.errors
        );
        assert!(outcome.reports.is_empty());

        std::fs::write(&file, with_unused_suppression()).expect("write");
        let mut input = file_input(&file);
        input.settings = Err("ws-lint.toml:1:1: bad".to_string());
        let outcome = lint_one(&input, &options(Fixes::Write));
        assert_eq!(outcome.errors, ["ws-lint.toml:1:1: bad"]);
        assert!(outcome.reports.is_empty());
        // A file whose configuration is broken is not fixed either.
        assert_eq!(
            std::fs::read_to_string(&file).unwrap(),
            with_unused_suppression()
        );
    }
}
