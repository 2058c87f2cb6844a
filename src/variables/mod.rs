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
    parse, parse_with, Arg, ArgValue, ErrorCode, Literal, Parsed, Segment, Source, SyntaxError,
    Variable, V4,
};

use rustc_hash::FxHashMap;

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

/// [`has_variable`] for a service whose `frameworkVersion` names `major`: v3 leaves the forms
/// only v4 resolves (`${ self:x }` with its space, `${Foo:bar}`) as literal text.
pub fn has_variable_for(text: &str, major: Option<u64>) -> bool {
    if major != Some(3) {
        return has_variable(text);
    }
    if !text.contains("${") {
        return false;
    }
    let parsed = parse(text);
    parsed.has_variables() || parsed.error.is_some() || parsed.too_deep
}

/// [`parse`] as the framework named by `frameworkVersion` reads `text`: v4 (`major` 4) resolves
/// `${ self:x }` like `${self:x}`; v3, and a version not named, leave it as text (a version
/// not named may be either, so such a value is unknown, not resolved: see
/// [`has_variable_for`]).
pub fn parse_for(text: &str, major: Option<u64>) -> Parsed {
    parse_with(text, major == Some(4))
}

/// A string value holding variables (or a syntax error).
#[derive(Clone, Debug)]
pub struct ValueVariables {
    pub node: NodeId,
    /// Shared by the values with the same text (a service repeats `${self:custom.table}`).
    pub parsed: std::sync::Arc<Parsed>,
}

/// Every string value (not key) of the document that holds a variable or a syntax error, in
/// document order, read as the framework `major` reads it ([`parse_for`]). Linear in the
/// number of nodes: aliases are not followed (their anchors are values of their own).
pub fn scan(yaml: &Yaml, major: Option<u64>) -> Vec<ValueVariables> {
    scan_from(yaml, 0, major)
}

/// [`scan`] over the nodes from `first` on: what nodes added to the arena since an earlier
/// scan hold (nodes are only ever appended, and a mapping's keys come after the mapping).
pub fn scan_from(yaml: &Yaml, first: NodeId, major: Option<u64>) -> Vec<ValueVariables> {
    let mut is_key = vec![false; yaml.len().saturating_sub(first)];
    for (_, node) in yaml.nodes().skip(first) {
        if let NodeKind::Mapping { entries, .. } = &node.kind {
            for entry in entries {
                if let Some(slot) = entry.key.checked_sub(first).and_then(|i| is_key.get_mut(i)) {
                    *slot = true;
                }
            }
        }
    }
    let mut out = Vec::new();
    // Values repeat: each distinct text is parsed once.
    let mut parses: FxHashMap<&str, std::sync::Arc<Parsed>> = FxHashMap::default();
    for (id, node) in yaml.nodes().skip(first) {
        let NodeKind::Scalar(scalar) = &node.kind else {
            continue;
        };
        if is_key[id - first] || !has_variable_start(&scalar.value) {
            continue;
        }
        let parsed = parses
            .entry(&*scalar.value)
            .or_insert_with(|| std::sync::Arc::new(parse_for(&scalar.value, major)));
        if parsed.has_variables() || parsed.error.is_some() {
            out.push(ValueVariables {
                node: id,
                parsed: parsed.clone(),
            });
        }
    }
    out
}

/// `text.contains("${")`, by way of the one byte search `memchr` makes fast: most values
/// hold no `$` at all.
fn has_variable_start(text: &str) -> bool {
    let bytes = text.as_bytes();
    let mut from = 0;
    while let Some(at) = bytes[from..].iter().position(|&b| b == b'$') {
        let next = from + at + 1;
        if bytes.get(next) == Some(&b'{') {
            return true;
        }
        from = next;
    }
    false
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
        let end = content_end(text, yaml, node);
        TextRange::new(content_start(text, yaml, node).min(end), end)
    })
}

/// Where a scalar's text ends. For quoted scalars, just after the closing quote: the parser's
/// span can run on over a trailing comment.
fn content_end(text: &str, yaml: &Yaml, node: NodeId) -> usize {
    let range = yaml.range(node);
    let start = content_start(text, yaml, node);
    let bytes = text.as_bytes();
    let quote = match bytes.get(start) {
        Some(q @ (b'\'' | b'"')) => *q,
        _ => return range.end,
    };
    let mut i = start + 1;
    while i < range.end {
        match bytes[i] {
            b'\\' if quote == b'"' => i += 2,
            b'\'' if quote == b'\'' && bytes.get(i + 1) == Some(&b'\'') => i += 2,
            c if c == quote => return i + 1,
            _ => i += 1,
        }
    }
    range.end
}

