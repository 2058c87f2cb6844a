//! What a plain scalar means to js-yaml's default schema, the loader the framework uses
//! (serverless@3.40.0 loads with js-yaml 4.1.0: its core schema plus `timestamp`). Ported from
//! its `lib/type/{null,bool,int,float,timestamp}.js`, tried in the schema's order.

use std::sync::OnceLock;

use regex::Regex;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ScalarValue {
    Null,
    Bool(bool),
    Int,
    Float,
    /// `2001-12-14`, `2001-12-14 21:59:43.10 -5`: the framework gets a JavaScript `Date`.
    Timestamp,
    Str,
    /// A scalar with a custom tag (`!Ref x`): a CloudFormation function, not a plain value.
    Tagged,
}

impl ScalarValue {
    pub fn type_name(self) -> &'static str {
        match self {
            ScalarValue::Null => "null",
            ScalarValue::Bool(_) => "boolean",
            ScalarValue::Int | ScalarValue::Float => "number",
            ScalarValue::Timestamp => "date",
            ScalarValue::Str => "string",
            ScalarValue::Tagged => "tagged value",
        }
    }
}

/// js-yaml's core-schema resolution of an untagged plain scalar.
pub fn resolve_plain(text: &str) -> ScalarValue {
    match text {
        "" | "~" | "null" | "Null" | "NULL" => return ScalarValue::Null,
        "true" | "True" | "TRUE" => return ScalarValue::Bool(true),
        "false" | "False" | "FALSE" => return ScalarValue::Bool(false),
        _ => {}
    }
    // Every number and timestamp starts with a sign, a digit or a dot; most scalars (keys,
    // names, paths) do not, and skip the rest.
    if !matches!(
        text.as_bytes().first(),
        Some(b'-' | b'+' | b'.' | b'0'..=b'9')
    ) {
        return ScalarValue::Str;
    }
    if is_js_yaml_int(text) {
        return ScalarValue::Int;
    }
    if is_js_yaml_float(text) {
        return ScalarValue::Float;
    }
    static TIMESTAMP: OnceLock<Regex> = OnceLock::new();
    let timestamp = TIMESTAMP.get_or_init(|| {
        Regex::new(concat!(
            r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$|",
            r"^[0-9]{4}-[0-9][0-9]?-[0-9][0-9]?(?:[Tt]|[ \t]+)[0-9][0-9]?:[0-9]{2}:[0-9]{2}",
            r"(?:\.[0-9]*)?(?:[ \t]*(?:Z|[-+][0-9][0-9]?(?::[0-9]{2})?))?$"
        ))
        .expect("static regex")
    });
    if timestamp.is_match(text) {
        return ScalarValue::Timestamp;
    }
    ScalarValue::Str
}

/// The JavaScript property name a plain scalar key becomes in js-yaml 4.1.0 (`String(value)`),
/// where it differs from the text and is known for certain: `null`, booleans, integers up to
/// 2^53, and floats that are whole or plainly written. `None`: the text itself (strings, and
/// values whose JavaScript spelling this does not reproduce, such as dates).
pub(super) fn js_property_name(text: &str) -> Option<String> {
    match resolve_plain(text) {
        ScalarValue::Null => Some("null".to_string()),
        ScalarValue::Bool(b) => Some(b.to_string()),
        ScalarValue::Int => js_int_value(text).map(|n| n.to_string()),
        ScalarValue::Float => {
            let clean: String = text.chars().filter(|c| *c != '_').collect();
            let value = match clean.trim_start_matches(['-', '+']) {
                ".inf" | ".Inf" | ".INF" => f64::INFINITY,
                ".nan" | ".NaN" | ".NAN" => return Some("NaN".to_string()),
                _ => clean.trim_start_matches(['-', '+']).parse::<f64>().ok()?,
            };
            let value = if clean.starts_with('-') {
                -value
            } else {
                value
            };
            if value.is_infinite() {
                return Some(if value < 0.0 { "-Infinity" } else { "Infinity" }.to_string());
            }
            const EXACT: f64 = 9_007_199_254_740_992.0;
            if value.fract() == 0.0 && value.abs() < EXACT {
                // `-0` prints as `0` in JavaScript.
                return Some(format!("{}", value as i64));
            }
            // Between 1e-6 and 1e21 JavaScript and Rust both print the shortest round trip.
            (1e-6..1e21)
                .contains(&value.abs())
                .then(|| format!("{value}"))
        }
        ScalarValue::Timestamp | ScalarValue::Str | ScalarValue::Tagged => None,
    }
}

/// js-yaml 4.1.0's `constructYamlInteger`, when the result is exact in a JavaScript number.
fn js_int_value(text: &str) -> Option<i64> {
    let clean: String = text.chars().filter(|c| *c != '_').collect();
    let (negative, digits) = match clean.as_bytes().first() {
        Some(b'-') => (true, &clean[1..]),
        Some(b'+') => (false, &clean[1..]),
        _ => (false, &clean[..]),
    };
    let value = if let Some(bin) = digits.strip_prefix("0b") {
        i64::from_str_radix(bin, 2).ok()?
    } else if let Some(hex) = digits.strip_prefix("0x") {
        i64::from_str_radix(hex, 16).ok()?
    } else if let Some(oct) = digits.strip_prefix("0o") {
        i64::from_str_radix(oct, 8).ok()?
    } else {
        digits.parse::<i64>().ok()?
    };
    (value < 1 << 53).then_some(if negative { -value } else { value })
}

