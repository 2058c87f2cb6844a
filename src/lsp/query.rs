//! What is under the cursor, read from the lines of the text alone (indentation, `- ` and
//! `key:`), so it works while the YAML is broken mid-typing. Serves completion and hover.

use crate::span::TextRange;
use crate::variables;
use crate::yaml::{NodeId, Yaml};

/// One thing a line starts: a list item's dash, or a key.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Element {
    Dash,
    Key(String),
}

/// Where the cursor is in its line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Slot {
    /// Typing a key (or a bare list item) in the mapping at `path`.
    Key,
    /// Typing the value of `key`.
    Value { key: String },
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cursor {
    /// Keys from the root to the mapping the cursor's line belongs to; `-` for list items.
    pub path: Vec<String>,
    pub slot: Slot,
    /// What is typed so far (after any opening quote).
    pub prefix: String,
    /// The text a completion replaces: the word being typed, up to the cursor and past it.
    pub replace: TextRange,
}

/// The entry on the cursor's line, for hover: its path, key and value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LineEntry {
    /// The parents, as in [`Cursor::path`].
    pub path: Vec<String>,
    pub key: String,
    pub key_range: TextRange,
    /// The value's text on this line, quotes and comment left out.
    pub value: Option<(String, TextRange)>,
}

fn line_bounds(text: &str, offset: usize) -> (usize, usize) {
    let start = text[..offset].rfind(['\n', '\r']).map_or(0, |i| i + 1);
    let end = text[offset..]
        .find(['\n', '\r'])
        .map_or(text.len(), |i| offset + i);
    (start, end)
}

/// The key of `content` (`key: ...` or `key:`), with its length in bytes, when it has one.
fn split_key(content: &str) -> Option<(String, usize)> {
    let bytes = content.as_bytes();
    let (key, key_end) = match bytes.first() {
        Some(q @ (b'"' | b'\'')) => {
            let close = content[1..].find(*q as char)? + 1;
            (content[1..close].to_string(), close + 1)
        }
        _ => {
            let mut at = None;
            for (i, c) in content.char_indices() {
                if c == '#' && (i == 0 || content[..i].ends_with([' ', '\t'])) {
                    return None;
                }
                if c == ':'
                    && content[i + 1..]
                        .chars()
                        .next()
                        .is_none_or(|n| n == ' ' || n == '\t')
                {
                    at = Some(i);
                    break;
                }
            }
            let at = at?;
            (content[..at].trim_end().to_string(), at)
        }
    };
    let rest = &content[key_end..];
    let rest_trimmed = rest.trim_start();
    if !rest_trimmed.starts_with(':') || key.is_empty() {
        return None;
    }
    Some((key, key_end))
}

/// The elements a line starts, with their columns (in bytes), and the column where the rest
/// (after dashes) begins.
fn elements(line: &str) -> (Vec<(usize, Element)>, usize) {
    let mut out = Vec::new();
    let mut at = line.len() - line.trim_start_matches([' ', '\t']).len();
    loop {
        let rest = &line[at..];
        if rest == "-" || rest.starts_with("- ") || rest.starts_with("-\t") {
            out.push((at, Element::Dash));
            at += 1;
            at += line[at..].len() - line[at..].trim_start_matches([' ', '\t']).len();
        } else {
            break;
        }
    }
    let content = &line[at..];
    if !content.starts_with('#') {
        if let Some((key, _)) = split_key(content) {
            out.push((at, Element::Key(key)));
        }
    }
    (out, at)
}

