//! Hover: a rule's documentation on its diagnostic, the docs of WebSocket keys and values, and
//! the function behind an authorizer name.

use tower_lsp_server::ls_types as lsp;

use super::convert::Converter;
use super::documents::Snapshot;
use super::{docs, query};
use crate::span::TextRange;

/// `current`: the analysis of the text as it is; `model`: the newest one that parsed (for
/// looking functions up while the text is broken).
pub fn hover(
    current: &Snapshot,
    model: Option<&Snapshot>,
    converter: &Converter,
    offset: usize,
) -> Option<lsp::Hover> {
    let mut sections: Vec<String> = Vec::new();
    let mut range: Option<TextRange> = None;
    let mut seen = Vec::new();
    for diagnostic in &current.analysis.diagnostics {
        if diagnostic.range.touches(offset) && !seen.contains(&diagnostic.code) {
            seen.push(diagnostic.code);
            if let Some(rule) = crate::rules::find(diagnostic.code) {
                sections.push(format!(
                    "**{}** `{}`\n\n{}",
                    rule.code,
                    rule.name,
                    rule.documentation()
                        .replace("\n## ", "\n#### ")
                        .replacen("## ", "#### ", 1)
                ));
                range = Some(diagnostic.range);
            }
        }
    }
    let variable = variable_at(current, model, offset);
    let on_variable = variable.is_some();
    if let Some((reference, text)) = variable {
        sections.insert(0, text);
        range = Some(reference);
    }
    // On a `${...}` the variable is the subject, not the event around it.
    let generated = generated_ids(current, offset).or_else(|| generated_reference(current, offset));
    if let Some((text, at)) = generated.filter(|_| !on_variable) {
        sections.push(text);
        range = range.or(Some(at));
    }
    if let Some(entry) = query::line_entry(&current.text, offset) {
        let mut path = entry.path.clone();
        path.push(entry.key.clone());
        let normalized = docs::normalize(&path);
        let key_doc = docs::key(&normalized);
        if entry.key_range.touches(offset) {
            if let Some(doc) = key_doc {
                sections.insert(0, format!("**{}**\n\n{}", entry.key, doc.doc()));
                range = range.or(Some(entry.key_range));
            }
        } else if let Some((value, value_range)) = &entry.value {
            if value_range.touches(offset) {
                if let Some(text) = value_doc(&normalized, key_doc, value, model) {
                    sections.insert(0, text);
                    range = range.or(Some(*value_range));
                }
            }
        }
    }
    if sections.is_empty() {
        return None;
    }
    Some(lsp::Hover {
        contents: lsp::HoverContents::Markup(lsp::MarkupContent {
            kind: lsp::MarkupKind::Markdown,
            value: sections.join("\n\n---\n\n"),
        }),
        range: range.map(|r| converter.range(r)),
    })
}

/// The logical IDs the framework generates for the websocket event, route or authorizer under
/// the cursor, with the range of what generates them.
fn generated_ids(current: &Snapshot, offset: usize) -> Option<(String, TextRange)> {
    let analysis = &current.analysis;
    let yaml = &analysis.yaml;
    let service = &analysis.service;
    let event = service.events.iter().find(|e| {
        yaml.range(e.key).touches(offset)
            || (yaml.range(e.value).touches(offset) && yaml.scalar(e.value).is_some())
            || e.route
                .as_ref()
                .is_some_and(|r| yaml.range(r.node).touches(offset))
            || e.authorizer
                .as_ref()
                .is_some_and(|a| yaml.range(a.key).touches(offset))
    })?;
    let on_authorizer = event
        .authorizer
        .as_ref()
        .filter(|a| yaml.range(a.key).touches(offset));
    let mut origins = Vec::new();
    let at = match on_authorizer {
        Some(authorizer) => {
            origins.push(authorizer.key);
            yaml.range(authorizer.key)
        }
        None => {
            origins.push(event.key);
            if let Some(route) = &event.route {
                origins.push(route.node);
            }
            origins.push(service.functions[event.function].key);
            if let Some(authorizer) = &event.authorizer {
                origins.push(authorizer.key);
            }
            event
                .route
                .as_ref()
                .filter(|r| yaml.range(r.node).touches(offset))
                .map_or(yaml.range(event.key), |r| yaml.range(r.node))
        }
    };
    let lines: Vec<String> = origins
        .iter()
        .flat_map(|&origin| service.generated.from_origin(origin))
        .map(|g| format!("- `{}` ({})", g.id, g.kind.resource_type()))
        .collect();
    if lines.is_empty() {
        return None;
    }
    Some((
        format!(
            "CloudFormation logical IDs the framework generates:\n\n{}",
            lines.join("\n")
        ),
        at,
    ))
}

