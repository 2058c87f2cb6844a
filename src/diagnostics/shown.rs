//! How text from a file becomes part of a message.
//!
//! A value in a linted file is written by whoever wrote the file: in CI that is the author of a
//! pull request. Shown raw, an escape sequence in it would drive the terminal (`\e[2J`, `\e]0;`),
//! and a line break followed by `::error ...` or `::stop-commands::` would be a workflow command
//! in a GitHub Actions log. So every value a message quotes goes through [`quote`] (or
//! [`shown`]): control characters, line breaks and the bidirectional overrides are written as
//! YAML double-quoted escapes (`\e`, `\n`, `\u202E`), and a long value is cut. The renderers
//! apply [`escape_controls`] once more to whole messages, for any text that reached one another
//! way.

use std::borrow::Cow;

/// Values longer than this many characters are cut (one file carried a 200,000-character route).
pub const MAX_SHOWN_CHARS: usize = 120;

/// The YAML double-quoted escape of a character that must not reach an output raw, or `None`
/// for a character that may.
fn escape(c: char) -> Option<Cow<'static, str>> {
    Some(Cow::Borrowed(match c {
        '\0' => "\\0",
        '\u{7}' => "\\a",
        '\u{8}' => "\\b",
        '\t' => "\\t",
        '\n' => "\\n",
        '\u{b}' => "\\v",
        '\u{c}' => "\\f",
        '\r' => "\\r",
        '\u{1b}' => "\\e",
        '\u{85}' => "\\N",
        '\u{2028}' => "\\L",
        '\u{2029}' => "\\P",
        c if c.is_control() => return Some(Cow::Owned(format!("\\x{:02X}", c as u32))),
        // Bidirectional controls reorder what a reader sees ("Trojan Source").
        '\u{61c}' | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' => {
            return Some(Cow::Owned(format!("\\u{:04X}", c as u32)))
        }
        _ => return None,
    }))
}

/// `text` with control characters, line breaks and bidirectional controls escaped; borrowed
/// when there is none.
pub fn escape_controls(text: &str) -> Cow<'_, str> {
    if !text.chars().any(|c| escape(c).is_some()) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match escape(c) {
            Some(escaped) => out.push_str(&escaped),
            None => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// A value from a file as a message shows it: escaped like [`escape_controls`], and cut after
/// [`MAX_SHOWN_CHARS`] characters with `…`.
pub fn shown(value: &str) -> Cow<'_, str> {
    let escaped = escape_controls(value);
    match escaped.char_indices().nth(MAX_SHOWN_CHARS) {
        None => escaped,
        Some((cut, _)) => Cow::Owned(format!("{}…", &escaped[..cut])),
    }
}

/// A value from a file in backticks, as messages quote values: `` `value` ``, shown by [`shown`].
pub fn quote(value: &str) -> String {
    format!("`{}`", shown(value))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_and_line_breaks_are_escaped() {
        assert_eq!(
            quote("a\u{1b}[2J\u{1b}]0;pwned\u{7}\n::error file=X::y\r\t\0\u{9b}\u{85}\u{2028}\u{202e}"),
            "`a\\e[2J\\e]0;pwned\\a\\n::error file=X::y\\r\\t\\0\\x9B\\N\\L\\u202E`"
        );
        assert!(matches!(
            escape_controls("plain `text` é 😀"),
            Cow::Borrowed(_)
        ));
    }

    #[test]
    fn long_values_are_cut_on_a_character_boundary() {
        let long = "é".repeat(200_000);
        let shown = shown(&long);
        assert_eq!(shown.chars().count(), MAX_SHOWN_CHARS + 1);
        assert!(shown.ends_with('…'));
        let exact = "x".repeat(MAX_SHOWN_CHARS);
        assert_eq!(super::shown(&exact), exact.as_str());
    }
}
