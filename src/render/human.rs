use annotate_snippets::{AnnotationKind, Group, Level, Renderer, Snippet};

use super::FileReport;
use crate::diagnostics::{Diagnostic, Severity};

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

fn report<'a>(file: &'a FileReport, d: &'a Diagnostic) -> Vec<Group<'a>> {
    let text = file.text.as_str();
    let clamp = |r: crate::span::TextRange| r.start.min(text.len())..r.end.min(text.len());
    let mut snippet = Snippet::source(text)
        .path(file.path.as_str())
        .annotation(AnnotationKind::Primary.span(clamp(d.range)));
    for related in d.related.iter().filter(|r| r.path.is_none()) {
        snippet = snippet.annotation(
            AnnotationKind::Context
                .span(clamp(related.range))
                .label(related.message.as_str()),
        );
    }
    let title = level(d.severity)
        .primary_title(d.message.as_str())
        .id(format!("{} {}", d.code, d.name));
    let mut group = title.element(snippet);
    for related in d.related.iter().filter(|r| r.path.is_some()) {
        let path = related.path.as_deref().unwrap_or_default();
        group = group.element(Level::NOTE.message(format!("{path}: {}", related.message)));
    }
    if let Some(fix) = &d.fix {
        let note = if fix.safe { "" } else { " (unsafe fix)" };
        group = group.element(Level::HELP.message(format!("{}{note}", fix.message)));
    }
    if let Some(help) = &d.help {
        group = group.element(Level::HELP.message(help.as_str()));
    }
    vec![group]
}
