//! Fixing a file: the one loop `ws-lint --fix`/`--diff` and the editor's "fix all" share, and
//! the checks that keep a fix from changing more than its diagnostic is about.
//!
//! - Rounds, as ruff does: each round applies the fixes of a fresh analysis that do not
//!   interfere, then the text is linted again. A fix whose diagnostic is gone after an earlier
//!   round is never applied, since it is never seen again.
//! - Two fixes interfere when their edits overlap, when one edits what the other's diagnostic
//!   points at (its range, its related locations), or when both are about the same websocket
//!   event: `route: connect` + `authorizer: auth` gets WS102 in one round and, on `$connect`,
//!   no WS201 in the next.
//! - A fix that would remove or rewrite an anchor that an alias uses, or change what an alias
//!   repeats, is not offered ([`keep_aliases_working`]).
//! - New lines in a fix follow the line endings of the file ([`keep_line_endings`]).
//! - Last line of defence: each round's text is parsed again; a round that adds a syntax error
//!   stops everything, the original text is kept and the fix at fault is named.

use super::Analysis;
use crate::config::Settings;
use crate::diagnostics::{apply_edits, Diagnostic, Edit, Fix};
use crate::span::{LineIndex, TextRange};
use crate::yaml::{NodeKind, Yaml, YamlErrorKind};

/// Fix rounds before giving up on a text whose fixes keep producing new fixes.
pub const MAX_FIX_ROUNDS: usize = 10;

/// One fix as it went in.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AppliedFix {
    pub code: &'static str,
    /// The fix's own message ("remove the authorizer").
    pub message: String,
    /// The diagnostic's range, in the text of its round.
    pub range: TextRange,
    /// The edits, in the text of its round.
    pub edits: Vec<Edit>,
}

/// Why nothing was fixed: a round would have made the file invalid.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FixRefused {
    pub code: &'static str,
    pub message: String,
    /// 1-based line of the fix's diagnostic, in the text its round started from (the original
    /// text for the first round).
    pub line: usize,
    /// The syntax error the fix would have introduced.
    pub error: String,
}

impl std::fmt::Display for FixRefused {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "the {} fix at line {} ({}) would make the file invalid ({})",
            self.code, self.line, self.message, self.error
        )
    }
}

/// The result of [`fix`].
#[derive(Debug)]
pub struct Fixed {
    /// The fixed text; the original when a round was refused.
    pub text: String,
    /// Fixes applied over all rounds.
    pub applied: usize,
    /// The fixes of each round, in order: replaying their edits round by round on the original
    /// text gives `text`, and nothing else changed.
    pub rounds: Vec<Vec<AppliedFix>>,
    /// The analysis of `text` (what is left).
    pub analysis: Analysis,
    /// Set when a round would have broken the file: then nothing is fixed.
    pub refused: Option<FixRefused>,
}

/// Applies fixes (the safe ones, or all with `include_unsafe`) round after round, re-linting in
/// between, until none applies or [`MAX_FIX_ROUNDS`] have run. Pure: text in, text out. What
/// `--fix`, `--diff` and the editor's "fix all" do.
pub fn fix(text: &str, path: &str, settings: &Settings, include_unsafe: bool) -> Fixed {
    let original = super::analyze(text, path, settings);
    fix_from(text, path, settings, include_unsafe, original)
}

