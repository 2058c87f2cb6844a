//! What a plain scalar means to js-yaml's default schema, the loader the framework uses
//! (serverless@3.40.0 asks for `js-yaml: ^4.1.0`, which a fresh install resolves to 4.3.2, so
//! users run 4.3.2: its core schema plus `timestamp`). Ported from its
//! `lib/type/{null,bool,int,float,timestamp}.js`, tried in the schema's order.

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

/// The JavaScript property name a plain scalar key becomes in js-yaml 4.3.2 (`String(value)`),
/// where it differs from the text and is known for certain: `null`, booleans, integers up to
/// 2^53, and floats that are whole or plainly written. `None`: the text itself (strings, and
/// values whose JavaScript spelling this does not reproduce, such as dates).
pub(super) fn js_property_name(text: &str) -> Option<String> {
    match resolve_plain(text) {
        ScalarValue::Null => Some("null".to_string()),
        ScalarValue::Bool(b) => Some(b.to_string()),
        ScalarValue::Int => js_int_value(text).map(|n| n.to_string()),
        ScalarValue::Float => {
            let value = match text.trim_start_matches(['-', '+']) {
                ".inf" | ".Inf" | ".INF" => f64::INFINITY,
                ".nan" | ".NaN" | ".NAN" => return Some("NaN".to_string()),
                _ => text.trim_start_matches(['-', '+']).parse::<f64>().ok()?,
            };
            let value = if text.starts_with('-') { -value } else { value };
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

/// js-yaml 4.3.2's `parseYamlInteger`, when the result is exact in a JavaScript number.
fn js_int_value(text: &str) -> Option<i64> {
    let (negative, digits) = split_sign(text);
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

/// js-yaml 4.3.2's `resolveYamlFloat` (integers match it too: `!!float 1` is fine): no `_` in
/// the digits, and a number must not overflow to infinity (`1e999` is a string; `.inf` is not).
pub(super) fn is_js_yaml_float(text: &str) -> bool {
    static FLOAT: OnceLock<Regex> = OnceLock::new();
    let float = FLOAT.get_or_init(|| {
        Regex::new(r"^(?:[-+]?[0-9]+(?:\.[0-9]*)?(?:[eE][-+]?[0-9]+)?|\.[0-9]+(?:[eE][-+]?[0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$")
            .expect("static regex")
    });
    if !float.is_match(text) {
        return false;
    }
    let (_, unsigned) = split_sign(text);
    // The pattern leaves `parseFloat` one prefix to read; Rust's parse rounds the same way.
    match unsigned.parse::<f64>() {
        Ok(value) if value.is_finite() => true,
        _ => unsigned.starts_with('.') && !unsigned[1..].starts_with(|c: char| c.is_ascii_digit()),
    }
}

fn split_sign(text: &str) -> (bool, &str) {
    match text.as_bytes().first() {
        Some(b'-') => (true, &text[1..]),
        Some(b'+') => (false, &text[1..]),
        _ => (false, text),
    }
}

/// js-yaml 4.3.2's `resolveYamlInteger`: digits only (no `_` separators since 4.1.1), `0b`,
/// `0x`, `0o` need a digit, and the value must not overflow to infinity in `parseInt`.
fn is_js_yaml_int(text: &str) -> bool {
    let (_, unsigned) = split_sign(text);
    let bytes = unsigned.as_bytes();
    if bytes == b"0" {
        return true;
    }
    let radix_digits = |rest: &str, radix: u32| {
        !rest.is_empty()
            && rest.chars().all(|c| c.is_digit(radix))
            && radix_int_is_finite(rest, radix)
    };
    if let Some(bin) = unsigned.strip_prefix("0b") {
        return radix_digits(bin, 2);
    }
    if let Some(hex) = unsigned.strip_prefix("0x") {
        return radix_digits(hex, 16);
    }
    if let Some(oct) = unsigned.strip_prefix("0o") {
        return radix_digits(oct, 8);
    }
    !bytes.is_empty()
        && bytes.iter().all(u8::is_ascii_digit)
        && unsigned.parse::<f64>().is_ok_and(f64::is_finite)
}

/// Whether `parseInt(digits, radix)` (radix 2, 8 or 16) stays finite. JavaScript rounds to the
/// nearest double, ties to even: a value of 1024 bits overflows when its top 54 bits are all
/// ones (it rounds up to 2^1024), a longer one always does.
fn radix_int_is_finite(digits: &str, radix: u32) -> bool {
    let bits_per_digit = radix.trailing_zeros() as usize;
    let bits: String = digits
        .chars()
        .filter_map(|c| c.to_digit(radix))
        .map(|d| format!("{d:0bits_per_digit$b}"))
        .collect();
    let significant = bits.trim_start_matches('0');
    match significant.len() {
        0..=1023 => true,
        1024 => !significant[..54].bytes().all(|b| b == b'1'),
        _ => false,
    }
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
            ("017", "17"),
            ("1.0", "1"),
            ("1.50", "1.5"),
            ("-0", "0"),
            ("-.inf", "-Infinity"),
        ] {
            assert_eq!(js_property_name(a).as_deref(), Some(b), "{a}");
        }
        assert_eq!(js_property_name("abc"), None);
        // Strings in js-yaml 4.3.2: no longer the same keys as `10` and `Infinity`.
        assert_eq!(js_property_name("1_0"), None);
        assert_eq!(js_property_name("1e999"), None);
        assert_eq!(js_property_name("2001-12-14"), None);
    }

    /// What js-yaml 4.3.2 (the framework's loader on a fresh install) answers, asked with
    /// `node -e "console.log(typeof require('js-yaml').load('a: ' + X).a)"`.
    #[test]
    fn numbers_dates_and_strings_as_js_yaml_4_3_reads_them() {
        use ScalarValue::*;
        let huge_decimal = format!("1{}", "0".repeat(309));
        let largest_decimal = format!("1{}", "0".repeat(308));
        // 2^1024 - 2^970 is halfway between the largest double and 2^1024: ties to even, up.
        let halfway = "179769313486231580793728971405303415079934132710037826936173778980444968292764750946649017977587207096330286416692887910946555547851940402630657488671505820681908902000708383676273854845817711531764475730270069855571366959622842914819860834936475292719074168444365510704342711559699508093042880177904174497792"
            .to_string();
        let below_halfway = "179769313486231580793728971405303415079934132710037826936173778980444968292764750946649017977587207096330286416692887910946555547851940402630657488671505820681908902000708383676273854845817711531764475730270069855571366959622842914819860834936475292719074168444365510704342711559699508093042880177904174497791".to_string();
        let hex_overflow = format!("0x{}c{}", "f".repeat(13), "0".repeat(242));
        let hex_largest = format!("0x{}8{}", "f".repeat(13), "0".repeat(242));
        let bin_overflow = format!("0b{}", "1".repeat(1024));
        let bin_largest = format!("0b{}", "1".repeat(1023));
        let oct_overflow = format!("0o1{}", "7".repeat(341));
        let oct_largest = format!("0o7{}", "7".repeat(340));
        let cases: Vec<(&str, ScalarValue)> = vec![
            // Underscores were digit separators up to js-yaml 4.1.0; 4.3.2 reads strings.
            ("1_0", Str),
            ("1__0", Str),
            ("0x_1", Str),
            ("0x1_0", Str),
            ("0b1_0", Str),
            ("0o1_7", Str),
            ("1_000.5", Str),
            ("0_1", Str),
            ("01_0", Str),
            ("1.0_0", Str),
            ("._5", Str),
            // Numbers that overflow to infinity are strings in 4.3.2; `.inf` stays a number.
            ("1e999", Str),
            ("-1e999", Str),
            ("1.8e308", Str),
            (".5e999", Str),
            ("1.5e308", Float),
            ("1e-999", Float),
            (&huge_decimal, Str),
            (&largest_decimal, Int),
            (&halfway, Str),
            (&below_halfway, Int),
            (&hex_overflow, Str),
            (&hex_largest, Int),
            (&bin_overflow, Str),
            (&bin_largest, Int),
            (&oct_overflow, Str),
            (&oct_largest, Int),
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
