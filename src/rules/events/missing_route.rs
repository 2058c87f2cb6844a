use crate::diagnostics::{Diagnostic, Severity};
use crate::rules::{declare_rule, suggest, Context};

declare_rule! {
    /// ## What it does
    /// Reports a websocket event written as a mapping without `route` (or with `route:` left
    /// empty, which counts as missing).
    ///
    /// Where the event has the old `routeKey` and `plugins` lists `serverless-websockets-plugin`,
    /// that plugin reads the event and this rule says nothing.
    ///
    /// ## Why is this bad?
    /// The framework's schema only warns ("must have required property 'route'"); its compiler
    /// then reads the route as `undefined` and packaging fails while it names the route's
    /// resources. `routeKey`, the old serverless-websockets-plugin's key, is not read by the
    /// framework at all.
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
    ///           routeKey: $connect
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
    /// ```
    pub static RULE = {
        code: "WS012",
        name: "missing-route",
        severity: Some(Severity::Error),
        fix: None,
        check: Some(check),
    };
}

fn check(ctx: &Context, out: &mut Vec<Diagnostic>) {
    let yaml = ctx.yaml;
    for event in &ctx.service.events {
        if !yaml.is_mapping(event.value) || yaml.tag(yaml.resolve(event.value)).is_some() {
            continue;
        }
        let route = yaml.get(event.value, "route");
        if route.is_some_and(|r| !yaml.is_null(r.value)) {
            continue;
        }
        let route_key = yaml.get(event.value, "routeKey");
        if route_key.is_some() && ctx.service.has_plugin(crate::model::LEGACY_PLUGIN) {
            continue;
        }
        let what = if route.is_some() {
            "websocket event whose `route` has no value"
        } else {
            "websocket event without a `route`"
        };
        let mut diagnostic = match route_key {
            Some(entry) => Diagnostic::new(
                &RULE,
                yaml.range(event.key),
                format!(
                    "{what}: `routeKey` is the old serverless-websockets-plugin's key, which the framework does not read; packaging fails on the missing route key"
                ),
            )
            .with_related(yaml.range(entry.key), "the old plugin's key")
            .with_help("rename `routeKey` to `route`"),
            None => Diagnostic::new(
                &RULE,
                yaml.range(event.key),
                format!(
                    "{what}: the framework's schema only warns, and packaging then fails on the missing route key"
                ),
            )
            .with_help(if route.is_some() {
                "write the route key after `route:`, e.g. `route: $connect`"
            } else {
                "add `route:` with the route key, e.g. `route: $connect`"
            }),
        };
        if let Some(entry) = route {
            diagnostic = diagnostic.with_related(yaml.range(entry.key), "no value here");
        } else if route_key.is_none() {
            // A misspelled `route` (reported by `unknown-key`) explains the missing one.
            let misspelled = yaml.entries(event.value).into_iter().find(|e| {
                yaml.key_text(e.key)
                    .is_some_and(|k| k != "route" && suggest(k, ["route"]).is_some())
            });
            if let Some(entry) = misspelled {
                diagnostic =
                    diagnostic.with_related(yaml.range(entry.key), "a misspelled `route`?");
            }
        }
        out.push(diagnostic);
    }
}