/// js-yaml 4.1.0's `resolveYamlFloat` (integers match it too: `!!float 1` is fine).
pub(super) fn is_js_yaml_float(text: &str) -> bool {
    static FLOAT: OnceLock<Regex> = OnceLock::new();
    let float = FLOAT.get_or_init(|| {
        Regex::new(r"^(?:[-+]?(?:[0-9][0-9_]*)(?:\.[0-9_]*)?(?:[eE][-+]?[0-9]+)?|\.[0-9_]+(?:[eE][-+]?[0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$")
            .expect("static regex")
    });
    float.is_match(text) && !text.ends_with('_')
}

/// js-yaml 4.1.0's `resolveYamlInteger`, step by step: `_` may appear anywhere after the
/// prefix but not first in a decimal or last; `0b`, `0x`, `0o` need a digit.
fn is_js_yaml_int(text: &str) -> bool {
    let bytes = text.as_bytes();
    let mut i = 0;
    if matches!(bytes.first(), Some(b'-' | b'+')) {
        i += 1;
    }
    let digits = |rest: &[u8], ok: fn(u8) -> bool| {
        rest.iter().all(|&b| b == b'_' || ok(b))
            && rest.iter().any(|&b| b != b'_')
            && rest.last() != Some(&b'_')
    };
    if bytes.get(i) == Some(&b'0') {
        if i + 1 == bytes.len() {
            return true;
        }
        i += 1;
        match bytes[i] {
            b'b' => return digits(&bytes[i + 1..], |b| matches!(b, b'0' | b'1')),
            b'x' => return digits(&bytes[i + 1..], |b| b.is_ascii_hexdigit()),
            b'o' => return digits(&bytes[i + 1..], |b| matches!(b, b'0'..=b'7')),
            _ => {}
        }
    }
    if bytes.get(i) == Some(&b'_') {
        return false;
    }
    digits(&bytes[i..], |b| b.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolves_like_js_yaml() {
        assert_eq!(resolve_plain(""), ScalarValue::Null);
        assert_eq!(resolve_plain("~"), ScalarValue::Null);
        assert_eq!(resolve_plain("True"), ScalarValue::Bool(true));
        assert_eq!(resolve_plain("yes"), ScalarValue::Str);
        assert_eq!(resolve_plain("123"), ScalarValue::Int);
        assert_eq!(resolve_plain("0x1F"), ScalarValue::Int);
        assert_eq!(resolve_plain("1.5e3"), ScalarValue::Float);
        assert_eq!(resolve_plain(".inf"), ScalarValue::Float);
        assert_eq!(resolve_plain("$connect"), ScalarValue::Str);
        assert_eq!(resolve_plain("1.2.3"), ScalarValue::Str);
    }

    /// Keys js-yaml reports as duplicates of each other (asked through the framework's loader).
    #[test]
    fn keys_become_javascript_property_names() {
        for (a, b) in [
            ("~", "null"),
            ("", "null"),
            ("True", "true"),
            ("0x1", "1"),
            ("1_0", "10"),
            ("017", "17"),
            ("1.0", "1"),
            ("1.50", "1.5"),
            ("-0", "0"),
            ("-.inf", "-Infinity"),
        ] {
            assert_eq!(js_property_name(a).as_deref(), Some(b), "{a}");
        }
        assert_eq!(js_property_name("abc"), None);
        assert_eq!(js_property_name("2001-12-14"), None);
    }

    /// What js-yaml 4.1.0 (the framework's loader) answers, asked with
    /// `node -e "console.log(typeof require('js-yaml').load('a: ' + X).a)"`.
    #[test]
    fn numbers_dates_and_strings_as_js_yaml_4_1_reads_them() {
        use ScalarValue::*;
        let cases = [
            // Underscores are digit separators in js-yaml 4.1 (4.1.1 and later read these as
            // strings; the framework's own 4.1.0 does not).
            ("1_0", Int),
            ("1__0", Int),
            ("0x_1", Int),
            ("0x1_0", Int),
            ("0b1_0", Int),
            ("0o1_7", Int),
            ("1_000.5", Float),
            ("0_1", Float),
            ("_1", Str),
            ("1_", Str),
            ("1__", Str),
            ("0x", Str),
            ("0b", Str),
            ("0o", Str),
            ("0xg", Str),
            ("-0x1F", Int),
            ("+0x1", Int),
            ("017", Int),
            ("08", Int),
            ("09.5", Float),
            ("-0", Int),
            ("1.", Float),
            ("1.e3", Float),
            (".5", Float),
            ("+.5", Str),
            ("-.5", Str),
            (".e3", Str),
            ("1e", Str),
            ("1e-", Str),
            ("-.Inf", Float),
            (".NaN", Float),
            ("20011214", Int),
            ("1:30", Str),
            ("2001-12-14", Timestamp),
            ("2001-12-14t21:59:43.10-05:00", Timestamp),
            ("2001-12-14 21:59:43.10 -5", Timestamp),
            ("2001-12-14 21:59:43.10", Timestamp),
            ("2001-12-14T21:59:43Z", Timestamp),
            ("2002-1-1", Str),
            ("2002-01-01 1:2:3", Str),
        ];
        for (text, expected) in cases {
            assert_eq!(resolve_plain(text), expected, "{text}");
        }
    }
}
