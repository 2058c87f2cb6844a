//! Small helpers the rules share for reading values and building fixes that keep the user's
//! formatting (quotes, comments, indentation).

use crate::diagnostics::Edit;
use crate::model::FileFormat;
use crate::rules::Context;
use crate::span::TextRange;
use crate::variables;
use crate::yaml::{Entry, NodeId, NodeKind, ScalarStyle, ScalarValue};

/// The string value of a scalar when it is known: a scalar the framework reads as a string
/// (numbers and booleans are coerced), not null, not a CloudFormation tag (`!Ref x`), and
/// holding no Serverless variable.
pub fn known_str<'a>(ctx: &'a Context, node: NodeId) -> Option<&'a str> {
    match ctx.yaml.scalar_value(node)? {
        ScalarValue::Str | ScalarValue::Int | ScalarValue::Float | ScalarValue::Bool(_) => {}
        ScalarValue::Null | ScalarValue::Tagged | ScalarValue::Timestamp => return None,
    }
    let text = ctx.yaml.str(node)?;
    (!variables::has_variable_for(text, ctx.service.framework_major)).then_some(text)
}

/// Replaces a scalar's value, keeping its quoting style where the new value allows it. Returns
/// `None` for block scalars and aliases, which a one-line replacement would break.
pub fn replace_scalar(ctx: &Context, node: NodeId, new_value: &str) -> Option<Edit> {
    if ctx.yaml.is_alias(node) {
        return None;
    }
    let scalar = ctx.yaml.scalar(node)?;
    let range = value_range_without_tag(ctx, node);
    let text = match scalar.style {
        ScalarStyle::SingleQuoted => format!("'{}'", new_value.replace('\'', "''")),
        ScalarStyle::DoubleQuoted => {
            serde_json::to_string(new_value).unwrap_or_else(|_| format!("\"{new_value}\""))
        }
        ScalarStyle::Plain => plain_or_quoted(new_value),
        ScalarStyle::Literal | ScalarStyle::Folded => return None,
    };
    Some(Edit::replace(range, text))
}

/// A scalar's range without a leading tag (`!Ref x` → `x`).
fn value_range_without_tag(ctx: &Context, node: NodeId) -> TextRange {
    let range = ctx.yaml.range(node);
    if ctx.yaml.tag(node).is_some() {
        let text = &ctx.text[range.as_range()];
        if text.starts_with('!') {
            let after_tag = text.find(char::is_whitespace).unwrap_or(0);
            let rest = &text[after_tag..];
            let skip = after_tag + (rest.len() - rest.trim_start().len());
            return TextRange::new(range.start + skip, range.end);
        }
    }
    range
}

/// `value` as a plain scalar when YAML reads it back as the same string, quoted otherwise.
pub fn plain_or_quoted(value: &str) -> String {
    let needs_quotes = value.is_empty()
        || value.starts_with([
            '!', '&', '*', '{', '}', '[', ']', ',', '#', '|', '>', '@', '`', '"', '\'', '%', '-',
            '?', ':', ' ',
        ])
        || value.ends_with([' ', ':'])
        || value.contains(": ")
        || value.contains(" #")
        || value.contains(['\n', '\t'])
        || crate::yaml::resolve_plain(value) != crate::yaml::ScalarValue::Str;
    if needs_quotes {
        format!("'{}'", value.replace('\'', "''"))
    } else {
        value.to_string()
    }
}

/// The whole lines a block-style `key: value` entry occupies, line break included, when nothing
/// else shares them (only a trailing comment may). `None` for flow style, for entries merged in
/// from an anchor elsewhere, or for an entry sharing its line with a `- ` item marker.
pub fn entry_lines(ctx: &Context, key: NodeId, value: NodeId) -> Option<TextRange> {
    // In a flow mapping (and so in JSON) the neighbours' commas would be left dangling.
    let parent = ctx.yaml.node(key).parent()?;
    if matches!(
        ctx.yaml.node(parent).kind,
        crate::yaml::NodeKind::Mapping { flow: true, .. }
    ) {
        return None;
    }
    let text = ctx.text;
    let key_range = ctx.yaml.range(key);
    let value_range = ctx.yaml.range(value);
    let line_start = text[..key_range.start].rfind('\n').map_or(0, |i| i + 1);
    if !text[line_start..key_range.start].trim().is_empty() {
        return None;
    }
    let end = value_range.end.max(key_range.end);
    let line_end = text[end..].find('\n').map_or(text.len(), |i| end + i + 1);
    let rest = text[end..line_end].trim();
    if !(rest.is_empty() || rest.starts_with('#')) {
        return None;
    }
    Some(TextRange::new(line_start, line_end))
}

/// Where the text of `value` really ends, given the end of its node (`end`) and the
/// indentation of its key: new entries go after it. A block scalar (`|`, `>`) owns the lines after its
/// last character that are blank or indented deeper than its key: with `|+` the blank ones are
/// part of its value, so a new entry goes after them, never between.
pub fn value_end(ctx: &Context, end: usize, value: NodeId, key_indent: usize) -> usize {
    let (text, yaml) = (ctx.text, ctx.yaml);
    let is_block = yaml
        .scalar(value)
        .is_some_and(|s| matches!(s.style, ScalarStyle::Literal | ScalarStyle::Folded));
    if !is_block || yaml.is_alias(value) {
        return end;
    }
    // From the end of the scalar's last line, every following line it owns.
    let Some(first_break) = text[end..].find('\n') else {
        return end;
    };
    let mut owned_end = end;
    let mut line_start = end + first_break + 1;
    while line_start < text.len() {
        let line_end = text[line_start..]
            .find('\n')
            .map_or(text.len(), |i| line_start + i);
        let line = text[line_start..line_end].trim_end_matches('\r');
        let indent = line.len() - line.trim_start_matches(' ').len();
        if !(line.trim().is_empty() || indent > key_indent) {
            break;
        }
        // The entry is added after the line break that ends this owned line.
        owned_end = line_end.saturating_sub(usize::from(text[..line_end].ends_with('\r')));
        line_start = line_end + 1;
    }
    owned_end
}

