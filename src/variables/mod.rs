//! Serverless variables (`${...}`).
//!
//! [`parse`] splits a string value into text and variables as v3 of the framework does (the
//! state machine in `lib/configuration/variables/parse.js`), with each variable's sources,
//! params, address, fallbacks and nested variables, all with byte spans in the string. Syntax
//! errors carry the framework's error code and say what v4 makes of the same text.
//!
//! Forms the framework leaves alone (`${AWS::Region}` in `Fn::Sub`, `${request.body.action}`,
//! `#{AWS::AccountId}`, `${!Literal}`, `\${escaped}`) are text.
//!
//! [`scan`] finds every string value of a document holding a `${` (keys never count), walking
//! the node arena once without following aliases; [`source_range`] maps a span inside a value
//! back to the YAML text.

mod parser;
#[cfg(test)]
mod tests;

pub use parser::{
    parse, Arg, ArgValue, ErrorCode, Literal, Parsed, Segment, Source, SyntaxError, Variable, V4,
};

use crate::span::TextRange;
use crate::yaml::{NodeId, NodeKind, ScalarStyle, Yaml};

/// True when v3 or v4 of the framework would treat some `${...}` in `text` as a variable (or
/// fail on it): the value is unknown before deploy time.
pub fn has_variable(text: &str) -> bool {
    if !text.contains("${") {
        return false;
    }
    let parsed = parse(text);
    if parsed.has_variables() || parsed.error.is_some() || parsed.too_deep {
        return true;
    }
    has_v4_placeholder(text)
}

/// A string value holding variables (or a syntax error).
#[derive(Clone, Debug)]
pub struct ValueVariables {
    pub node: NodeId,
    pub parsed: Parsed,
}

/// Every string value (not key) of the document that holds a variable or a syntax error, in
/// document order. Linear in the number of nodes: aliases are not followed (their anchors are
/// values of their own).
pub fn scan(yaml: &Yaml) -> Vec<ValueVariables> {
    let mut is_key = vec![false; yaml.len()];
    for (_, node) in yaml.nodes() {
        if let NodeKind::Mapping { entries, .. } = &node.kind {
            for entry in entries {
                if let Some(slot) = is_key.get_mut(entry.key) {
                    *slot = true;
                }
            }
        }
    }
    let mut out = Vec::new();
    for (id, node) in yaml.nodes() {
        let NodeKind::Scalar(scalar) = &node.kind else {
            continue;
        };
        if is_key.get(id).copied().unwrap_or(false) || !scalar.value.contains("${") {
            continue;
        }
        let parsed = parse(&scalar.value);
        if parsed.has_variables() || parsed.error.is_some() {
            out.push(ValueVariables { node: id, parsed });
        }
    }
    out
}

/// Where a scalar's content starts in the text, after its tag and anchor.
pub fn content_start(text: &str, yaml: &Yaml, node: NodeId) -> usize {
    let range = yaml.range(node);
    let mut at = range.start;
    let bytes = text.as_bytes();
    while at < range.end && matches!(bytes.get(at), Some(b'!') | Some(b'&')) {
        while at < range.end && !bytes[at].is_ascii_whitespace() {
            at += 1;
        }
        while at < range.end && bytes[at].is_ascii_whitespace() {
            at += 1;
        }
    }
    at
}

/// The text range of `span` (a byte range in the scalar's value), when the scalar's text maps
/// to its value character by character: plain scalars on one line, quoted scalars whose escapes
/// we can follow. `None` otherwise (block scalars, folded lines).
pub fn exact_source_range(
    text: &str,
    yaml: &Yaml,
    node: NodeId,
    span: TextRange,
) -> Option<TextRange> {
    let offsets = source_offsets(text, yaml, node)?;
    let start = *offsets.get(span.start)?;
    let end = *offsets.get(span.end)?;
    (start <= end).then(|| TextRange::new(start, end))
}

/// Like [`exact_source_range`], falling back to the whole scalar (without its tag).
pub fn source_range(text: &str, yaml: &Yaml, node: NodeId, span: TextRange) -> TextRange {
    exact_source_range(text, yaml, node, span).unwrap_or_else(|| {
        let range = yaml.range(node);
        TextRange::new(content_start(text, yaml, node).min(range.end), range.end)
    })
}