/// The parents of a line whose innermost element starts at column `limit`: the keys and dashes
/// of the lines above with smaller indentation (a dash at a key's own column belongs to it).
fn parents(text: &str, line_start: usize, mut limit: usize, dash: bool) -> Vec<String> {
    let mut path: Vec<String> = Vec::new();
    let mut last_was_dash = dash;
    let above = &text[..line_start];
    for line in above.lines().rev() {
        if limit == 0 && !last_was_dash {
            break;
        }
        // Elements start at the indentation or right of it: a line indented past the limit
        // holds no parent, and one at the limit only a key under a dash. Most lines above a
        // cursor deep in `functions:` are such lines: a look at their first bytes skips them.
        let needed = limit + usize::from(last_was_dash);
        if line.len() >= needed && line.as_bytes()[..needed].iter().all(|&b| b == b' ') {
            continue;
        }
        let trimmed = line.trim_start();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        // The same test for indentation with tabs.
        let indent = line.len() - line.trim_start_matches([' ', '\t']).len();
        if indent > limit || (indent == limit && !last_was_dash) {
            continue;
        }
        let (elements, _) = elements(line);
        for (col, element) in elements.into_iter().rev() {
            let is_parent = col < limit
                || (col == limit && last_was_dash && matches!(element, Element::Key(_)));
            if !is_parent {
                continue;
            }
            match element {
                Element::Dash => {
                    path.push("-".to_string());
                    last_was_dash = true;
                }
                Element::Key(key) => {
                    path.push(key);
                    last_was_dash = false;
                }
            }
            limit = col;
        }
        if limit == 0 && !last_was_dash {
            break;
        }
    }
    path.reverse();
    path
}

/// The cursor's context at byte `offset`.
pub fn cursor(text: &str, offset: usize) -> Cursor {
    let offset = crate::span::floor_char_boundary(text, offset.min(text.len()));
    let (start, end) = line_bounds(text, offset);
    let before = &text[start..offset];
    let (mut local, content_col) = elements(before);
    // A key on the cursor's own line is not a parent of what is typed after it... unless the
    // cursor is past its colon, which `split_key` below handles.
    local.retain(|(_, e)| *e == Element::Dash);
    let first_col = local
        .first()
        .map_or(content_col.min(before.len()), |(c, _)| *c);
    let mut path = parents(text, start, first_col, !local.is_empty());
    path.extend(local.iter().map(|_| "-".to_string()));
    let content = &before[content_col.min(before.len())..];
    let word_end = |from: usize| {
        from + text[from..end]
            .find(|c: char| c.is_whitespace() || c == '"' || c == '\'' || c == ',' || c == '}')
            .unwrap_or(end - from)
    };
    if let Some((key, key_len)) = split_key(content) {
        let after_colon = content[key_len..]
            .find(':')
            .map_or(key_len, |i| key_len + i + 1);
        let value = &content[after_colon..];
        let lead = value.len() - value.trim_start().len();
        let mut value_start = start + content_col + after_colon + lead;
        let mut prefix = value.trim_start();
        if let Some(stripped) = prefix.strip_prefix(['"', '\'']) {
            prefix = stripped;
            value_start += 1;
        }
        return Cursor {
            path,
            slot: Slot::Value { key },
            prefix: prefix.to_string(),
            replace: TextRange::new(value_start, word_end(offset)),
        };
    }
    let mut prefix_start = start + content_col.min(before.len());
    let mut prefix = content;
    if let Some(stripped) = prefix.strip_prefix(['"', '\'']) {
        prefix = stripped;
        prefix_start += 1;
    }
    Cursor {
        path,
        slot: Slot::Key,
        prefix: prefix.to_string(),
        replace: TextRange::new(prefix_start, word_end(offset)),
    }
}

