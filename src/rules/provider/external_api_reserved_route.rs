use crate::diagnostics::shown;
use crate::diagnostics::{Diagnostic, Severity};
use crate::rules::{declare_rule, Context};

declare_rule! {
    /// ## What it does
    /// Reports a `$connect`, `$disconnect` or `$default` route in a service that reuses an
    /// existing WebSocket API through `provider.apiGateway.websocketApiId`.
    ///
    /// ## Why is this bad?
    /// A route key exists once per API. When services share an API, the stack that owns it (or
    /// another service on it) often defines the reserved routes too, and the deploy then fails
    /// with `Route with key $connect already exists for this API` (a `ConflictException`).
    /// Only one stack may own each of these routes: make sure it is this one.
    ///
    /// The API counts as external also when `websocketApiId` is a variable that cannot be
    /// resolved before deploy (`${cf:...}`, `${ssm:...}`, `${param:...}`, the usual way to share
    /// one API between stacks): it either resolves to an id or fails the deploy. Only a fallback
    /// that is empty or null (`${opt:api, ''}`) leaves it open, and then this rule is silent.
    ///
    /// ## Example
    /// ```yaml
    /// service: chat-handlers
    /// provider:
    ///   name: aws
    ///   apiGateway:
    ///     websocketApiId: abc123
    /// functions:
    ///   connect:
    ///     handler: handler.connect
    ///     events:
    ///       - websocket: $connect
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// service: chat-handlers
    /// provider:
    ///   name: aws
    ///   apiGateway:
    ///     websocketApiId: abc123
    /// functions:
    ///   message:
    ///     handler: handler.message
    ///     events:
    ///       - websocket: sendMessage
    /// ```
    pub static RULE = {
        code: "WS304",
        name: "external-api-reserved-route",
        severity: Some(Severity::Info),
        fix: None,
        check: Some(check),
    };
}

fn check(ctx: &Context, out: &mut Vec<Diagnostic>) {
    let Some(api) = ctx.service.external_api() else {
        return;
    };
    for (_, route) in ctx.service.known_routes() {
        if !matches!(route.key.as_str(), "$connect" | "$disconnect" | "$default") {
            continue;
        }
        out.push(
            Diagnostic::new(
                &RULE,
                ctx.yaml.range(route.node),
                format!(
                    "route `{key}` on an external API: if the stack that owns the API defines `{key}` too, the deploy fails with `Route with key {key} already exists for this API`",
                    key = shown(&route.key)
                ),
            )
            .with_related(ctx.yaml.range(api.key), "the external API"),
        );
    }
}