/// For each byte of the scalar's value (and its end), the offset in `text` it comes from.
fn source_offsets(text: &str, yaml: &Yaml, node: NodeId) -> Option<Vec<usize>> {
    let NodeKind::Scalar(scalar) = &yaml.node(node).kind else {
        return None;
    };
    let start = content_start(text, yaml, node);
    let end = yaml.range(node).end;
    let source = text.get(start..end)?;
    let value = scalar.value.as_str();
    let mut offsets = Vec::with_capacity(value.len() + 1);
    match scalar.style {
        ScalarStyle::Plain => {
            if source != value {
                return None;
            }
            offsets.extend(start..=end);
        }
        ScalarStyle::SingleQuoted => {
            let inner = source.strip_prefix('\'')?.strip_suffix('\'')?;
            let mut decoded = String::new();
            let mut chars = inner.char_indices().peekable();
            while let Some((i, c)) = chars.next() {
                if c == '\n' || c == '\r' {
                    return None;
                }
                if c == '\'' {
                    chars.next();
                }
                decoded.push(c);
                offsets.extend(std::iter::repeat_n(start + 1 + i, c.len_utf8()));
            }
            if decoded != value {
                return None;
            }
            offsets.push(end - 1);
        }
        ScalarStyle::DoubleQuoted => {
            let inner = source.strip_prefix('"')?.strip_suffix('"')?;
            let mut decoded = String::new();
            let mut chars = inner.char_indices();
            while let Some((i, c)) = chars.next() {
                let out = match c {
                    '\n' | '\r' => return None,
                    '\\' => {
                        let (_, e) = chars.next()?;
                        let hex = |n: usize, chars: &mut std::str::CharIndices| {
                            let digits: String = chars.by_ref().take(n).map(|(_, c)| c).collect();
                            u32::from_str_radix(&digits, 16)
                                .ok()
                                .and_then(char::from_u32)
                        };
                        match e {
                            '0' => '\0',
                            'a' => '\x07',
                            'b' => '\x08',
                            't' | '\t' => '\t',
                            'n' => '\n',
                            'v' => '\x0b',
                            'f' => '\x0c',
                            'r' => '\r',
                            'e' => '\x1b',
                            ' ' => ' ',
                            '"' => '"',
                            '/' => '/',
                            '\\' => '\\',
                            'N' => '\u{85}',
                            '_' => '\u{a0}',
                            'L' => '\u{2028}',
                            'P' => '\u{2029}',
                            'x' => hex(2, &mut chars)?,
                            'u' => hex(4, &mut chars)?,
                            'U' => hex(8, &mut chars)?,
                            _ => return None,
                        }
                    }
                    c => c,
                };
                decoded.push(out);
                offsets.extend(std::iter::repeat_n(start + 1 + i, out.len_utf8()));
            }
            if decoded != value {
                return None;
            }
            offsets.push(end - 1);
        }
        ScalarStyle::Literal | ScalarStyle::Folded => return None,
    }
    (offsets.len() == value.len() + 1).then_some(offsets)
}

/// True when v4 would extract some `${...}` of `text` as a placeholder (v3 may see text).
fn has_v4_placeholder(text: &str) -> bool {
    let bytes = text.as_bytes();
    let mut search = 0;
    while let Some(found) = text[search..].find("${") {
        let start = search + found;
        search = start + 2;
        // An odd number of backslashes before `${` escapes it (v3).
        let backslashes = bytes[..start]
            .iter()
            .rev()
            .take_while(|b| **b == b'\\')
            .count();
        if backslashes % 2 == 1 {
            continue;
        }
        let Some(body) = placeholder_body(&text[start + 2..]) else {
            continue;
        };
        if is_v4_placeholder(body) {
            return true;
        }
    }
    false
}

/// The text up to the `}` that closes a `${`, counting nested braces.
fn placeholder_body(rest: &str) -> Option<&str> {
    let mut depth = 1;
    for (i, c) in rest.char_indices() {
        match c {
            '{' => depth += 1,
            '}' => {
                depth -= 1;
                if depth == 0 {
                    return Some(&rest[..i]);
                }
            }
            _ => {}
        }
    }
    None
}

/// v4: anything with `:` (or parentheses) after its first characters, except the providers it
/// ignores on purpose (`AWS`, `PROP`, `iot`, `!...`).
fn is_v4_placeholder(body: &str) -> bool {
    if body.starts_with('!') {
        return false;
    }
    let has_colon = body.get(1..).is_some_and(|b| b.contains(':'));
    let has_parens = body
        .get(1..)
        .is_some_and(|b| b.contains('(') && b.contains(')'));
    if !has_colon && !has_parens {
        return false;
    }
    let provider = body.split([':', '(']).next().unwrap_or("");
    !matches!(provider, "AWS" | "PROP" | "iot")
}
