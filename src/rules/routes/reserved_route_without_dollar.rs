use rustc_hash::FxHashSet;

use super::{has_unknown_route, routes, scalar_edit, RESERVED};
use crate::diagnostics::shown;
use crate::diagnostics::{Diagnostic, Fix, Severity};
use crate::rules::{declare_rule, Context};

declare_rule! {
    /// ## What it does
    /// Reports a custom route spelled `connect`, `disconnect` or `default` (in any letter case)
    /// while the service has no route with the same name and a `$`: almost always the predefined
    /// route `$connect`, `$disconnect` or `$default` with its `$` forgotten.
    ///
    /// ## Why is this bad?
    /// Without the `$` the route is an ordinary custom route. API Gateway never sends the
    /// connection or disconnection to it: `connect` runs only when a client sends a message like
    /// `{"action": "connect"}`. Code meant to register a connection does not run, clients are
    /// never authorized on connect, and the framework deploys it without a word. A `default`
    /// route is not the fallback either: messages that match no route get an error reply.
    ///
    /// The fix adds the `$`. It changes what the route does, so it is applied only with
    /// `--unsafe-fixes`: an action really named `connect` is possible. The rule says nothing
    /// when the service also has the predefined route (`$connect` beside `connect`), where the
    /// custom route is most likely meant, nor when some route is a variable or comes from an
    /// included file (it may be that `$connect`).
    ///
    /// ## Example
    /// ```yaml
    /// service: chat
    /// provider:
    ///   name: aws
    /// functions:
    ///   connect:
    ///     handler: handler.connect
    ///     events:
    ///       - websocket:
    ///           route: connect
    ///   disconnect:
    ///     handler: handler.disconnect
    ///     events:
    ///       - websocket: $disconnect
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// service: chat
    /// provider:
    ///   name: aws
    /// functions:
    ///   connect:
    ///     handler: handler.connect
    ///     events:
    ///       - websocket:
    ///           route: $connect
    ///   disconnect:
    ///     handler: handler.disconnect
    ///     events:
    ///       - websocket: $disconnect
    /// ```
    pub static RULE = {
        code: "WS102",
        name: "reserved-route-without-dollar",
        severity: Some(Severity::Warning),
        fix: Sometimes,
        check: Some(check),
    };
}

fn check(ctx: &Context, out: &mut Vec<Diagnostic>) {
    let yaml = ctx.yaml;
    let all = routes(ctx);
    // Where some route is unknown, it may be the `$connect` that makes `connect` deliberate.
    let unknown = has_unknown_route(ctx);
    let mut seen = FxHashSet::default();
    for route in all {
        let key = route.key.as_str();
        let Some(reserved) = RESERVED
            .iter()
            .copied()
            .find(|r| r[1..].eq_ignore_ascii_case(key))
        else {
            continue;
        };
        // `$connect` and `connect` side by side: the custom route is deliberate.
        if unknown || all.iter().any(|r| r.key == reserved) {
            continue;
        }
        if !seen.insert(yaml.resolve(route.node)) {
            continue;
        }
        let mut diagnostic = Diagnostic::new(
            &RULE,
            yaml.range(route.node),
            format!(
                "route `{key}` is a custom route, not the predefined `{reserved}`: {}",
                what_it_misses(reserved),
                key = shown(key)
            ),
        );
        match scalar_edit(ctx, route.node, reserved) {
            Some(edit) => {
                diagnostic = diagnostic.with_fix(Fix::unsafe_(
                    format!("add the `$`: `{reserved}`"),
                    vec![edit],
                ));
            }
            None => {
                diagnostic = diagnostic.with_help(format!("did you mean `{reserved}`?"));
            }
        }
        if yaml.is_alias(route.node) {
            diagnostic = diagnostic.with_related(
                yaml.range(yaml.resolve(route.node)),
                "the value is defined here",
            );
        }
        out.push(diagnostic);
    }
}

fn what_it_misses(reserved: &str) -> &'static str {
    match reserved {
        "$connect" => "it runs only for messages that select it, never when a client connects",
        "$disconnect" => {
            "it runs only for messages that select it, never when a client disconnects"
        }
        _ => "it runs only for messages that select it, and is not the fallback for messages that match no route",
    }
}
