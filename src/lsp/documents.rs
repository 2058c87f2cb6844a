//! Open documents: text in a rope, edited incrementally, and the analyses made of it.
//!
//! Edits are applied synchronously by the `didChange` handler before it awaits anything, so they
//! land in the order the client sent them even though tower-lsp-server polls notification
//! handlers concurrently.

use std::sync::Arc;

use ropey::Rope;
use tower_lsp_server::ls_types::{Position, TextDocumentContentChangeEvent, Uri};

use crate::span::{ColumnEncoding, LineIndex, TextRange};
use crate::yaml::{Reparse, Yaml};
use crate::Analysis;

/// One analysis of one version of a document.
#[derive(Debug)]
pub struct Snapshot {
    pub version: i32,
    /// The settings generation it was made with (a settings change makes it stale).
    pub generation: u64,
    pub text: String,
    pub analysis: Analysis,
    /// The files the service includes (when the document is a file on disk), with the
    /// diagnostics that point into them. `analysis.diagnostics` are the service's for this file.
    pub included: Vec<Included>,
}

/// An included file of a document's service, as the analysis saw it.
#[derive(Debug)]
pub struct Included {
    pub uri: Uri,
    pub text: String,
    pub line_index: LineIndex,
    pub diagnostics: Vec<crate::diagnostics::Diagnostic>,
}

impl Snapshot {
    /// True when the text parsed: its tree and model can be trusted for completion and hover.
    pub fn parsed(&self) -> bool {
        !self
            .analysis
            .yaml
            .errors()
            .iter()
            .any(|e| e.kind == crate::yaml::YamlErrorKind::Syntax)
    }
}

/// Edits waiting to be replayed on the parse tree: byte ranges in the text as it was when each
/// edit arrived, and the text inserted there.
#[derive(Debug)]
struct PendingEdit {
    start: usize,
    end: usize,
    text: String,
}

/// More edits than this between two analyses: parse the final text once instead.
const MAX_PENDING_EDITS: usize = 32;

/// The parser's own tree of a text (never one that analysis has substituted into), kept so the
/// next version can be re-parsed incrementally.
#[derive(Debug)]
struct Parsed {
    text: String,
    yaml: Yaml,
}

#[derive(Debug)]
pub struct Document {
    pub rope: Rope,
    pub version: i32,
    /// What `analyze` is told the file is called (decides JSON or YAML).
    pub path: String,
    /// The document is a file on disk: it is analysed as a service (with what it includes).
    pub on_disk: bool,
    /// The newest analysis, possibly of an older version.
    pub current: Option<Arc<Snapshot>>,
    /// The newest analysis of a version that parsed.
    pub last_good: Option<Arc<Snapshot>>,
    /// The tree of an earlier text and the edits made since (`None`: parse from scratch).
    parsed: Option<Parsed>,
    pending: Vec<PendingEdit>,
}

impl Document {
    pub fn new(text: &str, version: i32, path: String, on_disk: bool) -> Self {
        Document {
            rope: Rope::from_str(text),
            version,
            path,
            on_disk,
            current: None,
            last_good: None,
            parsed: None,
            pending: Vec::new(),
        }
    }

    pub fn text(&self) -> String {
        self.rope.to_string()
    }

    /// Applies one change; a change without a range replaces the whole text.
    pub fn apply(&mut self, change: &TextDocumentContentChangeEvent, encoding: ColumnEncoding) {
        match change.range {
            None => {
                self.rope = Rope::from_str(&change.text);
                self.forget_tree();
            }
            Some(range) => {
                let start = char_index(&self.rope, range.start, encoding);
                let end = char_index(&self.rope, range.end, encoding).max(start);
                if self.parsed.is_some() {
                    if self.pending.len() >= MAX_PENDING_EDITS {
                        self.forget_tree();
                    } else {
                        self.pending.push(PendingEdit {
                            start: self.rope.char_to_byte(start),
                            end: self.rope.char_to_byte(end),
                            text: change.text.clone(),
                        });
                    }
                }
                self.rope.remove(start..end);
                self.rope.insert(start, &change.text);
            }
        }
    }

    fn forget_tree(&mut self) {
        self.parsed = None;
        self.pending.clear();
    }

