//! Code actions: each diagnostic's fix as a quick fix (preferred when safe),
//! `source.fixAll.ws-lint` (every safe fix, in rounds, as `ws-lint --fix` applies them), and
//! "suppress WSnnn on this line".

use std::collections::HashMap;
use std::sync::OnceLock;

use regex::Regex;
use tower_lsp_server::ls_types::{self as lsp, Uri};

use super::convert::Converter;
use super::documents::Snapshot;
use crate::diagnostics::{Diagnostic, Edit};
use crate::span::{ColumnEncoding, TextRange};
use crate::yaml::NodeKind;

/// The kind of the fix-all action.
pub const FIX_ALL: &str = "source.fixAll.ws-lint";

pub fn code_actions(
    uri: &Uri,
    snapshot: &Snapshot,
    params: &lsp::CodeActionParams,
    encoding: ColumnEncoding,
    settings: &crate::config::Settings,
    path: &str,
) -> Vec<lsp::CodeActionOrCommand> {
    let converter = Converter::new(&snapshot.text, &snapshot.analysis.line_index, encoding);
    let wanted = |kind: &lsp::CodeActionKind| match &params.context.only {
        None => true,
        Some(only) => only.iter().any(|o| {
            kind.as_str() == o.as_str() || kind.as_str().starts_with(&format!("{}.", o.as_str()))
        }),
    };
    let requested = converter.text_range(params.range);
    let mut actions = Vec::new();
    let in_range: Vec<&Diagnostic> = snapshot
        .analysis
        .diagnostics
        .iter()
        .filter(|d| d.range.start <= requested.end && requested.start <= d.range.end)
        .collect();
    if wanted(&lsp::CodeActionKind::QUICKFIX) {
        for diagnostic in &in_range {
            let lsp_diagnostic = converter.diagnostic(uri, diagnostic);
            if let Some(fix) = &diagnostic.fix {
                actions.push(action(
                    uri,
                    &converter,
                    fix.message.clone(),
                    lsp::CodeActionKind::QUICKFIX,
                    &fix.edits,
                    Some(lsp_diagnostic.clone()),
                    fix.safe,
                ));
            }
        }
        for diagnostic in &in_range {
            if let Some(edit) = suppress_edit(snapshot, diagnostic, path) {
                actions.push(action(
                    uri,
                    &converter,
                    format!("suppress {} on this line", diagnostic.code),
                    lsp::CodeActionKind::QUICKFIX,
                    &[edit],
                    Some(converter.diagnostic(uri, diagnostic)),
                    false,
                ));
            }
        }
    }
    let fix_all = lsp::CodeActionKind::new(FIX_ALL);
    if wanted(&fix_all) {
        if let Some(edit) = fix_all_edit(&snapshot.text, snapshot, settings, path) {
            actions.push(action(
                uri,
                &converter,
                "ws-lint: fix all safe problems".to_string(),
                fix_all,
                &[edit],
                None,
                false,
            ));
        }
    }
    actions
}

fn action(
    uri: &Uri,
    converter: &Converter,
    title: String,
    kind: lsp::CodeActionKind,
    edits: &[Edit],
    diagnostic: Option<lsp::Diagnostic>,
    preferred: bool,
) -> lsp::CodeActionOrCommand {
    let mut changes = HashMap::new();
    changes.insert(
        uri.clone(),
        edits.iter().map(|e| converter.edit(e)).collect::<Vec<_>>(),
    );
    lsp::CodeActionOrCommand::CodeAction(lsp::CodeAction {
        title,
        kind: Some(kind),
        diagnostics: diagnostic.map(|d| vec![d]),
        edit: Some(lsp::WorkspaceEdit {
            changes: Some(changes),
            ..Default::default()
        }),
        is_preferred: preferred.then_some(true),
        ..Default::default()
    })
}

/// Applies safe fixes in rounds exactly as `ws-lint --fix` does (the core's [`crate::fix`]),
/// and returns one edit covering the change (the text between the common prefix and suffix),
/// or `None` when nothing changes or the fixes would break the file.
fn fix_all_edit(
    original: &str,
    snapshot: &Snapshot,
    settings: &crate::config::Settings,
    path: &str,
) -> Option<Edit> {
    // Asked for on most cursor moves: without a safe fix in sight, no need to run the rounds.
    let any_safe_fix = snapshot.analysis.diagnostics.iter().any(|d| {
        d.fix
            .as_ref()
            .is_some_and(|f| f.safe && !f.edits.is_empty())
    });
    if !any_safe_fix {
        return None;
    }
    let fixed = crate::fix(original, path, settings, false);
    if fixed.refused.is_some() || fixed.text == original {
        return None;
    }
    Some(minimal_edit(original, &fixed.text))
}

