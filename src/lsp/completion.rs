//! Completion: route keys, the keys valid at the cursor, values, authorizer names and a snippet
//! for a whole websocket event. The cursor's context comes from the lines of the current text
//! (works while it is broken); names come from the newest analysis that parsed.

use std::collections::BTreeSet;
use std::sync::OnceLock;

use regex::Regex;
use tower_lsp_server::ls_types as lsp;

use super::convert::Converter;
use super::docs::{self, Kind};
use super::documents::Snapshot;
use super::hover::is_authorizer_name;
use super::query::{self, Slot};

const BUILT_IN_ROUTES: [&str; 3] = ["$connect", "$disconnect", "$default"];

pub fn completion(
    text: &str,
    converter: &Converter,
    model: Option<&Snapshot>,
    offset: usize,
) -> Vec<lsp::CompletionItem> {
    let cursor = query::cursor(text, offset);
    let range = converter.range(cursor.replace);
    let path = docs::normalize(&cursor.path);
    let mut items = Vec::new();
    let value_item =
        |label: &str, detail: Option<&str>, kind: lsp::CompletionItemKind| lsp::CompletionItem {
            label: label.to_string(),
            kind: Some(kind),
            documentation: detail.map(|d| {
                lsp::Documentation::MarkupContent(lsp::MarkupContent {
                    kind: lsp::MarkupKind::Markdown,
                    value: d.to_string(),
                })
            }),
            filter_text: Some(label.to_string()),
            text_edit: Some(lsp::CompletionTextEdit::Edit(lsp::TextEdit {
                range,
                new_text: label.to_string(),
            })),
            ..Default::default()
        };
    if let Some(items) = inside_value(&cursor, &path, converter, model) {
        return items;
    }
    match &cursor.slot {
        Slot::Value { key } => {
            let mut full = path.clone();
            full.push(key);
            values(&full, text, model, &mut |label, detail, kind| {
                items.push(value_item(label, detail, kind))
            });
        }
        Slot::Key => {
            // A list item of a list-valued key (identitySource).
            if let Some((_, parent)) = path.split_last().filter(|(last, _)| **last == "-") {
                if docs::key(parent).is_some_and(|d| d.kind == Kind::List) {
                    values(parent, text, model, &mut |label, detail, kind| {
                        items.push(value_item(label, detail, kind))
                    });
                    return items;
                }
            }
            if matches!(path.as_slice(), ["functions", _, "events", "-"]) {
                items.push(event_snippet(converter, &cursor, range, false));
            } else if matches!(path.as_slice(), ["functions", _, "events"]) {
                items.push(event_snippet(converter, &cursor, range, true));
            }
            for doc in docs::children(&path) {
                let name = docs::name(doc);
                let new_text = match doc.kind {
                    Kind::Object => format!("{name}:\n"),
                    _ => format!("{name}: "),
                };
                items.push(lsp::CompletionItem {
                    label: name.to_string(),
                    kind: Some(lsp::CompletionItemKind::PROPERTY),
                    documentation: Some(lsp::Documentation::MarkupContent(lsp::MarkupContent {
                        kind: lsp::MarkupKind::Markdown,
                        value: doc.doc().to_string(),
                    })),
                    filter_text: Some(name.to_string()),
                    text_edit: Some(lsp::CompletionTextEdit::Edit(lsp::TextEdit {
                        range,
                        new_text,
                    })),
                    ..Default::default()
                });
            }
        }
    }
    items
}

/// Variable sources the framework knows (v3 and v4), offered after `${`.
const VARIABLE_SOURCES: [(&str, &str); 11] = [
    ("self:", "a value from this file: `${self:custom.key}`"),
    ("sls:", "`${sls:stage}`, `${sls:instanceId}`"),
    ("opt:", "a CLI option: `${opt:stage}`"),
    ("env:", "an environment variable"),
    ("param:", "a parameter (dashboard or `params`)"),
    (
        "file(",
        "a value from another file: `${file(./config.yml):key}`",
    ),
    ("ssm:", "an SSM parameter"),
    ("cf:", "a CloudFormation stack output"),
    ("s3:", "an S3 object"),
    ("aws:", "`${aws:accountId}`, `${aws:region}`"),
    ("strToBool(", "a string as a boolean"),
];

/// `$context` variables of WebSocket access logs.
const CONTEXT_VARIABLES: [&str; 20] = [
    "$context.requestId",
    "$context.extendedRequestId",
    "$context.connectionId",
    "$context.connectedAt",
    "$context.eventType",
    "$context.routeKey",
    "$context.messageId",
    "$context.messageDirection",
    "$context.requestTime",
    "$context.requestTimeEpoch",
    "$context.status",
    "$context.error.message",
    "$context.integrationLatency",
    "$context.identity.sourceIp",
    "$context.identity.caller",
    "$context.identity.user",
    "$context.identity.userAgent",
    "$context.authorizer.principalId",
    "$context.apiId",
    "$context.stage",
];

