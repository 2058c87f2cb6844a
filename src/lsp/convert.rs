//! The one place that turns engine values (byte ranges, diagnostics, edits) into LSP types and
//! LSP positions back into byte offsets. Every conversion goes through [`LineIndex`], the same
//! index the CLI prints its lines and columns from.

use tower_lsp_server::ls_types::{self as lsp, Uri};

use crate::diagnostics::{Diagnostic, DiagnosticTag, Edit, Severity};
use crate::span::{ColumnEncoding, LineIndex, TextRange};

/// A text with its line index: enough to convert in both directions.
#[derive(Clone, Copy)]
pub struct Converter<'a> {
    pub text: &'a str,
    pub index: &'a LineIndex,
    pub encoding: ColumnEncoding,
}

impl<'a> Converter<'a> {
    pub fn new(text: &'a str, index: &'a LineIndex, encoding: ColumnEncoding) -> Self {
        Converter {
            text,
            index,
            encoding,
        }
    }

    pub fn position(&self, offset: usize) -> lsp::Position {
        let (line, character) = self.index.position(self.text, offset, self.encoding);
        lsp::Position { line, character }
    }

    pub fn range(&self, range: TextRange) -> lsp::Range {
        lsp::Range {
            start: self.position(range.start),
            end: self.position(range.end),
        }
    }

    pub fn offset(&self, position: lsp::Position) -> usize {
        self.index
            .offset(self.text, position.line, position.character, self.encoding)
    }

    pub fn text_range(&self, range: lsp::Range) -> TextRange {
        let start = self.offset(range.start);
        let end = self.offset(range.end).max(start);
        TextRange::new(start, end)
    }

    pub fn edit(&self, edit: &Edit) -> lsp::TextEdit {
        lsp::TextEdit {
            range: self.range(edit.range),
            new_text: edit.text.clone(),
        }
    }

    /// An engine diagnostic as the editor sees it: same code, message and position as the CLI.
    pub fn diagnostic(&self, uri: &Uri, diagnostic: &Diagnostic) -> lsp::Diagnostic {
        // Related places in this file convert exactly; places in other files (includes) can
        // only point at their start, since their text is not at hand here.
        let related: Vec<lsp::DiagnosticRelatedInformation> = diagnostic
            .related
            .iter()
            .filter_map(|r| {
                let (uri, range) = match &r.path {
                    None => (uri.clone(), self.range(r.range)),
                    Some(path) => (other_file(uri, path)?, lsp::Range::default()),
                };
                Some(lsp::DiagnosticRelatedInformation {
                    location: lsp::Location { uri, range },
                    message: r.message.clone(),
                })
            })
            .collect();
        let tags: Vec<lsp::DiagnosticTag> = diagnostic
            .tags
            .iter()
            .map(|t| match t {
                DiagnosticTag::Unnecessary => lsp::DiagnosticTag::UNNECESSARY,
                DiagnosticTag::Deprecated => lsp::DiagnosticTag::DEPRECATED,
            })
            .collect();
        let fix = diagnostic.fix.as_ref().map(|fix| {
            serde_json::json!({
                "title": fix.message,
                "safe": fix.safe,
                "edits": fix.edits.iter().map(|e| self.edit(e)).collect::<Vec<_>>(),
            })
        });
        lsp::Diagnostic {
            range: self.range(diagnostic.range),
            severity: Some(severity(diagnostic.severity)),
            code: Some(lsp::NumberOrString::String(diagnostic.code.to_string())),
            code_description: None,
            source: Some("ws-lint".to_string()),
            message: diagnostic.message.clone(),
            related_information: (!related.is_empty()).then_some(related),
            tags: (!tags.is_empty()).then_some(tags),
            data: Some(serde_json::json!({
                "name": diagnostic.name,
                "help": diagnostic.help,
                "fix": fix,
            })),
        }
    }
}

/// The URI of `path` (relative to the folder of the document `uri`, or absolute).
fn other_file(uri: &Uri, path: &str) -> Option<Uri> {
    let path = std::path::Path::new(path);
    if path.is_absolute() {
        return Uri::from_file_path(path);
    }
    let base = uri.to_file_path()?;
    Uri::from_file_path(base.parent()?.join(path))
}

pub fn severity(severity: Severity) -> lsp::DiagnosticSeverity {
    match severity {
        Severity::Error => lsp::DiagnosticSeverity::ERROR,
        Severity::Warning => lsp::DiagnosticSeverity::WARNING,
        Severity::Info => lsp::DiagnosticSeverity::INFORMATION,
        Severity::Hint => lsp::DiagnosticSeverity::HINT,
    }
}

/// Picks the position encoding: UTF-8 when the client offers it, else UTF-16 (the default every
/// client must support).
pub fn negotiate_encoding(params: &lsp::InitializeParams) -> ColumnEncoding {
    let offered = params
        .capabilities
        .general
        .as_ref()
        .and_then(|g| g.position_encodings.as_ref());
    match offered {
        Some(list) if list.contains(&lsp::PositionEncodingKind::UTF8) => ColumnEncoding::Utf8,
        _ => ColumnEncoding::Utf16,
    }
}

pub fn encoding_kind(encoding: ColumnEncoding) -> lsp::PositionEncodingKind {
    match encoding {
        ColumnEncoding::Utf8 => lsp::PositionEncodingKind::UTF8,
        ColumnEncoding::Utf16 => lsp::PositionEncodingKind::UTF16,
        ColumnEncoding::Utf32 => lsp::PositionEncodingKind::UTF32,
    }
}
