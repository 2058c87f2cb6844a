//! Open documents: text in a rope, edited incrementally, and the analyses made of it.
//!
//! Edits are applied synchronously by the `didChange` handler before it awaits anything, so they
//! land in the order the client sent them even though tower-lsp-server polls notification
//! handlers concurrently.

use std::sync::Arc;

use ropey::Rope;
use tower_lsp_server::ls_types::{Position, TextDocumentContentChangeEvent, Uri};

use crate::span::{ColumnEncoding, LineIndex, TextRange};
use crate::yaml::{Reparse, ReparsePlan, Yaml};
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

/// Where the next version's tree comes from.
#[derive(Debug)]
enum Base {
    /// Nowhere: parse the text from scratch.
    None,
    /// The text the pending edits start from is being analysed; its analysis becomes the base.
    Awaiting,
    /// The analysis of the text the pending edits start from. Its tree begins with the parser's
    /// tree of that text (resolution only appends), which re-parsing starts from: no copy of a
    /// tree or text is kept beside the snapshot.
    Ready(Arc<Snapshot>),
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
    /// The tree of an earlier text, and the edits made since.
    base: Base,
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
            base: Base::None,
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
                if !matches!(self.base, Base::None) {
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
        self.base = Base::None;
        self.pending.clear();
    }

    /// Takes `snapshot` as the base of the edits made since its text was handed out by
    /// [`Document::tree`].
    pub fn adopt(&mut self, snapshot: &Arc<Snapshot>) {
        if matches!(self.base, Base::Awaiting) {
            self.base = Base::Ready(snapshot.clone());
        }
    }

    /// The current text and its parser tree: the base analysis's tree re-parsed incrementally
    /// for each edit since, or a full parse. The analysis of what this returns must be handed
    /// to [`Document::adopt`] to serve as the next base.
    pub fn tree(&mut self) -> (String, Yaml) {
        let base = std::mem::replace(&mut self.base, Base::Awaiting);
        let pending = std::mem::take(&mut self.pending);
        let replayed = match base {
            Base::Ready(snapshot) => match self.own(snapshot, &pending) {
                Ok(Owned {
                    old_yaml,
                    plan,
                    new_text,
                }) => {
                    let (yaml, _) = old_yaml.reparse_owned(plan, &new_text);
                    Some((new_text, yaml))
                }
                Err(snapshot) => replay(&snapshot.text, &snapshot.analysis.yaml, &pending),
            },
            Base::None | Base::Awaiting => None,
        };
        let (text, yaml) = replayed.unwrap_or_else(|| {
            let text = self.text();
            let yaml = Yaml::parse(&text);
            (text, yaml)
        });
        debug_assert_eq!(text, self.text());
        (text, yaml)
    }

    /// The base's text and tree to take apart for the one pending edit, when nothing else holds
    /// the base and the edit is re-parsed incrementally (so the new version parses, and the
    /// base is not needed as the last analysis that parsed). Otherwise the base, shared.
    fn own(
        &mut self,
        base: Arc<Snapshot>,
        pending: &[PendingEdit],
    ) -> Result<Owned, Arc<Snapshot>> {
        let [edit] = pending else {
            return Err(base);
        };
        let is_base = |s: &Option<Arc<Snapshot>>| s.as_ref().is_some_and(|s| Arc::ptr_eq(s, &base));
        if !base.included.is_empty() || !is_base(&self.current) || !is_base(&self.last_good) {
            return Err(base);
        }
        let (new_text, range) = edit.apply(&base.text);
        let yaml = &base.analysis.yaml;
        let Some(plan) = yaml.plan_reparse(&base.text, &new_text, range, edit.text.len()) else {
            return Err(base);
        };
        let (current, last_good) = (self.current.take(), self.last_good.take());
        drop((current, last_good));
        match Arc::try_unwrap(base) {
            Ok(snapshot) => Ok(Owned {
                old_yaml: snapshot.analysis.yaml,
                plan,
                new_text,
            }),
            // A request still holds it: keep it as it was.
            Err(shared) => {
                self.current = Some(shared.clone());
                self.last_good = Some(shared.clone());
                Err(shared)
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

/// A base taken apart for one edit: its tree, the re-parse planned on it, and the new text.
struct Owned {
    old_yaml: Yaml,
    plan: ReparsePlan,
    new_text: String,
}

impl PendingEdit {
    /// `text` with this edit made, and the range it replaced.
    fn apply(&self, text: &str) -> (String, TextRange) {
        let start = crate::span::floor_char_boundary(text, self.start.min(text.len()));
        let end = crate::span::floor_char_boundary(text, self.end.clamp(start, text.len()));
        let mut new_text = String::with_capacity(text.len() + self.text.len());
        new_text.push_str(&text[..start]);
        new_text.push_str(&self.text);
        new_text.push_str(&text[end..]);
        (new_text, TextRange::new(start, end))
    }
}

/// `text` (whose tree `yaml` begins with the parser's tree of it) after `edits`, and its tree,
/// re-parsed block by block. `None` when the parser's tree cannot be had without parsing, or
/// when an edit needs a full parse before the last (then one full parse of the final text is
/// cheaper).
fn replay(text: &str, yaml: &Yaml, edits: &[PendingEdit]) -> Option<(String, Yaml)> {
    // The same text analysed again (settings or an included file changed): a copy of the tree.
    if edits.is_empty() {
        return Some((text.to_string(), yaml.parser_tree()?));
    }
    let mut current: Option<(String, Yaml)> = None;
    for (index, edit) in edits.iter().enumerate() {
        let (old_text, old_yaml) = match &current {
            Some((text, yaml)) => (text.as_str(), yaml),
            None => (text, yaml),
        };
        let (new_text, range) = edit.apply(old_text);
        let (new_yaml, how) = old_yaml.reparse(old_text, &new_text, range, edit.text.len());
        if how == Reparse::Full && index + 1 < edits.len() {
            return None;
        }
        current = Some((new_text, new_yaml));
    }
    current
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