/// [`fix`] from the analysis of `text` already made.
fn fix_from(
    text: &str,
    path: &str,
    settings: &Settings,
    include_unsafe: bool,
    original: Analysis,
) -> Fixed {
    let mut analysis = None::<Analysis>;
    let mut current = text.to_string();
    let mut rounds = Vec::new();
    for _ in 0..MAX_FIX_ROUNDS {
        let last = analysis.as_ref().unwrap_or(&original);
        let chosen = plan_round(&current, last, include_unsafe);
        if chosen.is_empty() {
            break;
        }
        let edits: Vec<Edit> = chosen
            .iter()
            .flat_map(|d| d.fix.iter().flat_map(|f| f.edits.iter().cloned()))
            .collect();
        let Some(next) = apply_edits(&current, &edits).filter(|next| *next != current) else {
            break;
        };
        let next_analysis = super::analyze(&next, path, settings);
        if let Some(error) = new_syntax_error(&last.yaml, &next_analysis.yaml) {
            let refused = blame(&current, path, settings, &chosen, last, error);
            return Fixed {
                text: text.to_string(),
                applied: 0,
                rounds: Vec::new(),
                analysis: original,
                refused: Some(refused),
            };
        }
        rounds.push(
            chosen
                .iter()
                .filter_map(|d| {
                    let fix = d.fix.as_ref()?;
                    Some(AppliedFix {
                        code: d.code,
                        message: fix.message.clone(),
                        range: d.range,
                        edits: fix.edits.clone(),
                    })
                })
                .collect(),
        );
        current = next;
        analysis = Some(next_analysis);
    }
    Fixed {
        text: current,
        applied: rounds.iter().map(Vec::len).sum(),
        rounds,
        analysis: analysis.unwrap_or(original),
        refused: None,
    }
}

/// The fixes of one round: in source order, each fix that does not interfere with one taken
/// before it (see the module documentation).
fn plan_round<'a>(text: &str, analysis: &'a Analysis, include_unsafe: bool) -> Vec<&'a Diagnostic> {
    let events = event_spans(&analysis.yaml, analysis);
    let mut candidates: Vec<(&Diagnostic, &Fix)> = analysis
        .diagnostics
        .iter()
        .filter_map(|d| Some((d, d.fix.as_ref()?)))
        .filter(|(_, f)| (f.safe || include_unsafe) && !f.edits.is_empty())
        .collect();
    candidates.sort_by_key(|(d, f)| (f.edits.iter().map(|e| e.range.start).min(), d.range.start));
    let mut taken: Vec<(&Diagnostic, &Fix, Vec<usize>)> = Vec::new();
    for (diagnostic, fix) in candidates {
        let subjects = subjects_of(&events, diagnostic, fix);
        let interferes = taken.iter().any(|(other, other_fix, other_subjects)| {
            edits_overlap(fix, other_fix)
                || writes_what_is_read(fix, other)
                || writes_what_is_read(other_fix, diagnostic)
                || subjects.iter().any(|s| other_subjects.contains(s))
        });
        if interferes {
            continue;
        }
        // Edits out of bounds, splitting a character or overlapping each other: never applied.
        if !applies(text, &fix.edits) {
            continue;
        }
        taken.push((diagnostic, fix, subjects));
    }
    taken.into_iter().map(|(d, _, _)| d).collect()
}

/// Whether `edits` apply to `text` (what [`apply_edits`] checks, without building the text:
/// a large file with many fixes would otherwise be copied once per fix).
fn applies(text: &str, edits: &[Edit]) -> bool {
    let mut ranges: Vec<TextRange> = edits.iter().map(|e| e.range).collect();
    ranges.sort_by_key(|r| (r.start, r.end));
    let mut at = 0;
    for range in ranges {
        if range.start < at
            || range.start > range.end
            || range.end > text.len()
            || !text.is_char_boundary(range.start)
            || !text.is_char_boundary(range.end)
        {
            return false;
        }
        at = range.end;
    }
    true
}

fn edits_overlap(a: &Fix, b: &Fix) -> bool {
    a.edits.iter().any(|x| {
        b.edits.iter().any(|y| {
            x.range.start < y.range.end && y.range.start < x.range.end
                || x.range.start == y.range.start
        })
    })
}

/// Whether an edit of `fix` touches (or borders) what `diagnostic` was computed from: its own
/// range and its related locations in the same file.
fn writes_what_is_read(fix: &Fix, diagnostic: &Diagnostic) -> bool {
    let reads = std::iter::once(diagnostic.range).chain(
        diagnostic
            .related
            .iter()
            .filter(|r| r.path.is_none())
            .map(|r| r.range),
    );
    let reads: Vec<TextRange> = reads.collect();
    fix.edits.iter().any(|edit| {
        reads
            .iter()
            .any(|r| edit.range.start <= r.end && r.start <= edit.range.end)
    })
}

