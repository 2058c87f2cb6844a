//! Byte ranges in the core, and the one place that turns them into lines and columns.
//!
//! Everything inside the engine speaks byte offsets into the UTF-8 text. Lines and columns exist
//! only at the edges: 1-based Unicode-character columns for the CLI, 0-based UTF-16 or UTF-8
//! columns for the language server. Both are computed here so that they cannot drift apart.

use std::ops::Range;

/// A half-open byte range `start..end` in one file's text.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TextRange {
    pub start: usize,
    pub end: usize,
}

impl TextRange {
    pub fn new(start: usize, end: usize) -> Self {
        debug_assert!(start <= end, "range {start}..{end} is reversed");
        TextRange { start, end }
    }

    pub fn empty(at: usize) -> Self {
        TextRange { start: at, end: at }
    }

    pub fn len(&self) -> usize {
        self.end - self.start
    }

    pub fn is_empty(&self) -> bool {
        self.start == self.end
    }

    pub fn contains(&self, offset: usize) -> bool {
        self.start <= offset && offset < self.end
    }

    /// Like [`contains`](Self::contains), but also true at the end (a cursor right after a word).
    pub fn touches(&self, offset: usize) -> bool {
        self.start <= offset && offset <= self.end
    }

    pub fn cover(self, other: TextRange) -> TextRange {
        TextRange::new(self.start.min(other.start), self.end.max(other.end))
    }

    pub fn as_range(&self) -> Range<usize> {
        self.start..self.end
    }
}

/// A 1-based line and column, the column counted in Unicode scalar values (what the CLI prints).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
pub struct LineCol {
    pub line: usize,
    pub column: usize,
}

/// How an editor counts columns (LSP `positionEncoding`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ColumnEncoding {
    Utf8,
    Utf16,
    Utf32,
}

/// Line starts of one text, for offset ↔ position conversion.
///
/// Lines end at `\n`, `\r\n` or a lone `\r` (what YAML and LSP clients agree on). Unicode line
/// separators such as U+2028 do not end a line: editors and the LSP spec disagree on them, and
/// YAML treats them as ordinary characters.
#[derive(Clone, Debug)]
pub struct LineIndex {
    /// Byte offset where each line starts; `line_starts[0] == 0`.
    line_starts: Vec<usize>,
    len: usize,
    ascii: bool,
}

impl LineIndex {
    pub fn new(text: &str) -> Self {
        let bytes = text.as_bytes();
        // About one line in 27 bytes is typical; vectorised search finds the breaks (a byte
        // loop is slow on a large file, and this runs on every keystroke).
        let mut line_starts = Vec::with_capacity(bytes.len() / 24 + 1);
        line_starts.push(0);
        let mut breaks = memchr::memchr2_iter(b'\n', b'\r', bytes);
        while let Some(i) = breaks.next() {
            if bytes[i] == b'\r' && bytes.get(i + 1) == Some(&b'\n') {
                // CRLF is one break: skip its `\n`.
                breaks.next();
                line_starts.push(i + 2);
            } else {
                line_starts.push(i + 1);
            }
        }
        LineIndex {
            line_starts,
            len: text.len(),
            ascii: text.is_ascii(),
        }
    }

    pub fn line_count(&self) -> usize {
        self.line_starts.len()
    }

    /// 0-based line holding `offset` (clamped to the text).
    pub fn line_of(&self, offset: usize) -> usize {
        let offset = offset.min(self.len);
        match self.line_starts.binary_search(&offset) {
            Ok(line) => line,
            Err(next) => next - 1,
        }
    }

    /// Byte range of a 0-based line, without its line break.
    pub fn line_range(&self, text: &str, line: usize) -> TextRange {
        let start = self.line_starts.get(line).copied().unwrap_or(self.len);
        let mut end = self.line_starts.get(line + 1).copied().unwrap_or(self.len);
        let bytes = text.as_bytes();
        while end > start && matches!(bytes.get(end - 1), Some(b'\n' | b'\r')) {
            end -= 1;
        }
        TextRange::new(start, end)
    }

    pub fn line_start(&self, line: usize) -> usize {
        self.line_starts.get(line).copied().unwrap_or(self.len)
    }

