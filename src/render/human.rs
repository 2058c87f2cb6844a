use annotate_snippets::{AnnotationKind, Group, Level, Origin, Renderer, Snippet};

use std::borrow::Cow;

use super::{clean, FileReport};
use crate::diagnostics::{Diagnostic, Severity};
use crate::span::TextRange;

#[derive(Clone, Copy, Debug, Default)]
pub struct HumanOptions {
    pub color: bool,
}

fn level(severity: Severity) -> Level<'static> {
    match severity {
        Severity::Error => Level::ERROR,
        Severity::Warning => Level::WARNING,
        Severity::Info => Level::INFO,
        Severity::Hint => Level::NOTE.with_name("hint"),
    }
}

/// rustc-style reports: severity, code and name, message, `--> path:line:col`, the code with the
/// range underlined, related locations labelled, and `help:` lines for the fix and advice.
pub fn human(files: &[FileReport], options: HumanOptions) -> String {
    let renderer = if options.color {
        Renderer::styled()
    } else {
        Renderer::plain()
    };
    let mut out = String::new();
    for file in files {
        for d in &file.diagnostics {
            out.push_str(&renderer.render(&report(file, d)));
            out.push_str("\n\n");
        }
    }
    out
}

/// Locations this many lines apart or closer share one code frame.
const SAME_FRAME_LINES: usize = 8;

/// Some lines of a file with the annotations that fall on them.
struct Frame<'a> {
    first_line: usize,
    last_line: usize,
    annotations: Vec<(TextRange, Option<Cow<'a, str>>)>,
}

fn report<'a>(file: &'a FileReport, d: &'a Diagnostic) -> Vec<Group<'a>> {
    if file.resolved_only {
        return resolved_report(file, d);
    }
    let text = file.text.as_str();
    let clamp = |r: TextRange| TextRange::new(r.start.min(text.len()), r.end.min(text.len()));
    let lines = |r: TextRange| {
        let index = &file.line_index;
        (index.line_of(r.start), index.line_of(r.end))
    };
    // Only the lines around each location go to the renderer: handing it the whole file for
    // every diagnostic made a large file with many findings quadratic.
    let primary = clamp(d.range);
    let (first_line, last_line) = lines(primary);
    let mut frames = vec![Frame {
        first_line,
        last_line,
        annotations: vec![(primary, None)],
    }];
    for related in d.related.iter().filter(|r| r.path.is_none()) {
        let range = clamp(related.range);
        let (first, last) = lines(range);
        let near = frames.iter_mut().find(|f| {
            first <= f.last_line + SAME_FRAME_LINES && f.first_line <= last + SAME_FRAME_LINES
        });
        match near {
            Some(frame) => {
                frame.first_line = frame.first_line.min(first);
                frame.last_line = frame.last_line.max(last);
                frame
                    .annotations
                    .push((range, Some(clean(&related.message))));
            }
            None => frames.push(Frame {
                first_line: first,
                last_line: last,
                annotations: vec![(range, Some(clean(&related.message)))],
            }),
        }
    }
    let snippets = frames.into_iter().map(|frame| {
        let start = file.line_index.line_start(frame.first_line);
        let end = file
            .line_index
            .line_range(text, frame.last_line)
            .end
            .max(start);
        let (source, shift) = visible_source(&text[start..end]);
        let mut snippet = Snippet::source(source)
            .line_start(frame.first_line + 1)
            .path(clean(&file.path));
        for (range, label) in frame.annotations {
            let span = shift.apply(range.start.clamp(start, end) - start)
                ..shift.apply(range.end.clamp(start, end) - start);
            snippet = snippet.annotation(match label {
                None => AnnotationKind::Primary.span(span),
                Some(label) => AnnotationKind::Context.span(span).label(label),
            });
        }
        snippet
    });
    let title = level(d.severity)
        .primary_title(clean(&d.message))
        .id(format!("{} {}", d.code, d.name));
    let mut group = title.elements(snippets);
    for related in d.related.iter().filter(|r| r.path.is_some()) {
        let path = related.path.as_deref().unwrap_or_default();
        group = group.element(Level::NOTE.message(format!(
            "{}: {}",
            clean(path),
            clean(&related.message)
        )));
    }
    if let Some(fix) = &d.fix {
        let note = if fix.safe { "" } else { " (unsafe fix)" };
        group = group.element(Level::HELP.message(format!("{}{note}", clean(&fix.message))));
    }
    if let Some(help) = &d.help {
        group = group.element(Level::HELP.message(clean(help)));
    }
    vec![group]
}

/// A finding in a resolved configuration: no code to show, the configuration path instead
/// (`--> serverless.js: functions.send.events[0].websocket.authorizer`).
fn resolved_report<'a>(file: &'a FileReport, d: &'a Diagnostic) -> Vec<Group<'a>> {
    let title = level(d.severity)
        .primary_title(d.message.as_str())
        .id(format!("{} {}", d.code, d.name));
    let mut group = title.element(Origin::path(file.location(d)));
    for related in &d.related {
        let message = match &related.path {
            Some(path) => format!("{path}: {}", related.message),
            None => related.message.clone(),
        };
        group = group.element(Level::NOTE.message(message));
    }
    group = group.element(Level::NOTE.message(
        "found in the configuration the framework resolved (the file itself is not read)",
    ));
    if let Some(help) = &d.help {
        group = group.element(Level::HELP.message(help.as_str()));
    }
    vec![group]
}

/// A character annotate-snippets passes on raw although a terminal acts on it: the C1 controls
/// (U+009B starts an escape sequence on some terminals) and the line separators.
fn invisible(c: char) -> bool {
    matches!(c, '\u{80}'..='\u{9f}' | '\u{2028}' | '\u{2029}')
}

/// The source lines of a code frame as they may be printed: [`invisible`] characters become
/// U+FFFD (annotate-snippets itself shows the C0 controls and the bidirectional overrides as
/// visible symbols). Returns the text and the map from offsets in `source` to offsets in it.
fn visible_source(source: &str) -> (Cow<'_, str>, Shift) {
    // (offset in `source` after a replaced character, bytes added so far)
    let mut shifts: Vec<(usize, usize)> = Vec::new();
    if !source.chars().any(invisible) {
        return (Cow::Borrowed(source), Shift(shifts));
    }
    let mut out = String::with_capacity(source.len() + 8);
    let mut added = 0;
    for (at, c) in source.char_indices() {
        if invisible(c) {
            out.push('\u{fffd}');
            added += '\u{fffd}'.len_utf8() - c.len_utf8();
            shifts.push((at + c.len_utf8(), added));
        } else {
            out.push(c);
        }
    }
    (Cow::Owned(out), Shift(shifts))
}

/// Offsets after replaced characters: (offset in the source after one, bytes added up to it).
struct Shift(Vec<(usize, usize)>);

impl Shift {
    fn apply(&self, offset: usize) -> usize {
        match self.0.partition_point(|(after, _)| *after <= offset) {
            0 => offset,
            i => offset + self.0[i - 1].1,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invisible_characters_in_source_lines_are_replaced_and_offsets_follow() {
        let source = "a: \u{9b}2J\u{2028}b";
        let (shown, shift) = visible_source(source);
        let shift = |offset| shift.apply(offset);
        assert_eq!(shown, "a: \u{fffd}2J\u{fffd}b");
        let b = source.find('b').unwrap_or_default();
        assert_eq!(&shown[shift(b)..], "b");
        assert_eq!(shift(3), 3);
        assert_eq!(&shown[shift(5)..shift(7)], "2J");
    }
}
