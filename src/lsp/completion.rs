//! Completion: route keys, the keys valid at the cursor, values, authorizer names and a snippet
//! for a whole websocket event. The cursor's context comes from the lines of the current text
//! (works while it is broken); names come from the newest analysis that parsed.

use std::sync::OnceLock;

use regex::Regex;
use tower_lsp_server::ls_types as lsp;

use super::convert::Converter;
use super::docs::{self, Kind};
use super::documents::Snapshot;
use super::hover::is_authorizer_name;
use super::query::{self, Slot};
use crate::model::RESERVED_ROUTES;

/// At most this many items go back; past it the list is marked incomplete, so the editor asks
/// again as more is typed (rust-analyzer's `completion.limit`). A large service has tens of
/// thousands of routes and functions: sending them all on every keystroke is slow.
const MAX_ITEMS: usize = 200;

pub fn completion(
    text: &str,
    converter: &Converter,
    model: Option<&Snapshot>,
    offset: usize,
) -> lsp::CompletionResponse {
    let cursor = query::cursor(text, offset);
    let mut filtered = false;
    let (items, typed) = items(text, &cursor, converter, model, &mut filtered);
    if !filtered && items.len() <= MAX_ITEMS {
        return lsp::CompletionResponse::Array(items);
    }
    let typed = typed.to_lowercase();
    let items = items
        .into_iter()
        .filter(|item| matches_typed(&typed, item.filter_text.as_deref().unwrap_or(&item.label)))
        .take(MAX_ITEMS)
        .collect();
    lsp::CompletionResponse::List(lsp::CompletionList {
        is_incomplete: true,
        items,
    })
}

/// True when the characters of `typed` (lowercase) appear in `label` in order, ignoring case
/// (how editors filter).
fn matches_typed(typed: &str, label: &str) -> bool {
    let mut rest = label.chars().flat_map(char::to_lowercase);
    typed.chars().all(|c| rest.any(|l| l == c))
}

