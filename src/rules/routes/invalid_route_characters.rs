use rustc_hash::FxHashSet;

use super::{normalized_route, routes};
use crate::diagnostics::shown;
use crate::diagnostics::{Diagnostic, Severity};
use crate::rules::{declare_rule, Context};

declare_rule! {
    /// ## What it does
    /// Reports a route key with a character other than the letters `A-Z` and `a-z`, the digits
    /// and `$ / _ . -`: a space, `:`, `+`, `@`, `#`, `{`, or any other symbol or non-ASCII
    /// letter.
    ///
    /// ## Why is this bad?
    /// The framework names the route's CloudFormation resources after its key, spelling out only
    /// `$`, `/`, `-`, `_` and `.` (`send-message` becomes `sendDashmessageWebsocketsRoute`). Any
    /// other character stays in the logical id, and CloudFormation accepts only letters and
    /// digits there: the deploy fails with a template error. The framework does not check route
    /// keys, so nothing warns you before.
    ///
    /// Routes that start with `$` are left to `unknown-reserved-route` (WS101).
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
    ///           route: chat:send
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
    ///           route: chat/send
    /// ```
    pub static RULE = {
        code: "WS105",
        name: "invalid-route-characters",
        severity: Some(Severity::Error),
        fix: None,
        check: Some(check),
    };
}

fn check(ctx: &Context, out: &mut Vec<Diagnostic>) {
    let yaml = ctx.yaml;
    let mut seen = FxHashSet::default();
    for route in routes(ctx) {
        let key = route.key.as_str();
        if key.starts_with('$') {
            continue;
        }
        let mut invalid: Vec<char> = Vec::new();
        for c in key.chars() {
            if !is_valid(c) && !invalid.contains(&c) {
                invalid.push(c);
            }
        }
        if invalid.is_empty() || !seen.insert(yaml.resolve(route.node)) {
            continue;
        }
        let listed = and_list(invalid.iter().map(|c| describe(*c)).collect());
        let mut diagnostic = Diagnostic::new(
            &RULE,
            yaml.range(route.node),
            format!(
                "route `{key}` contains {listed}: its CloudFormation logical id `{}WebsocketsRoute` is invalid (only letters and digits are allowed) and the deploy fails",
                shown(&normalized_route(key)),
                key = shown(key)
            ),
        );
        if key.contains("request.body") {
            diagnostic = diagnostic.with_help(
                "this is a route selection expression: set it as `provider.websocketsApiRouteSelectionExpression`, and use the values it selects as routes",
            );
        } else if invalid.iter().all(|c| *c == ':' || *c == ' ') {
            diagnostic = diagnostic.with_help("use `/`, `-`, `_` or `.` to separate words");
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

fn is_valid(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '$' | '/' | '_' | '.' | '-')
}

fn describe(c: char) -> String {
    match c {
        ' ' => "a space".to_string(),
        '\t' => "a tab".to_string(),
        '`' => "a backtick".to_string(),
        c if c.is_control() || c.is_whitespace() => format!("U+{:04X}", c as u32),
        c => format!("`{c}`"),
    }
}

/// `a`, `a and b`, `a, b and c`.
fn and_list(mut items: Vec<String>) -> String {
    match items.pop() {
        None => String::new(),
        Some(last) if items.is_empty() => last,
        Some(last) => format!("{} and {last}", items.join(", ")),
    }
}
