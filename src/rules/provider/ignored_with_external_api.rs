use crate::diagnostics::{Diagnostic, DiagnosticTag, Severity};
use crate::model::coerce;
use crate::rules::{declare_rule, Context};

declare_rule! {
    /// ## What it does
    /// Reports `provider.logs.websocket` and `provider.websocket.useProviderTags` in a service
    /// that reuses an existing WebSocket API through `provider.apiGateway.websocketApiId`.
    ///
    /// ## Why is this bad?
    /// With an external API the framework creates no API, no stage and no log group: it only
    /// adds routes and a deployment to the API that another stack owns. The stage's logging
    /// settings and the API's tags are therefore never set, and the framework says nothing
    /// about it. Logging and tags have to be configured in the stack that creates the API.
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
    ///   logs:
    ///     websocket:
    ///       fullExecutionData: false
    /// functions:
    ///   message:
    ///     handler: handler.message
    ///     events:
    ///       - websocket: sendMessage
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
        code: "WS303",
        name: "ignored-with-external-api",
        severity: Some(Severity::Warning),
        fix: None,
        check: Some(check),
    };
}

fn check(ctx: &Context, out: &mut Vec<Diagnostic>) {
    let Some(api) = ctx.service.external_api() else {
        return;
    };
    let api_range = ctx.yaml.range(api.key);
    if let Some(logs) = ctx.service.provider_entry(ctx.yaml, &["logs", "websocket"]) {
        // `false` (or nothing) turns logs off anyway; only settings that would do something count.
        let enabled = ctx.yaml.is_mapping(logs.value)
            || coerce::truthy(ctx.yaml, logs.value, ctx.service.framework_major) == Some(true);
        if enabled {
            out.push(
                Diagnostic::new(
                    &RULE,
                    ctx.yaml.range(logs.key),
                    "`provider.logs.websocket` has no effect with an external API (`provider.apiGateway.websocketApiId`): the framework creates no stage or log group for it",
                )
                .with_related(api_range, "the external API")
                .with_help("configure logging in the stack that creates the API")
                .with_tag(DiagnosticTag::Unnecessary),
            );
        }
    }
    if let Some(tags) = ctx
        .service
        .provider_entry(ctx.yaml, &["websocket", "useProviderTags"])
    {
        if coerce::truthy(ctx.yaml, tags.value, ctx.service.framework_major) == Some(true) {
            out.push(
                Diagnostic::new(
                    &RULE,
                    ctx.yaml.range(tags.key),
                    "`useProviderTags` has no effect with an external API (`provider.apiGateway.websocketApiId`): the framework does not tag an API it does not create",
                )
                .with_related(api_range, "the external API")
                .with_help("tag the API in the stack that creates it")
                .with_tag(DiagnosticTag::Unnecessary),
            );
        }
    }
}
