use rustc_hash::FxHashSet;

use super::{routes, scalar_edit, RESERVED};
use crate::diagnostics::shown;
use crate::diagnostics::{Diagnostic, Fix, Severity};
use crate::rules::{declare_rule, suggest, Context};

declare_rule! {
    /// ## What it does
    /// Reports a route that starts with `$` but is not one of the routes API Gateway predefines:
    /// `$connect`, `$disconnect` and `$default`. It suggests the nearest of the three (`$Connect`
    /// and `$conect` are `$connect`).
    ///
    /// ## Why is this bad?
    /// The `$` prefix is reserved for the predefined routes. API Gateway refuses any other route
    /// key that starts with `$` and the deploy fails with "The provided route key is not
    /// formatted properly" (a BadRequestException). The framework does not check route keys,
    /// so nothing warns you before CloudFormation is half-way through the update.
    ///
    /// A custom route is written without the `$`: `sendMessage`, matched against the value the
    /// route selection expression picks from each message (by default its `action` field).
    ///
    /// The fix replaces the route with the suggested predefined route. It is applied by `--fix`
    /// only when the two differ just in letter case; a misspelling is fixed with
    /// `--unsafe-fixes`, since a custom route may have been meant instead.
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
    ///           route: $Connect
    ///   message:
    ///     handler: handler.message
    ///     events:
    ///       - websocket:
    ///           route: $sendMessage
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
    ///   connect:
    ///     handler: handler.connect
    ///     events:
    ///       - websocket:
    ///           route: $connect
    ///   message:
    ///     handler: handler.message
    ///     events:
    ///       - websocket:
    ///           route: sendMessage
    ///       - websocket:
    ///           route: $default
    /// ```
    pub static RULE = {
        code: "WS101",
        name: "unknown-reserved-route",
        severity: Some(Severity::Error),
        fix: Sometimes,
        check: Some(check),
    };
}

fn check(ctx: &Context, out: &mut Vec<Diagnostic>) {
    let yaml = ctx.yaml;
    let all = routes(ctx);
    let mut seen = FxHashSet::default();
    for route in all {
        let key = route.key.as_str();
        if !key.starts_with('$') || RESERVED.contains(&key) {
            continue;
        }
        // One value reached by several events (through an alias) is one mistake.
        if !seen.insert(yaml.resolve(route.node)) {
            continue;
        }
        let lower = key.to_ascii_lowercase();
        let case_variant = RESERVED.iter().copied().find(|r| *r == lower);
        let suggestion = case_variant.or_else(|| {
            (!looks_like_selection_expression(key))
                .then(|| suggest(key, RESERVED))
                .flatten()
        });
        let mut diagnostic = Diagnostic::new(
            &RULE,
            yaml.range(route.node),
            format!(
                "route `{key}` starts with `$` but is not `$connect`, `$disconnect` or `$default`: AWS rejects it (\"The provided route key is not formatted properly\")",
                key = shown(key)
            ),
        );
        match suggestion {
            Some(reserved) => {
                let title = format!("replace `{}` with `{reserved}`", shown(key));
                // Renaming onto a route the service already has makes a duplicate (WS103).
                let taken = all.iter().any(|r| r.key == reserved);
                if taken {
                    diagnostic = diagnostic.with_help(format!(
                        "the service already has a `{reserved}` route: merge the two events into one"
                    ));
                }
                if let Some(edit) = scalar_edit(ctx, route.node, reserved) {
                    let fix = if case_variant.is_some() && !taken {
                        Fix::safe(title, vec![edit])
                    } else {
                        Fix::unsafe_(title, vec![edit])
                    };
                    diagnostic = diagnostic.with_fix(fix);
                } else if !taken {
                    diagnostic = diagnostic.with_help(format!("did you mean `{reserved}`?"));
                }
            }
            None => {
                diagnostic = diagnostic.with_help(custom_route_help(key));
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

fn custom_route_help(key: &str) -> String {
    if looks_like_selection_expression(key) {
        return "this is a route selection expression: set it as `provider.websocketsApiRouteSelectionExpression`, and use the values it selects as routes".to_string();
    }
    let custom = shown(key.trim_start_matches('$'));
    // `${ self:x }` under v3: a variable that the space turned into text (WS606 says so).
    if custom.starts_with('{') {
        return "this is a variable the framework leaves as text: write it without spaces inside `${...}`".to_string();
    }
    if custom.is_empty() {
        "only `$connect`, `$disconnect` and `$default` may start with `$`".to_string()
    } else {
        format!("only `$connect`, `$disconnect` and `$default` may start with `$`: for a custom route, drop the `$` (`{custom}`)")
    }
}

/// `$request.body.action`, `${request.body.action}`: the route selection expression written
/// where the route belongs.
fn looks_like_selection_expression(key: &str) -> bool {
    key.starts_with("$request.") || key.starts_with("${request.")
}
