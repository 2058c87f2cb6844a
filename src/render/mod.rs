//! Output formats. Each takes the linted files with their diagnostics and returns text; none of
//! them does IO, so the CLI, tests and snapshots share them.

mod concise;
mod github;
mod gitlab;
mod human;
mod json;
mod junit;
mod sarif;

use std::borrow::Cow;

use crate::diagnostics::Diagnostic;
use crate::span::{LineCol, LineIndex, TextRange};

pub use concise::concise;
pub use github::github;
pub use gitlab::gitlab;
pub use human::{human, HumanOptions};
pub use json::json;
pub use junit::junit;
pub use sarif::sarif;

/// One linted file: what renderers need to turn byte ranges into lines and code frames.
pub struct FileReport {
    /// As given on the command line, or as found under a folder given there.
    pub path: String,
    pub text: String,
    pub line_index: LineIndex,
    pub diagnostics: Vec<Diagnostic>,
    /// The file's text was not read (a `serverless.ts` or `serverless.js`): its diagnostics come
    /// from the configuration the framework resolved and are placed by their configuration
    /// path alone (`Diagnostic::config_path`); there is no line or column.
    pub resolved_only: bool,
}

impl FileReport {
    pub fn new(path: String, text: String, diagnostics: Vec<Diagnostic>) -> Self {
        let line_index = LineIndex::new(&text);
        FileReport {
            path,
            text,
            line_index,
            diagnostics,
            resolved_only: false,
        }
    }

    /// The report of a service linted from its resolved configuration alone.
    pub fn resolved_only(path: String, diagnostics: Vec<Diagnostic>) -> Self {
        FileReport {
            resolved_only: true,
            ..FileReport::new(path, String::new(), diagnostics)
        }
    }

    /// `path` or, for a finding in a resolved configuration, `path: configuration.path`.
    pub fn location(&self, d: &Diagnostic) -> String {
        match &d.config_path {
            Some(at) if !at.is_empty() => {
                format!("{}: {}", self.path, crate::diagnostics::shown(at))
            }
            _ => self.path.clone(),
        }
    }

    pub fn line_col(&self, offset: usize) -> LineCol {
        self.line_index.line_col(&self.text, offset)
    }

    /// 1-based start and end of a range; the end is exclusive, as in LSP and SARIF.
    pub fn span(&self, range: TextRange) -> (LineCol, LineCol) {
        (self.line_col(range.start), self.line_col(range.end))
    }
}

/// Counts per severity over all files.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Summary {
    pub files: usize,
    pub error: usize,
    pub warning: usize,
    pub info: usize,
    pub hint: usize,
}

impl Summary {
    pub fn of(files: &[FileReport]) -> Summary {
        use crate::diagnostics::Severity::*;
        let mut summary = Summary {
            files: files.len(),
            ..Summary::default()
        };
        for d in files.iter().flat_map(|f| &f.diagnostics) {
            match d.severity {
                Error => summary.error += 1,
                Warning => summary.warning += 1,
                Info => summary.info += 1,
                Hint => summary.hint += 1,
            }
        }
        summary
    }

    pub fn total(&self) -> usize {
        self.error + self.warning + self.info + self.hint
    }
}

/// Messages longer than this many characters are cut by the text formats.
const MAX_MESSAGE_CHARS: usize = 4000;

/// Text for a text format (a message, a label, a path): the last defence after
/// [`crate::diagnostics::quote`], for anything that reached a message without it. Control
/// characters and line breaks are escaped (a raw line break would let file content start a line
/// of its own: a workflow command in a GitHub Actions log), and a runaway message is cut.
pub(crate) fn clean(text: &str) -> Cow<'_, str> {
    let escaped = crate::diagnostics::escape_controls(text);
    match escaped.char_indices().nth(MAX_MESSAGE_CHARS) {
        None => escaped,
        Some((cut, _)) => Cow::Owned(format!("{}…", &escaped[..cut])),
    }
}
