use crate::diagnostics::{Diagnostic, DiagnosticTag, Edit, Fix, Severity};
use crate::model::FileFormat;
use crate::model::LEGACY_PLUGIN;
use crate::rules::edits::{add_entry, indent_step, is_flow, is_own_entry, line_indent, NewValue};
use crate::rules::edits::{entry_lines, replace_scalar};
use crate::rules::{declare_rule, Context};
use crate::yaml::{Entry, NodeId};

declare_rule! {
    /// ## What it does
    /// Reports the keys of the old `serverless-websockets-plugin`: `provider.websocketApiName`,
    /// `provider.websocketApiRouteSelectionExpression` and the event key `routeKey`, plus
    /// `provider.websocketApiId`, which belongs under `provider.apiGateway`. Where `plugins`
    /// lists `serverless-websockets-plugin` and some event uses its `routeKey`, the plugin's own
    /// keys are valid and are not reported. (Where the plugin is listed but every event is
    /// written in the framework's syntax, the plugin deploys nothing and its keys are reported.)
    ///
    /// ## Why is this bad?
    /// The framework has built-in WebSocket support since v1.38 and spells these settings
    /// differently: `websocketsApiName`, `websocketsApiRouteSelectionExpression` (with an `s`),
    /// `route` and `provider.apiGateway.websocketApiId`. It does not know the old keys: its
    /// schema warns `unrecognized property` and otherwise ignores them, so the API gets the
    /// default name and route selection expression, and an event with `routeKey` but no
    /// `route` makes packaging crash. The same keys at the top level of the file are read by
    /// neither the framework nor the plugin.
    ///
    /// The fix renames the key (moving `websocketApiId` under `apiGateway` where that is a
    /// simple edit).
    ///
    /// ## Example
    /// ```yaml
    /// service: chat
    /// provider:
    ///   name: aws
    ///   websocketApiName: chat-api
    /// functions:
    ///   connect:
    ///     handler: handler.connect
    ///     events:
    ///       - websocket:
    ///           routeKey: $connect
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// service: chat
    /// provider:
    ///   name: aws
    ///   websocketsApiName: chat-api
    /// functions:
    ///   connect:
    ///     handler: handler.connect
    ///     events:
    ///       - websocket:
    ///           route: $connect
    /// ```
    pub static RULE = {
        code: "WS302",
        name: "legacy-key",
        severity: Some(Severity::Warning),
        fix: Sometimes,
        check: Some(check),
    };
}

/// Old plugin key under `provider` → the framework's key.
const PROVIDER_RENAMES: &[(&str, &str)] = &[
    ("websocketApiName", "websocketsApiName"),
    (
        "websocketApiRouteSelectionExpression",
        "websocketsApiRouteSelectionExpression",
    ),
];

fn check(ctx: &Context, out: &mut Vec<Diagnostic>) {
    let plugin = ctx.service.uses_legacy_plugin(ctx.yaml);
    // Listed, but every event is in the framework's syntax: the plugin deploys nothing.
    let idle_plugin = !plugin && ctx.service.has_plugin(LEGACY_PLUGIN);
    if let Some(provider) = ctx.service.provider {
        if !plugin {
            for (old, new) in PROVIDER_RENAMES {
                if let Some(entry) = ctx.yaml.get(provider, old) {
                    out.push(rename(ctx, provider, entry, old, new, idle_plugin));
                }
            }
        }
        if let Some(entry) = ctx.yaml.get(provider, "websocketApiId") {
            out.push(misplaced_api_id(ctx, provider, entry));
        }
    }
    top_level_keys(ctx, out);
    if plugin {
        return;
    }
    for event in &ctx.service.events {
        if !ctx.yaml.is_mapping(event.value) {
            continue;
        }
        let Some(entry) = ctx.yaml.get(event.value, "routeKey") else {
            continue;
        };
        let has_route = ctx.yaml.get(event.value, "route").is_some();
        let key = ctx.yaml.range(entry.key);
        let mut diagnostic = if has_route {
            Diagnostic::new(
                &RULE,
                key,
                "`routeKey` is the old `serverless-websockets-plugin` key: the framework ignores it and uses `route`",
            )
        } else {
            Diagnostic::new(
                &RULE,
                key,
                "`routeKey` is the old `serverless-websockets-plugin` key: the framework needs `route` (without it packaging fails)",
            )
        }
        .with_tag(DiagnosticTag::Deprecated);
        if has_route {
            diagnostic = diagnostic.with_help("remove `routeKey`");
        } else if is_own_entry(ctx, event.value, entry) {
            if let Some(edit) = replace_scalar(ctx, entry.key, "route") {
                diagnostic =
                    diagnostic.with_fix(Fix::safe("rename `routeKey` to `route`", vec![edit]));
            }
        }
        out.push(diagnostic);
    }
}

