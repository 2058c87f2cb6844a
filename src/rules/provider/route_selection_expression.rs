use crate::diagnostics::shown;
use crate::diagnostics::{Diagnostic, Severity};
use crate::rules::edits::known_str;
use crate::rules::{declare_rule, Context};
use crate::yaml::ScalarValue;

declare_rule! {
    /// ## What it does
    /// Reports a `provider.websocketsApiRouteSelectionExpression` that selects nothing from the
    /// message (it has no `$request.body.NAME` or `${request.body.NAME}`), or that is malformed:
    /// braces that do not balance, or `$request.body` without a path.
    ///
    /// ## Why is this bad?
    /// API Gateway evaluates the route selection expression for every message and sends the
    /// message to the route whose key equals the result. A static expression (AWS allows them)
    /// gives every message the same key, so every message goes to one route, or to `$default`
    /// when no route has that key: the custom routes are never used. An expression that does
    /// not read the body cannot tell messages apart either. The framework passes the value to
    /// CloudFormation without any check, so a typo only shows when messages go astray.
    ///
    /// The default, when the setting is absent, is `$request.body.action`.
    ///
    /// ## Example
    /// ```yaml
    /// service: chat
    /// provider:
    ///   name: aws
    ///   websocketsApiRouteSelectionExpression: action
    /// functions:
    ///   message:
    ///     handler: handler.message
    ///     events:
    ///       - websocket: $default
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// service: chat
    /// provider:
    ///   name: aws
    ///   websocketsApiRouteSelectionExpression: $request.body.action
    /// functions:
    ///   message:
    ///     handler: handler.message
    ///     events:
    ///       - websocket: $default
    /// ```
    pub static RULE = {
        code: "WS301",
        name: "route-selection-expression",
        severity: Some(Severity::Warning),
        fix: None,
        check: Some(check),
    };
}

#[derive(Debug, PartialEq, Eq)]
enum Problem {
    UnbalancedBraces,
    EmptyBodyPath,
    /// No `$` variable at all: the expression is a constant.
    Static,
    /// Variables, but none that reads the message body.
    NoBody,
}

fn check(ctx: &Context, out: &mut Vec<Diagnostic>) {
    let Some(entry) = ctx
        .service
        .provider_entry(ctx.yaml, &["websocketsApiRouteSelectionExpression"])
    else {
        return;
    };
    // With an external API the framework creates no API, so the expression is not used.
    if ctx.service.external_api().is_some()
        || !matches!(
            ctx.yaml.scalar_value(entry.value),
            Some(ScalarValue::Str | ScalarValue::Int | ScalarValue::Float)
        )
    {
        return;
    }
    let Some(expression) = known_str(ctx, entry.value) else {
        return;
    };
    // An empty value is falsy: the framework uses its default.
    if expression.trim().is_empty() {
        return;
    }
    let Some(problem) = analyze(expression) else {
        return;
    };
    let range = ctx.yaml.range(entry.value);
    let expression = shown(expression);
    let diagnostic = match problem {
        Problem::UnbalancedBraces => Diagnostic::new(
            &RULE,
            range,
            format!("route selection expression `{expression}` is malformed: its braces do not balance"),
        )
        .with_help("write `$request.body.action`, or `${request.body.action}` where the variable needs braces"),
        Problem::EmptyBodyPath => Diagnostic::new(
            &RULE,
            range,
            format!(
                "route selection expression `{expression}` is malformed: `$request.body` needs the path of a message property, like `$request.body.action`"
            ),
        ),
        Problem::Static => Diagnostic::new(
            &RULE,
            range,
            format!(
                "route selection expression `{expression}` selects nothing from the message: every message gets the route key `{expression}`, so all go to one route (or to `$default`)"
            ),
        )
        .with_help("route on a property of the JSON message with `$request.body.NAME` (the default is `$request.body.action`)"),
        Problem::NoBody => Diagnostic::new(
            &RULE,
            range,
            format!(
                "route selection expression `{expression}` does not read the message body: WebSocket routes are selected by `$request.body.NAME`, so every message would get the same route key"
            ),
        )
        .with_help("the default is `$request.body.action`"),
    };
    out.push(diagnostic);
}

/// What is wrong with an expression, if anything.
fn analyze(expression: &str) -> Option<Problem> {
    let mut depth: i32 = 0;
    for c in expression.chars() {
        match c {
            '{' => depth += 1,
            '}' => {
                depth -= 1;
                if depth < 0 {
                    return Some(Problem::UnbalancedBraces);
                }
            }
            _ => {}
        }
    }
    if depth != 0 {
        return Some(Problem::UnbalancedBraces);
    }
    let bytes = expression.as_bytes();
    let mut reads_body = false;
    let mut has_variable = false;
    for (at, _) in expression.match_indices('$') {
        // `\$` is a literal dollar in selection expressions.
        if at > 0 && bytes[at - 1] == b'\\' {
            continue;
        }
        has_variable = true;
        let rest = &expression[at + 1..];
        let rest = rest.strip_prefix('{').unwrap_or(rest);
        let Some(after) = rest.strip_prefix("request.body") else {
            continue;
        };
        match after.strip_prefix('.') {
            Some(path) if path.starts_with(|c: char| c.is_alphanumeric() || c == '_') => {
                reads_body = true;
            }
            Some(_) => return Some(Problem::EmptyBodyPath),
            // `$request.body[0]` style paths.
            None if after.starts_with('[') => reads_body = true,
            None => return Some(Problem::EmptyBodyPath),
        }
    }
    match (reads_body, has_variable) {
        (true, _) => None,
        (false, false) => Some(Problem::Static),
        (false, true) => Some(Problem::NoBody),
    }
}

#[cfg(test)]
mod tests {
    use super::{analyze, Problem};

    #[test]
    fn judges_expressions() {
        assert_eq!(analyze("$request.body.action"), None);
        assert_eq!(analyze("${request.body.action}"), None);
        assert_eq!(analyze("$request.body.service.do"), None);
        assert_eq!(
            analyze("${request.body.service}/${request.body.action}"),
            None
        );
        assert_eq!(analyze("action"), Some(Problem::Static));
        assert_eq!(analyze("\\$default"), Some(Problem::Static));
        assert_eq!(analyze("$request.header.x"), Some(Problem::NoBody));
        assert_eq!(analyze("$request.body"), Some(Problem::EmptyBodyPath));
        assert_eq!(analyze("$request.body."), Some(Problem::EmptyBodyPath));
        assert_eq!(analyze("${request.body}"), Some(Problem::EmptyBodyPath));
        assert_eq!(
            analyze("${request.body.action"),
            Some(Problem::UnbalancedBraces)
        );
        assert_eq!(
            analyze("$request.body.action}"),
            Some(Problem::UnbalancedBraces)
        );
    }
}
