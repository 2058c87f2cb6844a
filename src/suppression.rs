//! Suppression comments (`# ws-lint: ignore[...]`, `ignore-next-line[...]`, `ignore-file[...]`)
//! and the diagnostics about them (WS901 unused, WS902 invalid).

use std::sync::OnceLock;

use regex::Regex;

use crate::config::Settings;
use crate::diagnostics::{Diagnostic, DiagnosticTag, Edit, Fix};
use crate::rules::{self, suppressions as rule_docs};
use crate::span::{LineIndex, TextRange};
use crate::yaml::{NodeKind, Yaml};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Scope {
    /// Diagnostics starting on this 0-based line.
    Line(usize),
    File,
}

#[derive(Debug)]
struct Suppression {
    scope: Scope,
    /// The whole comment, from `#` to the end of the line.
    comment: TextRange,
    /// Where the comment starts including the white space before it (for removal).
    removal: TextRange,
    /// `None`: every code. Otherwise each listed code with its range and whether it was used.
    codes: Option<Vec<ListedCode>>,
    used: bool,
}

#[derive(Debug)]
struct ListedCode {
    text: String,
    range: TextRange,
    /// The resolved rule code, `None` when the name is unknown.
    code: Option<&'static str>,
    used: bool,
}

fn comment_regex() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(r"^#\s*ws-lint:\s*(ignore-next-line|ignore-file|ignore)\b(?:\[([^\]]*)\])?")
            .expect("static regex")
    })
}

/// Finds the suppression comments. A `#` starts a comment only at a line's start or after white
/// space, and never inside a scalar (a quoted string may well contain `# ws-lint:`).
fn find(text: &str, yaml: &Yaml, index: &LineIndex) -> Vec<Suppression> {
    // Sorted scalar ranges, gathered at the first `ws-lint:` that needs them: most files have
    // no directive, and on a large one the list and its sort are a pass over the whole tree.
    let scalar_ranges = std::cell::OnceCell::new();
    let in_scalar = |offset: usize| {
        let scalar_ranges = scalar_ranges.get_or_init(|| {
            let mut ranges: Vec<TextRange> = yaml
                .nodes()
                .filter(|(_, n)| matches!(n.kind, NodeKind::Scalar(_)))
                .map(|(_, n)| n.range())
                .collect();
            ranges.sort_by_key(|r| r.start);
            ranges
        });
        let after = scalar_ranges.partition_point(|r| r.start <= offset);
        scalar_ranges[..after]
            .iter()
            .rev()
            .take(4)
            .any(|r| r.contains(offset))
    };
    let mut found = Vec::new();
    let mut search = 0;
    while let Some(pos) = text[search..].find("ws-lint:") {
        let marker = search + pos;
        search = marker + 8;
        let line = index.line_of(marker);
        let line_range = index.line_range(text, line);
        let Some(hash) = text[line_range.start..marker].rfind('#') else {
            continue;
        };
        let hash = line_range.start + hash;
        let before = &text[line_range.start..hash];
        if !(before.is_empty() || before.ends_with([' ', '\t'])) || in_scalar(hash) {
            continue;
        }
        let comment_text = &text[hash..line_range.end];
        let Some(caps) = comment_regex().captures(comment_text) else {
            continue;
        };
        let kind = caps.get(1).map_or("ignore", |m| m.as_str());
        let own_line = before.trim().is_empty();
        let scope = match kind {
            "ignore-file" => Scope::File,
            "ignore-next-line" => {
                let mut next = line + 1;
                while next < index.line_count()
                    && text[index.line_range(text, next).as_range()]
                        .trim()
                        .is_empty()
                {
                    next += 1;
                }
                Scope::Line(next)
            }
            _ => Scope::Line(line),
        };
        let codes = caps.get(2).map(|list| {
            let mut codes = Vec::new();
            let mut offset = hash + list.start();
            for part in list.as_str().split(',') {
                let trimmed = part.trim();
                let start = offset + part.find(trimmed).unwrap_or(0);
                if !trimmed.is_empty() {
                    codes.push(ListedCode {
                        text: trimmed.to_string(),
                        range: TextRange::new(start, start + trimmed.len()),
                        code: rules::find(trimmed).map(|r| r.code),
                        used: false,
                    });
                }
                offset += part.len() + 1;
            }
            codes
        });
        // The directive itself; anything after it on the line (another comment) is not ours.
        let directive_end = hash + caps.get(0).map_or(comment_text.len(), |m| m.end());
        let comment = TextRange::new(hash, directive_end);
        let removal = if own_line {
            // The whole line, its line break included.
            let next_start = index.line_start(line + 1);
            TextRange::new(line_range.start, next_start.max(line_range.end))
        } else {
            let trimmed = before.trim_end_matches([' ', '\t']).len();
            let rest = &text[directive_end..line_range.end];
            if rest.trim().is_empty() {
                TextRange::new(line_range.start + trimmed, line_range.end)
            } else {
                // Keep what follows (` # note`), with its own leading space.
                TextRange::new(line_range.start + trimmed, directive_end)
            }
        };
        found.push(Suppression {
            scope,
            comment,
            removal,
            codes,
            used: false,
        });
    }
    found
}

