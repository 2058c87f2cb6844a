use super::unknown_context_variable::context_variables;
use crate::diagnostics::{Diagnostic, Severity};
use crate::rules::edits::known_str;
use crate::rules::{declare_rule, Context};

declare_rule! {
    /// ## What it does
    /// Reports a custom access log `format` under `provider.logs.websocket` that contains
    /// neither `$context.requestId` nor `$context.extendedRequestId`.
    ///
    /// ## Why is this bad?
    /// AWS documents that an access log format "must include at least `$context.requestId`"
    /// (for WebSocket APIs `$context.extendedRequestId` is the same value). Whether API Gateway
    /// refuses a stage without it is not documented; at the very least the log lines cannot be
    /// matched to the execution logs or quoted to AWS support. The framework passes the format
    /// on without looking at it.
    ///
    /// ## Example
    /// ```yaml
    /// service: chat
    /// provider:
    ///   name: aws
    ///   logs:
    ///     websocket:
    ///       fullExecutionData: false
    ///       format: '$context.connectionId $context.routeKey $context.status'
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
    ///       format: '$context.requestId $context.connectionId $context.routeKey $context.status'
    /// functions:
    ///   connect:
    ///     handler: handler.connect
    ///     events:
    ///       - websocket: $connect
    /// ```
    pub static RULE = {
        code: "WS402",
        name: "access-log-missing-request-id",
        severity: Some(Severity::Warning),
        fix: None,
        check: Some(check),
    };
}

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
    let has_id = context_variables(format)
        .any(|(_, name)| matches!(name, "requestId" | "extendedRequestId"));
    if has_id {
        return;
    }
    out.push(
        Diagnostic::new(
            &RULE,
            ctx.yaml.range(entry.value),
            "the access log format has no `$context.requestId` (or `$context.extendedRequestId`): AWS requires the request id in the access log format",
        )
        .with_help("add `$context.requestId`"),
    );
}