/// Completion inside a value's text: variable sources after `${`, paths after `${self:`, and
/// `$context.` variables in an access log format. `None` when none of these applies.
fn inside_value(
    cursor: &query::Cursor,
    path: &[&str],
    converter: &Converter,
    model: Option<&Snapshot>,
) -> Option<Vec<lsp::CompletionItem>> {
    let prefix = cursor.prefix.as_str();
    let start = cursor.replace.start;
    let item = |label: &str, detail: Option<&str>, from: usize, kind| lsp::CompletionItem {
        label: label.to_string(),
        kind: Some(kind),
        detail: detail.map(str::to_string),
        filter_text: Some(label.to_string()),
        text_edit: Some(lsp::CompletionTextEdit::Edit(lsp::TextEdit {
            range: converter.range(crate::span::TextRange::new(
                start + from,
                start + prefix.len(),
            )),
            new_text: label.to_string(),
        })),
        ..Default::default()
    };
    if let Some(open) = prefix.rfind("${").filter(|at| !prefix[*at..].contains('}')) {
        let inner = &prefix[open + 2..];
        if let Some(self_path) = inner.strip_prefix("self:") {
            let (parents, _) = self_path.rsplit_once('.').unwrap_or(("", self_path));
            let from = open
                + 2
                + "self:".len()
                + if parents.is_empty() {
                    0
                } else {
                    parents.len() + 1
                };
            let snapshot = model?;
            let yaml = &snapshot.analysis.yaml;
            let root = yaml.root()?;
            let keys: Vec<&str> = parents.split('.').filter(|k| !k.is_empty()).collect();
            let mapping = yaml.path(root, &keys)?;
            return Some(
                yaml.entries(mapping)
                    .iter()
                    .filter_map(|e| yaml.str(e.key))
                    .map(|k| item(k, None, from, lsp::CompletionItemKind::FIELD))
                    .collect(),
            );
        }
        if !inner.contains([':', '(']) {
            return Some(
                VARIABLE_SOURCES
                    .iter()
                    .map(|(source, detail)| {
                        item(
                            source,
                            Some(detail),
                            open + 2,
                            lsp::CompletionItemKind::MODULE,
                        )
                    })
                    .collect(),
            );
        }
        return Some(Vec::new());
    }
    let is_format = matches!(cursor.slot, Slot::Value { ref key } if key == "format")
        && path == ["provider", "logs", "websocket"];
    if is_format {
        let from = prefix.rfind('$').unwrap_or(prefix.len());
        return Some(
            CONTEXT_VARIABLES
                .iter()
                .map(|v| item(v, None, from, lsp::CompletionItemKind::VARIABLE))
                .collect(),
        );
    }
    None
}

/// The values offered for the key at `path`.
fn values(
    path: &[&str],
    text: &str,
    model: Option<&Snapshot>,
    push: &mut dyn FnMut(&str, Option<&str>, lsp::CompletionItemKind),
) {
    let doc = docs::key(path);
    let is_route = matches!(
        path,
        ["functions", _, "events", "-", "websocket"]
            | ["functions", _, "events", "-", "websocket", "route"]
    );
    if let Some(doc) = doc {
        for (value, detail) in doc.values {
            push(value, Some(detail), lsp::CompletionItemKind::VALUE);
        }
        if matches!(doc.kind, Kind::Bool | Kind::BoolOrObject) {
            push("true", None, lsp::CompletionItemKind::VALUE);
            push("false", None, lsp::CompletionItemKind::VALUE);
        }
    }
    if is_route {
        for route in custom_routes(text, model) {
            push(
                &route,
                Some("a route used in this service"),
                lsp::CompletionItemKind::VALUE,
            );
        }
    }
    if is_authorizer_name(path) {
        if let Some(snapshot) = model {
            for function in &snapshot.analysis.service.functions {
                push(
                    &function.name,
                    Some("a function of this service"),
                    lsp::CompletionItemKind::FUNCTION,
                );
            }
        }
    }
}

/// Custom routes already used: from the model, and from the text (which may be newer).
fn custom_routes(text: &str, model: Option<&Snapshot>) -> BTreeSet<String> {
    static RE: OnceLock<Regex> = OnceLock::new();
    let re = RE.get_or_init(|| {
        Regex::new(
            r#"(?m)^[ \t-]*(?:route|websocket):[ \t]*["']?([A-Za-z0-9_.:/-]+)["']?[ \t]*(?:#.*)?$"#,
        )
        .expect("static regex")
    });
    let mut routes: BTreeSet<String> = re
        .captures_iter(text)
        .filter_map(|c| c.get(1).map(|m| m.as_str().to_string()))
        .collect();
    if let Some(snapshot) = model {
        for (_, route) in snapshot.analysis.service.known_routes() {
            routes.insert(route.key.clone());
        }
    }
    routes.retain(|r| !BUILT_IN_ROUTES.contains(&r.as_str()) && !r.starts_with('$'));
    routes
}

/// A whole websocket event. `dash`: the cursor is under `events:` without a list item yet.
fn event_snippet(
    converter: &Converter,
    cursor: &query::Cursor,
    range: lsp::Range,
    dash: bool,
) -> lsp::CompletionItem {
    let line_start = converter
        .index
        .line_start(converter.index.line_of(cursor.replace.start));
    let column = converter.text[line_start..cursor.replace.start]
        .chars()
        .count();
    let key_column = column + if dash { 2 } else { 0 };
    let inner = " ".repeat(key_column + 2);
    let new_text = format!(
        "{}websocket:\n{inner}route: ${{1:\\$connect}}$0",
        if dash { "- " } else { "" }
    );
    lsp::CompletionItem {
        label: "websocket event".to_string(),
        kind: Some(lsp::CompletionItemKind::SNIPPET),
        detail: Some("- websocket: {route: ...}".to_string()),
        filter_text: Some("websocket".to_string()),
        insert_text_format: Some(lsp::InsertTextFormat::SNIPPET),
        insert_text_mode: Some(lsp::InsertTextMode::AS_IS),
        text_edit: Some(lsp::CompletionTextEdit::Edit(lsp::TextEdit {
            range,
            new_text,
        })),
        ..Default::default()
    }
}
