//! WS3xx: the WebSocket API itself (provider level), and the provider-level helpers that the
//! logs, tags and functions groups share: what the framework makes of a provider setting after
//! its type coercion, whether an external API is used, and edits that add entries to a mapping
//! without disturbing the user's formatting.

use super::Rule;
use crate::diagnostics::Edit;
use crate::model::FileFormat;
use crate::rules::Context;
use crate::span::TextRange;
use crate::variables;
use crate::yaml::{Entry, NodeId, NodeKind};

mod external_api_reserved_route;
mod ignored_with_external_api;
mod legacy_key;
mod route_selection_expression;

pub(super) static RULES: &[&Rule] = &[
    &route_selection_expression::RULE,
    &legacy_key::RULE,
    &ignored_with_external_api::RULE,
    &external_api_reserved_route::RULE,
];

/// The old plugin whose keys (`websocketApiName`, `routeKey`...) are valid where it is listed.
pub(crate) const LEGACY_PLUGIN: &str = "serverless-websockets-plugin";

/// `provider.apiGateway.websocketApiId` when the API is certainly another stack's: the
/// framework then creates no API, stage, logs or tags (facts §3.6). The model decides
/// ([`crate::model::ApiOwner`]).
pub(crate) fn external_api(ctx: &Context) -> Option<Entry> {
    ctx.service.external_api()
}

/// True when some function has a websocket event the framework compiles (`websocket:` with a
/// value: a null one is skipped).
pub(crate) fn has_websocket_events(ctx: &Context) -> bool {
    ctx.service
        .events
        .iter()
        .any(|e| !ctx.yaml.is_null(e.value))
}

/// True when the old `serverless-websockets-plugin` builds the API: `plugins` lists it and some
/// event uses its `routeKey` (or there are no websocket events to tell). Where every event is
/// written in the framework's own syntax, the plugin has nothing to deploy and the framework
/// builds the API.
pub(crate) fn uses_legacy_plugin(ctx: &Context) -> bool {
    ctx.service.has_plugin(LEGACY_PLUGIN)
        && (ctx.service.events.is_empty()
            || ctx
                .service
                .events
                .iter()
                .any(|e| ctx.yaml.get(e.value, "routeKey").is_some()))
}

/// The key whose value is `value`, in the mapping that holds it.
pub(crate) fn key_of(ctx: &Context, value: NodeId) -> Option<NodeId> {
    let parent = ctx.yaml.node(value).parent()?;
    ctx.yaml
        .own_entries(parent)?
        .iter()
        .find(|e| e.value == value)
        .map(|e| e.key)
}

/// True when `entry` is written in `map` itself, not merged in from an anchor elsewhere.
pub(crate) fn is_own_entry(ctx: &Context, map: NodeId, entry: Entry) -> bool {
    !ctx.yaml.is_alias(map)
        && ctx
            .yaml
            .own_entries(map)
            .is_some_and(|own| own.contains(&entry))
}

pub(crate) fn is_flow(ctx: &Context, node: NodeId) -> bool {
    matches!(
        ctx.yaml.node(ctx.yaml.resolve(node)).kind,
        NodeKind::Mapping { flow: true, .. } | NodeKind::Sequence { flow: true, .. }
    )
}

/// The indentation of the line holding `offset` when only spaces come before it there (so not
/// after a `- ` item marker or inside a flow collection).
pub(crate) fn line_indent(text: &str, offset: usize) -> Option<&str> {
    let line_start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
    let before = &text[line_start..offset];
    before.bytes().all(|b| b == b' ').then_some(before)
}

/// How many spaces one nesting level takes in this file, judged at `key` (a block mapping key):
/// its own indentation minus that of the key its mapping belongs to. Two when that cannot be
/// told.
pub(crate) fn indent_step(ctx: &Context, key: NodeId) -> usize {
    let text = ctx.text;
    let own = line_indent(text, ctx.yaml.range(key).start).map(str::len);
    let parent_key = ctx
        .yaml
        .node(key)
        .parent()
        .and_then(|map| key_of(ctx, map))
        .and_then(|k| line_indent(text, ctx.yaml.range(k).start).map(str::len));
    match (own, parent_key) {
        (Some(own), Some(parent)) if own > parent => own - parent,
        _ => 2,
    }
}

/// A key as the file's format writes it.
fn key_text(ctx: &Context, key: &str) -> String {
    match ctx.format {
        FileFormat::Json => format!("\"{key}\""),
        FileFormat::Yaml => key.to_string(),
    }
}

