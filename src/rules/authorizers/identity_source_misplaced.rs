use super::{is_local_entry, plain_string, DEFAULT_IDENTITY_SOURCE};
use crate::diagnostics::{Diagnostic, Edit, Fix, Severity};
use crate::model::{Authorizer, AuthorizerForm, FileFormat, WebsocketEvent};
use crate::rules::edits::{entry_lines, indentation_at, value_end};
use crate::rules::{declare_rule, Context};
use crate::span::TextRange;
use crate::variables;
use crate::yaml::{Entry, NodeId, NodeKind, ScalarStyle};

declare_rule! {
    /// ## What it does
    /// Reports `identitySource` written beside `authorizer` in the websocket event, instead of
    /// inside an authorizer object. This rule, not WS003 (unknown-key), reports that key there;
    /// in an event with no authorizer at all it is just an unknown key (WS003).
    ///
    /// ## Why is this bad?
    /// The framework reads identity sources only from the object form of `authorizer`
    /// (`authorizer: {name: ..., identitySource: [...]}`). Beside it, `identitySource` is an
    /// unrecognized property that its schema warns about and the compiler ignores, and the
    /// string form of `authorizer` always uses `route.request.header.Auth`. Clients that send
    /// the token where you said (a query string, say) get `401 Unauthorized` before your
    /// authorizer runs, because the header it really waits for is missing.
    ///
    /// The fix turns the authorizer into the object form with `name:` (or `arn:` for an ARN)
    /// and moves the list into it. It is unsafe: it changes which part of the request the
    /// deployed authorizer requires.
    ///
    /// ## Example
    /// ```yaml
    /// service: chat
    /// provider:
    ///   name: aws
    /// functions:
    ///   auth:
    ///     handler: handler.auth
    ///   connect:
    ///     handler: handler.connect
    ///     events:
    ///       - websocket:
    ///           route: $connect
    ///           authorizer: auth
    ///           identitySource:
    ///             - route.request.querystring.token
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// service: chat
    /// provider:
    ///   name: aws
    /// functions:
    ///   auth:
    ///     handler: handler.auth
    ///   connect:
    ///     handler: handler.connect
    ///     events:
    ///       - websocket:
    ///           route: $connect
    ///           authorizer:
    ///             name: auth
    ///             identitySource:
    ///               - route.request.querystring.token
    /// ```
    pub static RULE = {
        code: "WS208",
        name: "identity-source-misplaced",
        severity: Some(Severity::Warning),
        fix: Sometimes,
        check: Some(check),
    };
}

fn check(ctx: &Context, out: &mut Vec<Diagnostic>) {
    let yaml = ctx.yaml;
    for event in &ctx.service.events {
        if !yaml.is_mapping(event.value) {
            continue;
        }
        let Some(misplaced) = yaml.get(event.value, "identitySource") else {
            continue;
        };
        let range = yaml.range(misplaced.key);
        // Without an authorizer beside it, it is simply an unknown key (WS003 says so).
        let Some(authorizer) = &event.authorizer else {
            continue;
        };
        let message = match &authorizer.form {
            AuthorizerForm::String => format!(
                "`identitySource` beside `authorizer` is ignored: a string `authorizer` always uses `{DEFAULT_IDENTITY_SOURCE}`; identity sources belong inside the object form"
            ),
            AuthorizerForm::Object {
                identity_source: Some(_),
                ..
            } => "`identitySource` beside `authorizer` is ignored: the authorizer's own `identitySource` applies".to_string(),
            AuthorizerForm::Object { .. } => format!(
                "`identitySource` beside `authorizer` is ignored: the authorizer uses `{DEFAULT_IDENTITY_SOURCE}`; identity sources belong inside the `authorizer` object"
            ),
            AuthorizerForm::Other => {
                "`identitySource` beside `authorizer` is ignored: identity sources belong inside the `authorizer` object".to_string()
            }
        };
        let mut diagnostic = Diagnostic::new(&RULE, range, message)
            .with_related(yaml.range(authorizer.key), "the authorizer");
        match convert(ctx, event, authorizer, misplaced) {
            Some(edits) => {
                diagnostic = diagnostic.with_fix(Fix::unsafe_(
                    "move `identitySource` into the authorizer object",
                    edits,
                ));
            }
            None => {
                if let AuthorizerForm::Object {
                    identity_source: Some(_),
                    ..
                } = &authorizer.form
                {
                    diagnostic = diagnostic.with_help(
                        "merge these sources into the authorizer's `identitySource` and remove this one",
                    );
                }
            }
        }
        out.push(diagnostic);
    }
}