    /// 1-based line and 1-based character column, as the CLI and its JSON output print them.
    pub fn line_col(&self, text: &str, offset: usize) -> LineCol {
        let offset = floor_char_boundary(text, offset.min(text.len()));
        let line = self.line_of(offset);
        let start = self.line_starts[line];
        let column = if self.ascii {
            offset - start
        } else {
            text[start..offset].chars().count()
        };
        LineCol {
            line: line + 1,
            column: column + 1,
        }
    }

    /// 0-based line and column in the given encoding (LSP `Position`).
    pub fn position(&self, text: &str, offset: usize, encoding: ColumnEncoding) -> (u32, u32) {
        let offset = floor_char_boundary(text, offset.min(text.len()));
        let line = self.line_of(offset);
        let start = self.line_starts[line];
        let prefix = &text[start..offset];
        let column = match encoding {
            ColumnEncoding::Utf8 => prefix.len(),
            _ if self.ascii => prefix.len(),
            ColumnEncoding::Utf16 => prefix.chars().map(char::len_utf16).sum(),
            ColumnEncoding::Utf32 => prefix.chars().count(),
        };
        (line as u32, column as u32)
    }

    /// Byte offset of a 0-based line and column in the given encoding. Positions past the end of
    /// a line clamp to the line's end, and positions inside a character to its start (what the
    /// LSP spec asks of servers given out-of-range positions).
    pub fn offset(&self, text: &str, line: u32, column: u32, encoding: ColumnEncoding) -> usize {
        let line = line as usize;
        if line >= self.line_starts.len() {
            return self.len;
        }
        let range = self.line_range(text, line);
        let line_text = &text[range.as_range()];
        let column = column as usize;
        let within = match encoding {
            ColumnEncoding::Utf8 => floor_char_boundary(line_text, column.min(line_text.len())),
            ColumnEncoding::Utf16 | ColumnEncoding::Utf32 => {
                let mut units = 0;
                let mut at = line_text.len();
                for (byte, ch) in line_text.char_indices() {
                    let width = if encoding == ColumnEncoding::Utf16 {
                        ch.len_utf16()
                    } else {
                        1
                    };
                    if units + width > column {
                        at = byte;
                        break;
                    }
                    units += width;
                }
                at
            }
        };
        range.start + within
    }
}

/// The largest char boundary at or before `offset` (std's version is not stable yet).
pub fn floor_char_boundary(text: &str, mut offset: usize) -> usize {
    if offset >= text.len() {
        return text.len();
    }
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_count_characters_and_utf16_units() {
        let text = "a: é😀x\r\nb: 1\rc";
        let index = LineIndex::new(text);
        let x = text.find('x').unwrap();
        assert_eq!(index.line_col(text, x), LineCol { line: 1, column: 6 });
        assert_eq!(index.position(text, x, ColumnEncoding::Utf16), (0, 6));
        assert_eq!(index.position(text, x, ColumnEncoding::Utf8), (0, 9));
        assert_eq!(index.offset(text, 0, 6, ColumnEncoding::Utf16), x);
        assert_eq!(index.offset(text, 0, 9, ColumnEncoding::Utf8), x);
        let c = text.rfind('c').unwrap();
        assert_eq!(index.line_col(text, c), LineCol { line: 3, column: 1 });
        assert_eq!(
            index.offset(text, 1, 99, ColumnEncoding::Utf16),
            text.find("\rc").unwrap()
        );
    }

    #[test]
    fn lf_crlf_and_lone_cr_each_end_one_line() {
        let text = "a\r\n\r\nb\rc\n\r\r\nd\r";
        let index = LineIndex::new(text);
        let starts: Vec<usize> = (0..index.line_count())
            .map(|l| index.line_start(l))
            .collect();
        assert_eq!(starts, vec![0, 3, 5, 7, 9, 10, 12, 14]);
    }

    #[test]
    fn unicode_line_separator_does_not_break_lines() {
        let text = "a\u{2028}b\nc";
        let index = LineIndex::new(text);
        assert_eq!(index.line_count(), 2);
        assert_eq!(index.line_col(text, text.find('c').unwrap()).line, 2);
    }
}
