//! What the framework makes of a scalar value, in the three steps it takes:
//!
//! 1. js-yaml 4.3.2 loads it: a JavaScript string, number, boolean, null or `Date`
//!    ([`js_number`] reads numbers the way its `int.js` and `float.js` construct them: `0x1F` is
//!    31, `010` is 10, integers beyond 2^53 are rounded to the nearest double).
//! 2. AJV 8 (`coerceTypes: 'array'`, `compile/validate/dataType.js`) converts the value where the
//!    schema has a `type`: to a string with `"" + value` ([`to_string`]), to a boolean from the
//!    string `"true"`/`"false"` and the numbers `1`/`0` only ([`to_bool`]). Anything else keeps
//!    its value and fails validation, which by default only warns.
//! 3. The compiler tests most settings for truthiness (`if (logs)`, `if (!executionLogging)`):
//!    [`truthy`] is that test applied to the value step 2 leaves, so `'no'`, `'0'` and `'False'`
//!    (strings) are on and `0` is off.
//!
//! Every rule and the model ask here, so they agree on `route: 0x1F`, `useProviderTags: '1'` and
//! the rest.

use crate::variables;
use crate::yaml::{NodeId, ScalarValue, Yaml};

/// The JavaScript number js-yaml makes of a scalar it resolved as an integer or a float. `None`
/// for other values, and for integers written in base 2, 8 or 16 with more than 128 significant
/// bits (their rounding is not reproduced here).
pub fn js_number(text: &str, value: ScalarValue) -> Option<f64> {
    let (negative, unsigned) = match text.as_bytes().first() {
        Some(b'-') => (true, &text[1..]),
        Some(b'+') => (false, &text[1..]),
        _ => (false, text),
    };
    let magnitude = match value {
        ScalarValue::Int => {
            let radix = |prefix: &str, radix: u32| {
                let digits = unsigned.strip_prefix(prefix)?;
                // `u128 as f64` rounds to nearest, ties to even, as `parseInt` does.
                u128::from_str_radix(digits, radix).ok().map(|n| n as f64)
            };
            if unsigned.starts_with("0b") {
                radix("0b", 2)?
            } else if unsigned.starts_with("0x") {
                radix("0x", 16)?
            } else if unsigned.starts_with("0o") {
                radix("0o", 8)?
            } else {
                // `parseInt(value, 10)`: leading zeros are decimal, not octal.
                unsigned.parse::<f64>().ok()?
            }
        }
        ScalarValue::Float => match unsigned.to_ascii_lowercase().as_str() {
            ".inf" => f64::INFINITY,
            ".nan" => f64::NAN,
            lower => lower.parse::<f64>().ok()?,
        },
        _ => return None,
    };
    Some(if negative { -magnitude } else { magnitude })
}

/// JavaScript's `String(number)` (ECMAScript `Number::toString`): the shortest digits that
/// read back the same, without exponent from 1e-6 up to 1e21.
pub fn js_number_string(number: f64) -> String {
    if number.is_nan() {
        return "NaN".to_string();
    }
    if number == 0.0 {
        // `-0` prints as `0`.
        return "0".to_string();
    }
    if number.is_infinite() {
        return if number < 0.0 {
            "-Infinity"
        } else {
            "Infinity"
        }
        .to_string();
    }
    let sign = if number < 0.0 { "-" } else { "" };
    // Rust's `{:e}` prints the shortest round-trip digits, as ECMAScript asks.
    let scientific = format!("{:e}", number.abs());
    let (mantissa, exponent) = scientific.split_once('e').unwrap_or((&scientific, "0"));
    let digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
    let k = digits.len() as i64;
    let n = exponent.parse::<i64>().unwrap_or(0) + 1;
    let body = if k <= n && n <= 21 {
        format!("{digits}{}", "0".repeat((n - k) as usize))
    } else if 0 < n && n <= 21 {
        let (whole, fraction) = digits.split_at(n as usize);
        format!("{whole}.{fraction}")
    } else if -6 < n && n <= 0 {
        format!("0.{}{digits}", "0".repeat((-n) as usize))
    } else {
        let (first, rest) = digits.split_at(1);
        let mantissa = if rest.is_empty() {
            first.to_string()
        } else {
            format!("{first}.{rest}")
        };
        let exp_sign = if n > 0 { "+" } else { "-" };
        format!("{mantissa}e{exp_sign}{}", (n - 1).abs())
    };
    format!("{sign}{body}")
}

