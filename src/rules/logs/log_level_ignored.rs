use super::invalid_log_level::invalid_level;
use crate::diagnostics::{Diagnostic, DiagnosticTag, Severity};
use crate::rules::{declare_rule, Context};

declare_rule! {
    /// ## What it does
    /// Reports `provider.logs.websocket.level` set together with `executionLogging: false`.
    ///
    /// ## Why is this bad?
    /// `executionLogging: false` sets the stage's execution logging level to `OFF`, and the
    /// framework then ignores `level` entirely: it is neither used nor checked. The setting
    /// suggests logs that are not written. Remove `level`, or turn execution logging back on.
    ///
    /// A level other than `INFO` or `ERROR` is still rejected by the framework's schema (a
    /// warning by default), and would fail the deploy (WS401) as soon as execution logging is
    /// turned on; the message says so.
    ///
    /// ## Example
    /// ```yaml
    /// service: chat
    /// provider:
    ///   name: aws
    ///   logs:
    ///     websocket:
    ///       executionLogging: false
    ///       level: ERROR
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
    ///       executionLogging: false
    /// functions:
    ///   connect:
    ///     handler: handler.connect
    ///     events:
    ///       - websocket: $connect
    /// ```
    pub static RULE = {
        code: "WS406",
        name: "log-level-ignored",
        severity: Some(Severity::Info),
        fix: None,
        check: Some(check),
    };
}

fn check(ctx: &Context, out: &mut Vec<Diagnostic>) {
    let Some(logs) = ctx.service.websocket_logs.as_ref() else {
        return;
    };
    let Some(level) = logs.get(ctx.yaml, "level") else {
        return;
    };
    let Some(off) = logs.execution_logging_off(ctx.yaml) else {
        return;
    };
    // A null or variable level may be nothing at all; with an external API WS303 reports the
    // whole `logs.websocket`.
    if ctx.yaml.is_null(level.value)
        || ctx
            .yaml
            .str(level.value)
            .is_some_and(crate::variables::has_variable)
        || ctx.service.external_api().is_some()
    {
        return;
    }
    let message = match invalid_level(ctx, level) {
        Some(value) => format!(
            "`level` has no effect while `executionLogging` is `false`; `{value}` is not a valid level either (`INFO` or `ERROR`): the framework's schema rejects it"
        ),
        None => "`level` has no effect while `executionLogging` is `false`".to_string(),
    };
    out.push(
        Diagnostic::new(&RULE, ctx.yaml.range(level.key), message)
            .with_related(ctx.yaml.range(off.key), "execution logging is off here")
            .with_tag(DiagnosticTag::Unnecessary),
    );
}
