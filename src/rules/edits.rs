//! Small helpers the rules share for reading values and building fixes that keep the user's
//! formatting (quotes, comments, indentation).

use crate::diagnostics::Edit;
use crate::rules::Context;
use crate::span::TextRange;
use crate::variables;
use crate::yaml::{NodeId, ScalarStyle, ScalarValue};

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