/// The loaded value of a scalar, when it is known: no Serverless variable in it, no
/// CloudFormation function, no date.
enum Loaded<'a> {
    Str(&'a str),
    Number(f64),
    Bool(bool),
    Null,
}

fn loaded<'a>(yaml: &'a Yaml, node: NodeId, major: Option<u64>) -> Option<Loaded<'a>> {
    let value = yaml.scalar_value(node)?;
    let text = yaml.str(node);
    match value {
        ScalarValue::Null => Some(Loaded::Null),
        ScalarValue::Bool(b) => Some(Loaded::Bool(b)),
        ScalarValue::Int | ScalarValue::Float => js_number(text?, value).map(Loaded::Number),
        ScalarValue::Str => {
            let text = text?;
            (!variables::has_variable_for(text, major)).then_some(Loaded::Str(text))
        }
        ScalarValue::Timestamp | ScalarValue::Tagged => None,
    }
}

/// The string AJV's coercion makes of a scalar where the schema asks for one (`route`, a
/// `websocket` shorthand, an authorizer name): strings as written, numbers and booleans as
/// JavaScript prints them. `None` for null (removed before validation), dates, CloudFormation
/// functions, values holding a variable, and collections.
pub fn to_string(yaml: &Yaml, node: NodeId, major: Option<u64>) -> Option<String> {
    match loaded(yaml, node, major)? {
        Loaded::Str(text) => Some(text.to_string()),
        Loaded::Number(number) => Some(js_number_string(number)),
        Loaded::Bool(b) => Some(b.to_string()),
        Loaded::Null => None,
    }
}

/// The boolean AJV's coercion makes of a scalar where the schema asks for one: booleans, the
/// strings `"true"` and `"false"`, the numbers `1` and `0` (`1.0` and `0x1` too: they are the
/// same number). `None` when AJV rejects the value (`'yes'`, `'1'`, `2`) or it is unknown.
pub fn to_bool(yaml: &Yaml, node: NodeId, major: Option<u64>) -> Option<bool> {
    match loaded(yaml, node, major)? {
        Loaded::Bool(b) => Some(b),
        Loaded::Str("true") => Some(true),
        Loaded::Str("false") => Some(false),
        Loaded::Number(1.0) => Some(true),
        Loaded::Number(0.0) => Some(false),
        Loaded::Str(_) | Loaded::Number(_) | Loaded::Null => None,
    }
}