/// For each byte of the scalar's value (and its end), the offset in `text` it comes from.
fn source_offsets(text: &str, yaml: &Yaml, node: NodeId) -> Option<Vec<usize>> {
    let NodeKind::Scalar(scalar) = &yaml.node(node).kind else {
        return None;
    };
    let start = content_start(text, yaml, node);
    let end = content_end(text, yaml, node);
    let source = text.get(start..end)?;
    let value = &*scalar.value;
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

/// The `${ source:... }` forms of `text` with whitespace right after `${`: v3 leaves them as
/// text (a variable must start with a lowercase letter), v4 trims the source and resolves them
/// (v3's `lib/configuration/variables/parse.js`). Spans from `$` to `}` inclusive, in `text`.
pub fn spaced_variables(text: &str) -> Vec<TextRange> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut search = 0;
    while let Some(found) = text[search..].find("${") {
        let start = search + found;
        search = start + 2;
        let backslashes = bytes[..start]
            .iter()
            .rev()
            .take_while(|b| **b == b'\\')
            .count();
        if backslashes % 2 == 1 || !bytes.get(start + 2).is_some_and(u8::is_ascii_whitespace) {
            continue;
        }
        let Some(body) = placeholder_body(&text[start + 2..]) else {
            continue;
        };
        let trimmed = body.trim();
        if trimmed.starts_with(|c: char| c.is_ascii_lowercase()) && is_v4_placeholder(trimmed) {
            let end = start + 2 + body.len() + 1;
            out.push(TextRange::new(start, end));
            search = end;
        }
    }
    out
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

/// Where a `${self:...}` address leads in the document.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SelfLookup {
    /// The node at the path (aliases followed).
    Found(NodeId),
    /// The path stops at `parent` (a mapping or sequence): its segment `missing` (0-based) is
    /// not there.
    Missing { parent: NodeId, missing: usize },
    /// Cannot be known here: the path runs through a value holding a variable (an include,
    /// say), a tagged node (`!Ref` becomes an object), a merge of something that is no mapping,
    /// or a sequence by something other than an index.
    Unknown,
}

/// Follows a `self:` address (`custom.routes.0`, `` for the whole document) through mappings
/// (merge keys included), sequences (numeric index) and aliases.
pub fn lookup_self(yaml: &Yaml, address: &str) -> SelfLookup {
    lookup_path(yaml, yaml.root(), address)
}

/// Like [`lookup_self`], from another node: the root of an included file for
/// `${file(x.yml):address}`.
pub fn lookup_path(yaml: &Yaml, from: Option<NodeId>, address: &str) -> SelfLookup {
    let Some(mut current) = from else {
        return SelfLookup::Unknown;
    };
    if address.is_empty() {
        return SelfLookup::Found(current);
    }
    for (index, segment) in address.split('.').enumerate() {
        current = yaml.resolve(current);
        let node = yaml.node(current);
        if yaml.tag(current).is_some() {
            return SelfLookup::Unknown;
        }
        match &node.kind {
            NodeKind::Mapping { entries, .. } => {
                if let Some(entry) = yaml.get(current, segment) {
                    current = entry.value;
                    continue;
                }
                // A merge of something other than mappings (or a key that is no plain
                // string) may hide the key.
                let opaque = entries.iter().any(|e| {
                    let key = yaml.node(e.key);
                    let is_merge = matches!(&key.kind, NodeKind::Scalar(s) if &*s.value == "<<");
                    let complex = !matches!(key.kind, NodeKind::Scalar(_));
                    complex
                        || (is_merge && {
                            let target = yaml.resolve(e.value);
                            !(yaml.is_mapping(target)
                                || yaml
                                    .items(target)
                                    .is_some_and(|items| items.iter().all(|i| yaml.is_mapping(*i))))
                        })
                });
                if opaque {
                    return SelfLookup::Unknown;
                }
                return SelfLookup::Missing {
                    parent: current,
                    missing: index,
                };
            }
            NodeKind::Sequence { items, .. } => {
                let Ok(at) = segment.parse::<usize>() else {
                    return SelfLookup::Unknown;
                };
                match items.get(at) {
                    Some(item) => current = *item,
                    None => {
                        return SelfLookup::Missing {
                            parent: current,
                            missing: index,
                        }
                    }
                }
            }
            NodeKind::Scalar(scalar) => {
                // A property of a string or number: JavaScript finds nothing (but `length`).
                if has_variable(&scalar.value) || segment == "length" {
                    return SelfLookup::Unknown;
                }
                return SelfLookup::Missing {
                    parent: current,
                    missing: index,
                };
            }
            NodeKind::Alias { .. } => return SelfLookup::Unknown,
        }
    }
    let resolved = yaml.resolve(current);
    if matches!(yaml.node(resolved).kind, NodeKind::Alias { .. }) {
        return SelfLookup::Unknown;
    }
    SelfLookup::Found(resolved)
}

/// Paths whose value the framework (or its CLI options) may supply when the file does not:
/// the stage and region (`--stage`, `--region`, or the defaults `dev` and `us-east-1`), the
/// provider's name (`provider: aws` is short for `provider: {name: aws}`), the service name
/// (`service.name` in old files), the Dashboard's `org`, `app` and `tenant` (`--org`, `--app`),
/// and the names the framework gives functions. Their value is unknown here even when the
/// file sets them.
pub fn self_path_filled_by_framework(path: &str) -> bool {
    let segments: Vec<&str> = path.split('.').collect();
    matches!(
        segments.as_slice(),
        ["service" | "org" | "app" | "tenant", ..]
            | ["provider", "stage" | "region" | "name", ..]
            | ["functions", _, "name"]
    )
}