fn rename(
    ctx: &Context,
    map: NodeId,
    entry: Entry,
    old: &str,
    new: &str,
    idle_plugin: bool,
) -> Diagnostic {
    let already = ctx.yaml.get(map, new).is_some();
    let whose = if idle_plugin {
        "the old `serverless-websockets-plugin`, which deploys nothing here (no event uses `routeKey`)"
    } else {
        "the old `serverless-websockets-plugin`"
    };
    let message = if already {
        format!("`provider.{old}` is a key of {whose}: the framework ignores it and uses `{new}`")
    } else {
        format!(
            "`provider.{old}` is a key of {whose}: the framework ignores it; its key is `{new}`"
        )
    };
    let mut diagnostic = Diagnostic::new(&RULE, ctx.yaml.range(entry.key), message)
        .with_tag(DiagnosticTag::Deprecated);
    if already {
        diagnostic = diagnostic.with_help(format!("remove `{old}`"));
    } else if is_own_entry(ctx, map, entry) {
        if let Some(edit) = replace_scalar(ctx, entry.key, new) {
            diagnostic =
                diagnostic.with_fix(Fix::safe(format!("rename `{old}` to `{new}`"), vec![edit]));
        }
    }
    diagnostic
}

/// `provider.websocketApiId`: the framework reads `provider.apiGateway.websocketApiId`.
fn misplaced_api_id(ctx: &Context, provider: NodeId, entry: Entry) -> Diagnostic {
    let yaml = ctx.yaml;
    let mut diagnostic = Diagnostic::new(
        &RULE,
        yaml.range(entry.key),
        "`provider.websocketApiId` is not a framework setting: it is ignored, and the framework creates a new API; an existing API is set with `provider.apiGateway.websocketApiId`",
    )
    .with_tag(DiagnosticTag::Deprecated);
    if let Some(edits) = move_api_id(ctx, provider, entry) {
        diagnostic = diagnostic.with_fix(Fix::unsafe_(
            "move it to `provider.apiGateway.websocketApiId`",
            edits,
        ));
    }
    diagnostic
}

/// The edits that move a one-line `websocketApiId: value` under `apiGateway`: renaming the key
/// to `apiGateway:` plus a nested key when there is no `apiGateway` yet, or adding it to an
/// existing block `apiGateway` mapping and removing the old line.
fn move_api_id(ctx: &Context, provider: NodeId, entry: Entry) -> Option<Vec<Edit>> {
    let yaml = ctx.yaml;
    let text = ctx.text;
    if ctx.format == FileFormat::Json
        || is_flow(ctx, provider)
        || !is_own_entry(ctx, provider, entry)
        || yaml.is_alias(entry.value)
    {
        return None;
    }
    let key = yaml.range(entry.key);
    let value = yaml.range(entry.value);
    let written = text.get(key.start..value.end)?;
    let value_text = text.get(value.as_range())?;
    // One line, and a value that can be copied as it is written.
    if written.contains('\n')
        || value_text.is_empty()
        || value_text.starts_with(['|', '>', '&'])
        || yaml.scalar(entry.value).is_none() && !is_flow(ctx, entry.value)
    {
        return None;
    }
    let indent = line_indent(text, key.start)?;
    match yaml.get(provider, "apiGateway") {
        None => {
            let step = " ".repeat(indent_step(ctx, entry.key));
            Some(vec![Edit::replace(
                key,
                format!("apiGateway:\n{indent}{step}websocketApiId"),
            )])
        }
        Some(api_gateway) => {
            if !is_own_entry(ctx, provider, api_gateway)
                || yaml.get(api_gateway.value, "websocketApiId").is_some()
            {
                return None;
            }
            let add = add_entry(
                ctx,
                api_gateway.value,
                "websocketApiId",
                NewValue::Scalar(value_text),
            )?;
            let remove = entry_lines(ctx, entry.key, entry.value)?;
            Some(vec![add, Edit::delete(remove)])
        }
    }
}

/// The plugin's keys written at the top level of the file: read by nobody.
fn top_level_keys(ctx: &Context, out: &mut Vec<Diagnostic>) {
    let Some(root) = ctx.service.root else {
        return;
    };
    for (old, new) in PROVIDER_RENAMES {
        if let Some(entry) = ctx.yaml.get(root, old) {
            out.push(
                Diagnostic::new(
                    &RULE,
                    ctx.yaml.range(entry.key),
                    format!(
                        "`{old}` at the top level is read by neither the framework nor the old `serverless-websockets-plugin`: the framework's setting is `provider.{new}`"
                    ),
                )
                .with_tag(DiagnosticTag::Deprecated),
            );
        }
    }
}