/// The edits that move the misplaced list into the authorizer object (written in block style),
/// when the entries are plain enough to rewrite without losing anything.
fn convert(
    ctx: &Context,
    event: &WebsocketEvent,
    authorizer: &Authorizer,
    misplaced: Entry,
) -> Option<Vec<Edit>> {
    let yaml = ctx.yaml;
    let text = ctx.text;
    // The rewrite is YAML block style.
    if ctx.format != FileFormat::Yaml
        || !is_block_mapping(ctx, event.value)
        || !is_local_entry(yaml, event.value, misplaced)
        || !is_local_entry(
            yaml,
            event.value,
            Entry {
                key: authorizer.key,
                value: authorizer.value,
            },
        )
    {
        return None;
    }
    let removal = entry_lines(ctx, misplaced.key, misplaced.value)?;
    let moved = moved_list(ctx, misplaced, removal)?;
    let key_indent = indentation_at(text, yaml.range(authorizer.key).start);
    let event_key_start = yaml.range(event.key).start;
    let event_key_column =
        event_key_start - text[..event_key_start].rfind('\n').map_or(0, |i| i + 1);
    let unit_width = key_indent
        .len()
        .checked_sub(event_key_column)
        .filter(|w| *w > 0)
        .unwrap_or(2);
    let unit = " ".repeat(unit_width);
    match &authorizer.form {
        AuthorizerForm::String => {
            let value = plain_string(ctx, authorizer.value)?;
            if yaml.is_alias(authorizer.value) {
                return None;
            }
            let field = if value.starts_with("arn:") {
                "arn"
            } else if variables::has_variable(value) {
                return None;
            } else if value.contains(':') {
                "arn"
            } else {
                "name"
            };
            let lines = entry_lines(ctx, authorizer.key, authorizer.value)?;
            let value_range = yaml.range(authorizer.value);
            if text[value_range.as_range()].contains('\n') {
                return None;
            }
            let comment = text[value_range.end..lines.end].trim();
            let comment = if comment.is_empty() {
                String::new()
            } else {
                format!(" {comment}")
            };
            let key_text = &text[yaml.range(authorizer.key).as_range()];
            let inner = format!("{key_indent}{unit}");
            let mut new_text = format!(
                "{key_indent}{key_text}:\n{inner}{field}: {}{comment}\n",
                &text[value_range.as_range()]
            );
            new_text.push_str(&identity_block(&inner, &unit, &moved));
            Some(vec![Edit::replace(lines, new_text), Edit::delete(removal)])
        }
        AuthorizerForm::Object {
            identity_source: None,
            ..
        } => {
            if yaml.is_alias(authorizer.value) || !is_block_mapping(ctx, authorizer.value) {
                return None;
            }
            let own = yaml.own_entries(authorizer.value)?;
            let first = own.first()?;
            let first_start = yaml.range(first.key).start;
            let inner = indentation_at(text, first_start);
            let line_start = text[..first_start].rfind('\n').map_or(0, |i| i + 1);
            if line_start + inner.len() != first_start {
                return None;
            }
            let last = own.last()?;
            let end = value_end(
                ctx,
                yaml.range(last.value).end.max(yaml.range(last.key).end),
                last.value,
                inner.len(),
            );
            let (at, lead) = match text[end..].find('\n') {
                Some(i) => (end + i + 1, ""),
                None => (text.len(), "\n"),
            };
            let unit_width = inner
                .len()
                .checked_sub(key_indent.len())
                .filter(|w| *w > 0)?;
            let unit = " ".repeat(unit_width);
            let insert = format!("{lead}{}", identity_block(inner, &unit, &moved));
            Some(vec![Edit::insert(at, insert), Edit::delete(removal)])
        }
        _ => None,
    }
}

