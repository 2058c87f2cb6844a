use super::{has_unknown_route, routes, RESERVED};
use crate::diagnostics::shown;
use crate::diagnostics::{Diagnostic, Severity};
use crate::rules::{declare_rule, suggest, Context};

declare_rule! {
    /// ## What it does
    /// Reports a service that has custom routes (`sendMessage`, `joinRoom`...) but no `$default`
    /// route. It is reported once, on the first custom route.
    ///
    /// The rule says nothing when some route is a variable (it may be `$default`) or when the
    /// API is shared through `provider.apiGateway.websocketApiId` (another stack may define
    /// `$default`).
    ///
    /// ## Why is this bad?
    /// API Gateway sends each message to the route whose key equals the value the route
    /// selection expression picks from it (by default the message's `action` field). A message
    /// that matches no route, and every message that is not JSON, goes to `$default`. Without
    /// a `$default` route such a message reaches no function at all and the client gets an
    /// error reply: a misspelled action, an old client or a plain-text message fails with no
    /// trace in your logs.
    ///
    /// A `$default` route can log the message and answer with a helpful error.
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
    ///           route: sendMessage
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
    ///   fallback:
    ///     handler: handler.fallback
    ///     events:
    ///       - websocket:
    ///           route: $default
    /// ```
    pub static RULE = {
        code: "WS107",
        name: "no-default-route",
        severity: Some(Severity::Info),
        fix: None,
        check: Some(check),
    };
}

fn check(ctx: &Context, out: &mut Vec<Diagnostic>) {
    if has_unknown_route(ctx) || has_external_api(ctx) {
        return;
    }
    let all = routes(ctx);
    // `$default`, and the misspellings other rules report (`$Default`, `default`): the
    // author meant to have one.
    let has_default = all.iter().any(|r| {
        let key = r.key.as_str();
        key.trim_start_matches('$').eq_ignore_ascii_case("default")
            || (key.starts_with('$') && suggest(key, RESERVED) == Some("$default"))
    });
    if has_default {
        return;
    }
    let Some(first) = all.iter().find(|r| !r.key.starts_with('$')) else {
        return;
    };
    out.push(Diagnostic::new(
        &RULE,
        first.site,
        format!(
            "custom route `{}` but no `$default` route: a message that matches no route (or is not JSON) reaches no function, and the client gets an error reply",
            shown(&first.key)
        ),
    ).with_help("add a `$default` route to handle messages that match no other route"));
}

/// `provider.apiGateway.websocketApiId`: the API belongs (or may belong) to another stack,
/// which may have its own `$default`.
fn has_external_api(ctx: &Context) -> bool {
    ctx.service.api != crate::model::ApiOwner::Service
}