/// Every item for the cursor, and the text typed so far that they complete.
fn items<'c>(
    text: &str,
    cursor: &'c query::Cursor,
    converter: &Converter,
    model: Option<&Snapshot>,
    filtered: &mut bool,
) -> (Vec<lsp::CompletionItem>, &'c str) {
    let cursor_typed = cursor.prefix.as_str();
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
    if let Some((items, typed)) = generated_in_value(cursor, &path, converter, model) {
        return (items, typed);
    }
    if let Some((items, typed)) = inside_value(cursor, &path, converter, model) {
        return (items, typed);
    }
    match &cursor.slot {
        // The logical IDs the framework generates, where CloudFormation takes one.
        Slot::Value { key } if matches!(key.as_str(), "Ref" | "Fn::GetAtt" | "DependsOn") => {
            items.extend(generated_names(model, range));
        }
        Slot::Value { key } => {
            let mut full = path.clone();
            full.push(key);
            values(
                &full,
                text,
                model,
                (cursor_typed, &mut *filtered),
                &mut |label, detail, kind| items.push(value_item(label, detail, kind)),
            );
        }
        Slot::Key => {
            // A list item of a list-valued key (identitySource).
            if let Some((_, parent)) = path.split_last().filter(|(last, _)| **last == "-") {
                if docs::key(parent).is_some_and(|d| d.kind() == Kind::List) {
                    values(
                        parent,
                        text,
                        model,
                        (cursor_typed, &mut *filtered),
                        &mut |label, detail, kind| items.push(value_item(label, detail, kind)),
                    );
                    return (items, cursor_typed);
                }
            }
            if matches!(path.as_slice(), ["functions", _, "events", "-"]) {
                items.push(event_snippet(converter, cursor, range, false));
            } else if matches!(path.as_slice(), ["functions", _, "events"]) {
                items.push(event_snippet(converter, cursor, range, true));
            }
            let present = present_keys(text, cursor.replace.start);
            for doc in docs::children(&path) {
                let name = docs::name(doc);
                if present.iter().any(|k| k == name) {
                    continue;
                }
                let new_text = match doc.kind() {
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
    (items, cursor_typed)
}

/// The keys of the block mapping a key typed at `at` belongs to, read from the lines above and
/// below at the same indentation (from the text, so it works while the document is broken),
/// the cursor's own line left out: completion does not offer a key the mapping already has.
fn present_keys(text: &str, at: usize) -> Vec<String> {
    let at = crate::span::floor_char_boundary(text, at.min(text.len()));
    let line_start = text[..at].rfind(['\n', '\r']).map_or(0, |i| i + 1);
    let before = &text[line_start..at];
    if before.contains(['\t', '{', '[']) {
        return Vec::new();
    }
    let column = before.len();
    // On a line that starts a list item (`- |`), the lines above belong to other items.
    let starts_item = before.trim_start().starts_with('-');
    let key_of = |content: &str| -> Option<String> {
        let content = content.trim_end();
        let colon = content
            .match_indices(':')
            .map(|(i, _)| i)
            .find(|i| content[i + 1..].is_empty() || content[i + 1..].starts_with([' ', '\t']))?;
        let key = content[..colon].trim();
        let key = key
            .strip_prefix(['"', '\''])
            .and_then(|k| k.strip_suffix(['"', '\'']))
            .unwrap_or(key);
        Some(key.to_string())
    };
    let mut keys = Vec::new();
    // Returns false at the end of the mapping.
    let mut visit = |line: &str, upward: bool| -> bool {
        let content = line.trim_start_matches(' ');
        if content.is_empty() || content.starts_with('#') {
            return true;
        }
        let indent = line.len() - content.len();
        if indent > column {
            return true;
        }
        if indent == column && !content.starts_with("- ") && content != "-" {
            keys.extend(key_of(content));
            return true;
        }
        // The line of a list item whose first key sits at this column: it belongs to the
        // mapping (looking up) and ends it.
        if upward && indent < column {
            let item = content.trim_start_matches(['-', ' ']);
            if content.starts_with('-') && line.len() - item.len() == column {
                keys.extend(key_of(item));
            }
        }
        false
    };
    let line_end = text[at..].find(['\n', '\r']).map_or(text.len(), |i| at + i);
    if !starts_item {
        for line in text[..line_start].lines().rev() {
            if !visit(line, true) {
                break;
            }
        }
    }
    for line in text[line_end..].lines().skip(1) {
        if !visit(line, false) {
            break;
        }
    }
    keys
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
/// `$context.` variables in an access log format. `None` when none of these applies; with the
/// items, the part of the prefix they complete.
fn inside_value<'c>(
    cursor: &'c query::Cursor,
    path: &[&str],
    converter: &Converter,
    model: Option<&Snapshot>,
) -> Option<(Vec<lsp::CompletionItem>, &'c str)> {
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
            return Some((
                yaml.entries(mapping)
                    .iter()
                    .filter_map(|e| yaml.str(e.key))
                    .map(|k| item(k, None, from, lsp::CompletionItemKind::FIELD))
                    .collect(),
                prefix.get(from..).unwrap_or(""),
            ));
        }
        if !inner.contains([':', '(']) {
            return Some((
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
                inner,
            ));
        }
        return Some((Vec::new(), ""));
    }
    let is_format = matches!(cursor.slot, Slot::Value { ref key } if key == "format")
        && path == ["provider", "logs", "websocket"];
    if is_format {
        let from = prefix.rfind('$').unwrap_or(prefix.len());
        return Some((
            CONTEXT_VARIABLES
                .iter()
                .map(|v| item(v, None, from, lsp::CompletionItemKind::VARIABLE))
                .collect(),
            &prefix[from..],
        ));
    }
    None
}

/// The logical IDs the framework generates for this service, each replacing `range`.
fn generated_names(
    model: Option<&Snapshot>,
    range: lsp::Range,
) -> impl Iterator<Item = lsp::CompletionItem> + '_ {
    let generated = model.map(|m| &m.analysis.service.generated.ids);
    generated.into_iter().flatten().map(move |id| {
        let detail = format!("generated by the framework: {}", id.kind.resource_type());
        lsp::CompletionItem {
            label: id.id.clone(),
            kind: Some(lsp::CompletionItemKind::REFERENCE),
            documentation: Some(lsp::Documentation::MarkupContent(lsp::MarkupContent {
                kind: lsp::MarkupKind::Markdown,
                value: detail,
            })),
            filter_text: Some(id.id.clone()),
            text_edit: Some(lsp::CompletionTextEdit::Edit(lsp::TextEdit {
                range,
                new_text: id.id.clone(),
            })),
            ..Default::default()
        }
    })
}

/// The generated logical IDs where a name is typed inside a value: an item of a `DependsOn`
/// list, after `!Ref ` or `!GetAtt ` (the name, not the attribute after its `.`), and after
/// `${` in an `Fn::Sub` or
/// `!Sub` template, where the variable sources stay on offer too (the framework resolves its
/// own variables there first). With the items, the part of the prefix they complete.
fn generated_in_value<'c>(
    cursor: &'c query::Cursor,
    path: &[&str],
    converter: &Converter,
    model: Option<&Snapshot>,
) -> Option<(Vec<lsp::CompletionItem>, &'c str)> {
    let prefix = cursor.prefix.as_str();
    let tagged = ["!Ref ", "!GetAtt "]
        .iter()
        .find_map(|tag| prefix.strip_prefix(tag));
    let depends_on_item = cursor.slot == Slot::Key && path.ends_with(&["DependsOn", "-"]);
    let from = if depends_on_item {
        if prefix.contains([':', ' ', '$']) {
            return None;
        }
        0
    } else if let Some(rest) = tagged {
        let name = rest.trim_start_matches([' ', '"', '\'']);
        if name.contains(['.', ' ']) {
            return None;
        }
        prefix.len() - name.len()
    } else {
        let in_sub = matches!(&cursor.slot, Slot::Value { key } if key == "Fn::Sub")
            || path.ends_with(&["Fn::Sub", "-"])
            || prefix.starts_with("!Sub ");
        let open = prefix
            .rfind("${")
            .filter(|at| in_sub && !prefix[*at..].contains('}'))?;
        if prefix[open + 2..].contains([':', '(', '.', '!', ' ']) {
            return None;
        }
        open + 2
    };
    let start = cursor.replace.start;
    let range = converter.range(crate::span::TextRange::new(
        start + from,
        cursor.replace.end.max(start + prefix.len()),
    ));
    let mut items: Vec<lsp::CompletionItem> = generated_names(model, range).collect();
    if tagged.is_none() && !depends_on_item {
        if let Some((sources, _)) = inside_value(cursor, path, converter, model) {
            items.extend(sources);
        }
    }
    Some((items, prefix.get(from..).unwrap_or("")))
}