/// One edit turning `old` into `new`: the differing middle, on char boundaries.
pub fn minimal_edit(old: &str, new: &str) -> Edit {
    let mut prefix = old
        .bytes()
        .zip(new.bytes())
        .take_while(|(a, b)| a == b)
        .count();
    while !old.is_char_boundary(prefix) || !new.is_char_boundary(prefix) {
        prefix -= 1;
    }
    let max_suffix = old.len().min(new.len()) - prefix;
    let mut suffix = old
        .bytes()
        .rev()
        .zip(new.bytes().rev())
        .take(max_suffix)
        .take_while(|(a, b)| a == b)
        .count();
    while !old.is_char_boundary(old.len() - suffix) || !new.is_char_boundary(new.len() - suffix) {
        suffix -= 1;
    }
    Edit::replace(
        TextRange::new(prefix, old.len() - suffix),
        &new[prefix..new.len() - suffix],
    )
}

fn ignore_list_regex() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(r"(?:^|[ \t])#\s*ws-lint:\s*ignore\[([^\]]*)\]").expect("static regex")
    })
}

/// The edit that suppresses `diagnostic` on its line: extends an existing
/// `# ws-lint: ignore[...]` list there, or appends one. `None` where a comment cannot go (a JSON
/// file, a line that ends inside a multi-line scalar) or for the diagnostics about syntax and
/// suppressions.
pub fn suppress_edit(snapshot: &Snapshot, diagnostic: &Diagnostic, path: &str) -> Option<Edit> {
    if matches!(diagnostic.code, "WS001") || diagnostic.code.starts_with("WS9") {
        return None;
    }
    // JSON has no comments: the framework's `JSON.parse` would refuse the file.
    if crate::model::FileFormat::from_path(path) == crate::model::FileFormat::Json {
        return None;
    }
    let text = snapshot.text.as_str();
    let index = &snapshot.analysis.line_index;
    let line = index.line_of(diagnostic.range.start);
    let range = index.line_range(text, line);
    let line_text = &text[range.as_range()];
    let in_scalar = |offset: usize| {
        snapshot.analysis.yaml.nodes().any(|(_, node)| {
            matches!(node.kind, NodeKind::Scalar(_))
                && node.range().start <= offset
                && offset < node.range().end
        })
    };
    // Text that looks like a suppression comment inside a quoted value is part of the value.
    let existing = ignore_list_regex().captures_iter(line_text).find(|c| {
        c.get(0).is_some_and(|m| {
            !in_scalar(range.start + m.start() + m.as_str().find('#').unwrap_or(0))
        })
    });
    if let Some(captures) = existing {
        let list = captures.get(1)?;
        let at = range.start + list.end();
        let insert = if list.as_str().trim().is_empty() {
            diagnostic.code.to_string()
        } else {
            format!(", {}", diagnostic.code)
        };
        return Some(Edit::insert(at, insert));
    }
    let end = range.end;
    let inside_scalar = snapshot.analysis.yaml.nodes().any(|(_, node)| {
        matches!(node.kind, NodeKind::Scalar(_))
            && node.range().start < end
            && node.range().end > end
    });
    // A line inside a block scalar (`|`, `>`) ends inside it too, unless the scalar's range
    // stops at its last line's end: check the line's start as well.
    if inside_scalar || (!line_text.trim().is_empty() && in_scalar_body(snapshot, range.start)) {
        return None;
    }
    let trimmed_end = range.start + line_text.trim_end().len();
    Some(Edit::replace(
        TextRange::new(trimmed_end, end),
        format!(" # ws-lint: ignore[{}]", diagnostic.code),
    ))
}

/// `offset` (a line's start) lies inside a multi-line scalar that began on an earlier line.
fn in_scalar_body(snapshot: &Snapshot, offset: usize) -> bool {
    snapshot.analysis.yaml.nodes().any(|(_, node)| {
        matches!(node.kind, NodeKind::Scalar(_))
            && node.range().start < offset
            && offset < node.range().end
    })
}