/// Each websocket event as the text ranges it is written in: its `events` item, and the
/// mapping an alias there stands for.
fn event_spans(yaml: &Yaml, analysis: &Analysis) -> Vec<Vec<TextRange>> {
    analysis
        .service
        .events
        .iter()
        .map(|event| {
            let mut spans = vec![yaml.range(event.item)];
            let resolved = yaml.resolve(event.value);
            if resolved != event.value {
                spans.push(yaml.range(resolved));
            }
            spans
        })
        .collect()
}

/// The events a fix is about: those holding its diagnostic or one of its edits.
fn subjects_of(events: &[Vec<TextRange>], diagnostic: &Diagnostic, fix: &Fix) -> Vec<usize> {
    let ranges: Vec<TextRange> = std::iter::once(diagnostic.range)
        .chain(fix.edits.iter().map(|e| e.range))
        .collect();
    events
        .iter()
        .enumerate()
        .filter(|(_, spans)| {
            spans.iter().any(|span| {
                ranges
                    .iter()
                    .any(|r| span.start <= r.start && r.end <= span.end)
            })
        })
        .map(|(i, _)| i)
        .collect()
}

/// A syntax error (or duplicate key) in `after` that `before` did not have, compared without
/// positions.
fn new_syntax_error(before: &Yaml, after: &Yaml) -> Option<String> {
    let signature = |message: &str, kind: &YamlErrorKind| {
        let message: String = message.chars().filter(|c| !c.is_ascii_digit()).collect();
        (format!("{kind:?}"), message)
    };
    let mut old: Vec<(String, String)> = before
        .errors()
        .iter()
        .map(|e| signature(&e.message, &e.kind))
        .collect();
    for error in after.errors() {
        let key = signature(&error.message, &error.kind);
        match old.iter().position(|o| *o == key) {
            Some(i) => {
                old.swap_remove(i);
            }
            None => return Some(error.message.clone()),
        }
    }
    None
}

/// The fix of a refused round that breaks the file on its own (the first of them in source
/// order), or the first fix of the round when only their combination does.
fn blame(
    text: &str,
    path: &str,
    settings: &Settings,
    chosen: &[&Diagnostic],
    analysis: &Analysis,
    round_error: String,
) -> FixRefused {
    let line_index = LineIndex::new(text);
    let refusal = |d: &Diagnostic, error: String| FixRefused {
        code: d.code,
        message: d
            .fix
            .as_ref()
            .map_or_else(String::new, |f| f.message.clone()),
        line: line_index.line_of(d.range.start) + 1,
        error,
    };
    for diagnostic in chosen {
        let Some(fix) = &diagnostic.fix else { continue };
        let Some(alone) = apply_edits(text, &fix.edits) else {
            continue;
        };
        let after = super::analyze(&alone, path, settings);
        if let Some(error) = new_syntax_error(&analysis.yaml, &after.yaml) {
            return refusal(diagnostic, error);
        }
    }
    match chosen.first() {
        Some(first) => refusal(first, round_error),
        None => FixRefused {
            code: "",
            message: String::new(),
            line: 0,
            error: round_error,
        },
    }
}