/// The indentation (spaces) of the line holding `offset`.
pub fn indentation_at(text: &str, offset: usize) -> &str {
    let line_start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
    let line = &text[line_start..];
    let width = line.len() - line.trim_start_matches(' ').len();
    &line[..width]
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
    let end = value_end(ctx, entry_end(last), last.value, indent.len());
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

/// An edit that writes `value` as a quoted string in place of the scalar `node`.
pub fn quote_scalar(ctx: &Context, node: NodeId, value: &str) -> Option<Edit> {
    if ctx.yaml.is_alias(node) {
        return None;
    }
    if ctx.format == FileFormat::Json {
        let text = serde_json::to_string(value).ok()?;
        return Some(Edit::replace(ctx.yaml.range(node), text));
    }
    replace_scalar(ctx, node, value)
}

/// Replaces a one-item list by its item: `[x]` → `x`, or `key:\n  - x` → `key: x`.
pub fn unwrap_one_item_list(
    ctx: &Context,
    key: NodeId,
    list: NodeId,
    item: NodeId,
) -> Option<Edit> {
    let yaml = ctx.yaml;
    let text = ctx.text;
    if yaml.is_alias(list) || yaml.is_alias(item) || yaml.tag(item).is_some() {
        return None;
    }
    let scalar = yaml.scalar(item)?;
    if matches!(scalar.style, ScalarStyle::Literal | ScalarStyle::Folded) {
        return None;
    }
    let item_text = text.get(ctx.yaml.range(item).as_range())?;
    if item_text.contains('\n')
        || item_text.starts_with(['-', '?', ':', '#', '&', '*', '!', '|', '>', '%', '@', '`'])
    {
        return None;
    }
    let list_range = ctx.yaml.range(list);
    let list_text = text.get(list_range.as_range())?;
    if list_text.starts_with('[') {
        if list_text.contains('\n') || list_text.contains('#') {
            return None;
        }
        return Some(Edit::replace(list_range, item_text));
    }
    // Block list: only when nothing but `:` and white space separates the key from it.
    let key_end = ctx.yaml.range(key).end;
    let between = text.get(key_end..list_range.start)?;
    let after_colon = between.trim_start_matches(' ').strip_prefix(':')?;
    if !after_colon.chars().all(char::is_whitespace) || list_text.contains('#') {
        return None;
    }
    let rest = list_text.trim_start().strip_prefix('-')?.trim();
    if rest != item_text {
        return None;
    }
    Some(Edit::replace(
        TextRange::new(key_end, list_range.end),
        format!(": {item_text}"),
    ))
}

/// `x` → `[x]`, quoting the item where a flow list would read it differently.
pub fn wrap_in_list(ctx: &Context, node: NodeId) -> Option<Edit> {
    let yaml = ctx.yaml;
    if yaml.is_alias(node) || yaml.tag(node).is_some() {
        return None;
    }
    let scalar = yaml.scalar(node)?;
    let range = ctx.yaml.range(node);
    let written = ctx.text.get(range.as_range())?;
    if written.contains('\n') {
        return None;
    }
    let item = match scalar.style {
        ScalarStyle::SingleQuoted | ScalarStyle::DoubleQuoted => written.to_string(),
        ScalarStyle::Plain => {
            let simple = scalar
                .value
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "._-$/".contains(c));
            if ctx.format == FileFormat::Json {
                serde_json::to_string(&scalar.value).ok()?
            } else if simple {
                scalar.value.to_string()
            } else {
                format!("'{}'", scalar.value.replace('\'', "''"))
            }
        }
        ScalarStyle::Literal | ScalarStyle::Folded => return None,
    };
    Some(Edit::replace(range, format!("[{item}]")))
}

/// An edit that renames a key, keeping its quotes.
pub fn rename_key(ctx: &Context, key: NodeId, new_name: &str) -> Option<Edit> {
    if ctx.format == FileFormat::Json {
        let text = serde_json::to_string(new_name).ok()?;
        return Some(Edit::replace(ctx.yaml.range(key), text));
    }
    replace_scalar(ctx, key, new_name)
}

#[cfg(test)]
mod tests {
    use super::plain_or_quoted;

    #[test]
    fn quotes_only_when_yaml_would_misread() {
        assert_eq!(plain_or_quoted("$connect"), "$connect");
        assert_eq!(plain_or_quoted("INFO"), "INFO");
        assert_eq!(plain_or_quoted("true"), "'true'");
        assert_eq!(plain_or_quoted("123"), "'123'");
        assert_eq!(plain_or_quoted("a: b"), "'a: b'");
        assert_eq!(plain_or_quoted("it's"), "it's");
        assert_eq!(plain_or_quoted("*x"), "'*x'");
    }
}

#[cfg(test)]
mod mapping_edit_tests {
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