/// What to add with [`add_entry`]: a one-line value, or a mapping of one `key: value`.
pub(crate) enum NewValue<'a> {
    Scalar(&'a str),
    Mapping(&'a str, &'a str),
}

impl NewValue<'_> {
    fn inline(&self, ctx: &Context) -> String {
        match self {
            NewValue::Scalar(value) => value.to_string(),
            NewValue::Mapping(key, value) => match ctx.format {
                FileFormat::Json => format!("{{{}: {value}}}", key_text(ctx, key)),
                FileFormat::Yaml => format!("{{ {key}: {value} }}"),
            },
        }
    }
}

/// An edit that adds `key: value` to the mapping `map`, in its style: a new line at the
/// indentation of its entries for block mappings, `, key: value` before the brace for flow
/// mappings (and JSON). `None` where that cannot be done safely: an alias, an empty block
/// mapping, entries that do not start their lines.
pub(crate) fn add_entry(ctx: &Context, map: NodeId, key: &str, value: NewValue) -> Option<Edit> {
    let yaml = ctx.yaml;
    let text = ctx.text;
    if yaml.is_alias(map) || !yaml.is_mapping(map) {
        return None;
    }
    let own = yaml.own_entries(map)?;
    let entry_end = |e: &Entry| yaml.range(e.value).end.max(yaml.range(e.key).end);
    if is_flow(ctx, map) || ctx.format == FileFormat::Json {
        let range = yaml.range(map);
        let written = text.get(range.as_range())?;
        if !(written.starts_with('{') && written.ends_with('}')) {
            return None;
        }
        let pair = format!("{}: {}", key_text(ctx, key), value.inline(ctx));
        return Some(match own.last() {
            Some(last) => Edit::insert(entry_end(last), format!(", {pair}")),
            None => Edit::replace(range, format!("{{ {pair} }}")),
        });
    }
    let first = own.first()?;
    let indent = line_indent(text, yaml.range(first.key).start)?;
    let last = own.last()?;
    let end = crate::rules::edits::value_end(ctx, entry_end(last), last.value, indent.len());
    let line = match value {
        NewValue::Scalar(v) => format!("{indent}{key}: {v}"),
        NewValue::Mapping(k, v) => {
            let step = " ".repeat(indent_step(ctx, first.key));
            format!("{indent}{key}:\n{indent}{step}{k}: {v}")
        }
    };
    Some(match text[end..].find('\n') {
        Some(i) => Edit::insert(end + i + 1, format!("{line}\n")),
        None => Edit::insert(text.len(), format!("\n{line}")),
    })
}

/// An edit that turns `key: scalar` into `key:` holding the mapping `{child: value}` (block style
/// below the key, or inline in flow mappings and JSON). `None` for aliases, block scalars and
/// anything between key and value other than the colon.
pub(crate) fn scalar_to_mapping(
    ctx: &Context,
    entry: Entry,
    child: &str,
    value: &str,
) -> Option<Edit> {
    let yaml = ctx.yaml;
    let text = ctx.text;
    if yaml.is_alias(entry.value) || yaml.scalar(entry.value).is_none() {
        return None;
    }
    let key_range = yaml.range(entry.key);
    let value_range = yaml.range(entry.value);
    let between = text.get(key_range.end..value_range.start)?;
    let written = text.get(value_range.as_range())?;
    if between.trim() != ":" || written.contains('\n') || written.starts_with(['|', '>']) {
        return None;
    }
    let parent = yaml.node(entry.key).parent()?;
    if is_flow(ctx, parent) || ctx.format == FileFormat::Json {
        let mapping = NewValue::Mapping(child, value).inline(ctx);
        return Some(Edit::replace(value_range, mapping));
    }
    let indent = line_indent(text, key_range.start)?;
    let step = " ".repeat(indent_step(ctx, entry.key));
    Some(Edit::replace(
        TextRange::new(key_range.end, value_range.end),
        format!(":\n{indent}{step}{child}: {value}"),
    ))
}