/// Drops suppressed diagnostics and adds WS901/WS902 for the comments. `ran` tells the rules
/// that had their say: only their codes can be called unused (none while the file does not
/// parse; not WS702 for a text linted without its service's files).
pub fn apply(
    text: &str,
    yaml: &Yaml,
    index: &LineIndex,
    settings: &Settings,
    diagnostics: Vec<Diagnostic>,
    ran: &dyn Fn(&rules::Rule) -> bool,
) -> Vec<Diagnostic> {
    let mut suppressions = find(text, yaml, index);
    if suppressions.is_empty() {
        return diagnostics;
    }
    let mut kept = Vec::with_capacity(diagnostics.len());
    for diagnostic in diagnostics {
        let line = index.line_of(diagnostic.range.start);
        let mut suppressed = false;
        for suppression in &mut suppressions {
            let applies = match suppression.scope {
                Scope::File => true,
                Scope::Line(l) => l == line,
            };
            if !applies {
                continue;
            }
            match &mut suppression.codes {
                None => {
                    suppression.used = true;
                    suppressed = true;
                }
                Some(codes) => {
                    for listed in codes.iter_mut() {
                        if listed.code == Some(diagnostic.code) {
                            listed.used = true;
                            suppression.used = true;
                            suppressed = true;
                        }
                    }
                }
            }
        }
        if !suppressed {
            kept.push(diagnostic);
        }
    }
    // A comment is unused only when the rules it could silence had their say.
    let rules_ran = rules::all().iter().any(|r| ran(r));
    let unused_rule = &rule_docs::unused_suppression::RULE;
    let invalid_rule = &rule_docs::invalid_suppression::RULE;
    for suppression in &suppressions {
        let codes = suppression.codes.as_deref().unwrap_or_default();
        if let Some(severity) = settings.level(invalid_rule) {
            for listed in codes.iter().filter(|c| c.code.is_none()) {
                kept.push(
                    Diagnostic::new(
                        invalid_rule,
                        listed.range,
                        match rules::suggest(
                            &listed.text,
                            rules::all().iter().flat_map(|r| [r.code, r.name]),
                        ) {
                            Some(near) => format!(
                                "unknown rule `{}` in suppression comment: did you mean `{near}`?",
                                crate::diagnostics::shown(&listed.text)
                            ),
                            None => format!(
                                "unknown rule `{}` in suppression comment; `ws-lint rules` lists the codes and names",
                                crate::diagnostics::shown(&listed.text)
                            ),
                        },
                    )
                    .with_severity(severity),
                );
            }
        }
        let Some(severity) = settings.level(unused_rule) else {
            continue;
        };
        if !rules_ran {
            continue;
        }
        let unused = |listed: &&ListedCode| {
            !listed.used
                && listed
                    .code
                    .and_then(rules::find)
                    .is_some_and(|r| settings.is_enabled(r) && r.code != unused_rule.code && ran(r))
        };
        let unused_codes: Vec<&ListedCode> = codes.iter().filter(unused).collect();
        let valid_codes = codes.iter().filter(|c| c.code.is_some()).count();
        let whole_comment_unused = if suppression.codes.is_none() {
            !suppression.used
        } else {
            valid_codes > 0 && unused_codes.len() == valid_codes && codes.len() == valid_codes
        };
        if whole_comment_unused {
            kept.push(
                Diagnostic::new(
                    unused_rule,
                    suppression.comment,
                    "unused suppression: no diagnostic here to ignore".to_string(),
                )
                .with_severity(severity)
                .with_tag(DiagnosticTag::Unnecessary)
                .with_fix(Fix::safe(
                    "remove the suppression comment",
                    vec![Edit::delete(suppression.removal)],
                )),
            );
        } else {
            for listed in unused_codes {
                kept.push(
                    Diagnostic::new(
                        unused_rule,
                        listed.range,
                        format!("unused suppression of `{}`: nothing to ignore", listed.text),
                    )
                    .with_severity(severity)
                    .with_tag(DiagnosticTag::Unnecessary)
                    .with_fix(Fix::safe(
                        format!("remove `{}` from the list", listed.text),
                        vec![Edit::delete(list_item_removal(text, listed.range))],
                    )),
                );
            }
        }
    }
    kept
}

/// The range to delete to take one code out of `[A, B, C]`, with one of its commas.
fn list_item_removal(text: &str, item: TextRange) -> TextRange {
    let after = &text[item.end..];
    let trailing = after.len() - after.trim_start_matches([' ', '\t']).len();
    if after[trailing..].starts_with(',') {
        let rest = &after[trailing + 1..];
        let spaces = rest.len() - rest.trim_start_matches([' ', '\t']).len();
        return TextRange::new(item.start, item.end + trailing + 1 + spaces);
    }
    let before = &text[..item.start];
    let lead = before.trim_end_matches([' ', '\t']);
    if lead.ends_with(',') {
        return TextRange::new(lead.len() - 1, item.end);
    }
    item
}
