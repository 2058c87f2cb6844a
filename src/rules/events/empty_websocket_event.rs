use crate::diagnostics::{Diagnostic, Edit, Fix, Severity};
use crate::model::WebsocketEvent;
use crate::rules::{declare_rule, Context};
use crate::yaml::ScalarStyle;

use super::{is_empty_event, slipped_keys};

declare_rule! {
    /// ## What it does
    /// Reports a `websocket:` event with no value (`websocket:`, `~`, `null` or `''`). When
    /// `route`, `authorizer` or `routeResponseSelectionExpression` sit beside `websocket:` in
    /// the same list item, it says so: they were meant to be indented under it.
    ///
    /// `websocket: false` and `websocket: 0` are not empty: the framework turns them into the
    /// routes `"false"` and `"0"` (see `coerced-type`, WS005). A blank string such as `' '` is
    /// a route too, reported by `empty-route` (WS013).
    ///
    /// ## Why is this bad?
    /// The framework skips an event whose `websocket` value is empty: no route, no integration,
    /// and no error. With `null` its schema prints only a warning ("unsupported function
    /// event"); with `''` not even that. The indentation slip is the usual cause (serverless
    /// issue #6024): `route: $connect` written at the level of `websocket:` becomes a second key
    /// of the list item, `websocket` is left null, and the `$connect` route is never deployed.
    ///
    /// The fix indents the keys beside `websocket:` by two more spaces so that they belong to
    /// it. It is offered when every other key of the item is one of the event's settings. It is
    /// an unsafe fix (`--unsafe-fixes`): it is what the author meant, but it changes what
    /// deploys, since events the framework ignored until now start to exist (and may, say,
    /// collide with another route).
    ///
    /// ## Example
    /// ```yaml
    /// service: chat
    /// provider:
    ///   name: aws
    /// functions:
    ///   connect:
    ///     handler: handler.connect
    ///     events:
    ///       - websocket:
    ///         route: $connect
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// service: chat
    /// provider:
    ///   name: aws
    /// functions:
    ///   connect:
    ///     handler: handler.connect
    ///     events:
    ///       - websocket:
    ///           route: $connect
    /// ```
    pub static RULE = {
        code: "WS010",
        name: "empty-websocket-event",
        severity: Some(Severity::Error),
        fix: Sometimes,
        check: Some(check),
    };
}

fn check(ctx: &Context, out: &mut Vec<Diagnostic>) {
    let yaml = ctx.yaml;
    for event in &ctx.service.events {
        if !is_empty_event(ctx, event) {
            continue;
        }
        let slipped = slipped_keys(ctx, event);
        let empty_string = !yaml.is_null(event.value);
        let mut diagnostic = if slipped.is_empty() {
            let message = if empty_string {
                "`websocket` is an empty string: the framework skips this event without a word, and no route is deployed"
            } else {
                "`websocket` has no value: the framework skips this event (its schema only warns: unsupported function event), and no route is deployed"
            };
            Diagnostic::new(&RULE, yaml.range(event.key), message)
        } else {
            let names: Vec<String> = slipped
                .iter()
                .filter_map(|e| yaml.key_text(e.key))
                .map(|k| format!("`{k}`"))
                .collect();
            let (noun, verb) = if names.len() == 1 {
                ("key", "sits")
            } else {
                ("keys", "sit")
            };
            let listed = join_and(&names);
            let message = format!(
                "`websocket` has no value and {listed} {verb} beside it: the framework skips this event, and no route is deployed",
            );
            let mut diagnostic =
                Diagnostic::new(&RULE, yaml.range(event.key), message).with_help(format!(
                    "the {noun} {listed} must be indented under `websocket:` to belong to the event"
                ));
            for entry in &slipped {
                diagnostic = diagnostic.with_related(
                    yaml.range(entry.key),
                    "indented at the level of `websocket`, so it is a key of the list item",
                );
            }
            diagnostic
        };
        if let Some(edits) = indent_fix(ctx, event) {
            // The fix says what to do: the help line would repeat it.
            diagnostic.help = None;
            let names: Vec<String> = slipped
                .iter()
                .filter_map(|e| yaml.key_text(e.key))
                .map(|k| format!("`{k}`"))
                .collect();
            diagnostic = diagnostic.with_fix(Fix::unsafe_(
                format!("indent {} under `websocket:`", join_and(&names)),
                edits,
            ));
        }
        out.push(diagnostic);
    }
}

/// Adds two spaces before every line of the keys beside `websocket:`, so that they become its
/// children. Only when the item is a block mapping written here, `websocket:` has nothing after
/// its colon, every other key of the item is an event setting, and they all follow it.
fn indent_fix(ctx: &Context, event: &WebsocketEvent) -> Option<Vec<Edit>> {
    let yaml = ctx.yaml;
    let text = ctx.text;
    if yaml.is_alias(event.item) || yaml.is_alias(event.value) {
        return None;
    }
    let own = yaml.own_entries(event.item)?;
    let slipped = slipped_keys(ctx, event);
    // Every other key of the item must be a slipped one, written in this mapping.
    if slipped.is_empty() || own.len() != slipped.len() + 1 {
        return None;
    }
    if !slipped.iter().all(|e| own.contains(e)) {
        return None;
    }
    // `websocket:` with nothing written after it (no `~`, `null`, `''`).
    let value = yaml.scalar(event.value)?;
    if !(value.value.is_empty() && value.style == ScalarStyle::Plain) {
        return None;
    }
    let key_range = yaml.range(event.key);
    let after_key = text.get(key_range.end..)?;
    let line_rest = after_key.split('\n').next().unwrap_or("");
    let line_rest = line_rest.trim_end_matches('\r');
    let rest = line_rest.trim_start().strip_prefix(':')?.trim();
    if !(rest.is_empty() || rest.starts_with('#')) {
        return None;
    }
    // The keys must follow `websocket:` on lines of their own.
    let first = slipped.iter().map(|e| yaml.range(e.key).start).min()?;
    if first < key_range.end {
        return None;
    }
    let end = slipped
        .iter()
        .map(|e| yaml.range(e.value).end.max(yaml.range(e.key).end))
        .max()?;
    let key_column = key_range.start - line_start(text, key_range.start);
    let mut edits = Vec::new();
    let mut at = line_start(text, first);
    while at < end {
        let line_end = text[at..].find('\n').map_or(text.len(), |i| at + i + 1);
        let line = &text[at..line_end];
        let blank = line.trim().is_empty();
        if !blank {
            let indent = line.len() - line.trim_start_matches(' ').len();
            // A flow mapping or tab-indented line would not survive the shift unchanged.
            if line[indent..].starts_with('\t') {
                return None;
            }
            if !line.trim_start().starts_with('#') && indent < key_column {
                return None;
            }
            edits.push(Edit::insert(at, "  "));
        }
        at = line_end;
    }
    if edits.is_empty() {
        return None;
    }
    Some(edits)
}

/// `a`, `a and b`, `a, b and c`.
fn join_and(items: &[String]) -> String {
    match items.split_last() {
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} and {last}", rest.join(", ")),
        None => String::new(),
    }
}

fn line_start(text: &str, offset: usize) -> usize {
    text[..offset].rfind('\n').map_or(0, |i| i + 1)
}