/// The `key: value` entry on the line holding `offset`, if the line has one.
pub fn line_entry(text: &str, offset: usize) -> Option<LineEntry> {
    let offset = crate::span::floor_char_boundary(text, offset.min(text.len()));
    let (start, end) = line_bounds(text, offset);
    let line = &text[start..end];
    let (elements, content_col) = elements(line);
    let dashes = elements.iter().filter(|(_, e)| *e == Element::Dash).count();
    let first_col = elements.first().map_or(content_col, |(c, _)| *c);
    let mut path = parents(text, start, first_col, dashes > 0);
    path.extend(std::iter::repeat_n("-".to_string(), dashes));
    let content = &line[content_col..];
    let (key, key_len) = split_key(content)?;
    let quoted = content.starts_with(['"', '\'']);
    let key_start = start + content_col + usize::from(quoted);
    let key_range = TextRange::new(key_start, key_start + key.len());
    let after_colon = content[key_len..]
        .find(':')
        .map_or(key_len, |i| key_len + i + 1);
    let raw = &content[after_colon..];
    // Cut a trailing comment.
    let raw = match raw.find(" #") {
        Some(i) => &raw[..i],
        None => raw,
    };
    let lead = raw.len() - raw.trim_start().len();
    let mut value_text = raw.trim();
    let mut value_start = start + content_col + after_colon + lead;
    if value_text.len() >= 2
        && (value_text.starts_with('"') && value_text.ends_with('"')
            || value_text.starts_with('\'') && value_text.ends_with('\''))
    {
        value_text = &value_text[1..value_text.len() - 1];
        value_start += 1;
    }
    let value = (!value_text.is_empty()).then(|| {
        (
            value_text.to_string(),
            TextRange::new(value_start, value_start + value_text.len()),
        )
    });
    Some(LineEntry {
        path,
        key,
        key_range,
        value,
    })
}

/// A `${self:a.b}` in the text: the whole `${...}` and its key path.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SelfReference {
    pub range: TextRange,
    pub path: Vec<String>,
}

/// The `${self:...}` references in `text[range]`, read with the framework's variable grammar
/// ([`variables::parse`]): the first source's address (a default after `,` is left out;
/// addresses holding nested variables are skipped). Each reference is read to the end of its
/// line, so a broken variable elsewhere does not hide it.
pub fn self_references(text: &str, range: TextRange) -> Vec<SelfReference> {
    let Some(slice) = text.get(range.as_range()) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let mut search = 0;
    while let Some(found) = slice[search..].find("${self:") {
        let start = search + found;
        search = start + 2;
        let line_end = slice[start..].find('\n').map_or(slice.len(), |i| start + i);
        let parsed = variables::parse(&slice[start..line_end]);
        let Some(variables::Segment::Variable(variable)) = parsed.segments.first() else {
            continue;
        };
        if variable.span.start != 0 {
            continue;
        }
        let Some(variables::Source::Variable {
            kind,
            address: Some(address),
            ..
        }) = variable.sources.first()
        else {
            continue;
        };
        let variables::ArgValue::Literal(variables::Literal::Str(path_text)) = &address.value
        else {
            continue;
        };
        if kind != "self" {
            continue;
        }
        let path: Vec<String> = path_text
            .split('.')
            .filter(|k| !k.is_empty())
            .map(str::to_string)
            .collect();
        if !path.is_empty() {
            out.push(SelfReference {
                range: TextRange::new(range.start + start, range.start + start + variable.span.end),
                path,
            });
        }
    }
    out
}

