use crate::diagnostics::{Diagnostic, Severity};
use crate::model::coerce;
use crate::rules::{declare_rule, Context};

declare_rule! {
    /// ## What it does
    /// Reports `provider.websocket.useProviderTags: true` in a service without `provider.tags`.
    ///
    /// ## Why is this bad?
    /// `useProviderTags` copies `provider.tags` to the WebSocket API. With no provider tags
    /// there is nothing to copy, so the setting does nothing: either the tags it was added for
    /// are missing (or sit under another key), or the setting can go. (`stackTags` are applied
    /// by CloudFormation to the whole stack and need no `useProviderTags`.)
    ///
    /// ## Example
    /// ```yaml
    /// service: chat
    /// provider:
    ///   name: aws
    ///   websocket:
    ///     useProviderTags: true
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
    ///   tags:
    ///     team: chat
    ///   websocket:
    ///     useProviderTags: true
    /// functions:
    ///   connect:
    ///     handler: handler.connect
    ///     events:
    ///       - websocket: $connect
    /// ```
    pub static RULE = {
        code: "WS502",
        name: "use-provider-tags-without-tags",
        severity: Some(Severity::Warning),
        fix: None,
        check: Some(check),
    };
}

fn check(ctx: &Context, out: &mut Vec<Diagnostic>) {
    let yaml = ctx.yaml;
    let Some(entry) = ctx
        .service
        .provider_entry(yaml, &["websocket", "useProviderTags"])
    else {
        return;
    };
    // With an external API WS303 reports the setting.
    if coerce::truthy(ctx.yaml, entry.value, ctx.service.framework_major) != Some(true)
        || ctx.service.external_api().is_some()
    {
        return;
    }
    let tags = ctx.service.provider_value(yaml, &["tags"]);
    let no_tags = match tags {
        None => true,
        Some(tags) => yaml.is_null(tags) || yaml.is_mapping(tags) && yaml.entries(tags).is_empty(),
    };
    if !no_tags {
        return;
    }
    out.push(
        Diagnostic::new(
            &RULE,
            yaml.range(entry.key),
            "`useProviderTags: true` has nothing to apply: `provider.tags` is not set",
        )
        .with_help("add the tags under `provider.tags`, or remove `useProviderTags`"),
    );
}