/// Drops the fixes that would break an alias: removing or rewriting the anchor it names (the
/// written file would fail to load with `unidentified alias`), or editing inside the anchored
/// node, which would change every place the alias repeats it, not just the one the diagnostic
/// is about.
pub(crate) fn keep_aliases_working(yaml: &Yaml, diagnostics: &mut [Diagnostic]) {
    // Runs on every analysis (every keystroke in the editor): the walk over the tree only when
    // there is a fix to check.
    if !diagnostics.iter().any(|d| d.fix.is_some()) {
        return;
    }
    let anchored: Vec<TextRange> = {
        let mut targets: Vec<TextRange> = yaml
            .nodes()
            .filter_map(|(_, node)| match node.kind {
                NodeKind::Alias { target: Some(t) } => Some(yaml.range(t)),
                _ => None,
            })
            .collect();
        targets.sort_by_key(|r| (r.start, r.end));
        targets.dedup();
        targets
    };
    if anchored.is_empty() {
        return;
    }
    let touches = |edit: &Edit, node: &TextRange| {
        if edit.range.is_empty() {
            node.start < edit.range.start && edit.range.start < node.end
        } else {
            edit.range.start < node.end && node.start < edit.range.end
        }
    };
    for diagnostic in diagnostics.iter_mut() {
        let breaks = diagnostic.fix.as_ref().is_some_and(|fix| {
            fix.edits
                .iter()
                .any(|edit| anchored.iter().any(|node| touches(edit, node)))
        });
        if breaks {
            diagnostic.fix = None;
        }
    }
}

/// Writes the new lines of every fix with the line break of the file around it: in a CRLF file
/// a multi-line fix inserts CRLF, so the file never ends up with mixed endings. The line break
/// of an edit is the one ending the line it starts on (the one before it on a last line
/// without a break); a file without any CRLF keeps `\n`.
pub(crate) fn keep_line_endings(text: &str, diagnostics: &mut [Diagnostic]) {
    if !text.contains("\r\n") {
        return;
    }
    for edit in diagnostics
        .iter_mut()
        .filter_map(|d| d.fix.as_mut())
        .flat_map(|f| f.edits.iter_mut())
    {
        if !edit.text.contains('\n') {
            continue;
        }
        let at = edit.range.start.min(text.len());
        let crlf = match text[at..].find('\n') {
            Some(i) => text[..at + i].ends_with('\r'),
            None => text[..at]
                .rfind('\n')
                .is_some_and(|i| text[..i].ends_with('\r')),
        };
        if crlf {
            edit.text = with_crlf(&edit.text);
        }
    }
}

