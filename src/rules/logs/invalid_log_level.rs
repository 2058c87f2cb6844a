use crate::diagnostics::shown;
use crate::diagnostics::{Diagnostic, Edit, Fix, Severity};
use crate::rules::edits::is_own_entry;
use crate::rules::edits::{known_str, replace_scalar};
use crate::rules::{declare_rule, suggest, Context};
use crate::yaml::{Entry, ScalarValue};

declare_rule! {
    /// ## What it does
    /// Reports a `provider.logs.websocket.level` other than exactly `INFO` or `ERROR`.
    ///
    /// ## Why is this bad?
    /// The framework checks the level when it builds the stage, case-sensitively, and stops the
    /// deploy: `provider.logs.websocket.level is set to an invalid value. Support values are
    /// INFO, ERROR, got info.` Its schema rejects the value earlier too (only as a warning by
    /// default). `OFF` is not a level here: execution logging is turned off with
    /// `executionLogging: false`.
    ///
    /// With `executionLogging: false` the level is not used and the framework does not check
    /// it, so this rule stays silent and `log-level-ignored` (WS406) reports the level instead.
    /// With an external API no stage is built at all (see WS303).
    ///
    /// The fix upper-cases `info` and `error`; for other values it offers the nearest level.
    ///
    /// ## Example
    /// ```yaml
    /// service: chat
    /// provider:
    ///   name: aws
    ///   logs:
    ///     websocket:
    ///       level: info
    ///       fullExecutionData: false
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
    ///       level: INFO
    ///       fullExecutionData: false
    /// functions:
    ///   connect:
    ///     handler: handler.connect
    ///     events:
    ///       - websocket: $connect
    /// ```
    pub static RULE = {
        code: "WS401",
        name: "invalid-log-level",
        severity: Some(Severity::Error),
        fix: Sometimes,
        check: Some(check),
    };
}

pub(crate) const LEVELS: [&str; 2] = ["INFO", "ERROR"];

/// The level's text when it is a known value the framework would reject at deploy time (any
/// scalar but null, empty or a variable). Shared with WS406.
pub(crate) fn invalid_level<'a>(ctx: &'a Context, entry: Entry) -> Option<&'a str> {
    let kind = ctx.yaml.scalar_value(entry.value)?;
    if !matches!(
        kind,
        ScalarValue::Str | ScalarValue::Int | ScalarValue::Float | ScalarValue::Bool(true)
    ) {
        return None;
    }
    let level = known_str(ctx, entry.value)?;
    // A falsy level (empty, 0) makes the framework use its default, INFO.
    let falsy = match kind {
        ScalarValue::Str => level.is_empty(),
        _ => level.parse::<f64>().is_ok_and(|n| n == 0.0),
    };
    (!falsy && !LEVELS.contains(&level)).then_some(level)
}

fn check(ctx: &Context, out: &mut Vec<Diagnostic>) {
    let Some(logs) = ctx.service.websocket_logs.as_ref() else {
        return;
    };
    let Some(entry) = logs.get(ctx.yaml, "level") else {
        return;
    };
    // The level is validated only while execution logging is on (and a stage is built at all).
    if logs.flag(ctx.yaml, "executionLogging") != Some(true) || ctx.service.external_api().is_some()
    {
        return;
    }
    let Some(level) = invalid_level(ctx, entry) else {
        return;
    };
    let mut diagnostic = Diagnostic::new(
        &RULE,
        ctx.yaml.range(entry.value),
        format!(
            "log level `{level}` is not `INFO` or `ERROR`: the deploy fails with \"provider.logs.websocket.level is set to an invalid value. Support values are INFO, ERROR, got {level}.\"",
            level = shown(level)
        ),
    );
    let upper = level.to_ascii_uppercase();
    let map = logs.mapping.unwrap_or(entry.value);
    if LEVELS.contains(&upper.as_str()) {
        if let Some(edit) = replace_scalar(ctx, entry.value, &upper) {
            diagnostic = diagnostic.with_fix(Fix::safe(
                format!("replace `{level}` with `{upper}` (the check is case-sensitive)"),
                vec![edit],
            ));
        }
    } else if matches!(upper.as_str(), "OFF" | "NONE" | "DISABLED" | "FALSE") {
        diagnostic =
            diagnostic.with_help("to turn execution logging off, set `executionLogging: false`");
        if logs.get(ctx.yaml, "executionLogging").is_none() && is_own_entry(ctx, map, entry) {
            if let (Some(key), Some(value)) = (
                replace_scalar(ctx, entry.key, "executionLogging"),
                replace_scalar(ctx, entry.value, "false"),
            ) {
                // `replace_scalar` would quote `false`; the boolean is meant.
                let value = Edit::replace(value.range, "false");
                diagnostic = diagnostic.with_fix(Fix::unsafe_(
                    "replace it with `executionLogging: false`",
                    vec![key, value],
                ));
            }
        }
    } else {
        let level_fix = nearest(&upper);
        diagnostic = diagnostic.with_help(match level_fix {
            "INFO" => "`INFO` logs every request; `ERROR` logs only errors",
            _ => "`ERROR` logs only errors; `INFO` logs every request",
        });
        if let Some(edit) = replace_scalar(ctx, entry.value, level_fix) {
            diagnostic = diagnostic.with_fix(Fix::unsafe_(
                format!("replace `{level}` with `{level_fix}`"),
                vec![edit],
            ));
        }
    }
    out.push(diagnostic);
}

/// The level a wrong value most likely meant: the nearer in spelling or in verbosity, `INFO`
/// (the default) when neither tells.
fn nearest(upper: &str) -> &'static str {
    match upper {
        "WARN" | "WARNING" | "ERR" | "FATAL" | "CRITICAL" | "SEVERE" => "ERROR",
        "DEBUG" | "TRACE" | "ALL" | "VERBOSE" | "TRUE" => "INFO",
        _ => match suggest(upper, LEVELS) {
            Some("ERROR") => "ERROR",
            _ => "INFO",
        },
    }
}