/// The list being moved: its items' source text, and the comments that travel with them.
struct Moved<'a> {
    /// After `identitySource:` (or after its value, when that is on one line).
    key_comment: Option<&'a str>,
    /// Each item, with the comment at the end of its line (block lists only).
    items: Vec<(&'a str, Option<&'a str>)>,
}

/// `identitySource:` and its items, one per line, at `indent`.
fn identity_block(indent: &str, unit: &str, moved: &Moved) -> String {
    let comment = |c: Option<&str>| c.map_or(String::new(), |c| format!(" {c}"));
    if moved.items.is_empty() {
        return format!("{indent}identitySource: []{}\n", comment(moved.key_comment));
    }
    let mut out = format!("{indent}identitySource:{}\n", comment(moved.key_comment));
    for (item, item_comment) in &moved.items {
        out.push_str(&format!(
            "{indent}{unit}- {item}{}\n",
            comment(*item_comment)
        ));
    }
    out
}

/// Reads the misplaced entry for moving. `None` when an item is not a one-line scalar written
/// in place, or when a comment would be lost (a comment line inside the list).
fn moved_list<'a>(ctx: &'a Context, entry: Entry, removal: TextRange) -> Option<Moved<'a>> {
    let yaml = ctx.yaml;
    let text = ctx.text;
    if yaml.is_alias(entry.value) {
        return None;
    }
    let block_list = matches!(
        yaml.node(entry.value).kind,
        NodeKind::Sequence { flow: false, .. }
    );
    let nodes: Vec<NodeId> = match yaml.items(entry.value) {
        Some(items) => items.to_vec(),
        None if yaml.is_null(entry.value) => return None,
        None => vec![entry.value],
    };
    let mut items = Vec::new();
    for node in nodes {
        let scalar = yaml.scalar(node)?;
        if yaml.is_alias(node) || matches!(scalar.style, ScalarStyle::Literal | ScalarStyle::Folded)
        {
            return None;
        }
        let range = yaml.range(node);
        let source = text.get(range.as_range())?;
        if source.contains('\n') || source.is_empty() {
            return None;
        }
        let comment = if block_list {
            trailing_comment(text, range.end)
        } else {
            None
        };
        items.push((source, comment));
    }
    let key_comment = if block_list {
        let key_end = yaml.range(entry.key).end;
        let rest = text[key_end..].trim_start_matches([' ', '\t']);
        rest.strip_prefix(':')
            .and_then(|_| trailing_comment(text, key_end + text[key_end..].find(':')? + 1))
    } else {
        trailing_comment(text, yaml.range(entry.value).end)
    };
    // Anything else with a `#` is a comment line we would drop.
    let mut rest = text.get(removal.as_range())?.to_string();
    for (item, comment) in &items {
        rest = rest.replacen(item, "", 1);
        if let Some(comment) = comment {
            rest = rest.replacen(comment, "", 1);
        }
    }
    if let Some(comment) = key_comment {
        rest = rest.replacen(comment, "", 1);
    }
    if rest.contains('#') {
        return None;
    }
    Some(Moved { key_comment, items })
}

/// The comment at the end of the line, when only spaces separate it from `at`.
fn trailing_comment(text: &str, at: usize) -> Option<&str> {
    let line_end = text[at..].find('\n').map_or(text.len(), |i| at + i);
    let rest = text[at..line_end].trim();
    rest.starts_with('#').then_some(rest)
}

fn is_block_mapping(ctx: &Context, node: NodeId) -> bool {
    let resolved = ctx.yaml.resolve(node);
    matches!(
        ctx.yaml.node(resolved).kind,
        NodeKind::Mapping { flow: false, .. }
    )
}