/// A reference to a generated logical ID under the cursor (`Ref`, `Fn::GetAtt`, `DependsOn`,
/// `Fn::Sub`, long or short form): the resource it names and what generates it.
fn generated_reference(current: &Snapshot, offset: usize) -> Option<(String, TextRange)> {
    // Finding the references walks the whole tree: only for a word that could be one.
    let text = current.text.as_str();
    let offset = crate::span::floor_char_boundary(text, offset.min(text.len()));
    let is_name = |c: char| c.is_ascii_alphanumeric();
    let start = text[..offset]
        .char_indices()
        .rev()
        .find(|(_, c)| !is_name(*c))
        .map_or(0, |(i, c)| i + c.len_utf8());
    let end = text[offset..]
        .find(|c| !is_name(c))
        .map_or(text.len(), |i| offset + i);
    if !crate::model::generated::in_websocket_namespace(&text[start..end]) {
        return None;
    }
    let analysis = &current.analysis;
    let yaml = &analysis.yaml;
    let (reference, at) = crate::model::generated::references(yaml)
        .into_iter()
        .map(|r| {
            let at = crate::variables::source_range(&current.text, yaml, r.node, r.span);
            (r, at)
        })
        .find(|(_, at)| at.touches(offset))?;
    let generated = analysis.service.generated.find(&reference.name)?;
    let origin = yaml.range(generated.origin);
    let written = current
        .text
        .get(origin.as_range())
        .and_then(|t| t.lines().next())
        .map(str::trim)
        .filter(|t| {
            !t.is_empty()
                && t.chars().count() <= 60
                && !t.contains('`')
                && !t.chars().any(char::is_control)
        });
    let source = match written {
        Some(written) => format!(", generated by the framework for `{written}`"),
        None => ", generated by the framework".to_string(),
    };
    Some((
        format!(
            "`{}`: {}{source}",
            generated.id,
            generated.kind.resource_type()
        ),
        at,
    ))
}

fn value_doc(
    path: &[&str],
    key_doc: Option<&docs::KeyDoc>,
    value: &str,
    model: Option<&Snapshot>,
) -> Option<String> {
    if let Some((_, text)) = key_doc.and_then(|d| d.values.iter().find(|(v, _)| *v == value)) {
        return Some(format!("`{value}`\n\n{text}"));
    }
    if is_authorizer_name(path) {
        let snapshot = model?;
        let function = snapshot.analysis.service.function(value)?;
        let yaml = &snapshot.analysis.yaml;
        let line = snapshot
            .analysis
            .line_index
            .line_col(&snapshot.text, yaml.range(function.key).start)
            .line;
        let handler = yaml
            .get_value(function.node, "handler")
            .and_then(|h| yaml.str(h))
            .map(|h| format!("\n\nhandler: `{h}`"))
            .unwrap_or_default();
        return Some(format!(
            "authorizer: function `{value}` (line {line}){handler}"
        ));
    }
    None
}

/// The `${self:...}` at `offset` and what it resolves to (from the newest model that parsed).
fn variable_at(
    current: &Snapshot,
    model: Option<&Snapshot>,
    offset: usize,
) -> Option<(TextRange, String)> {
    let index = &current.analysis.line_index;
    let line = index.line_range(&current.text, index.line_of(offset));
    let reference = query::self_references(&current.text, line)
        .into_iter()
        .find(|r| r.range.touches(offset))?;
    let written = &current.text[reference.range.as_range()];
    let snapshot = model?;
    let yaml = &snapshot.analysis.yaml;
    let text = match query::resolve_self(yaml, &reference.path) {
        None => format!(
            "`{written}`: `{}` is not in this file",
            reference.path.join(".")
        ),
        Some((_, value)) => match yaml.str(value) {
            Some(scalar) if yaml.scalar(value).is_some() => {
                format!("`{written}` = `{scalar}`")
            }
            _ => {
                let source = snapshot
                    .text
                    .get(yaml.range(value).as_range())
                    .unwrap_or("");
                format!("`{written}` =\n```yaml\n{source}\n```")
            }
        },
    };
    Some((reference.range, text))
}

/// True for `authorizer: name` and `authorizer: {name: ...}` under a websocket event.
pub fn is_authorizer_name(path: &[&str]) -> bool {
    matches!(
        path,
        ["functions", _, "events", "-", "websocket", "authorizer"]
            | [
                "functions",
                _,
                "events",
                "-",
                "websocket",
                "authorizer",
                "name"
            ]
    )
}
