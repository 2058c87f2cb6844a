//! What a plain scalar means to js-yaml's default schema, the loader the framework uses.

use std::sync::OnceLock;

use regex::Regex;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ScalarValue {
    Null,
    Bool(bool),
    Int,
    Float,
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
    // Every number starts with a sign, a digit or a dot; most scalars (keys, names, paths)
    // do not, and skip both regexes.
    if !matches!(
        text.as_bytes().first(),
        Some(b'-' | b'+' | b'.' | b'0'..=b'9')
    ) {
        return ScalarValue::Str;
    }
    static INT: OnceLock<Regex> = OnceLock::new();
    static FLOAT: OnceLock<Regex> = OnceLock::new();
    let int = INT.get_or_init(|| {
        Regex::new(
            r"^(?:[-+]?0b[01_]+|[-+]?0o?[0-7_]+|[-+]?0x[0-9a-fA-F_]+|[-+]?(?:0|[1-9][0-9_]*))$",
        )
        .expect("static regex")
    });
    if int.is_match(text) && !text.ends_with('_') {
        return ScalarValue::Int;
    }
    let float = FLOAT.get_or_init(|| {
        Regex::new(r"^(?:[-+]?(?:[0-9][0-9_]*)(?:\.[0-9_]*)?(?:[eE][-+]?[0-9]+)?|\.[0-9_]+(?:[eE][-+]?[0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$")
            .expect("static regex")
    });
    if float.is_match(text) && !text.ends_with('_') {
        return ScalarValue::Float;
    }
    ScalarValue::Str
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
}
