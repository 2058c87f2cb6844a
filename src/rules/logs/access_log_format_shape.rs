use crate::diagnostics::{Diagnostic, Severity};
use crate::rules::edits::known_str;
use crate::rules::{declare_rule, Context};
use crate::yaml::ScalarStyle;

declare_rule! {
    /// ## What it does
    /// Reports an access log `format` under `provider.logs.websocket` that spans several lines,
    /// or that is longer than 1024 characters. (A single final line break, which `|` and `>`
    /// blocks keep, is not reported.)
    ///
    /// ## Why is this bad?
    /// AWS takes the access log format as "a single line": one log event per request. A literal
    /// YAML block (`|`) keeps the line breaks of a format written over several lines. The API reference also limits the format to 1024 characters (the quota
    /// page mentions 3 KB for the template, so the exact limit is uncertain). The framework
    /// passes the value on without looking at it.
    ///
    /// A long JSON format is easiest to keep on one line with a folded block without a final
    /// line break (`>-`), which joins the lines with spaces.
    ///
    /// ## Example
    /// ```yaml
    /// service: chat
    /// provider:
    ///   name: aws
    ///   logs:
    ///     websocket:
    ///       fullExecutionData: false
    ///       format: |
    ///         $context.requestId
    ///         $context.routeKey
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
    ///   logs:
    ///     websocket:
    ///       fullExecutionData: false
    ///       format: >-
    ///         $context.requestId
    ///         $context.routeKey
    /// functions:
    ///   connect:
    ///     handler: handler.connect
    ///     events:
    ///       - websocket: $connect
    /// ```
    pub static RULE = {
        code: "WS403",
        name: "access-log-format-shape",
        severity: Some(Severity::Warning),
        fix: None,
        check: Some(check),
    };
}

const MAX_LENGTH: usize = 1024;

fn check(ctx: &Context, out: &mut Vec<Diagnostic>) {
    let Some(logs) = ctx.service.websocket_logs.as_ref() else {
        return;
    };
    let Some(entry) = logs.used_format(ctx.yaml, ctx.service.external_api().is_some()) else {
        return;
    };
    let Some(format) = known_str(ctx, entry.value) else {
        return;
    };
    let range = ctx.yaml.range(entry.value);
    let block = ctx
        .yaml
        .scalar(entry.value)
        .is_some_and(|s| matches!(s.style, ScalarStyle::Literal | ScalarStyle::Folded));
    let body = format.trim_end_matches('\n');
    if body.contains('\n') {
        let lines = body.lines().count();
        let mut diagnostic = Diagnostic::new(
            &RULE,
            range,
            format!("the access log format spans {lines} lines: AWS expects a single line"),
        );
        if block {
            diagnostic = diagnostic.with_help(
                "a folded block without a final line break (`>-`) joins the lines with spaces",
            );
        }
        out.push(diagnostic);
    }
    let length = format.chars().count();
    if length > MAX_LENGTH {
        out.push(Diagnostic::new(
            &RULE,
            range,
            format!(
                "the access log format is {length} characters long: the API Gateway reference allows at most {MAX_LENGTH}"
            ),
        ));
    }
}
