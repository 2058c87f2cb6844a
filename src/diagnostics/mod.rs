//! What the rules produce: diagnostics with byte ranges, related locations and fixes.
//! Lines, columns and output formats are the renderers' business (`crate::render`).

mod fix;
mod shown;

use crate::span::TextRange;
pub use fix::{apply_edits, apply_fixes, FixOutcome};
pub use shown::{escape_controls, quote, shown, MAX_SHOWN_CHARS};

/// Ordered from least to most severe, so `severity >= fail_on` reads naturally.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    Hint,
    Info,
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Hint => "hint",
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }

    pub fn parse(text: &str) -> Option<Severity> {
        Some(match text {
            "hint" => Severity::Hint,
            "info" => Severity::Info,
            "warning" => Severity::Warning,
            "error" => Severity::Error,
            _ => return None,
        })
    }
}

impl std::fmt::Display for Severity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One replacement of a byte range by new text.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Edit {
    pub range: TextRange,
    pub text: String,
}

impl Edit {
    pub fn replace(range: TextRange, text: impl Into<String>) -> Self {
        Edit {
            range,
            text: text.into(),
        }
    }

    pub fn insert(at: usize, text: impl Into<String>) -> Self {
        Edit::replace(TextRange::empty(at), text)
    }

    pub fn delete(range: TextRange) -> Self {
        Edit::replace(range, "")
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Fix {
    /// What the fix does, imperative: "replace `info` with `INFO`".
    pub message: String,
    /// Safe fixes keep the meaning the user obviously intended; `--fix` applies only those.
    pub safe: bool,
    pub edits: Vec<Edit>,
}

impl Fix {
    pub fn safe(message: impl Into<String>, edits: Vec<Edit>) -> Self {
        Fix {
            message: message.into(),
            safe: true,
            edits,
        }
    }

    pub fn unsafe_(message: impl Into<String>, edits: Vec<Edit>) -> Self {
        Fix {
            message: message.into(),
            safe: false,
            edits,
        }
    }
}

/// Another place that explains a diagnostic (the first of two duplicate keys, a definition).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Related {
    /// `None`: the same file as the diagnostic.
    pub path: Option<String>,
    pub range: TextRange,
    pub message: String,
}

/// Editor hints that travel with a diagnostic (LSP `DiagnosticTag`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum DiagnosticTag {
    Unnecessary,
    Deprecated,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Diagnostic {
    pub code: &'static str,
    pub name: &'static str,
    pub severity: Severity,
    pub message: String,
    pub range: TextRange,
    pub related: Vec<Related>,
    pub fix: Option<Fix>,
    /// A second line of advice shown as `help:` (besides the fix's own message).
    pub help: Option<String>,
    pub tags: Vec<DiagnosticTag>,
    /// Where the finding is in the configuration (`functions.send.events[0].websocket.authorizer`)
    /// when there is no text to point into: the configuration the framework resolved for a
    /// `serverless.ts` or `serverless.js` (see the `resolved` module). `None` otherwise.
    pub config_path: Option<String>,
}

/// Who raises a diagnostic: the code, name and default severity it carries. The rule catalog
/// (`rules::Rule`) implements it; diagnostics know nothing else about rules, so the catalog can
/// depend on this module and not the other way round.
pub trait RuleIdentity {
    /// `WS201`.
    fn code(&self) -> &'static str;
    /// `authorizer-not-on-connect`.
    fn name(&self) -> &'static str;
    /// `None`: off unless the configuration turns it on.
    fn default_severity(&self) -> Option<Severity>;
}

impl<T: RuleIdentity + ?Sized> RuleIdentity for &T {
    fn code(&self) -> &'static str {
        (**self).code()
    }
    fn name(&self) -> &'static str {
        (**self).name()
    }
    fn default_severity(&self) -> Option<Severity> {
        (**self).default_severity()
    }
}

impl Diagnostic {
    /// A diagnostic of `rule` at its default severity (the configuration may change it later).
    pub fn new(
        rule: &(impl RuleIdentity + ?Sized),
        range: TextRange,
        message: impl Into<String>,
    ) -> Self {
        Diagnostic {
            code: rule.code(),
            name: rule.name(),
            // A rule that is off by default still speaks when turned on; until the
            // configuration says how loud, a warning.
            severity: rule.default_severity().unwrap_or(Severity::Warning),
            message: message.into(),
            range,
            related: Vec::new(),
            fix: None,
            help: None,
            tags: Vec::new(),
            config_path: None,
        }
    }

    pub fn with_related(mut self, range: TextRange, message: impl Into<String>) -> Self {
        self.related.push(Related {
            path: None,
            range,
            message: message.into(),
        });
        self
    }

    pub fn with_fix(mut self, fix: Fix) -> Self {
        self.fix = Some(fix);
        self
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    pub fn with_severity(mut self, severity: Severity) -> Self {
        self.severity = severity;
        self
    }

    pub fn with_tag(mut self, tag: DiagnosticTag) -> Self {
        self.tags.push(tag);
        self
    }
}

/// Output order: by position, then code, then message; exact repeats removed.
pub fn sort_and_dedup(diagnostics: &mut Vec<Diagnostic>) {
    diagnostics.sort_by(|a, b| {
        (a.range.start, a.range.end, a.code, &a.message).cmp(&(
            b.range.start,
            b.range.end,
            b.code,
            &b.message,
        ))
    });
    diagnostics.dedup_by(|a, b| a.code == b.code && a.range == b.range && a.message == b.message);
}
