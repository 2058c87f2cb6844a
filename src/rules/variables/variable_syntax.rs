use super::shorten;
use crate::diagnostics::{Diagnostic, Edit, Fix, Severity};
use crate::rules::{declare_rule, Context};
use crate::variables::{self, ErrorCode, SyntaxError, V4};
use crate::yaml::{NodeId, ScalarStyle};

declare_rule! {
    /// ## What it does
    /// Reports a `${...}` that the framework's variable parser rejects: an unquoted word as a
    /// fallback (`${opt:stage, dev}`), a comma with no fallback after it, a variable that is
    /// never closed, a `}` inside parameters, a nested `${...}` that is not a variable, a
    /// double-quoted string that is not valid JSON.
    ///
    /// ## Why is this bad?
    /// v3 stops before doing anything with `Variable syntax error at "<path>": ...` and the
    /// code of the error (`INVALID_VARIABLE_LITERAL_SOURCE` for `${opt:stage, dev}`). Each case
    /// reported here also fails in v4, or v4 does not recognise the `${...}` and deploys its
    /// text as it is. Forms only v3 refuses and v4 resolves (a literal fallback before another
    /// source, `${opt:x, ${env:Y}}`, a `:` inside an address) are not reported.
    ///
    /// A literal fallback must be quoted (`'dev'`), a number, `true`, `false` or `null`; the
    /// fix quotes an unquoted word.
    ///
    /// ## Example
    /// ```yaml
    /// service: chat
    /// provider:
    ///   name: aws
    ///   stage: ${opt:stage, dev}
    /// functions:
    ///   connect:
    ///     handler: handler.connect
    ///     events:
    ///       - websocket: $connect
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// service: chat
    /// provider:
    ///   name: aws
    ///   stage: ${opt:stage, 'dev'}
    /// functions:
    ///   connect:
    ///     handler: handler.connect
    ///     events:
    ///       - websocket: $connect
    /// ```
    pub static RULE = {
        code: "WS601",
        name: "variable-syntax",
        severity: Some(Severity::Error),
        fix: Sometimes,
        check: Some(check),
    };
}

fn check(ctx: &Context, out: &mut Vec<Diagnostic>) {
    for value in ctx.variable_values() {
        let Some(error) = &value.parsed.error else {
            continue;
        };
        if error.v4 == V4::Accepts {
            continue;
        }
        let Some(text) = ctx.yaml.str(value.node) else {
            continue;
        };
        out.push(diagnostic(ctx, value.node, text, error));
    }
}

fn diagnostic(ctx: &Context, node: NodeId, text: &str, error: &SyntaxError) -> Diagnostic {
    let variable =
        shorten(text.get(error.variable.as_range()).unwrap_or(text)).replace('\n', "\\n");
    let at = text.get(error.at.as_range()).unwrap_or("");
    let what = match error.code {
        ErrorCode::UnterminatedVariable => "it has no closing `}`".to_string(),
        ErrorCode::InvalidVariableType => {
            "a `${...}` nested in a variable must be a variable itself (a lowercase source type, then `:` or `(`)".to_string()
        }
        ErrorCode::InvalidVariableSource if at == "}" => {
            "a comma with no fallback after it".to_string()
        }
        ErrorCode::InvalidVariableSource => {
            "a fallback must be a source written without `${}` (`self:path`), a quoted string, a number, `true`, `false` or `null`".to_string()
        }
        ErrorCode::InvalidVariableParam => {
            "the parameters in `(...)` are not closed before `}`, or text follows a quoted parameter".to_string()
        }
        ErrorCode::InvalidVariableAddress => {
            "unexpected text after the parameters or the quoted address".to_string()
        }
        ErrorCode::InvalidVariableLiteralSource => format!(
            "the fallback `{at}` is an unquoted word; a literal fallback must be quoted (`'{at}'`), a number, `true`, `false` or `null`"
        ),
        ErrorCode::InvalidVariableStringLiteral => {
            "a double-quoted string that is not valid JSON".to_string()
        }
    };
    let outcome = match error.v4 {
        V4::KeepsText => "v3 stops with",
        _ => "the framework stops with",
    };
    let mut message = format!(
        "invalid variable `{variable}`: {what}; {outcome} `{}` ({})",
        shorten(&error.message.replace('\n', "\\n")),
        error.code.as_str()
    );
    if error.v4 == V4::KeepsText {
        message.push_str(", and v4 leaves the text unresolved");
    }
    let range = variables::source_range(ctx.text, ctx.yaml, node, error.variable);
    let mut diagnostic = Diagnostic::new(&RULE, range, message);
    if error.code == ErrorCode::InvalidVariableLiteralSource {
        if let Some(fix) = quote_fix(ctx, node, error, at) {
            diagnostic = diagnostic.with_fix(fix);
        }
    }
    diagnostic
}

/// `${opt:stage, dev}` → `${opt:stage, 'dev'}`, with the quote written as YAML needs it in
/// the scalar's own style.
fn quote_fix(ctx: &Context, node: NodeId, error: &SyntaxError, word: &str) -> Option<Fix> {
    if ctx.yaml.is_alias(node) {
        return None;
    }
    let scalar = ctx.yaml.scalar(node)?;
    let quote = match scalar.style {
        ScalarStyle::SingleQuoted => "''",
        ScalarStyle::Plain | ScalarStyle::DoubleQuoted => "'",
        ScalarStyle::Literal | ScalarStyle::Folded => return None,
    };
    let range = variables::exact_source_range(ctx.text, ctx.yaml, node, error.at)?;
    let edits = vec![
        Edit::insert(range.start, quote),
        Edit::insert(range.end, quote),
    ];
    let message = format!("quote the fallback: `'{word}'`");
    // A plain word is meant as a string; a dotted one may be a source missing its type
    // (`provider.stage` for `self:provider.stage`).
    if word.bytes().all(|c| c.is_ascii_alphanumeric() || c == b'-') {
        Some(Fix::safe(message, edits))
    } else {
        Some(Fix::unsafe_(message, edits))
    }
}
