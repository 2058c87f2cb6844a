use crate::diagnostics::{Diagnostic, Severity};
use crate::rules::edits::known_str;
use crate::rules::{declare_rule, Context};
use crate::yaml::{NodeId, ScalarValue};

declare_rule! {
    /// ## What it does
    /// Reports a `timeout` over 29 seconds on a function with websocket events, or a
    /// `provider.timeout` over 29 seconds that such functions inherit.
    ///
    /// ## Why is this bad?
    /// API Gateway waits at most 29 seconds for a WebSocket route's integration (the quota is
    /// 50 ms to 29 s and cannot be raised for WebSocket APIs). A function that runs longer keeps
    /// running, but API Gateway has already given up on it: a `$connect` that takes longer
    /// fails the connection, and a reply through a route response never arrives. The function
    /// timeout above 29 s only hides that.
    ///
    /// Long work can still answer the client with `postToConnection` (the `@connections` API),
    /// or run in a function invoked asynchronously. Where that is the design, this rule can be
    /// ignored for the function.
    ///
    /// ## Example
    /// ```yaml
    /// service: chat
    /// provider:
    ///   name: aws
    /// functions:
    ///   message:
    ///     handler: handler.message
    ///     timeout: 60
    ///     events:
    ///       - websocket: $default
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// service: chat
    /// provider:
    ///   name: aws
    /// functions:
    ///   message:
    ///     handler: handler.message
    ///     timeout: 29
    ///     events:
    ///       - websocket: $default
    /// ```
    pub static RULE = {
        code: "WS701",
        name: "integration-timeout",
        severity: Some(Severity::Info),
        fix: None,
        check: Some(check),
    };
}

const LIMIT: f64 = 29.0;

/// A timeout in seconds when the value is a known number (or a numeric string, which the
/// framework's schema coerces).
fn seconds(ctx: &Context, node: NodeId) -> Option<f64> {
    if !matches!(
        ctx.yaml.scalar_value(node)?,
        ScalarValue::Int | ScalarValue::Float | ScalarValue::Str
    ) {
        return None;
    }
    known_str(ctx, node)?.trim().parse::<f64>().ok()
}

fn check(ctx: &Context, out: &mut Vec<Diagnostic>) {
    let yaml = ctx.yaml;
    // Functions with compiled websocket events, in order, each once.
    let mut functions: Vec<usize> = Vec::new();
    let mut seen = rustc_hash::FxHashSet::default();
    for event in &ctx.service.events {
        if !yaml.is_null(event.value) && seen.insert(event.function) {
            functions.push(event.function);
        }
    }
    let mut inheriting = Vec::new();
    for index in functions {
        let Some(function) = ctx.service.functions.get(index) else {
            continue;
        };
        let own = yaml
            .get(function.node, "timeout")
            .filter(|e| !yaml.is_null(e.value));
        let Some(entry) = own else {
            inheriting.push(function);
            continue;
        };
        let Some(timeout) = seconds(ctx, entry.value) else {
            continue;
        };
        if timeout > LIMIT {
            out.push(
                Diagnostic::new(
                    &RULE,
                    yaml.range(entry.value),
                    format!(
                        "timeout `{}` of function `{}` is over API Gateway's 29-second limit for websocket integrations: API Gateway stops waiting after 29 s while the function keeps running",
                        yaml.str(entry.value).unwrap_or_default(),
                        function.name
                    ),
                )
                .with_help("reply from long work with `postToConnection`, or hand it to an asynchronous invocation"),
            );
        }
    }
    if inheriting.is_empty() {
        return;
    }
    let Some(entry) = ctx.service.provider_entry(yaml, &["timeout"]) else {
        return;
    };
    if !seconds(ctx, entry.value).is_some_and(|t| t > LIMIT) {
        return;
    }
    let names: Vec<String> = inheriting.iter().map(|f| format!("`{}`", f.name)).collect();
    let (subject, verb) = if names.len() == 1 {
        ("function", "keeps")
    } else {
        ("functions", "keep")
    };
    let mut diagnostic = Diagnostic::new(
        &RULE,
        yaml.range(entry.value),
        format!(
            "`provider.timeout` `{}` applies to websocket {subject} {}, over API Gateway's 29-second limit for websocket integrations: API Gateway stops waiting after 29 s while the {subject} {verb} running",
            yaml.str(entry.value).unwrap_or_default(),
            names.join(", ")
        ),
    )
    .with_help("set a `timeout` of at most 29 on these functions, or reply from long work with `postToConnection`");
    for function in inheriting {
        diagnostic =
            diagnostic.with_related(yaml.range(function.key), "inherits `provider.timeout`");
    }
    out.push(diagnostic);
}