/// The node a `${self:...}` path leads to from the root ([`variables::lookup_self`], which
/// follows aliases and merge keys as the resolver does): the entry's key (when the node is the
/// value of a mapping entry) and the node.
pub fn resolve_self(yaml: &Yaml, path: &[String]) -> Option<(Option<NodeId>, NodeId)> {
    let variables::SelfLookup::Found(value) = variables::lookup_self(yaml, &path.join(".")) else {
        return None;
    };
    let key = yaml.node(value).parent().and_then(|parent| {
        yaml.own_entries(parent)?
            .iter()
            .find(|entry| entry.value == value)
            .map(|entry| entry.key)
    });
    Some((key, value))
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = "provider:
  logs:
    websocket:
      level: IN
functions:
  connect:
    handler: h
    events:
    - websocket:
        route: $co
        authorizer:
          identitySource:
            - route.
          
";

    fn at(marker: &str) -> Cursor {
        let offset = TEXT.find(marker).unwrap() + marker.len();
        cursor(TEXT, offset)
    }

    #[test]
    fn finds_the_key_path_and_slot() {
        let c = at("level: IN");
        assert_eq!(c.path, ["provider", "logs", "websocket"]);
        assert_eq!(
            c.slot,
            Slot::Value {
                key: "level".into()
            }
        );
        assert_eq!(c.prefix, "IN");
        let c = at("route: $co");
        assert_eq!(c.path, ["functions", "connect", "events", "-", "websocket"]);
        assert_eq!(c.prefix, "$co");
        let c = at("- route.");
        assert_eq!(
            c.path,
            [
                "functions",
                "connect",
                "events",
                "-",
                "websocket",
                "authorizer",
                "identitySource",
                "-"
            ]
        );
        assert_eq!(c.slot, Slot::Key);
        let c = at("identitySource:\n            - route.\n          ");
        assert_eq!(
            c.path,
            [
                "functions",
                "connect",
                "events",
                "-",
                "websocket",
                "authorizer"
            ]
        );
        let c = at("handler: h\n    events:\n    - ");
        assert_eq!(c.path, ["functions", "connect", "events", "-"]);
    }

    #[test]
    fn reads_the_entry_under_the_cursor() {
        let entry = line_entry(TEXT, TEXT.find("$co").unwrap()).unwrap();
        assert_eq!(entry.key, "route");
        assert_eq!(entry.value.unwrap().0, "$co");
        assert_eq!(
            entry.path,
            ["functions", "connect", "events", "-", "websocket"]
        );
    }

    #[test]
    fn finds_self_references() {
        let text = "a: ${self:custom.x} and ${self:b, 'd'} ${self:} ${self:${opt:s}}";
        let refs = self_references(text, TextRange::new(0, text.len()));
        let paths: Vec<_> = refs.iter().map(|r| r.path.join(".")).collect();
        assert_eq!(paths, ["custom.x", "b"]);
        assert_eq!(&text[refs[0].range.as_range()], "${self:custom.x}");
    }

    #[test]
    fn reads_references_with_the_variable_grammar() {
        // A `}` inside a quoted default ends nothing: the reference is the whole variable.
        let text = "a: ${self:custom.x, 'a}b'} and ${opt:s, dev} ${self:custom.y}";
        let refs = self_references(text, TextRange::new(0, text.len()));
        let found: Vec<_> = refs
            .iter()
            .map(|r| (&text[r.range.as_range()], r.path.join(".")))
            .collect();
        assert_eq!(
            found,
            [
                ("${self:custom.x, 'a}b'}", "custom.x".to_string()),
                ("${self:custom.y}", "custom.y".to_string())
            ]
        );
    }

    #[test]
    fn resolves_references_through_aliases_like_the_resolver() {
        let yaml = crate::yaml::Yaml::parse("base: &b {x: 1}\ncustom:\n  <<: *b\n  list: [a, b]\n");
        let path = |p: &str| p.split('.').map(str::to_string).collect::<Vec<_>>();
        let (key, value) = resolve_self(&yaml, &path("custom.x")).expect("merged key");
        assert_eq!(yaml.str(value), Some("1"));
        assert_eq!(key.and_then(|k| yaml.str(k)), Some("x"));
        let (_, item) = resolve_self(&yaml, &path("custom.list.1")).expect("list item");
        assert_eq!(yaml.str(item), Some("b"));
        assert!(resolve_self(&yaml, &path("custom.missing")).is_none());
    }

    #[test]
    fn never_panics_on_odd_text() {
        let texts = [
            "",
            ":",
            "- ",
            "-",
            "\"",
            "'a",
            "\"k\": v",
            "a:\r\n  b: 😀\r  - c: \"中\"\n",
            "  -  - x: [a, {b: c}]\n\t- y:",
            "é: ü\n  ':': '\n😀😀: # 中\n",
            "k: v # c: d\n  - - - \n",
        ];
        for text in texts {
            for (offset, _) in text.char_indices().chain([(text.len(), ' ')]) {
                let c = cursor(text, offset);
                assert!(c.replace.start <= c.replace.end && c.replace.end <= text.len());
                if let Some(entry) = line_entry(text, offset) {
                    assert!(entry.key_range.end <= text.len());
                }
            }
        }
    }
}
