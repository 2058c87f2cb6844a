use crate::diagnostics::{Diagnostic, Edit, Fix, Severity};
use crate::rules::edits::{add_entry, scalar_to_mapping, NewValue};
use crate::rules::edits::{known_str, replace_scalar};
use crate::rules::{declare_rule, Context};

declare_rule! {
    /// ## What it does
    /// Reports WebSocket logs that are turned on (`provider.logs.websocket: true`, or any
    /// object) without `fullExecutionData: false`.
    ///
    /// ## Why is this bad?
    /// When logs are on, the framework sets `fullExecutionData` to `true` unless it is set
    /// otherwise, which turns on API Gateway's data trace: the whole content of every message
    /// and every response, including tokens and personal data, is written to the execution
    /// logs in CloudWatch. That is rarely meant outside debugging. Access logs and
    /// `INFO`/`ERROR` execution logs still work without it.
    ///
    /// The fix adds `fullExecutionData: false` (turning `websocket: true` into a mapping, which
    /// keeps logs on with the same defaults). Not reported when `executionLogging: false`
    /// turns execution logs off, nor with `level: ERROR`, where what the data trace records
    /// is not documented.
    ///
    /// ## Example
    /// ```yaml
    /// service: chat
    /// provider:
    ///   name: aws
    ///   logs:
    ///     websocket: true
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
    /// functions:
    ///   connect:
    ///     handler: handler.connect
    ///     events:
    ///       - websocket: $connect
    /// ```
    pub static RULE = {
        code: "WS405",
        name: "execution-data-logged",
        severity: Some(Severity::Info),
        fix: Sometimes,
        check: Some(check),
    };
}

fn check(ctx: &Context, out: &mut Vec<Diagnostic>) {
    let Some(logs) = ctx.service.websocket_logs.as_ref() else {
        return;
    };
    if logs.enabled != Some(true)
        || logs.flag(ctx.yaml, "fullExecutionData") != Some(true)
        || logs.flag(ctx.yaml, "executionLogging") != Some(true)
        || ctx.service.external_api().is_some()
    {
        return;
    }
    // The data trace goes into the INFO-level execution log. With `level: ERROR` what it
    // records is not documented, and other levels are unknown or invalid (WS401): silent.
    if let Some(level) = logs
        .get(ctx.yaml, "level")
        .filter(|e| !ctx.yaml.is_null(e.value))
    {
        if known_str(ctx, level.value) != Some("INFO") {
            return;
        }
    }
    let explicit = logs
        .get(ctx.yaml, "fullExecutionData")
        .filter(|e| !ctx.yaml.is_null(e.value));
    let message = if explicit.is_some() {
        "`fullExecutionData: true` writes every message and response in full, tokens and personal data included, to CloudWatch"
    } else {
        "websocket logs are on with `fullExecutionData` defaulting to `true`: every message and response is written in full, tokens and personal data included, to CloudWatch"
    };
    let mut diagnostic = Diagnostic::new(&RULE, ctx.yaml.range(logs.entry.key), message);
    if let Some(entry) = explicit {
        diagnostic = diagnostic.with_related(ctx.yaml.range(entry.value), "set here");
    }
    let present = logs.get(ctx.yaml, "fullExecutionData").is_some();
    let edit = match (logs.mapping, explicit) {
        // `fullExecutionData:` with no value: adding another would duplicate the key.
        (Some(_), None) if present => None,
        (None, _) => scalar_to_mapping(ctx, logs.entry, "fullExecutionData", "false"),
        (Some(_), Some(entry)) => {
            replace_scalar(ctx, entry.value, "false").map(|edit| Edit::replace(edit.range, "false"))
        }
        (Some(mapping), None) => {
            add_entry(ctx, mapping, "fullExecutionData", NewValue::Scalar("false"))
        }
    };
    if let Some(edit) = edit {
        diagnostic =
            diagnostic.with_fix(Fix::unsafe_("set `fullExecutionData: false`", vec![edit]));
    }
    out.push(diagnostic);
}