    /// The current text and its parser tree: the kept tree re-parsed incrementally for each
    /// edit since, or a full parse. The tree is kept for the next call; the caller gets a copy
    /// (analysis substitutes variables into its tree).
    pub fn tree(&mut self) -> (String, Yaml) {
        let (text, yaml) = match self.parsed.take() {
            None => {
                let text = self.text();
                let yaml = Yaml::parse(&text);
                (text, yaml)
            }
            Some(Parsed {
                text: mut old,
                mut yaml,
            }) => {
                // Once one edit needs a full parse, the rest only update the text.
                let mut full = false;
                for edit in self.pending.drain(..) {
                    let mut new = String::with_capacity(old.len() + edit.text.len());
                    new.push_str(&old[..edit.start]);
                    new.push_str(&edit.text);
                    new.push_str(&old[edit.end..]);
                    if !full {
                        let range = TextRange::new(edit.start, edit.end);
                        let (next, how) = yaml.reparse(&old, &new, range, edit.text.len());
                        yaml = next;
                        full = how == Reparse::Full;
                    }
                    old = new;
                }
                if full {
                    yaml = Yaml::parse(&old);
                }
                debug_assert_eq!(old, self.text());
                (old, yaml)
            }
        };
        self.parsed = Some(Parsed {
            text: text.clone(),
            yaml: yaml.clone(),
        });
        (text, yaml)
    }

    /// The stored analysis when it is of the current version and settings.
    pub fn fresh(&self, generation: u64) -> Option<Arc<Snapshot>> {
        self.current
            .clone()
            .filter(|s| s.version == self.version && s.generation == generation)
    }
}

/// The char index of an LSP position. Lines past the end clamp to the end of the text, columns
/// past the end of a line to the line's end (before its line break), and a column inside a
/// character to that character's start.
pub fn char_index(rope: &Rope, position: Position, encoding: ColumnEncoding) -> usize {
    let line = position.line as usize;
    if line >= rope.len_lines() {
        return rope.len_chars();
    }
    let line_start = rope.line_to_char(line);
    let slice = rope.line(line);
    let mut content_chars = slice.len_chars();
    while content_chars > 0 && matches!(slice.char(content_chars - 1), '\n' | '\r') {
        content_chars -= 1;
    }
    let line_end = line_start + content_chars;
    let column = position.character as usize;
    let at = match encoding {
        ColumnEncoding::Utf8 => {
            let start_byte = rope.char_to_byte(line_start);
            let end_byte = rope.char_to_byte(line_end);
            rope.byte_to_char((start_byte + column).min(end_byte))
        }
        ColumnEncoding::Utf16 => {
            let start_cu = rope.char_to_utf16_cu(line_start);
            let end_cu = rope.char_to_utf16_cu(line_end);
            rope.utf16_cu_to_char((start_cu + column).min(end_cu))
        }
        ColumnEncoding::Utf32 => line_start + column,
    };
    at.min(line_end)
}

#[cfg(test)]
mod tests {
    use super::*;
    use tower_lsp_server::ls_types::Range;

    fn change(l1: u32, c1: u32, l2: u32, c2: u32, text: &str) -> TextDocumentContentChangeEvent {
        TextDocumentContentChangeEvent {
            range: Some(Range {
                start: Position::new(l1, c1),
                end: Position::new(l2, c2),
            }),
            range_length: None,
            text: text.to_string(),
        }
    }

    #[test]
    fn edits_count_columns_in_the_negotiated_encoding() {
        let mut doc = Document::new("a: 😀é\r\nb: 中x\n", 1, "s.yml".into(), false);
        // UTF-16: the emoji is two units, é one.
        doc.apply(&change(0, 5, 0, 6, "E"), ColumnEncoding::Utf16);
        assert_eq!(doc.text(), "a: 😀E\r\nb: 中x\n");
        // UTF-8: 中 is three bytes.
        doc.apply(&change(1, 6, 1, 7, "y"), ColumnEncoding::Utf8);
        assert_eq!(doc.text(), "a: 😀E\r\nb: 中y\n");
        // Past the line's end clamps before the CRLF.
        doc.apply(&change(0, 99, 0, 99, "!"), ColumnEncoding::Utf16);
        assert_eq!(doc.text(), "a: 😀E!\r\nb: 中y\n");
        // A U+2028 is no line break.
        let mut doc = Document::new("a\u{2028}b\nc", 1, "s.yml".into(), false);
        doc.apply(&change(1, 0, 1, 1, "C"), ColumnEncoding::Utf16);
        assert_eq!(doc.text(), "a\u{2028}b\nC");
    }
}
