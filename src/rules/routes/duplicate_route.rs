use super::{from_merged_functions, group_by, routes, RouteUse};
use crate::diagnostics::shown;
use crate::diagnostics::{Diagnostic, Severity};
use crate::rules::{declare_rule, Context};
use crate::span::TextRange;

declare_rule! {
    /// ## What it does
    /// Reports a route key used by more than one websocket event in the service, in the same
    /// function or in different ones. Every occurrence is reported, each pointing at the others.
    /// Route keys are case-sensitive: `sendMessage` and `sendmessage` are two routes.
    ///
    /// ## Why is this bad?
    /// Each route becomes one CloudFormation resource named after its key. The framework does
    /// not check for duplicates: it merges the events into that one resource, and the event it
    /// processes last wins. Only one function receives the route's messages, and settings such
    /// as an authorizer can be left behind from the other event. Nothing warns you; the other
    /// handler just never runs.
    ///
    /// This includes one event mapping used twice through a YAML alias (`- websocket: *event`):
    /// the framework sees two events with the same route.
    ///
    /// ## Example
    /// ```yaml
    /// service: chat
    /// provider:
    ///   name: aws
    /// functions:
    ///   send:
    ///     handler: handler.send
    ///     events:
    ///       - websocket:
    ///           route: sendMessage
    ///   broadcast:
    ///     handler: handler.broadcast
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
    ///   send:
    ///     handler: handler.send
    ///     events:
    ///       - websocket:
    ///           route: sendMessage
    ///   broadcast:
    ///     handler: handler.broadcast
    ///     events:
    ///       - websocket:
    ///           route: broadcast
    /// ```
    pub static RULE = {
        code: "WS103",
        name: "duplicate-route",
        severity: Some(Severity::Error),
        fix: None,
        check: Some(check),
    };
}

fn check(ctx: &Context, out: &mut Vec<Diagnostic>) {
    let yaml = ctx.yaml;
    for group in group_by(routes(ctx).iter(), |r| r.key.clone()) {
        let group = distinct_sites(group);
        if group.len() < 2 {
            continue;
        }
        // Functions defined twice in a `functions` list are deep-merged: what survives is not
        // ours to tell.
        if group.iter().enumerate().any(|(i, a)| {
            group[i + 1..]
                .iter()
                .any(|b| from_merged_functions(ctx, a.event, b.event))
        }) {
            continue;
        }
        let Some(last) = group.last() else {
            continue;
        };
        let key = shown(&last.key);
        let outcome = if group.iter().all(|r| r.function == last.function) {
            "the settings of the last one win".to_string()
        } else {
            format!("the last one (function `{}`) wins", shown(last.function))
        };
        for (i, route) in group.iter().enumerate() {
            let mut diagnostic = Diagnostic::new(
                &RULE,
                route.site,
                format!(
                    "route `{key}` is used by {} websocket events: the framework merges them into one route and {outcome}",
                    group.len()
                ),
            );
            let mut related: Vec<TextRange> = vec![route.site];
            for (j, other) in group.iter().enumerate() {
                if i == j || related.contains(&other.site) {
                    continue;
                }
                related.push(other.site);
                diagnostic = diagnostic.with_related(
                    other.site,
                    format!("also used here (function `{}`)", shown(other.function)),
                );
            }
            if route.through_alias(yaml) {
                let definition = yaml.range(yaml.resolve(route.node));
                if !related.contains(&definition) {
                    diagnostic = diagnostic.with_related(definition, "the route is defined here");
                }
                diagnostic = diagnostic.with_help(
                    "this event reaches its route through a YAML alias or merge key: the anchored definition is used by more than one event",
                );
            }
            out.push(diagnostic);
        }
    }
}

/// One entry per place in the text: two events can only share a site if the model saw one
/// event twice.
fn distinct_sites<'r, 'a>(group: Vec<&'r RouteUse<'a>>) -> Vec<&'r RouteUse<'a>> {
    let mut out: Vec<&RouteUse> = Vec::new();
    for route in group {
        if !out.iter().any(|r| r.site == route.site) {
            out.push(route);
        }
    }
    out
}
