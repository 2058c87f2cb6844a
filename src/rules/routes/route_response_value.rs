use rustc_hash::FxHashSet;

use super::scalar_edit;
use crate::diagnostics::shown;
use crate::diagnostics::{Diagnostic, Fix, Severity};
use crate::rules::{declare_rule, Context};
use crate::variables;
use crate::yaml::ScalarValue;

declare_rule! {
    /// ## What it does
    /// Reports a `routeResponseSelectionExpression` with any value other than `$default`.
    ///
    /// ## Why is this bad?
    /// A route response makes a route two-way: the function's return value is sent back to the
    /// client. For WebSocket APIs AWS supports only one route response selection expression,
    /// `$default` ("Currently, this value is restricted to `$default` only"), and the
    /// framework's schema accepts nothing else. Any other value is reported as invalid
    /// configuration; the framework then copies it to the route anyway, which AWS does not
    /// accept. A false value (`false`, `0`, `''`) is dropped by the framework: the route stays
    /// one-way.
    ///
    /// The fix sets `$default`. For a false value there is no fix: remove the key for a one-way
    /// route, or set `$default` for a two-way one.
    ///
    /// ## Example
    /// ```yaml
    /// service: chat
    /// provider:
    ///   name: aws
    /// functions:
    ///   echo:
    ///     handler: handler.echo
    ///     events:
    ///       - websocket:
    ///           route: echo
    ///           routeResponseSelectionExpression: $request.body.action
    ///       - websocket:
    ///           route: $default
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// service: chat
    /// provider:
    ///   name: aws
    /// functions:
    ///   echo:
    ///     handler: handler.echo
    ///     events:
    ///       - websocket:
    ///           route: echo
    ///           routeResponseSelectionExpression: $default
    ///       - websocket:
    ///           route: $default
    /// ```
    pub static RULE = {
        code: "WS106",
        name: "route-response-value",
        severity: Some(Severity::Warning),
        fix: Sometimes,
        check: Some(check),
    };
}

fn check(ctx: &Context, out: &mut Vec<Diagnostic>) {
    let yaml = ctx.yaml;
    let mut seen = FxHashSet::default();
    for event in &ctx.service.events {
        let Some(entry) = event.route_response else {
            continue;
        };
        let node = entry.value;
        let Some(kind) = yaml.scalar_value(node) else {
            continue; // a list or mapping: the shape rules report it
        };
        let Some(text) = yaml.str(node) else {
            continue;
        };
        if matches!(kind, ScalarValue::Null | ScalarValue::Tagged)
            || text == "$default"
            || variables::has_variable(text)
        {
            continue;
        }
        if !seen.insert(yaml.resolve(node)) {
            continue;
        }
        let falsy = match kind {
            ScalarValue::Bool(b) => !b,
            ScalarValue::Int | ScalarValue::Float => text
                .trim_start_matches(['+', '-'])
                .trim_start_matches("0x")
                .chars()
                .all(|c| matches!(c, '0' | '.' | '_')),
            _ => text.is_empty(),
        };
        let shown = if kind == ScalarValue::Str && text.is_empty() {
            "''".into()
        } else {
            shown(text)
        };
        let mut diagnostic = if falsy {
            Diagnostic::new(
                &RULE,
                yaml.range(node),
                format!(
                    "`routeResponseSelectionExpression` is `{shown}`: the only accepted value is `$default`, and the framework ignores an empty or false value, so the route stays one-way"
                ),
            )
            .with_help("remove it for a one-way route, or set `$default` to send the function's response back to the client")
        } else {
            let mut diagnostic = Diagnostic::new(
                &RULE,
                yaml.range(node),
                format!(
                    "`routeResponseSelectionExpression` is `{shown}`, expected `$default`: the only value AWS supports for WebSocket APIs and the framework's schema accepts"
                ),
            );
            if let Some(edit) = scalar_edit(ctx, node, "$default") {
                diagnostic = diagnostic.with_fix(Fix::safe("set `$default`", vec![edit]));
            }
            diagnostic
        };
        if yaml.is_alias(node) {
            diagnostic = diagnostic
                .with_related(yaml.range(yaml.resolve(node)), "the value is defined here");
        }
        out.push(diagnostic);
    }
}
