//! Open documents: text in a rope, edited incrementally, and the analyses made of it.
//!
//! Edits are applied synchronously by the `didChange` handler before it awaits anything, so they
//! land in the order the client sent them even though tower-lsp-server polls notification
//! handlers concurrently.

use std::sync::Arc;

use ropey::Rope;
use tower_lsp_server::ls_types::{Position, TextDocumentContentChangeEvent};

use crate::span::ColumnEncoding;
use crate::Analysis;

/// One analysis of one version of a document.
#[derive(Debug)]
pub struct Snapshot {
    pub version: i32,
    /// The settings generation it was made with (a settings change makes it stale).
    pub generation: u64,
    pub text: String,
    pub analysis: Analysis,
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

#[derive(Debug)]
pub struct Document {
    pub rope: Rope,
    pub version: i32,
    /// What `analyze` is told the file is called (decides JSON or YAML).
    pub path: String,
    /// The newest analysis, possibly of an older version.
    pub current: Option<Arc<Snapshot>>,
    /// The newest analysis of a version that parsed.
    pub last_good: Option<Arc<Snapshot>>,
}

impl Document {
    pub fn new(text: &str, version: i32, path: String) -> Self {
        Document {
            rope: Rope::from_str(text),
            version,
            path,
            current: None,
            last_good: None,
        }
    }

    pub fn text(&self) -> String {
        self.rope.to_string()
    }

    /// Applies one change; a change without a range replaces the whole text.
    pub fn apply(&mut self, change: &TextDocumentContentChangeEvent, encoding: ColumnEncoding) {
        match change.range {
            None => self.rope = Rope::from_str(&change.text),
            Some(range) => {
                let start = char_index(&self.rope, range.start, encoding);
                let end = char_index(&self.rope, range.end, encoding).max(start);
                self.rope.remove(start..end);
                self.rope.insert(start, &change.text);
            }
        }
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
        let mut doc = Document::new("a: 😀é\r\nb: 中x\n", 1, "s.yml".into());
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
        let mut doc = Document::new("a\u{2028}b\nc", 1, "s.yml".into());
        doc.apply(&change(1, 0, 1, 1, "C"), ColumnEncoding::Utf16);
        assert_eq!(doc.text(), "a\u{2028}b\nC");
    }
}
