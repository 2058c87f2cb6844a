use crate::diagnostics::{Diagnostic, Fix, Severity};
use crate::rules::edits::{add_entry, NewValue};
use crate::rules::{declare_rule, Context};

declare_rule! {
    /// ## What it does
    /// Reports `provider.tags` in a service with websocket events when
    /// `provider.websocket.useProviderTags` is not set.
    ///
    /// ## Why is this bad?
    /// The framework applies `provider.tags` to the service's functions, but to the WebSocket
    /// API only when `provider.websocket.useProviderTags` is `true`. Without it the API has no tags, so cost allocation and tag-based policies
    /// miss it; the framework only prints a deprecation (`AWS_WEBSOCKET_API_USE_PROVIDER_TAGS`)
    /// saying that a future major version will apply them by default. v4 still does not.
    ///
    /// The fix adds `useProviderTags: true` under `provider.websocket`. The tags go on the API
    /// only, not on its stage. Setting `useProviderTags: false` explicitly keeps the API
    /// untagged without a report.
    ///
    /// ## Example
    /// ```yaml
    /// service: chat
    /// provider:
    ///   name: aws
    ///   tags:
    ///     team: chat
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
        code: "WS501",
        name: "provider-tags-not-applied",
        severity: Some(Severity::Info),
        fix: Sometimes,
        check: Some(check),
    };
}

fn check(ctx: &Context, out: &mut Vec<Diagnostic>) {
    let yaml = ctx.yaml;
    let Some(provider) = ctx.service.provider else {
        return;
    };
    let Some(tags) = yaml.get(provider, "tags") else {
        return;
    };
    // Only a mapping with tags in it: a variable is unknown, `{}` has nothing to apply.
    if !yaml.is_mapping(tags.value) || yaml.entries(tags.value).is_empty() {
        return;
    }
    if !ctx.service.has_websocket_events(ctx.yaml)
        || ctx.service.external_api().is_some()
        || ctx.service.uses_legacy_plugin(ctx.yaml)
    {
        return;
    }
    let websocket = yaml.get(provider, "websocket");
    let websocket_map = websocket.map(|w| w.value).filter(|v| yaml.is_mapping(*v));
    // Any value of `useProviderTags` is a decision (or unknown): only its absence is reported.
    if websocket_map.is_some_and(|w| yaml.get(w, "useProviderTags").is_some()) {
        return;
    }
    // `websocket:` holding something other than a mapping (a variable...) is not ours to judge.
    if websocket.is_some_and(|w| websocket_map.is_none() && !yaml.is_null(w.value)) {
        return;
    }
    let mut diagnostic = Diagnostic::new(
        &RULE,
        yaml.range(tags.key),
        "`provider.tags` are not applied to the WebSocket API: the framework tags it only with `provider.websocket.useProviderTags: true`",
    );
    let edit = match (websocket, websocket_map) {
        (None, _) => add_entry(
            ctx,
            provider,
            "websocket",
            NewValue::Mapping("useProviderTags", "true"),
        ),
        (Some(_), Some(map)) => add_entry(ctx, map, "useProviderTags", NewValue::Scalar("true")),
        // `websocket:` with no value.
        (Some(_), None) => None,
    };
    diagnostic = match edit {
        Some(edit) => diagnostic.with_fix(Fix::unsafe_(
            "set `provider.websocket.useProviderTags: true`",
            vec![edit],
        )),
        None => diagnostic.with_help("set `provider.websocket.useProviderTags: true`"),
    };
    out.push(diagnostic);
}