/// Every bare `\n` of `text` as `\r\n`.
fn with_crlf(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    let mut previous = '\0';
    for c in text.chars() {
        if c == '\n' && previous != '\r' {
            out.push('\r');
        }
        out.push(c);
        previous = c;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::diagnostics::Fix;

    /// The last line of defence, for a fix that slipped past the checks that build fixes.
    #[test]
    fn a_round_that_breaks_the_file_is_refused_and_the_fix_named() {
        let text = "service: a\nprovider:\n  name: aws\ncustom:\n  a: &x 1\n  b: *x\n";
        let settings = Settings::default();
        let mut analysis = crate::analysis::analyze(text, "serverless.yml", &settings);
        assert!(analysis.yaml.errors().is_empty());
        let start = text.find("  a:").unwrap();
        let end = text.find("  b:").unwrap();
        let rule = crate::rules::all()
            .iter()
            .find(|r| r.code == "WS201")
            .unwrap();
        let removes_the_anchor = Fix::unsafe_(
            "remove the authorizer",
            vec![Edit::delete(TextRange::new(start, end))],
        );
        analysis.diagnostics.push(
            Diagnostic::new(rule, TextRange::new(start + 2, start + 3), "x")
                .with_fix(removes_the_anchor),
        );
        let fixed = fix_from(text, "serverless.yml", &settings, true, analysis);
        assert_eq!(fixed.text, text, "nothing is fixed");
        assert_eq!((fixed.applied, fixed.rounds.len()), (0, 0));
        let refused = fixed.refused.expect("the round is refused");
        assert_eq!((refused.code, refused.line), ("WS201", 5));
        assert!(
            refused.to_string().starts_with(
                "the WS201 fix at line 5 (remove the authorizer) would make the file invalid ("
            ) && refused.error.contains("unknown anchor"),
            "{refused}"
        );
    }

    #[test]
    fn a_fix_whose_diagnostic_reads_what_another_fix_edits_waits_for_the_next_round() {
        let text = "service: a\nprovider:\n  name: aws\ncustom:\n  x: 1\n  y: 2\n  z: 3\n";
        let mut analysis = crate::analysis::analyze(text, "serverless.yml", &Settings::default());
        let rule = crate::rules::all()[0];
        let at = |s: &str| {
            let start = text.find(s).unwrap();
            TextRange::new(start, start + s.len())
        };
        let edit_x = Diagnostic::new(rule, at("x: 1"), "x")
            .with_fix(Fix::safe("x", vec![Edit::replace(at("1"), "10")]));
        // Reads `x` (a related location) and edits `y`: not in the same round as `edit_x`.
        let reads_x = Diagnostic::new(rule, at("y: 2"), "y")
            .with_related(at("x: 1"), "because of x")
            .with_fix(Fix::safe("y", vec![Edit::replace(at("2"), "20")]));
        // Independent of both.
        let edit_z = Diagnostic::new(rule, at("z: 3"), "z")
            .with_fix(Fix::safe("z", vec![Edit::replace(at("3"), "30")]));
        analysis.diagnostics = vec![edit_x, reads_x, edit_z];
        let round: Vec<&str> = plan_round(text, &analysis, false)
            .iter()
            .map(|d| d.message.as_str())
            .collect();
        assert_eq!(round, ["x", "z"]);
    }

    #[test]
    fn a_fix_that_removes_or_edits_inside_an_anchor_in_use_is_not_offered() {
        let text = "custom:\n  a: &x\n    k: 1\n  b: *x\n  c: &y 2\n";
        let yaml = Yaml::parse(text);
        let rule = crate::rules::all()[0];
        let with = |range: TextRange, new: &str| {
            Diagnostic::new(rule, range, "x")
                .with_fix(Fix::safe("f", vec![Edit::replace(range, new)]))
        };
        let k = text.find("k: 1").unwrap();
        let b = text.find("  b:").unwrap();
        let c = text.find("  c:").unwrap();
        let mut diagnostics = vec![
            // Removes `a: &x` and what it anchors.
            with(TextRange::new(text.find("  a:").unwrap(), b), ""),
            // Changes what `*x` repeats.
            with(TextRange::new(k + 3, k + 4), "2"),
            // Removes the alias: the anchor stays, so that is fine.
            with(TextRange::new(b, c), ""),
            // `&y` is used by no alias.
            with(TextRange::new(c, text.len()), ""),
        ];
        keep_aliases_working(&yaml, &mut diagnostics);
        let offered: Vec<bool> = diagnostics.iter().map(|d| d.fix.is_some()).collect();
        assert_eq!(offered, [false, false, true, true]);
    }

    #[test]
    fn new_lines_of_a_fix_follow_the_line_endings_around_it() {
        let rule = crate::rules::all()[0];
        let insert = |at: usize| {
            Diagnostic::new(rule, TextRange::empty(at), "x")
                .with_fix(Fix::safe("f", vec![Edit::insert(at, "a: 1\nb: 2\n")]))
        };
        let text = "x: 1\r\ny: 2\r\n";
        let mut diagnostics = vec![insert(6), insert(text.len())];
        keep_line_endings(text, &mut diagnostics);
        for d in &diagnostics {
            assert_eq!(d.fix.as_ref().unwrap().edits[0].text, "a: 1\r\nb: 2\r\n");
        }
        let lf = "x: 1\ny: 2\n";
        let mut diagnostics = vec![insert(5)];
        keep_line_endings(lf, &mut diagnostics);
        assert_eq!(
            diagnostics[0].fix.as_ref().unwrap().edits[0].text,
            "a: 1\nb: 2\n"
        );
    }

    #[test]
    fn bare_line_feeds_become_crlf_and_crlf_stays() {
        assert_eq!(with_crlf("a\nb\r\nc\n"), "a\r\nb\r\nc\r\n");
        assert_eq!(with_crlf("no break"), "no break");
    }
}