/// `labels` (`count` of them) as they are when they fit in a reply; otherwise only those
/// matching `typed`, at most as many as fit, with `filtered` set (the reply is then marked
/// incomplete), and no items made for the thousands that would be dropped anyway.
fn within_limit<'l>(
    labels: impl Iterator<Item = &'l str>,
    count: usize,
    (typed, filtered): (&str, &mut bool),
) -> Vec<&'l str> {
    if count <= MAX_ITEMS {
        return labels.collect();
    }
    *filtered = true;
    let typed = typed.to_lowercase();
    labels
        .filter(|label| matches_typed(&typed, label))
        .take(MAX_ITEMS)
        .collect()
}

/// The values offered for the key at `path` (`typed`: what is typed of the value so far;
/// `filtered` is set when a long list was cut down to what matches it).
fn values(
    path: &[&str],
    text: &str,
    model: Option<&Snapshot>,
    (typed, filtered): (&str, &mut bool),
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
        if matches!(doc.kind(), Kind::Bool | Kind::BoolOrObject) {
            push("true", None, lsp::CompletionItemKind::VALUE);
            push("false", None, lsp::CompletionItemKind::VALUE);
        }
    }
    if is_route {
        let routes = custom_routes(text, model);
        for route in within_limit(routes.iter().copied(), routes.len(), (typed, filtered)) {
            push(
                route,
                Some("a route used in this service"),
                lsp::CompletionItemKind::VALUE,
            );
        }
    }
    if is_authorizer_name(path) {
        if let Some(snapshot) = model {
            let functions = &snapshot.analysis.service.functions;
            let names = functions.iter().map(|f| f.name.as_str());
            for name in within_limit(names, functions.len(), (typed, &mut *filtered)) {
                push(
                    name,
                    Some("a function of this service"),
                    lsp::CompletionItemKind::FUNCTION,
                );
            }
        }
    }
}

/// Custom routes already used: from the model, and from the text (which may be newer).
fn custom_routes<'a>(text: &'a str, model: Option<&'a Snapshot>) -> Vec<&'a str> {
    static RE: OnceLock<Regex> = OnceLock::new();
    let re = RE.get_or_init(|| {
        Regex::new(
            r#"(?m)^[ \t-]*(?:route|websocket):[ \t]*["']?([A-Za-z0-9_.:/-]+)["']?[ \t]*(?:#.*)?$"#,
        )
        .expect("static regex")
    });
    let mut routes = Vec::new();
    // The model is of this very text unless the text does not parse (then it is the last
    // version that did, and the text may name routes it does not know).
    let model_is_current = model.is_some_and(|m| std::ptr::eq(m.text.as_str(), text));
    if !model_is_current {
        routes.extend(
            re.captures_iter(text)
                .filter_map(|c| c.get(1).map(|m| m.as_str())),
        );
    }
    if let Some(snapshot) = model {
        let service = &snapshot.analysis.service;
        routes.extend(service.known_routes().map(|(_, route)| route.key.as_str()));
    }
    routes.retain(|r| !RESERVED_ROUTES.contains(r) && !r.starts_with('$'));
    // Sorted and distinct; a sort of borrowed names is cheaper than a set of 16,000 inserts.
    routes.sort_unstable();
    routes.dedup();
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

#[cfg(test)]
mod tests {
    use super::present_keys;

    #[test]
    fn present_keys_are_the_siblings_at_the_cursors_indentation() {
        let text = "functions:\n  f:\n    handler: h.f\n    events:\n      - websocket:\n          route: a\n          \n          authorizer: x\n      - websocket: b\n    timeout: 3\n";
        let at = text
            .find("          \n")
            .map(|i| i + 10)
            .unwrap_or_default();
        assert_eq!(present_keys(text, at), ["route", "authorizer"]);
        let at = text.find("    events").map(|i| i + 4).unwrap_or_default();
        assert_eq!(present_keys(text, at), ["handler", "timeout"]);
        let text = "a:\n  - x: 1\n    y: 2\n  - \n    z: 3\n";
        let at = text.find("  - \n").map(|i| i + 4).unwrap_or_default();
        assert_eq!(present_keys(text, at), ["z"]);
    }
}
