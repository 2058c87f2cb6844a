use crate::diagnostics::{Diagnostic, Severity};
use crate::rules::{declare_rule, Context};

declare_rule! {
    /// ## What it does
    /// Reports a route that is an empty or blank string: `route: ''`, `route: ' '`, or the
    /// shorthand `websocket: ' '`.
    ///
    /// `websocket: ''` is not a route at all: the framework skips that event, and
    /// `empty-websocket-event` (WS010) reports it. `route:` with no value counts as missing and
    /// is reported by `missing-route` (WS012).
    ///
    /// ## Why is this bad?
    /// The framework checks neither the presence nor the content of a route key once it is a
    /// string, so it builds a route whose key is empty or only spaces. API Gateway matches
    /// route keys exactly, so no message can ever select it, and the route's CloudFormation
    /// resource gets a name without the route in it (or with a space, which CloudFormation
    /// refuses).
    ///
    /// ## Example
    /// ```yaml
    /// service: chat
    /// provider:
    ///   name: aws
    /// functions:
    ///   message:
    ///     handler: handler.message
    ///     events:
    ///       - websocket:
    ///           route: ''
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
    ///     events:
    ///       - websocket:
    ///           route: sendMessage
    /// ```
    pub static RULE = {
        code: "WS013",
        name: "empty-route",
        severity: Some(Severity::Error),
        fix: None,
        check: Some(check),
    };
}

fn check(ctx: &Context, out: &mut Vec<Diagnostic>) {
    let yaml = ctx.yaml;
    for (event, route) in ctx.service.known_routes() {
        if !route.key.trim().is_empty() {
            continue;
        }
        // The shorthand `websocket: ''` is skipped by the framework: WS010's.
        let shorthand = route.node == event.value;
        if shorthand && route.key.is_empty() {
            continue;
        }
        let message = if route.key.is_empty() {
            "empty route key: the framework does not check it and builds a route that no message can select".to_string()
        } else {
            format!(
                "route key of white space only (`{:?}`): the framework does not check it and builds a route that no message can select",
                route.key
            )
        };
        out.push(
            Diagnostic::new(&RULE, yaml.range(route.node), message).with_help(
                "write the route key, e.g. `$default` or the action name the clients send",
            ),
        );
    }
}