/// Whether the compiler's `if (value)` takes a setting the schema types as a boolean: AJV's
/// coercion first ([`to_bool`]), then JavaScript truthiness of what is left (a non-empty
/// string, a number other than 0 and NaN, any mapping or CloudFormation function). Null is off:
/// the framework reads it as "not set". `None` when unknown: a variable, a list (AJV may unwrap
/// it), a date.
pub fn truthy(yaml: &Yaml, node: NodeId, major: Option<u64>) -> Option<bool> {
    if yaml.is_mapping(node) {
        return Some(true);
    }
    if yaml.scalar_value(node) == Some(ScalarValue::Tagged) {
        return Some(true);
    }
    if let Some(b) = to_bool(yaml, node, major) {
        return Some(b);
    }
    match loaded(yaml, node, major)? {
        Loaded::Str(text) => Some(!text.is_empty()),
        Loaded::Number(n) => Some(n != 0.0 && !n.is_nan()),
        Loaded::Bool(b) => Some(b),
        Loaded::Null => Some(false),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The value of `v` in a one-line YAML document.
    fn with_value<T>(value: &str, f: impl Fn(&Yaml, NodeId) -> T) -> T {
        let yaml = Yaml::parse(&format!("v: {value}\n"));
        let node = yaml
            .root()
            .and_then(|root| yaml.get_value(root, "v"))
            .expect("a value");
        f(&yaml, node)
    }

    fn string(value: &str) -> Option<String> {
        with_value(value, |yaml, node| to_string(yaml, node, None))
    }

    fn boolean(value: &str) -> Option<bool> {
        with_value(value, |yaml, node| to_bool(yaml, node, None))
    }

    fn truth(value: &str) -> Option<bool> {
        with_value(value, |yaml, node| truthy(yaml, node, None))
    }

    // Each answer below is what `node -e` gives with js-yaml 4.3.2 and ajv 8.20 (the framework's
    // loader and validator) and the framework's `if (value)`.

    #[test]
    fn numbers_become_strings_as_javascript_prints_them() {
        // The old route copy agreed on hex; the shape copy gave up on it.
        assert_eq!(string("0x1F").as_deref(), Some("31"));
        assert_eq!(string("-0x1F").as_deref(), Some("-31"));
        assert_eq!(string("0o17").as_deref(), Some("15"));
        assert_eq!(string("0b101").as_deref(), Some("5"));
        // js-yaml 4 reads leading zeros as decimal: both old copies gave up on `010`.
        assert_eq!(string("010").as_deref(), Some("10"));
        // Beyond 2^53 the number is rounded: both old copies gave up.
        assert_eq!(
            string("9007199254740993").as_deref(),
            Some("9007199254740992")
        );
        assert_eq!(
            string("99999999999999999999").as_deref(),
            Some("100000000000000000000")
        );
        assert_eq!(string("1e21").as_deref(), Some("1e+21"));
        assert_eq!(string("1.5e-7").as_deref(), Some("1.5e-7"));
        assert_eq!(string("0.000001").as_deref(), Some("0.000001"));
        assert_eq!(string("1.0").as_deref(), Some("1"));
        assert_eq!(string("1.50").as_deref(), Some("1.5"));
        assert_eq!(string("-0").as_deref(), Some("0"));
        assert_eq!(string("+7").as_deref(), Some("7"));
        assert_eq!(string("1e3").as_deref(), Some("1000"));
        assert_eq!(string("-.inf").as_deref(), Some("-Infinity"));
        assert_eq!(string(".NaN").as_deref(), Some("NaN"));
        assert_eq!(string("True").as_deref(), Some("true"));
        assert_eq!(string("'0x1F'").as_deref(), Some("0x1F"));
        assert_eq!(string("2001-12-14"), None);
        assert_eq!(string("null"), None);
        assert_eq!(string("${opt:x}"), None);
        assert_eq!(string("!Ref X"), None);
    }

    #[test]
    fn only_true_false_one_and_zero_become_booleans() {
        assert_eq!(boolean("'true'"), Some(true));
        assert_eq!(boolean("'false'"), Some(false));
        assert_eq!(boolean("False"), Some(false));
        assert_eq!(boolean("TRUE"), Some(true));
        assert_eq!(boolean("1"), Some(true));
        assert_eq!(boolean("0"), Some(false));
        assert_eq!(boolean("1.0"), Some(true));
        assert_eq!(boolean("0x1"), Some(true));
        assert_eq!(boolean("-0"), Some(false));
        // The old provider copy took the string '1' for true; AJV leaves strings other than
        // "true" and "false" alone.
        assert_eq!(boolean("'1'"), None);
        assert_eq!(boolean("'0'"), None);
        assert_eq!(boolean("no"), None);
        assert_eq!(boolean("'False'"), None);
        assert_eq!(boolean("2"), None);
    }

    #[test]
    fn the_compiler_tests_what_is_left_for_truthiness() {
        assert_eq!(truth("'true'"), Some(true));
        assert_eq!(truth("'false'"), Some(false));
        assert_eq!(truth("0"), Some(false));
        assert_eq!(truth("0.0"), Some(false));
        assert_eq!(truth("2"), Some(true));
        // Strings AJV does not coerce are on, whatever they say (the old provider copy read
        // '0' as off and 'no' as unknown).
        assert_eq!(truth("'0'"), Some(true));
        assert_eq!(truth("'1'"), Some(true));
        assert_eq!(truth("no"), Some(true));
        assert_eq!(truth("off"), Some(true));
        assert_eq!(truth("'False'"), Some(true));
        assert_eq!(truth("''"), Some(false));
        assert_eq!(truth("null"), Some(false));
        assert_eq!(truth("{}"), Some(true));
        assert_eq!(truth("!Ref X"), Some(true));
        assert_eq!(truth("${opt:logs}"), None);
        assert_eq!(truth("[true]"), None);
    }
}