/// True when a string value holds a Serverless variable (and is therefore unknown).
pub(crate) fn is_unknown(ctx: &Context, node: NodeId) -> bool {
    ctx.yaml.str(node).is_some_and(variables::has_variable)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostics::apply_edits;
    use crate::model::Service;
    use crate::yaml::Yaml;

    /// Applies `edit(ctx)` to `text` read in `format`, and checks that the result parses.
    fn edited(
        text: &str,
        format: FileFormat,
        edit: impl Fn(&Context) -> Option<Edit>,
    ) -> Option<String> {
        let yaml = Yaml::parse(text);
        let service = Service::lower(&yaml);
        let ctx = Context::new(text, &yaml, &service, format, &[]);
        let edit = edit(&ctx)?;
        let out = apply_edits(text, &[edit])?;
        assert!(Yaml::parse(&out).errors().is_empty(), "{out}");
        Some(out)
    }

    fn logs(ctx: &Context) -> Entry {
        ctx.service
            .provider_entry(ctx.yaml, &["logs", "websocket"])
            .unwrap()
    }

    #[test]
    fn adds_entries_in_the_mapping_style() {
        let add = |ctx: &Context| {
            add_entry(
                ctx,
                logs(ctx).value,
                "fullExecutionData",
                NewValue::Scalar("false"),
            )
        };
        let block = "provider:\n    logs:\n        websocket:\n            level: INFO # c\n        # after\n";
        assert_eq!(
            edited(block, FileFormat::Yaml, add).as_deref(),
            Some("provider:\n    logs:\n        websocket:\n            level: INFO # c\n            fullExecutionData: false\n        # after\n")
        );
        let no_newline = "provider:\n  logs:\n    websocket:\n      level: INFO";
        assert_eq!(
            edited(no_newline, FileFormat::Yaml, add).as_deref(),
            Some("provider:\n  logs:\n    websocket:\n      level: INFO\n      fullExecutionData: false")
        );
        let flow = "provider:\n  logs:\n    websocket: {level: INFO} # c\n";
        assert_eq!(
            edited(flow, FileFormat::Yaml, add).as_deref(),
            Some(
                "provider:\n  logs:\n    websocket: {level: INFO, fullExecutionData: false} # c\n"
            )
        );
        let empty = "provider:\n  logs:\n    websocket: {}\n";
        assert_eq!(
            edited(empty, FileFormat::Yaml, add).as_deref(),
            Some("provider:\n  logs:\n    websocket: { fullExecutionData: false }\n")
        );
        let json = "{\"provider\": {\"logs\": {\"websocket\": {\"level\": \"INFO\"}}}}";
        assert_eq!(
            edited(json, FileFormat::Json, add).as_deref(),
            Some("{\"provider\": {\"logs\": {\"websocket\": {\"level\": \"INFO\", \"fullExecutionData\": false}}}}")
        );
        let alias = "x: &x {level: INFO}\nprovider:\n  logs:\n    websocket: *x\n";
        assert_eq!(edited(alias, FileFormat::Yaml, add), None);
        let item = "provider:\n  logs:\n    websocket:\n      - level: INFO\n";
        assert_eq!(edited(item, FileFormat::Yaml, add), None);
    }

    #[test]
    fn adds_nested_mappings() {
        let add = |ctx: &Context| {
            add_entry(
                ctx,
                ctx.service.provider?,
                "websocket",
                NewValue::Mapping("useProviderTags", "true"),
            )
        };
        let block = "provider:\n    name: aws\n    tags:\n        a: b\n";
        assert_eq!(
            edited(block, FileFormat::Yaml, add).as_deref(),
            Some("provider:\n    name: aws\n    tags:\n        a: b\n    websocket:\n        useProviderTags: true\n")
        );
        let json = "{\"provider\": {\"tags\": {\"a\": \"b\"}}}";
        assert_eq!(
            edited(json, FileFormat::Json, add).as_deref(),
            Some("{\"provider\": {\"tags\": {\"a\": \"b\"}, \"websocket\": {\"useProviderTags\": true}}}")
        );
    }

    #[test]
    fn turns_scalars_into_mappings() {
        let convert =
            |ctx: &Context| scalar_to_mapping(ctx, logs(ctx), "fullExecutionData", "false");
        let block = "provider:\n  logs:\n    websocket: true # on\n";
        assert_eq!(
            edited(block, FileFormat::Yaml, convert).as_deref(),
            Some("provider:\n  logs:\n    websocket:\n      fullExecutionData: false # on\n")
        );
        let quoted = "provider:\n  logs:\n    websocket: 'true'\n";
        assert_eq!(
            edited(quoted, FileFormat::Yaml, convert).as_deref(),
            Some("provider:\n  logs:\n    websocket:\n      fullExecutionData: false\n")
        );
        let flow = "provider:\n  logs: {websocket: true}\n";
        assert_eq!(
            edited(flow, FileFormat::Yaml, convert).as_deref(),
            Some("provider:\n  logs: {websocket: { fullExecutionData: false }}\n")
        );
        let json = "{\"provider\": {\"logs\": {\"websocket\": true}}}";
        assert_eq!(
            edited(json, FileFormat::Json, convert).as_deref(),
            Some("{\"provider\": {\"logs\": {\"websocket\": {\"fullExecutionData\": false}}}}")
        );
    }
}
